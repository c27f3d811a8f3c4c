import Foundation
import Testing
import _TestSupport

/// `crampstat cox ... + frailty(id)` and `crampstat recurrent --frailty` end to end: JSON
/// against `Tests/Reference/frailty.json` (1e-6 relative), the text layout (snapshots) and
/// bad input.
@Suite("frailty Cox commands")
struct FrailtyCommandTests {
  static func reference(_ name: String) throws -> [String: Any] {
    let root = try Fixture.json("frailty.json")
    let cases = try #require(root["cases"] as? [[String: Any]])
    return try #require(cases.first { $0["name"] as? String == name })
  }

  static func json(_ arguments: [String]) throws -> [String: Any] {
    let out = runCLI(arguments + ["--format", "json", "-q"])
    #expect(out.status == 0, "\(out.err)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
  }

  static func values(_ object: [String: Any], _ key: String) -> [Double?] {
    if let array = object[key] as? [Any] { return array.map { $0 as? Double } }
    return [object[key] as? Double]
  }

  /// `Tolerance.frailty`, 1e-6 relative, as the library tests; NaN/null both NA.
  static func expectClose(_ a: Double?, _ b: Double?, _ what: String) {
    guard let b, b.isFinite else {
      #expect(a == nil || a?.isNaN == true, "\(what): expected NA, got \(String(describing: a))")
      return
    }
    guard let a else {
      Issue.record("\(what): NA, R \(b)")
      return
    }
    #expect(abs(a - b) <= Tolerance.frailty * max(abs(b), 1e-8), "\(what): \(a) vs R \(b)")
  }

  /// Compares a command's JSON with one fixture case.
  static func compare(_ body: [String: Any], _ name: String) throws {
    let c = try reference(name)
    let coefficients = try #require(body["coefficients"] as? [[String: Any]])
    let estimates = values(c, "coefficients")
    let se = values(c, "std_error")
    let se2 = values(c, "std_error2")
    #expect(coefficients.count == estimates.count)
    for (k, row) in coefficients.enumerated() where k < estimates.count {
      expectClose(row["estimate"] as? Double, estimates[k], "\(name) estimate \(k)")
      expectClose(row["std_error"] as? Double, se[k], "\(name) se \(k)")
      expectClose(row["std_error2"] as? Double, se2[k], "\(name) se2 \(k)")
    }
    let frailty = try #require(body["frailty"] as? [String: Any])
    expectClose(frailty["variance"] as? Double, c["frailty_variance"] as? Double, "\(name) theta")
    expectClose(frailty["df"] as? Double, c["frailty_df"] as? Double, "\(name) df")
    expectClose(
      frailty["i_likelihood"] as? Double, c["i_likelihood"] as? Double, "\(name) I-likelihood")
    #expect(frailty["n_groups"] as? Int == c["n_groups"] as? Int)
    let tests = try #require(body["tests"] as? [String: Any])
    let wald = try #require(tests["wald"] as? [String: Any])
    expectClose(wald["statistic"] as? Double, c["wald_test"] as? Double, "\(name) Wald")
  }

  @Test("cox frailty(id) on kidney matches coxph (gamma, gaussian, fixed theta)")
  func coxKidney() throws {
    let file = fixturePath("Reference/data/frailty_kidney.csv")
    for name in [
      "kidney_gamma", "kidney_gaussian", "kidney_fixed_gamma", "kidney_fixed_gaussian",
      "kidney_strata_gamma", "kidney_strata_gaussian",
    ] {
      let c = try Self.reference(name)
      let formula = try #require(c["swift_formula"] as? String)
      try Self.compare(try Self.json(["cox", file, "--formula", formula]), name)
    }
  }

  @Test("cox frailty(id) on counting-process bladder2 matches coxph")
  func coxBladder() throws {
    let file = fixturePath("Reference/data/frailty_bladder2.csv")
    for name in ["bladder2_gamma", "bladder2_gaussian"] {
      let c = try Self.reference(name)
      let formula = try #require(c["swift_formula"] as? String)
      try Self.compare(try Self.json(["cox", file, "--formula", formula]), name)
    }
  }

  @Test("recurrent --model ag --frailty on the teaching diary matches coxph on the AG layout")
  func recurrentTeaching() throws {
    let file = repositoryPath("Datasets/teaching/diary_nights.csv")
    for (name, distribution) in [
      ("teaching_ag_gamma", "gamma"), ("teaching_ag_gaussian", "gaussian"),
    ] {
      let c = try Self.reference(name)
      let formula = try #require(c["swift_formula"] as? String)
      let body = try Self.json([
        "recurrent", file, "--model", "ag", "--formula", formula, "--frailty", distribution,
      ])
      try Self.compare(body, name)
      #expect(body["model"] as? String == "ag")
    }
  }

  @Test("a factor term: its columns share one df entry (no crash on multi-column terms)")
  func factorTerm() throws {
    let body = try Self.json([
      "recurrent", repositoryPath("Datasets/teaching/diary_nights.csv"), "--model", "ag",
      "--formula", "~ age_over_50 + factor(trimester)", "--frailty", "gamma",
    ])
    try Self.compare(body, "teaching_factor_gamma")
    let coefficients = try #require(body["coefficients"] as? [[String: Any]])
    let terms = try #require(body["terms"] as? [[String: Any]])
    #expect(coefficients.count > 2)
    #expect(
      terms.map { $0["term"] as? String } == [
        "age_over_50", "factor(trimester)", "frailty(patient_id)",
      ])
    let cox = runCLI([
      "cox", fixturePath("Reference/data/frailty_bladder2.csv"), "--formula",
      "Surv(start, stop, event) ~ factor(rx) + number + frailty(id)", "-q",
    ])
    #expect(cox.status == 0, "\(cox.err)")
  }

  @Test("recurrent --frailty with a patient observed on one night matches coxph")
  func singleNight() throws {
    let file = fixturePath("Reference/data/frailty_diary.csv")
    for (name, distribution) in [
      ("single_night_gamma", "gamma"), ("single_night_gaussian", "gaussian"),
    ] {
      let body = try Self.json([
        "recurrent", file, "--model", "ag", "--formula", "~ age_over_50 + mg_supp",
        "--frailty", distribution,
      ])
      try Self.compare(body, name)
    }
  }

  @Test("every patient with the same effect: a warning about a variance near 0, not a crash")
  func sameEffect() throws {
    let file = fixturePath("Reference/data/frailty_same_effect.csv")
    let out = runCLI([
      "recurrent", file, "--model", "ag", "--formula", "~ age_over_50 + mg_supp", "--frailty",
      "gamma",
    ])
    #expect(out.status == 0)
    #expect(out.err.contains("frailty variance is"))
    let body = try Self.json([
      "recurrent", file, "--model", "ag", "--formula", "~ age_over_50 + mg_supp",
      "--frailty", "gamma",
    ])
    try Self.compare(body, "same_effect_gamma")
    let warnings = try #require(body["warnings"] as? [String])
    #expect(warnings.contains { $0.contains("about 0") })
  }

  @Test("text output as print.coxph.penal")
  func textSnapshots() {
    let kidney = runCLI(
      [
        "cox", "Tests/Reference/data/frailty_kidney.csv", "--formula",
        "Surv(time, status) ~ age + sex + frailty(id)", "-q",
      ], cwd: repositoryPath(""))
    #expect(kidney.status == 0)
    assertSnapshot(kidney.out, named: "cox-frailty-kidney.txt")
    let teaching = runCLI(
      [
        "recurrent", "Datasets/teaching/diary_nights.csv", "--model", "ag",
        "--formula", "~ age_over_50 + sex + dialysis_day", "--frailty", "gaussian", "-q",
      ], cwd: repositoryPath(""))
    #expect(teaching.status == 0)
    assertSnapshot(teaching.out, named: "recurrent-frailty-teaching.txt")
  }

  @Test("frailty on an unknown column: exit 65 naming the column")
  func unknownColumn() {
    let out = runCLI([
      "cox", fixturePath("Reference/data/frailty_kidney.csv"), "--formula",
      "Surv(time, status) ~ age + frailty(patient)",
    ])
    #expect(out.status == 65)
    #expect(out.err.contains("unknown frailty column 'patient'"))
  }

  @Test("bad frailty terms and options are usage errors (64)")
  func usageErrors() {
    let file = fixturePath("Reference/data/frailty_kidney.csv")
    for formula in [
      "Surv(time, status) ~ age + frailty(id, distribution = \"t\")",
      "Surv(time, status) ~ age + frailty(id, method = \"aic\")",
      "Surv(time, status) ~ age + frailty(id) + frailty(sex)",
      "Surv(time, status) ~ age + frailty(id",
      "Surv(time, status) ~ age + frailty(id) + cluster(id)",
    ] {
      let out = runCLI(["cox", file, "--formula", formula])
      #expect(out.status == 64, "\(formula): \(out.err)")
      #expect(out.err.contains("frailty"), "\(formula): \(out.err)")
    }
    let zph = runCLI(["cox", file, "--formula", "Surv(time, status) ~ age + frailty(id)", "--zph"])
    #expect(zph.status == 64)
    let mcf = runCLI([
      "recurrent", fixturePath("Reference/data/frailty_diary.csv"), "--model", "mcf",
      "--frailty", "gamma",
    ])
    #expect(mcf.status == 64)
  }
}
