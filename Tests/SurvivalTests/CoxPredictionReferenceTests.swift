import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

@Suite("Cox prediction and baseline hazard against R survival 3.5-3")
struct CoxPredictionReferenceTests {
  static let names = Reference.names("cox") { $0["predicted"] != nil }

  /// The profile in design-column order; `cellcode` (a factor) becomes its dummy columns.
  static func profile(_ entry: [String: Any], terms: [String]) throws -> [Double] {
    guard let rows = entry["newdata"] as? [[String: Any]], let row = rows.first else {
      throw CaseDataError.missing("newdata")
    }
    let cell = (row["cellcode"] as? NSNumber)?.intValue
    let dummies = ["smallcell": 2, "adeno": 3, "large": 4]
    return try terms.map { term in
      if let level = dummies[term], let cell { return cell == level ? 1 : 0 }
      guard let value = (row[term] as? NSNumber)?.doubleValue else {
        throw CaseDataError.missing("newdata \(term)")
      }
      return value
    }
  }

  @Test("survfit(fit, newdata) and basehaz(fit, centered)", arguments: names)
  func prediction(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try Reference.named("cox", name)
    let call = entry["call"] as? String ?? ""
    let input = try CoxCaseInput(entry)
    let fit = try input.fit(ties: call.contains("breslow") ? .breslow : .efron)
    let steps = try fit.predictSurvival(profile: try Self.profile(entry, terms: input.terms))
    let expected = entry.object("predicted")
    var errors = [Double]()
    let times = expected.numbers("time")
    #expect(steps.count == times.count, "\(call)")
    for (k, step) in steps.enumerated() where k < times.count {
      let what = "\(call) t=\(step.time)"
      errors.append(Tolerance.check(step.time, times[k], 0, "\(what) time"))
      errors.append(
        Tolerance.check(step.atRisk, expected.numbers("n_risk")[k], 0, "\(what) n.risk"))
      errors.append(
        Tolerance.check(step.events, expected.numbers("n_event")[k], 0, "\(what) n.event"))
      for (ours, key) in [
        (step.survival, "survival"), (step.standardError, "std_err"),
        (step.cumulativeHazard, "cumhaz"),
      ] {
        errors.append(
          Tolerance.check(ours, expected.numbers(key)[k], Tolerance.estimate, "\(what) \(key)"))
      }
      errors.append(
        Tolerance.check(
          step.confidenceLow, expected.numbers("lower")[k], Tolerance.estimate, "\(what) lower"))
      errors.append(
        Tolerance.check(
          step.confidenceHigh, expected.numbers("upper")[k], Tolerance.estimate, "\(what) upper"))
    }
    for (centered, key) in [(false, "baseline"), (true, "baseline_centered")] {
      let baseline = fit.baselineHazard(centered: centered)
      let reference = entry.object(key)
      #expect(baseline.count == reference.numbers("time").count)
      for (k, step) in baseline.enumerated() where k < reference.numbers("time").count {
        errors.append(Tolerance.check(step.time, reference.numbers("time")[k], 0, "\(key) time"))
        errors.append(
          Tolerance.check(
            step.cumulativeHazard, reference.numbers("hazard")[k], Tolerance.estimate,
            "\(call) \(key) t=\(step.time)"))
      }
    }
    let means = entry.numbers("means")
    for (k, mean) in fit.means.enumerated() where k < means.count {
      errors.append(Tolerance.check(mean, means[k], Tolerance.closedForm, "\(call) means"))
    }
    reportMaximum("prediction \(name)", errors)
  }
}

@Suite("Cox prediction with strata")
struct CoxStratifiedPredictionTests {
  @Test("a stratified fit needs the profile's stratum; basehaz covers every stratum")
  func strata() throws {
    let entry = try Reference.named("cox", "lung_strata")
    let input = try CoxCaseInput(entry)
    let fit = try input.fit(ties: .efron)
    #expect(throws: SurvivalError.self) { try fit.predictSurvival(profile: [60, 1]) }
    #expect(throws: SurvivalError.self) { try fit.predictSurvival(profile: [60, 1], stratum: 7) }
    let male = try fit.predictSurvival(profile: [60, 1], stratum: 1)
    let female = try fit.predictSurvival(profile: [60, 1], stratum: 2)
    #expect(!male.isEmpty && !female.isEmpty)
    // Survival is non-increasing and the curves differ by stratum.
    for curve in [male, female] {
      for (a, b) in zip(curve, curve.dropFirst()) { #expect(b.survival <= a.survival) }
    }
    #expect(male.last?.survival != female.last?.survival)
    let baseline = fit.baselineHazard()
    #expect(Set(baseline.map(\.stratum)) == [1, 2])
    #expect(baseline.filter { $0.stratum == 1 }.count == male.count)
  }
}
