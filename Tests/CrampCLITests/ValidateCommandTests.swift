import Testing

@testable import CrampCLI

@Suite("crampstat validate")
struct ValidateCommandTests {
  static let nights = fixturePath("Fixtures/diary/defects_nights.csv")
  static let patients = fixturePath("Fixtures/diary/defects_patients.csv")

  /// Every seeded defect of `Tests/Fixtures/diary/README.md`: (line, rule).
  static let expected: [(Int, String)] = [
    (4, "duplicate-patient-night"), (6, "nights-out-of-order"), (7, "not-binary"),
    (8, "negative"), (9, "count-without-cramp"), (10, "out-of-range"), (11, "negative"),
    (12, "negative"), (13, "trimester-backwards"), (14, "not-a-number"),
    (15, "outcome-on-unobserved-night"), (16, "date-night-mismatch"), (17, "missing-patient-id"),
    (18, "unknown-patient"), (18, "cramp-without-count"), (18, "age-flag-mismatch"),
  ]

  @Test("each seeded defect is reported at its line, and nothing else")
  func seededDefects() throws {
    let r = runCLI(["validate", Self.nights, "--patients", Self.patients, "--format", "json"])
    #expect(r.status == 65)
    let findings = r.out.split(separator: "\n").filter { $0.contains("\"rule\"") }
    #expect(findings.count == Self.expected.count + 1)  // + the duplicate in the patient file
    let text = runCLI(["validate", Self.nights, "--patients", Self.patients]).out
    for (line, rule) in Self.expected {
      let hit = text.split(separator: "\n").contains {
        $0.hasPrefix("\(Self.nights):\(line): ") && $0.hasSuffix("[\(rule)]")
      }
      #expect(hit, "line \(line): \(rule)")
    }
    #expect(
      text.contains(
        "\(Self.patients):4: patient_id: error: patient 'B2' already appears on line 3 [duplicate-patient]"
      ))
    #expect(
      text.contains(
        "\(Self.nights):10: severity: error: must be between 0 and 10 (found 12) [out-of-range]"))
    #expect(
      text.contains(
        "\(Self.nights):14: severity: error: cannot read 'UNK' as a number [not-a-number]"))
    #expect(text.hasSuffix("17 rows: 16 errors, 1 warning\n"))
  }

  @Test("the bundled example diary is valid")
  func exampleIsValid() {
    let r = runCLI([
      "validate", repositoryPath("Datasets/example/diary_nights.csv"), "--patients",
      repositoryPath("Datasets/example/patients.csv"),
    ])
    #expect(r.status == 0)
    #expect(r.out.hasSuffix("nights layout, 112 rows: 0 errors, 0 warnings\n"))
  }

  @Test("warnings fail only with --strict")
  func strict() throws {
    let path = try TemporaryFile.write(
      "patient_id,night,cramp,age,age_over_50\nA,0,0,44,1\nA,1,1,44,1\n")
    #expect(runCLI(["validate", path]).status == 0)
    #expect(runCLI(["validate", path, "--strict"]).status == 65)
  }

  @Test("a missing file exits 66 and names the file")
  func missingFile() {
    let r = runCLI(["validate", "/nonexistent/diary.csv"])
    #expect(r.status == 66)
    #expect(r.err.contains("/nonexistent/diary.csv"))
    #expect(r.out.isEmpty)
  }

  @Test("-o writes the report atomically and prints nothing")
  func outputFile() throws {
    let out = try TemporaryFile.path("report.json")
    let r = runCLI([
      "validate", repositoryPath("Datasets/example/diary_nights.csv"), "--format", "json", "-o",
      out,
    ])
    #expect(r.status == 0)
    #expect(r.out.isEmpty)
    let written = try TemporaryFile.read(out)
    #expect(written.contains("\"schema_version\": 2"))
    #expect(written.contains("\"valid\": true"))
  }
}
