import Foundation
import Testing

/// Numbers in the text tables as R prints them, end to end through `crampstat logit`.
@Suite("Printed numbers")
struct NumberPrintingTests {
  /// 200 nights whose magnesium is in micrograms (x 1e6 the natural unit): the coefficient is
  /// of order 1e-6 and its odds ratio 1.000001.
  static func scaledDiary() throws -> String {
    var csv = "patient_id,cramp,mg_ug\n"
    for i in 0..<200 {
      let mg = Double(i % 20) * 50_000
      let cramp = (i * 7) % 10 < 3 + (i % 20) / 5 ? 1 : 0
      csv += "p\(i / 10),\(cramp),\(Int(mg))\n"
    }
    return try TemporaryFile.write(csv)
  }

  @Test("a term scaled x 1e6 prints in scientific notation and its OR is not a plain 1")
  func scaledTerm() throws {
    let path = try Self.scaledDiary()
    let r = runCLI(["logit", path, "--formula", "cramp ~ mg_ug"])
    #expect(r.status == 0, "\(r.err)")
    let lines = r.out.split(separator: "\n").map(String.init)
    let rows = lines.filter { $0.hasPrefix("mg_ug ") }
    try #require(rows.count == 2, "\(r.out)")
    let estimate = rows[0].split(separator: " ").map(String.init)
    // printCoefmat: the block switches to scientific, e.g. "1.234e-06".
    #expect(estimate[1].contains("e-0"), "\(rows[0])")
    #expect(!rows[0].contains("0.00000000"))
    let ratio = rows[1].split(separator: " ").map(String.init)
    for cell in ratio.dropFirst() {
      let value = try #require(Double(cell), "\(rows[1])")
      #expect(value != 1, "odds ratio cell '\(cell)' prints as 1")
    }
  }
}
