import Foundation
import Testing
import _TestSupport

/// End-to-end checks of the model commands: the CLI's JSON against the values R produced
/// (`Tests/Reference/*.json`), and golden text output.
///
/// Tolerance: 1e-6 relative, the project's contract with R users; the modules' own tests
/// compare much tighter. What is checked here is the wiring: formula, grouping, options and
/// JSON keys.
@Suite("Model commands against R")
struct ModelCommandTests {
  static func reference(_ file: String) throws -> [String: Any] {
    return try Fixture.json(file)
  }

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  static func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-6) -> Bool {
    guard let a, let b else { return false }
    return abs(a - b) <= tolerance * max(abs(b), 1e-300) || abs(a - b) < 1e-12
  }

  static func referenceCase(_ file: String, _ kind: String, _ name: String) throws -> [String: Any]
  {
    let all = try #require(try reference(file)[kind] as? [[String: Any]])
    return try #require(all.first { $0["name"] as? String == name })
  }

  @Test("cox on lung equals coxph(Surv(time, status) ~ age + sex + ph_ecog)")
  func cox() throws {
    let r = try Self.referenceCase("survival.json", "cox", "lung_efron")
    let out = runCLI([
      "cox", fixturePath("Reference/data/surv_lung.csv"), "--formula",
      "Surv(time, status) ~ age + sex + ph_ecog", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let j = try Self.json(out.out)
    let coefficients = try #require(j["coefficients"] as? [[String: Any]])
    let estimates = try #require(r["coefficients"] as? [Double])
    let se = try #require(r["std_error"] as? [Double])
    for (i, c) in coefficients.enumerated() {
      #expect(Self.close(c["estimate"] as? Double, estimates[i]))
      #expect(Self.close(c["std_error"] as? Double, se[i]))
    }
    let loglik = try #require(r["loglik"] as? [Double])
    #expect(Self.close(j["log_likelihood"] as? Double, loglik[1]))
    #expect(j["ties"] as? String == "efron")
    #expect(j["n_events"] as? Double == 151)
  }

  @Test("logrank with strata equals survdiff(Surv(time, status) ~ cellcode + strata(trt))")
  func logrank() throws {
    let r = try Self.referenceCase("survival.json", "logrank", "veteran_cell_strata")
    let out = runCLI([
      "logrank", fixturePath("Reference/data/surv_veteran.csv"), "--formula",
      "Surv(time, status) ~ cellcode + strata(trt)", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let j = try Self.json(out.out)
    let groups = try #require(j["groups"] as? [[String: Any]])
    let expected = try #require(r["expected"] as? [Double])
    #expect(groups.count == expected.count)
    for (g, e) in zip(groups, expected) { #expect(Self.close(g["expected"] as? Double, e)) }
    #expect(Self.close(j["statistic"] as? Double, r["chisq"] as? Double))
  }

  @Test("km medians by sex equal print(survfit(Surv(time, status) ~ sex))")
  func km() throws {
    let out = runCLI([
      "km", fixturePath("Reference/data/surv_lung.csv"), "--formula", "Surv(time, status) ~ sex",
      "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let strata = try #require(try Self.json(out.out)["strata"] as? [[String: Any]])
    #expect(strata.map { $0["label"] as? String } == ["sex=1", "sex=2"])
    #expect(strata.map { $0["median"] as? Double } == [284, 433])
  }

  @Test("logit with --cluster equals glm + sandwich::vcovCL(HC0)")
  func logit() throws {
    let models = try #require(try Self.reference("logistic.json")["models"] as? [String: Any])
    let r = try #require(models["diary"] as? [String: Any])
    let out = runCLI([
      "logit", fixturePath("Reference/data/logistic_diary.csv"), "--formula",
      "cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + age_over_50:supplement",
      "--cluster", "patient_id", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let j = try Self.json(out.out)
    #expect(j["variance"] as? String == "robust")
    let ours = try #require(j["coefficients"] as? [[String: Any]])
    let theirs = try #require(r["coefficients"] as? [[String: Any]])
    #expect(ours.count == theirs.count)
    for (a, b) in zip(ours, theirs) {
      #expect(a["term"] as? String == b["term"] as? String)
      #expect(Self.close(a["estimate"] as? Double, b["estimate"] as? Double))
      #expect(Self.close(a["std_error"] as? Double, b["robust_std_error"] as? Double))
      #expect(Self.close(a["model_std_error"] as? Double, b["std_error"] as? Double))
    }
    #expect(Self.close(j["deviance"] as? Double, r["deviance"] as? Double))
  }

  static let diaryFormula =
    "cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + age_over_50:supplement"

  @Test("logit --gee exchangeable equals geepack::geeglm(corstr = \"exchangeable\")")
  func gee() throws {
    let models = try #require(try Self.reference("logistic.json")["models"] as? [String: Any])
    let r = try #require((models["diary"] as? [String: Any])?["gee_exchangeable"] as? [String: Any])
    let out = runCLI([
      "logit", fixturePath("Reference/data/logistic_diary.csv"), "--formula", Self.diaryFormula,
      "--gee", "exchangeable", "--id", "patient_id", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let ours = try #require(try Self.json(out.out)["coefficients"] as? [[String: Any]])
    let estimates = try #require(r["estimate"] as? [Double])
    let se = try #require(r["std_error"] as? [Double])
    #expect(ours.count == estimates.count)
    for (i, c) in ours.enumerated() {
      #expect(Self.close(c["estimate"] as? Double, estimates[i]))
      #expect(Self.close(c["std_error"] as? Double, se[i]))
    }
  }

  @Test("logit --ci profile equals the exact profile-likelihood limits (uniroot in R)")
  func profile() throws {
    let models = try #require(try Self.reference("logistic.json")["models"] as? [String: Any])
    let r = try #require(
      (models["diary"] as? [String: Any])?["exact_profile_ci"] as? [[String: Any]])
    let out = runCLI([
      "logit", fixturePath("Reference/data/logistic_diary.csv"), "--formula", Self.diaryFormula,
      "--ci", "profile", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let j = try Self.json(out.out)
    #expect(j["ci_method"] as? String == "profile")
    let ours = try #require(j["coefficients"] as? [[String: Any]])
    for (a, b) in zip(ours, r) {
      #expect(a["term"] as? String == b["term"] as? String)
      #expect(Self.close(a["conf_low"] as? Double, b["conf_low"] as? Double))
      #expect(Self.close(a["conf_high"] as? Double, b["conf_high"] as? Double))
    }
  }

  @Test(
    "golden text output",
    arguments: [
      (
        "logit-teaching.txt",
        [
          "logit", "Datasets/teaching/diary_nights.csv", "--formula",
          "cramp ~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp + fluid_cups",
          "--cluster", "patient_id",
        ]
      ),
      (
        "km-lung.txt",
        [
          "km", "Tests/Reference/data/surv_lung.csv", "--formula",
          "Surv(time, status) ~ sex", "--times", "100,365", "--rmean", "500",
        ]
      ),
      (
        "logrank-veteran.txt",
        [
          "logrank", "Tests/Reference/data/surv_veteran.csv", "--formula",
          "Surv(time, status) ~ cellcode + strata(trt)",
        ]
      ),
      (
        "cox-diary.txt",
        [
          "cox", "Tests/Reference/data/surv_diary.csv", "--formula",
          "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + cluster(patient_id)",
        ]
      ),
    ])
  func golden(name: String, arguments: [String]) {
    let r = runCLI(arguments, cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    assertSnapshot(r.out, named: name)
  }

  @Test("an unknown column in the formula is a data error with a suggestion")
  func unknownColumn() {
    let r = runCLI([
      "cox", fixturePath("Reference/data/surv_lung.csv"), "--formula",
      "Surv(time, status) ~ age + ph.ecog",
    ])
    #expect(r.status == 65)
    #expect(r.err.contains("Did you mean 'ph_ecog'?"))
  }

  @Test("a formula without Surv() is a usage error for cox")
  func needsSurv() {
    let r = runCLI([
      "cox", fixturePath("Reference/data/surv_lung.csv"), "--formula", "status ~ age",
    ])
    #expect(r.status == 64)
  }

  /// A term whose PH test R refuses is NA with a note; the other rows are still given.
  ///
  /// On the bundled trial, supplement use follows the crossover schedule and the information
  /// for `mg_supp * g(t)` is singular to working precision: on this model R's `cox.zph` stops
  /// with "system is computationally singular: reciprocal condition number = 1.26694e-19"
  /// (CrampStat's `dpocon` estimate: 1.3e-19, far below the `DBL_EPSILON` cut).
  @Test("cox --zph: a computationally singular term is NA with a note, as R refuses it")
  func zphSingular() throws {
    let ag = try TemporaryFile.path("trial_ag.csv")
    let layout = runCLI([
      "layout", repositoryPath("Datasets/trial/diary_nights.csv"), "--to", "ag", "--covariates",
      "age_over_50,sex,mg_supp,mg_diet_mg,alcohol_units,fluid_cups,on_thiazide,on_ksparing,"
        + "on_loop,on_statin,on_laba", "-o", ag,
    ])
    #expect(layout.status == 0, "\(layout.err)")
    let out = runCLI([
      "cox", ag, "--formula",
      "Surv(start, stop, event) ~ age_over_50 + sex + mg_supp + mg_diet_mg + alcohol_units"
        + " + fluid_cups + on_thiazide + on_ksparing + on_loop + on_statin + on_laba"
        + " + cluster(patient_id)", "--zph", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let ph = try #require(try Self.json(out.out)["ph_test"] as? [String: Any])
    let terms = try #require(ph["terms"] as? [[String: Any]])
    let supplement = try #require(terms.first { $0["term"] as? String == "mg_supp" })
    #expect(supplement["chisq"] is NSNull)
    #expect(supplement["p_value"] is NSNull)
    let others = terms.filter { $0["term"] as? String != "mg_supp" }
    #expect(others.count == 10 && others.allSatisfy { $0["chisq"] is Double })
    let notes = try #require(ph["notes"] as? [String])
    #expect(notes.contains { $0.hasPrefix("mg_supp: ") && $0.contains("singular") })
  }
}
