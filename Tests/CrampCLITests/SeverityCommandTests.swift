import Foundation
import Testing
import _TestSupport

/// `crampstat severity`: the wiring of the polr model (formula, clusters, profile, JSON keys)
/// against Tests/Reference/ordinal.json, golden text, and bad input.
///
/// Tolerance: 1e-8 relative; the model's own tests (OrdinalTests) compare far tighter.
@Suite("crampstat severity")
struct SeverityCommandTests {
  static let teaching = "Datasets/teaching/diary_nights.csv"
  static let formula = "severity ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50"

  static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-8) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(abs(b), 1e-300)
  }

  static func referenceCase(_ name: String) throws -> [String: Any] {
    let root = try Fixture.json("ordinal.json")
    let cases = try #require(root["cases"] as? [[String: Any]])
    return try #require(cases.first { $0["name"] as? String == name })
  }

  @Test("JSON on the teaching diary equals polr + the cluster sandwich by patient")
  func teachingJSON() throws {
    // R: polr(factor(severity) ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50,
    //         data = nights, Hess = TRUE, method = 'logistic'), sandwich by patient_id.
    let r = try Self.referenceCase("teaching_logistic")
    let out = runCLI(
      [
        "severity", Self.teaching, "--formula", Self.formula, "--cluster", "patient_id",
        "--predict", "stretch_bedtime=1,mg_supp=0,dialysis_day=1,age_over_50=1", "--format",
        "json",
      ], cwd: repositoryPath(""))
    #expect(out.status == 0, "\(out.err)")
    let j = try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
    let rows =
      try #require(j["coefficients"] as? [[String: Any]])
      + (try #require(j["thresholds"] as? [[String: Any]]))
    let estimates = try #require(r["estimate"] as? [Double])
    let robust = try #require(r["robust_std_error"] as? [Double])
    let model = try #require(r["std_error"] as? [Double])
    #expect(rows.count == estimates.count)
    for (i, row) in rows.enumerated() {
      #expect(Self.close(row["estimate"] as? Double, estimates[i]))
      #expect(Self.close(row["std_error"] as? Double, robust[i]))
      #expect(Self.close(row["model_std_error"] as? Double, model[i]))
    }
    #expect(
      rows.map { $0["term"] as? String }
        == ((r["terms"] as? [String] ?? []) + (r["thresholds"] as? [String] ?? [])))
    #expect(
      Self.close(j["log_likelihood"] as? Double, try #require(r["log_likelihood"] as? Double)))
    #expect(Self.close(j["aic"] as? Double, try #require(r["aic"] as? Double)))
    #expect(j["n"] as? Int == 1018)
    #expect(j["clusters"] as? Int == 124)
    #expect(j["variance"] as? String == "robust")
    let prediction = try #require(j["prediction"] as? [String: Any])
    let distribution = try #require(prediction["level_probabilities"] as? [[String: Any]])
    let profile = try #require(r["profile"] as? [String: Any])
    let probabilities = try #require(profile["probabilities"] as? [Double])
    for (row, p) in zip(distribution, probabilities) {
      #expect(Self.close(row["probability"] as? Double, p))
    }
    let po = try #require(j["proportional_odds"] as? [String: Any])
    #expect(po["method"] as? String == "brant")
    #expect(po["statistic"] is NSNull)
  }

  @Test(
    "golden text",
    arguments: [
      ("severity-teaching.txt", ["--cluster", "patient_id"]),
      ("severity-probit.txt", ["--link", "probit", "--predict", "stretch_bedtime=1"]),
    ])
  func golden(name: String, extra: [String]) {
    let r = runCLI(
      ["severity", Self.teaching, "--formula", Self.formula] + extra, cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    assertSnapshot(r.out, named: name)
  }

  @Test("golden text with a Brant test (severity in four bands)")
  func goldenBanded() {
    let r = runCLI(
      [
        "severity", "Tests/Reference/data/ordinal_teaching.csv", "--formula",
        "band ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50", "--cluster",
        "patient_id",
      ], cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    assertSnapshot(r.out, named: "severity-banded.txt")
  }

  @Test("an empty category (no severity 7) is dropped as polr does, with a note")
  func emptyCategory() throws {
    let r = runCLI(
      [
        "severity", "Tests/Reference/data/ordinal_gap.csv", "--formula", Self.formula,
        "--format", "json",
      ], cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    let j = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    #expect(j["unused_levels"] as? [String] == ["7"])
    let thresholds = try #require(j["thresholds"] as? [[String: Any]])
    #expect(thresholds.contains { $0["term"] as? String == "6|8" })
    let notes = try #require(j["notes"] as? [String])
    #expect(notes.contains { $0.contains("7 occurs on no row used") && $0.contains("6|8") })
  }

  @Test("a non-integer severity is a data error naming file, line and column")
  func nonInteger() throws {
    let path = try TemporaryFile.write(
      "patient_id,severity,x\na,1,0\na,2,1\nb,4.5,0\nb,3,1\nc,2,0\n")
    let r = runCLI(["severity", path, "--formula", "severity ~ x"])
    #expect(r.status == 65)
    #expect(r.err.contains("\(path):4: column 'severity': 4.5 is not a whole number"), "\(r.err)")
  }

  @Test("fewer than three levels is a data error (polr needs 3)")
  func twoLevels() throws {
    let path = try TemporaryFile.write("severity,x\n1,0\n2,1\n1,1\n2,0\n")
    let r = runCLI(["severity", path, "--formula", "severity ~ x"])
    #expect(r.status == 65)
    #expect(r.err.contains("needs 3 or more"), "\(r.err)")
  }

  @Test("a missing file is exit 66 and a bad link a usage error")
  func badInvocation() {
    #expect(runCLI(["severity", "/nonexistent.csv", "--formula", "severity ~ x"]).status == 66)
    let r = runCLI([
      "severity", fixturePath("Reference/data/ordinal_gap.csv"), "--formula", Self.formula,
      "--link", "cloglog",
    ])
    #expect(r.status == 64)
  }
}
