import CrampData
import Formula
import Foundation
import Testing
import _TestSupport

@testable import Regression

/// Profile-likelihood intervals (`LogisticModel(confidenceIntervals: .profile)`).
///
/// Three references, from strictest to loosest:
/// - the 2x2 table of `LogisticHandWorkedTests`, whose profile deviance has a closed form
///   solved in `logistic.R` by `uniroot` at tol 1e-15: 1e-9 absolute;
/// - the exact roots for the diary and teaching models from `logistic.R`'s
///   `exact_profile_ci` (`glm.fit` with the coefficient in the offset, epsilon 1e-14, and
///   `uniroot` at tol 1e-13): 1e-6 relative to `max(|limit|, SE)` (a limit can sit at 0);
/// - R 4.2's `confint(glm)` (MASS `profile.glm`): 1e-3 SE absolute, because MASS inverts a
///   spline through a grid of profile points spaced 0.52 SE apart; its interpolation error
///   on these data is up to 5.7e-4 SE.
@Suite("Profile-likelihood intervals vs R")
struct ProfileLikelihoodTests {
  static let recorder = ErrorRecorder()

  static func profileFit(_ name: String) throws -> (LogisticReference.Model, LogisticFit) {
    let reference = try LogisticReference.load()
    let model = try #require(reference.models[name])
    let design = try DesignMatrix.build(
      Formula.parse(model.formula), table: try readFixture(model.data))
    let fit = try LogisticModel(confidenceIntervals: .profile).fit(design)
    return (model, fit)
  }

  @Test("exact roots and MASS confint", arguments: ["diary", "teaching"])
  func matchesR(name: String) throws {
    let (model, fit) = try Self.profileFit(name)
    let exact = try #require(model.exactProfileCI)
    let mass = try #require(model.profileCI)
    #expect(fit.coefficients.count == exact.count)
    for (row, (ours, (theirs, masses))) in zip(
      fit.coefficients, zip(exact, mass)
    ).enumerated() {
      #expect(ours.term == theirs.term)
      #expect(ours.intervalMethod == .profileLikelihood)
      let se = try #require(ours.modelStandardError)
      let low = try #require(ours.confLow)
      let high = try #require(ours.confHigh)
      let exactLow = try #require(theirs.confLow)
      let exactHigh = try #require(theirs.confHigh)
      let scaleLow = max(abs(exactLow), se)
      let scaleHigh = max(abs(exactHigh), se)
      let errors = [abs(low - exactLow) / scaleLow, abs(high - exactHigh) / scaleHigh]
      for error in errors { Self.recorder.note("profile vs exact (\(name))", error) }
      #expect(errors.allSatisfy { $0 <= 1e-6 }, "\(name) row \(row) \(ours.term): \(errors)")
      let massErrors = [
        abs(low - (masses.confLow ?? .nan)) / se, abs(high - (masses.confHigh ?? .nan)) / se,
      ]
      for error in massErrors { Self.recorder.note("profile vs MASS, in SE (\(name))", error) }
      #expect(massErrors.allSatisfy { $0 <= 1e-3 }, "\(name) \(ours.term) vs MASS: \(massErrors)")
    }
    // The estimates and everything else are those of the Wald fit.
    let wald = try LogisticModel().fit(
      DesignMatrix.build(Formula.parse(model.formula), table: try readFixture(model.data)))
    #expect(wald.coefficients.map(\.estimate) == fit.coefficients.map(\.estimate))
    #expect(wald.deviance == fit.deviance)
    print("[profile \(name)] \(Self.recorder.summary)")
  }

  @Test("2x2 table: closed-form profile limits")
  func twoByTwo() throws {
    let reference = try LogisticReference.load().twoByTwoProfile
    let x: [Double] = Array(repeating: 1, count: 8) + Array(repeating: 0, count: 12)
    let y: [Double] =
      Array(repeating: 1, count: 6) + Array(repeating: 0, count: 2)
      + Array(repeating: 1, count: 3) + Array(repeating: 0, count: 9)
    let none = [Bool](repeating: false, count: 20)
    let table = Table(
      source: "two_by_two.csv",
      columns: [
        Column(name: "x", type: .double, numbers: x, missing: none),
        Column(name: "y", type: .double, numbers: y, missing: none),
      ],
      lineNumbers: (0..<20).map { Int32($0 + 2) })
    let fit = try LogisticModel(confidenceIntervals: .profile).fit(
      DesignMatrix.build(Formula.parse("y ~ x"), table: table))
    #expect(fit.coefficients.map(\.term) == reference.terms)
    for (j, row) in fit.coefficients.enumerated() {
      let low = try #require(row.confLow)
      let high = try #require(row.confHigh)
      Self.recorder.note(
        "2x2 exact", max(abs(low - reference.confLow[j]), abs(high - reference.confHigh[j])))
      #expect(abs(low - reference.confLow[j]) < 1e-9, "\(row.term) low \(low)")
      #expect(abs(high - reference.confHigh[j]) < 1e-9, "\(row.term) high \(high)")
      // MASS's spline lands within 1e-3 SE of the exact limits here too.
      let se = try #require(row.modelStandardError)
      #expect(abs(low - reference.massConfLow[j]) < 1e-3 * se)
      #expect(abs(high - reference.massConfHigh[j]) < 1e-3 * se)
    }
  }

  @Test("profile intervals with the cluster-robust variance are refused")
  func robustRefused() throws {
    let reference = try LogisticReference.load()
    let model = try #require(reference.models["diary"])
    let design = try DesignMatrix.build(
      Formula.parse(model.formula), table: try readFixture(model.data),
      options: DesignOptions(cluster: "patient_id"))
    #expect(throws: RegressionError.self) {
      try LogisticModel(confidenceIntervals: .profile).fit(design, variance: .clusterRobust)
    }
  }

  @Test("quasi-complete separation: the open side is +Inf with a warning (R's confint: NA)")
  func separated() throws {
    let reference = try LogisticReference.load()
    let model = try #require(reference.models["separation"])
    let design = try DesignMatrix.build(
      Formula.parse(model.formula), table: try readFixture(model.data))
    let fit = try LogisticModel(confidenceIntervals: .profile).fit(design)
    let exposed = try #require(fit.coefficients.first { $0.term == "exposed" })
    #expect(exposed.confHigh == .infinity)
    let low = try #require(exposed.confLow)
    #expect(low.isFinite && low <= (exposed.estimate ?? .nan))
    #expect(fit.diagnostics.contains(.openProfileInterval(terms: ["exposed"])))
  }

  @Test("complete separation: no interval excludes its own estimate")
  func complete() throws {
    let reference = try LogisticReference.load()
    let model = try #require(reference.models["complete"])
    let design = try DesignMatrix.build(
      Formula.parse(model.formula), table: try readFixture(model.data))
    let fit = try LogisticModel(confidenceIntervals: .profile).fit(design)
    for c in fit.coefficients {
      let estimate = try #require(c.estimate)
      if let low = c.confLow { #expect(low <= estimate, "\(c.term)") }
      if let high = c.confHigh { #expect(high >= estimate, "\(c.term)") }
    }
  }
}
