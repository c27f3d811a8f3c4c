import DiarySimulation
import Foundation
import Testing

/// The CSV mutation fuzzer end to end (issue 13, item 2).
///
/// The example diary, mutated cell by
/// cell the way real exports go wrong (yes/no codes, decimal commas, other date formats,
/// empty and huge values, deleted and duplicated rows, renamed columns), run through
/// `validate`, `report`, `recurrent` and `logit` in-process. Every run must end with exit 0
/// or a sysexits failure with a message on stderr: no trap, no hang.
///
/// A trap ends the test process, so a finished run means zero crashes; the summary printed
/// at the end gives the exit codes seen. `CRAMPSTAT_FUZZ_CASES=N` runs N diaries instead of
/// the default 300.
@Suite("Diary mutation fuzzer")
struct DiaryFuzzTests {
  static let rows: [[String]] = {
    let text =
      (try? String(
        contentsOfFile: repositoryPath("Datasets/example/diary_nights.csv"), encoding: .utf8))
      ?? ""
    return text.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }()

  static let values = [
    "", "yes", "NO", "Y", "true", "2", "-1", "0", "1", "1e308", "-1e308", "NaN", "Inf", "abc",
    "4,5", "\"4,5\"", "18/12/2024", "2024-13-45", "1e19", "9999999999", "P01", "\"", "NA", " 1",
    "0.5", "\u{00E9}", "\"a\nb\"",
  ]

  static func mutate(_ random: inout SplitMix64) -> String {
    var table = rows
    for _ in 0..<Int(random.next() % 5 + 1) {
      let r = Int(random.next() % UInt64(table.count))
      switch random.next() % 10 {
      case 0 where table.count > 2: table.remove(at: max(1, r))
      case 1: table.insert(table[r], at: r)
      case 2:  // rename or drop a column
        let c = Int(random.next() % UInt64(table[0].count))
        if random.next() % 2 == 0 {
          table[0][c] = ["id", "Date", "Cramp?", "", "cramp", "night"][Int(random.next() % 6)]
        } else {
          for i in table.indices where c < table[i].count { table[i].remove(at: c) }
        }
      case 3:  // a whole column recoded
        let c = Int(random.next() % UInt64(table[0].count))
        let v = values[Int(random.next() % UInt64(values.count))]
        for i in 1..<table.count where c < table[i].count && random.next() % 2 == 0 {
          table[i][c] = v
        }
      default:
        guard r > 0, !table[r].isEmpty else { continue }
        let c = Int(random.next() % UInt64(table[r].count))
        table[r][c] = values[Int(random.next() % UInt64(values.count))]
      }
    }
    return table.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  static let commands: [[String]] = [
    ["validate"], ["report", "--no-charts"],
    ["recurrent", "--model", "ag", "--formula", "~ age_over_50 + dialysis_day"],
    ["logit", "--formula", "cramp ~ age_over_50 + factor(trimester)", "--cluster", "patient_id"],
  ]

  @Test("mutated diaries through validate, report, recurrent and logit end in 0 or 64-74")
  func mutatedDiaries() throws {
    let cases =
      ProcessInfo.processInfo.environment["CRAMPSTAT_FUZZ_CASES"].flatMap(Int.init)
      ?? 300
    var random = SplitMix64(state: 0xD1A_4F22)
    var statuses: [Int32: Int] = [:]
    let path = try TemporaryFile.path("fuzz.csv")
    for _ in 0..<cases {
      try Data(Self.mutate(&random).utf8).write(to: URL(fileURLWithPath: path))
      for command in Self.commands {
        var arguments = command
        arguments.insert(path, at: 1)
        let result = runCLI(arguments)
        statuses[result.status, default: 0] += 1
        #expect([0, 64, 65, 66, 74].contains(result.status), "\(arguments): \(result.err)")
        // validate lists its findings on stdout; the other commands fail with a message.
        if result.status != 0 {
          let said = command[0] == "validate" ? result.out + result.err : result.err
          #expect(said.contains("rror"), "\(arguments)")
        }
      }
    }
    let summary = statuses.keys.sorted().map { "exit \($0): \(statuses[$0] ?? 0)" }
    print(
      "diary fuzzer (seed 0xD1A4F22): \(cases) diaries x \(Self.commands.count) commands, "
        + "0 crashes; " + summary.joined(separator: ", "))
    #expect((statuses[0] ?? 0) > 0)
    #expect((statuses[65] ?? 0) > 0)
  }
}
