import Foundation
import Testing
import _TestSupport

@Suite("Layout: --split-at (R's survSplit) and --to first --competing")
struct LayoutSplitCompetingTests {
  static let example = repositoryPath("Datasets/example/diary_nights.csv")
  static let diary = fixturePath("Fixtures/diary/competing_diary.csv")
  static let patients = fixturePath("Fixtures/diary/competing_patients.csv")

  /// CSV text as a header and rows of fields (no quoting in these outputs).
  static func rows(_ csv: String) -> (header: [String], rows: [[String]]) {
    let lines = csv.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    return (lines.first ?? [], Array(lines.dropFirst()))
  }

  @Test("the unsplit ag layout of the example is still the R script's input")
  func referenceInput() throws {
    let r = runCLI(["layout", Self.example, "--to", "ag", "--covariates", "mg_supp", "-q"])
    #expect(r.status == 0)
    let stored = try String(
      contentsOfFile: fixturePath("Reference/data/survsplit_example_ag.csv"), encoding: .utf8)
    // R's write.csv quotes strings; compare the fields without quotes.
    #expect(r.out == stored.replacingOccurrences(of: "\"", with: ""))
  }

  @Test("--split-at 3,7.5,10 gives survSplit's rows exactly")
  func matchesSurvSplit() throws {
    let json = try Fixture.json("survsplit.json")
    let expected = try #require(json["rows"] as? [[String: Any]])
    #expect(expected.count > 40)
    let r = runCLI([
      "layout", Self.example, "--to", "ag", "--covariates", "mg_supp", "--split-at", "3,7.5,10",
      "-q",
    ])
    #expect(r.status == 0)
    let (header, rows) = Self.rows(r.out)
    #expect(header == ["patient_id", "start", "stop", "event", "interval", "mg_supp"])
    #expect(rows.count == expected.count)
    for (i, (row, want)) in zip(rows, expected).enumerated() {
      #expect(row[0] == want["patient_id"] as? String, "row \(i + 1)")
      for (j, name) in header.enumerated().dropFirst() {
        let value = try #require(Double(row[j]), "row \(i + 1) \(name)")
        let wanted = try #require((want[name] as? NSNumber)?.doubleValue, "row \(i + 1) \(name)")
        #expect(value == wanted, "row \(i + 1) \(name)")
      }
    }
  }

  @Test("pwp-total rows split too; the interval follows event")
  func pwpSplit() {
    let r = runCLI(["layout", Self.example, "--to", "pwp-total", "--split-at", "7", "-q"])
    #expect(r.status == 0)
    let (header, rows) = Self.rows(r.out)
    #expect(header == ["patient_id", "enum", "start", "stop", "event", "interval"])
    // No row crosses 7, and a row ending at 7 is in interval 1.
    for row in rows {
      let start = Double(row[2]) ?? .nan
      let stop = Double(row[3]) ?? .nan
      #expect(!(start < 7 && 7 < stop))
      #expect(row[5] == (stop <= 7 ? "1" : "2"))
    }
  }

  @Test(
    "bad cut lists and layouts without intervals are usage errors",
    arguments: [
      ["--to", "ag", "--split-at", "30,10"], ["--to", "ag", "--split-at", "0,5"],
      ["--to", "ag", "--split-at", "-3"], ["--to", "ag", "--split-at", "5,x"],
      ["--to", "ag", "--split-at", "5,5"], ["--to", "ag", "--split-at", ""],
      ["--to", "ag", "--split-at", "inf"], ["--to", "first", "--split-at", "5"],
      ["--to", "counts", "--split-at", "5"],
    ])
  func badCuts(_ arguments: [String]) {
    let r = runCLI(["layout", Self.example] + arguments + ["-q"])
    #expect(r.status == 64)
    #expect(r.err.contains("--split-at"))
    #expect(r.out.isEmpty)
  }

  @Test("--competing codes cramp 1, delivery_end 2, dropout 3, admin or missing 0")
  func competing() {
    let r = runCLI([
      "layout", Self.diary, "--to", "first", "--competing", "--patients", Self.patients,
      "--covariates", "arm", "-q",
    ])
    #expect(r.status == 0)
    #expect(
      r.out == """
        patient_id,time,event,event_type,nights_observed,arm
        A,3,1,1,3,1
        B,3,0,2,3,0
        C,5,0,3,4,1
        D,2,0,0,2,0
        E,1,0,0,1,1
        F,3,0,0,3,

        """)
  }

  @Test("crampstat cif reads the --competing output")
  func cifReadsIt() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "layout-competing-\(UUID().uuidString).csv"
    ).path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let r = runCLI([
      "layout", Self.diary, "--to", "first", "--competing", "--patients", Self.patients,
      "--covariates", "arm", "-q", "--output", file,
    ])
    #expect(r.status == 0)
    let cif = runCLI([
      "cif", file, "--formula", "Surv(time, event_type) ~ arm", "--causes",
      "1=cramp,2=delivery,3=dropout", "-q",
    ])
    #expect(cif.status == 0, "\(cif.err)")
  }

  @Test("--competing without what it needs names it")
  func competingErrors() {
    var r = runCLI(["layout", Self.diary, "--to", "first", "--competing", "-q"])
    #expect(r.status == 64)
    #expect(r.err.contains("--patients"))
    r = runCLI([
      "layout", Self.diary, "--to", "ag", "--competing", "--patients", Self.patients, "-q",
    ])
    #expect(r.status == 64)
    #expect(r.err.contains("--to first"))
    r = runCLI([
      "layout", Self.example, "--to", "first", "--competing", "--patients",
      repositoryPath("Datasets/example/patients.csv"), "-q",
    ])
    #expect(r.status == 65)
    #expect(r.err.contains("censor_reason"))
    r = runCLI([
      "layout", Self.diary, "--to", "first", "--competing", "--patients",
      fixturePath("Fixtures/diary/competing_patients_bad.csv"), "-q",
    ])
    #expect(r.status == 65)
    #expect(r.err.contains("competing_patients_bad.csv:3"))
    #expect(r.err.contains("moved_away"))
  }
}
