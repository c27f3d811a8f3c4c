import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

/// The shared-frailty cases of `Tests/Reference/frailty.json` (made by `frailty.R`).
enum FrailtyReference {
  static let file = "frailty.json"

  /// The fixture's cases; throws when it is missing, unparseable or empty.
  static func cases() throws -> [[String: Any]] { try Fixture.section(file, "cases") }

  /// The case names as test arguments (a lost fixture gives one failing case).
  static var names: [FixtureArgument<String>] { Fixture.names(file, "cases") }

  static func named(_ name: String) throws -> [String: Any] {
    try Fixture.named(file, "cases", name)
  }

  /// Fits a case on the numeric design R exported (group, times, status, covariates).
  static func fit(_ c: [String: Any]) throws -> FrailtyCoxFit {
    let path = try #require(c["design"] as? String)
    let table = try Reference.table(path)
    let status = try #require(table["status"])
    let counting = table["start"] != nil
    let y = try SurvivalResponse(
      start: table["start"], stop: try #require(counting ? table["stop"] : table["time"]),
      event: status.map { $0 == 1 })
    let terms = c.strings("terms")
    var columns = [Double]()
    for term in terms { columns += try #require(table[term], "column \(term)") }
    let x = try Matrix(rows: y.count, columns: terms.count, columnMajor: columns)
    let groups = try #require(table["group"]).map { Int($0) }
    let distribution = try #require(
      FrailtyCoxModel.Distribution(rawValue: c["distribution"] as? String ?? ""))
    // The fixed cases (R's method = "fixed") were fitted at their theta.
    let fixed = (c["name"] as? String ?? "").contains("fixed") ? c.number("frailty_variance") : nil
    // Columns of one formula term (R's assign) share a df entry.
    let termOfColumn = c.numbers("term_of_column").map { Int($0 ?? 0) }
    var termGroups: [[Int]] = []
    for (column, term) in termOfColumn.enumerated() {
      if column > 0, termOfColumn[column - 1] == term {
        termGroups[termGroups.count - 1].append(column)
      } else {
        termGroups.append([column])
      }
    }
    let strata = table["stratum"].map { $0.map { Int($0) } }
    return try FrailtyCoxModel(distribution: distribution, fixedVariance: fixed).fit(
      y, x: x, termNames: terms, termGroups: termGroups, groups: groups, strata: strata)
  }
}

/// Tolerance of the frailty comparisons.
@Suite("Shared-frailty Cox against R coxph")
struct FrailtyCoxReferenceTests {
  @Test("frailty.json holds its cases")
  func fixturePresent() throws {
    #expect(try FrailtyReference.cases().count == 17)
  }

  @Test(
    "Estimates, se, se2, Wald, df, variance and I-likelihood", arguments: FrailtyReference.names)
  func matchesCoxph(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let c = try FrailtyReference.named(name)
    let fit = try FrailtyReference.fit(c)
    let t = Tolerance.frailty
    var errors = [Double]()
    let estimates = c.numbers("coefficients")
    let se = c.numbers("std_error")
    let se2 = c.numbers("std_error2")
    let chisq = c.numbers("chisq")
    #expect(fit.coefficients.count == estimates.count)
    for (k, coefficient) in fit.coefficients.enumerated() where k < estimates.count {
      let term = coefficient.term
      errors.append(Tolerance.check(coefficient.estimate, estimates[k], t, "\(name) \(term)"))
      errors.append(Tolerance.check(coefficient.standardError, se[k], t, "\(name) se \(term)"))
      errors.append(Tolerance.check(coefficient.standardError2, se2[k], t, "\(name) se2 \(term)"))
      errors.append(Tolerance.check(coefficient.chiSquare, chisq[k], t, "\(name) chisq \(term)"))
    }
    errors.append(
      Tolerance.check(fit.frailty.variance, c.number("frailty_variance"), t, "\(name) theta"))
    errors.append(
      Tolerance.check(fit.frailty.degreesOfFreedom, c.number("frailty_df"), t, "\(name) df"))
    errors.append(
      Tolerance.check(fit.frailty.chiSquare, c.number("frailty_chisq"), t, "\(name) fr. chisq"))
    Tolerance.checkPValue(fit.frailty.pValue, c.number("frailty_p_value"), "\(name) frailty p")
    if let integrated = c.number("i_likelihood") {
      errors.append(
        Tolerance.check(fit.frailty.integratedLogLikelihood, integrated, t, "\(name) I-lik"))
    } else {
      #expect(fit.frailty.integratedLogLikelihood == nil)
    }
    let df = c.numbers("df")
    for (k, value) in fit.termDegreesOfFreedom.enumerated() where k < df.count {
      errors.append(Tolerance.check(value, df[k], t, "\(name) df[\(k)]"))
    }
    let loglik = c.numbers("loglik")
    errors.append(Tolerance.check(fit.nullLogLikelihood, loglik[0], t, "\(name) loglik0"))
    errors.append(Tolerance.check(fit.logLikelihood, loglik[1], t, "\(name) loglik"))
    errors.append(
      Tolerance.check(
        fit.likelihoodRatioTest.statistic, c.number("likelihood_ratio"), t, "\(name) LR"))
    Tolerance.checkPValue(
      fit.likelihoodRatioTest.pValue, c.number("likelihood_ratio_p_value"), "\(name) LR p")
    errors.append(Tolerance.check(fit.waldTest.statistic, c.number("wald_test"), t, "\(name) Wald"))
    let frail = c.numbers("frail")
    // Frailties sit around 0 after recentring: compared relative to the largest of them.
    let scale = max(frail.compactMap { $0.map(abs) }.max() ?? 0, 1e-8)
    for (g, w) in fit.frailty.estimates.enumerated() where g < frail.count {
      errors.append(
        Tolerance.check(w / scale, frail[g].map { $0 / scale }, t, "\(name) frail[\(g)]"))
    }
    let iterations = c.numbers("iterations")
    #expect(Double(fit.outerIterations) == iterations.first ?? nil, "\(name) outer iterations")
    #expect(Double(fit.newtonIterations) == iterations.last ?? nil, "\(name) Newton iterations")
    #expect(Double(fit.eventCount) == c.number("n_events"))
    #expect(Double(fit.frailty.groupCount) == c.number("n_groups"))
    reportMaximum("frailty \(name)", errors)
  }

  @Test("Every patient with the same effect: the variance goes to 0 with a warning")
  func sameEffectWarns() throws {
    let fit = try FrailtyReference.fit(try FrailtyReference.named("same_effect_gamma"))
    #expect(
      fit.diagnostics.contains { if case .varianceNearZero = $0 { true } else { false } })
    let gaussian = try FrailtyReference.fit(try FrailtyReference.named("same_effect_gaussian"))
    #expect(gaussian.frailty.variance < 0.01)
  }

  @Test("Fewer than two groups is refused with a clear error")
  func oneGroupRefused() throws {
    let y = try SurvivalResponse(stop: [1, 2, 3], event: [true, false, true])
    let x = try Matrix(rows: 3, columns: 1, columnMajor: [0, 1, 0])
    #expect(throws: SurvivalError.self) {
      try FrailtyCoxModel().fit(y, x: x, termNames: ["a"], groups: [1, 1, 1])
    }
  }
}
