import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

/// Builds the inputs of one Cox reference case from its CSV and column map.
struct CoxCaseInput {
  let response: SurvivalResponse
  let x: Matrix
  let terms: [String]
  let strata: [Int]?
  let cluster: [Int]?
  let weights: [Double]?
  let offset: [Double]?

  init(_ entry: [String: Any]) throws {
    guard let file = entry["data"] as? String else { throw CaseDataError.missing("data") }
    let table = try Reference.table(file)
    let columns = entry.object("columns")
    func column(_ key: String) throws -> [Double]? {
      guard let name = columns[key] as? String else { return nil }
      guard let values = table[name] else { throw CaseDataError.missing("column \(name)") }
      return values
    }
    guard let stop = try column("time"), let status = try column("status") else {
      throw CaseDataError.missing("time/status")
    }
    response = try SurvivalResponse(
      start: try column("start"), stop: stop, event: try SurvivalResponse.normalizeStatus(status))
    terms = columns.strings("x")
    var storage = [Double]()
    for name in terms { storage.append(contentsOf: table[name] ?? []) }
    x = try Matrix(rows: stop.count, columns: terms.count, columnMajor: storage)
    strata = try column("strata")?.map { Int($0) }
    cluster = try column("cluster")?.map { Int($0) }
    weights = try column("weights")
    let scale = (columns["offset_scale"] as? NSNumber)?.doubleValue ?? 1
    offset = try column("offset")?.map { $0 * scale }
  }

  func fit(ties: CoxModel.Ties) throws -> CoxFit {
    try CoxModel(ties: ties).fit(
      response, x: x, termNames: terms, strata: strata, cluster: cluster, weights: weights,
      offset: offset)
  }
}

@Suite("Cox model against R survival 3.5-3")
struct CoxReferenceTests {
  static let names = Reference.names("cox")

  @Test("coefficients, standard errors, log-likelihood and tests", arguments: names)
  func coefficients(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try Reference.named("cox", name)
    let call = entry["call"] as? String ?? ""
    let input = try CoxCaseInput(entry)
    let ties: CoxModel.Ties = call.contains("breslow") ? .breslow : .efron
    let fit = try input.fit(ties: ties)
    var errors = [Double]()
    var pErrors = [Double]()
    let estimates = entry.numbers("coefficients")
    let se = entry.numbers("std_error")
    let modelSE = entry.numbers("model_std_error")
    #expect(fit.coefficients.count == estimates.count, "\(call)")
    for (k, coefficient) in fit.coefficients.enumerated() where k < estimates.count {
      let what = "\(call): \(coefficient.term)"
      errors.append(
        Tolerance.check(coefficient.estimate, estimates[k], Tolerance.estimate, "\(what) coef"))
      errors.append(
        Tolerance.check(coefficient.standardError, se[k], Tolerance.estimate, "\(what) se"))
      errors.append(
        Tolerance.check(
          coefficient.modelStandardError, modelSE[k], Tolerance.estimate, "\(what) model se"))
      errors.append(
        Tolerance.check(coefficient.z, entry.numbers("z")[k], Tolerance.estimate, "\(what) z"))
      pErrors.append(
        Tolerance.checkPValue(coefficient.pValue, entry.numbers("p_value")[k], "\(what) p"))
      // R reports the interval as exp(); where that over/underflows (a near-infinite
      // coefficient) its log is +-inf, written as null.
      for (actual, expected, side) in [
        (coefficient.confidenceLow, entry.numbers("conf_low")[k], "lower"),
        (coefficient.confidenceHigh, entry.numbers("conf_high")[k], "upper"),
      ] {
        if expected == nil, let actual, abs(actual) > 700 { continue }
        errors.append(Tolerance.check(actual, expected, Tolerance.estimate, "\(what) \(side)"))
      }
    }
    let loglik = entry.numbers("loglik")
    errors.append(
      Tolerance.check(
        fit.nullLogLikelihood, loglik.first ?? nil, Tolerance.estimate, "\(call) null loglik"))
    errors.append(
      Tolerance.check(fit.logLikelihood, loglik.last ?? nil, Tolerance.estimate, "\(call) loglik"))
    for (key, test) in [
      ("wald", fit.waldTest), ("score", fit.scoreTest),
      ("likelihood_ratio", fit.likelihoodRatioTest),
    ] {
      let expected = entry.object(key)
      errors.append(
        Tolerance.check(
          test.statistic, expected.number("statistic"), Tolerance.estimate, "\(call) \(key)"))
      #expect(Double(test.degreesOfFreedom) == expected.number("df"), "\(call) \(key) df")
      pErrors.append(
        Tolerance.checkPValue(test.pValue, expected.number("p_value"), "\(call) \(key) p"))
    }
    #expect(fit.iterations == Int(entry.number("iterations") ?? -1), "\(call) iterations")
    #expect(fit.count == Int(entry.number("n") ?? -1))
    #expect(fit.eventCount == Int(entry.number("nevent") ?? -1))
    let warned = !entry.strings("warnings").isEmpty
    let flagged = fit.diagnostics.contains {
      if case .coefficientMayBeInfinite = $0 { return true } else { return false }
    }
    #expect(
      warned == flagged, "\(call): R warnings \(entry.strings("warnings")), ours \(fit.diagnostics)"
    )
    reportMaximum("cox \(name) estimates", errors)
    reportMaximum("cox \(name) p-values", pErrors)
  }
}
