import Foundation
import Testing
import _TestSupport

/// The report's trial section and cumulative incidence of the first cramp, on a 12-patient
/// randomized diary (`Tests/Fixtures/diary/trial_small_*.csv`: 2 dropouts and a delivery
/// before any cramp), against `Tests/Reference/report_trial.R`, whose layouts are written
/// from the report's conventions in R.
@Suite("crampstat report: trial and competing sections")
struct ReportTrialSectionTests {
  static let nights = "Tests/Fixtures/diary/trial_small_nights.csv"
  static let patients = "Tests/Fixtures/diary/trial_small_patients.csv"

  static func report(_ extra: [String] = []) throws -> [String: Any] {
    let r = runCLI(
      ["report", repositoryPath(nights), "--patients", repositoryPath(patients), "-q"]
        + extra + ["--format", "json"])
    #expect(r.status == 0, "\(r.err)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
  }

  static func armCoefficient(_ model: [String: Any]?) throws -> [String: Any] {
    let rows = try #require(model?["coefficients"] as? [[String: Any]])
    return try #require(rows.first { $0["term"] as? String == "rct_arm[mg]" })
  }

  /// `glm.nb(cramp_nights ~ rct_arm + offset(log(nights)), data = counts)`.
  @Test("negative binomial rate ratio as MASS::glm.nb")
  func negativeBinomial() throws {
    let r = try Fixture.json("report_trial.json")
    let expected = try #require(r["negbin"] as? [String: Any])
    let trial = try #require(try Self.report()["trial"] as? [String: Any])
    #expect(trial["reference_arm"] as? String == "placebo")
    let nb = trial["negative_binomial"] as? [String: Any]
    let c = try Self.armCoefficient(nb)
    Tolerance.check(
      c["estimate"] as? Double, expected["estimate"] as? Double, Tolerance.coefficient,
      "arm estimate")
    Tolerance.check(
      c["std_error"] as? Double, expected["std_error"] as? Double, Tolerance.coefficient,
      "arm SE")
    Tolerance.check(
      nb?["theta"] as? Double, expected["theta"] as? Double, Tolerance.coefficient, "theta")
    #expect(nb?["n_patients"] as? Int == expected["n_patients"] as? Int)
  }

  /// `polr(factor(severity) ~ rct_arm, Hess = TRUE, control = list(reltol = 1e-15))`: R's
  /// BFGS (not polished here) stops within about 3e-8 of the optimum, hence 1e-6.
  @Test("severity by arm as MASS::polr")
  func severity() throws {
    let r = try Fixture.json("report_trial.json")
    let expected = try #require(r["polr"] as? [String: Any])
    let trial = try #require(try Self.report()["trial"] as? [String: Any])
    let model = trial["severity_model"] as? [String: Any]
    let c = try Self.armCoefficient(model)
    Tolerance.check(
      c["estimate"] as? Double, expected["estimate"] as? Double, Tolerance.coefficient,
      "arm estimate")
    Tolerance.check(
      c["model_std_error"] as? Double, expected["model_std_error"] as? Double,
      Tolerance.coefficient, "arm model SE")
    Tolerance.check(
      model?["log_likelihood"] as? Double, expected["log_likelihood"] as? Double,
      Tolerance.likelihood, "log-likelihood")
    #expect(model?["n"] as? Int == expected["n"] as? Int)
  }

  /// `survfit(Surv(time, factor(event_type, levels = 0:3)) ~ 1)` at six times.
  @Test("cumulative incidence of the first cramp as survfit multi-state")
  func cumulativeIncidence() throws {
    let r = try Fixture.json("report_trial.json")
    let cif = try #require(r["cif"] as? [String: Any])
    let expected = try #require(cif["rows"] as? [[String: Any]])
    #expect(expected.count == 18)
    let doc = try #require(try Self.report()["competing_first_cramp"] as? [String: Any])
    #expect(doc["causes"] as? [Int] == [1, 2, 3])
    let strata = try #require(doc["strata"] as? [[String: Any]])
    let steps = try #require(strata.first?["steps"] as? [[String: Any]])
    for row in expected {
      let time = try #require(row["time"] as? Double)
      let cause = try #require(row["cause"] as? Int)
      // The step in force at `time`: the last one at or before it.
      let step = steps.last { ($0["time"] as? Double ?? .infinity) <= time }
      let causes = step?["causes"] as? [[String: Any]] ?? []
      let value = causes.first { $0["cause"] as? Int == cause }
      Tolerance.check(
        value?["estimate"] as? Double ?? (step == nil ? 0 : nil), row["estimate"] as? Double,
        Tolerance.cumulativeIncidence, "F_\(cause)(\(time))")
      Tolerance.check(
        value?["std_error"] as? Double ?? (step == nil ? 0 : nil), row["std_error"] as? Double,
        Tolerance.cumulativeIncidence, "SE of F_\(cause)(\(time))")
    }
  }

  @Test("text of the two new sections: snapshot")
  func text() throws {
    let r = runCLI([
      "report", repositoryPath(Self.nights), "--patients", repositoryPath(Self.patients), "-q",
      "--ascii",
    ])
    #expect(r.status == 0)
    let start = try #require(r.out.range(of: "Randomized arms (rct_arm)"))
    let end = try #require(
      r.out.range(of: "Analyses skipped") ?? r.out.range(of: "Conventions used"))
    assertSnapshot(
      String(r.out[start.lowerBound..<end.lowerBound]), named: "report-trial-sections.txt")
  }

  /// Without arms or competing ends the sections are absent, not empty.
  @Test("no rct_arm and no competing end: no sections")
  func absent() throws {
    let plain = try TemporaryFile.write(
      "patient_id,rct_arm,censor_reason\n"
        + (1...12).map { String(format: "T%02d,,admin", $0) }.joined(separator: "\n") + "\n")
    let r = runCLI([
      "report", repositoryPath(Self.nights), "--patients", plain, "-q", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.err)")
    let o = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    #expect(o["trial"] == nil)
    #expect(o["competing_first_cramp"] == nil)
    let text = runCLI(["report", repositoryPath(Self.nights), "--patients", plain, "-q"])
    #expect(!text.out.contains("Randomized arms"))
    #expect(!text.out.contains("Cumulative incidence of the first cramp"))
  }
}
