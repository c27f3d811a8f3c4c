import Analysis
import CrampData
import Formula
import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

/// survreg against R: every distribution on lung, ovarian, veteran and the teaching diary's
/// time to first cramp, with cluster() and strata() cases (`Tests/Reference/survreg.R`).
@Suite("survreg matches R's survival::survreg")
struct SurvregReferenceTests {
  /// The fixture's cases; throws when it is missing, unparseable or empty.
  static func cases() throws -> [[String: Any]] { try Fixture.section("survreg.json", "cases") }
  /// The case ids as test arguments (a lost fixture gives one failing case).
  static var caseIDs: [FixtureArgument<String>] {
    Fixture.names("survreg.json", "cases", key: "id")
  }

  @Test("survreg.json is present and holds every case")
  func fixtureIsPresent() throws {
    #expect(try Self.cases().count == 33)
  }

  static func close(_ ours: Double?, _ theirs: Double?, _ what: String, _ id: String) -> Double {
    guard let ours, let theirs else {
      Issue.record(
        "\(id) \(what): ours \(String(describing: ours)), R \(String(describing: theirs))")
      return .infinity
    }
    let error = abs(ours - theirs) / max(abs(theirs), 1e-300)
    let absolute = abs(ours - theirs)
    // A value R prints as 0 to Tolerance.survregZero is compared absolutely.
    let ok = error <= Tolerance.survreg || absolute <= Tolerance.survregZero
    #expect(ok, "\(id) \(what): ours \(ours), R \(theirs), relative error \(error)")
    return theirs == 0 ? absolute : error
  }

  @Test("coefficients, scales, SEs, loglik, chisq, iterations, quantiles", arguments: caseIDs)
  func matchesR(_ argument: FixtureArgument<String>) throws {
    let id = try argument.value()
    let c = try Fixture.named("survreg.json", "cases", id, key: "id")
    let file = try #require(c["file"] as? String)
    let formulaText = try #require(c["formula"] as? String)
    let dist = try #require(
      (c["dist"] as? String).flatMap(SurvregDistribution.init(rawValue:)))
    let table = try CSVReader.read(path: Reference.directory.appendingPathComponent(file).path)
      .table
    let design = try DesignMatrix.build(Formula.parse(formulaText), table: table)
    let input = try SurvregInput.make(design)
    let maxIterations = c.number("max_iterations").map { Int($0) } ?? 30
    let fit = try SurvregModel(distribution: dist, maxIterations: maxIterations).fit(
      time: input.time, event: input.event, x: input.x, columnNames: input.columnNames,
      strata: input.strata, strataLabels: input.strataLabels, cluster: input.cluster)

    // R names a level `sexM`; the contract style is `sex[M]`.
    let terms = fit.coefficients.map {
      $0.term.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
    }
    let rTerms = c.strings("terms").map {
      $0.replacingOccurrences(of: "factor(", with: "").replacingOccurrences(of: ")", with: "")
        .replacingOccurrences(of: "(Intercept", with: "(Intercept)")
    }
    #expect(terms == rTerms, "\(id) terms")
    #expect(fit.iterations == Int(c.number("iterations") ?? -1), "\(id) iterations")
    #expect(fit.converged == !(c["warned"] as? Bool ?? false), "\(id) convergence warning")
    #expect(fit.count == Int(c.number("n") ?? -1), "\(id) n")
    #expect(fit.isRobust == (c["robust"] as? Bool ?? false), "\(id) robust")
    #expect(fit.likelihoodRatioTest.degreesOfFreedom == Int(c.number("df") ?? -1), "\(id) df")
    var worst = 0.0
    func check(_ ours: [Double?], _ key: String) {
      let theirs = c.numbers(key)
      #expect(ours.count == theirs.count, "\(id) \(key) count")
      for (k, (a, b)) in zip(ours, theirs).enumerated() {
        worst = max(worst, Self.close(a, b, "\(key)[\(k)]", id))
      }
    }
    check(fit.coefficients.map(\.estimate), "estimate")
    check(fit.coefficients.map(\.standardError), "std_error")
    check(fit.coefficients.map(\.modelStandardError), "model_std_error")
    check(fit.coefficients.map(\.z), "z")
    check(fit.logScales.map(\.estimate), "log_scale")
    check(fit.logScales.map(\.standardError), "log_scale_std_error")
    check(fit.logScales.map(\.modelStandardError), "log_scale_model_std_error")
    check(fit.scales, "scale")
    check([fit.nullLogLikelihood, fit.logLikelihood], "loglik")
    check([fit.likelihoodRatioTest.statistic], "chisq")
    let row = c.numbers("profile_row").map { $0 ?? .nan }
    let stratum = Int(c.number("profile_stratum") ?? 1) - 1
    let probabilities = c.numbers("probabilities").compactMap { $0 }
    let quantiles = try fit.quantiles(row: row, stratum: stratum, probabilities: probabilities)
    check(quantiles.map(\.estimate), "quantile")
    check(quantiles.map(\.standardError), "quantile_std_error")
    let times = c.numbers("times").compactMap { $0 }
    check(try fit.survival(row: row, stratum: stratum, times: times).map(\.survival), "survival")
    print("survreg \(id): max relative error \(worst)")
  }
}
