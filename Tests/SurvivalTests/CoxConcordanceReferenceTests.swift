import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

@Suite("Cox concordance against R survival 3.5-3")
struct CoxConcordanceReferenceTests {
  static let names = Reference.names("cox")

  @Test("concordance(fit): estimate, standard error and pair counts", arguments: names)
  func concordance(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try Reference.named("cox", name)
    let call = entry["call"] as? String ?? ""
    let input = try CoxCaseInput(entry)
    let fit = try input.fit(ties: call.contains("breslow") ? .breslow : .efron)
    let expected = entry.object("concordance")
    let result = fit.concordance
    var errors = [Double]()
    errors.append(
      Tolerance.check(
        result.estimate, expected.number("estimate"), Tolerance.closedForm, "\(call) concordance"))
    errors.append(
      Tolerance.check(
        result.standardError, expected.number("std_error"), Tolerance.closedForm,
        "\(call) concordance se"))
    // R's count vector: concordant, discordant, tied.x, tied.y, tied.xy; with strata a
    // strata x 5 matrix (flattened by column), summed here over strata.
    let flat = entry.numbers("concordance_count").map { $0 ?? .nan }
    let strata = max(1, flat.count / 5)
    let counts = (0..<(flat.count / strata)).map { k in
      flat[(k * strata)..<((k + 1) * strata)].reduce(0, +)
    }
    if counts.count >= 3 {
      for (ours, theirs, what) in [
        (result.concordant, counts[0], "concordant"), (result.discordant, counts[1], "discordant"),
        (result.tiedRisk, counts[2], "tied.x"),
      ] {
        errors.append(Tolerance.check(ours, theirs, Tolerance.closedForm, "\(call) \(what)"))
      }
    }
    reportMaximum("concordance \(name)", errors)
  }
}

@Suite("Cox robust score test against R survival 3.5-3")
struct CoxRobustScoreReferenceTests {
  static let names = Reference.names("cox")

  @Test("summary.coxph Robust = statistic (nil when no robust variance)", arguments: names)
  func robustScore(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try Reference.named("cox", name)
    let call = entry["call"] as? String ?? ""
    let fit = try CoxCaseInput(entry).fit(ties: call.contains("breslow") ? .breslow : .efron)
    let test = try fit.robustScoreTest()
    let expected = entry.object("robust_score")
    guard let statistic = expected.number("statistic") else {
      #expect(test == nil, "\(call): R has no robust score test")
      return
    }
    let error = Tolerance.check(
      test?.statistic, statistic, Tolerance.estimate, "\(call) robust score")
    #expect(Double(test?.degreesOfFreedom ?? -1) == expected.number("df"))
    reportMaximum("robust score \(name)", [error])
  }
}
