import Foundation
import Testing

/// Inputs that once ended in a trap, a stack overflow or a run of minutes (issue 13,
/// item 2), each rerun through the command that failed.
@Suite("Crash regressions")
struct CrashRegressionTests {
  /// The example diary with its text transformed line by line (header kept).
  static func diary(_ transform: ([String], [String]) -> [String]) throws -> String {
    let text = try String(
      contentsOfFile: repositoryPath("Datasets/example/diary_nights.csv"), encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    for i in 1..<lines.count {
      let cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      lines[i] = transform(header, cells).joined(separator: ",")
    }
    return try TemporaryFile.write(lines.joined(separator: "\n") + "\n")
  }

  @Test("report on a diary whose cramp column is coded yes/no is a located data error")
  func yesNoCramp() throws {
    let path = try Self.diary { header, cells in
      var cells = cells
      let c = header.firstIndex(of: "cramp") ?? 0
      cells[c] = cells[c] == "1" ? "yes" : cells[c] == "0" ? "no" : cells[c]
      return cells
    }
    let result = runCLI(["report", path])
    // Either the yes/no coding is read (exit 0) or refused naming the line and column.
    if result.status != 0 {
      #expect(result.status == 65)
      #expect(result.err.contains(":2: column 'cramp'"), "\(result.err)")
    }
  }

  @Test("report on a diary with no cramp night skips the models with a warning")
  func noCrampNight() throws {
    let path = try Self.diary { header, cells in
      var cells = cells
      for name in ["cramp", "cramp_count"] {
        if let c = header.firstIndex(of: name), !cells[c].isEmpty { cells[c] = "0" }
      }
      for name in ["severity", "duration_min"] {
        if let c = header.firstIndex(of: name) { cells[c] = "" }
      }
      return cells
    }
    let result = runCLI(["report", path, "--format", "json"])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.err.contains("no cramp night in the diary"), "\(result.err)")
  }

  @Test("an impossible cramp count is a located error, not a trap")
  func hugeCount() throws {
    let path = try Self.diary { header, cells in
      var cells = cells
      if let c = header.firstIndex(of: "cramp"), let k = header.firstIndex(of: "cramp_count"),
        cells[c] == "1"
      {
        cells[k] = "1e19"
      }
      return cells
    }
    for command in [["report"], ["recurrent", "--model", "ag", "--formula", "~ age_over_50"]] {
      let result = runCLI([command[0], path] + command.dropFirst())
      #expect(result.status == 65, "\(command)")
      #expect(result.err.contains("column 'cramp_count'"), "\(result.err)")
    }
  }

  /// Formulas with the exit status each must give.
  static let formulaCases: [(String, Int32)] = {
    let deep = String(repeating: "(", count: 30_000) + "age" + String(repeating: ")", count: 30_000)
    let crossed = Array(repeating: "age_over_50", count: 40).joined(separator: "*")
    let signs = "I(" + String(repeating: "-", count: 5_000) + "age)"
    return [
      ("cramp ~ age^1e19", 0), ("cramp ~ age^1e10", 0), ("cramp ~ " + deep, 65),
      ("cramp ~ " + crossed, 0), ("cramp ~ " + signs, 65),
    ]
  }()

  @Test("formulas that trapped, overflowed the stack or ran for minutes", arguments: formulaCases)
  func formulas(text: String, status: Int32) {
    let result = runCLI([
      "logit", repositoryPath("Datasets/example/diary_nights.csv"), "--formula", text,
    ])
    #expect(result.status == status, "\(result.err)")
    if status != 0 { #expect(result.err.contains("formula:")) }
  }
}
