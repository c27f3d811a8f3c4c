import CrampData
import Formula
import Foundation
import Testing
import _TestSupport

@testable import MixedModels

/// Boundary and small-data cases: no patient variation at all, a one-night patient, errors.
@Suite("Mixed logistic edge cases")
struct GLMMEdgeCaseTests {
  /// A diary without patient variation.
  ///
  /// Tests/Reference/data/glmer_flat.csv: 40 patients with identical nights (6 with x = 0
  /// and 2 cramps, 6 with x = 1 and 3 cramps) and S41 with one night. lme4 estimates
  /// theta = 0 (singular fit) and the fixed effects of the plain GLM.
  @Test("variance 0: a singular-fit warning, the GLM's estimates, no crash")
  func singularFit() throws {
    let prepared = try PreparedModel("flat_laplace")
    let r = prepared.reference
    let fit = try prepared.model.fit(prepared.design, random: prepared.random)
    #expect(fit.isSingular && r.isSingular)
    #expect(fit.diagnostics.contains(.singularFit))
    #expect(fit.theta == [0])
    #expect(fit.variances[0].variance == 0)
    #expect(fit.intraclassCorrelation == 0)
    #expect(fit.medianOddsRatio == 1)
    #expect(fit.logLikelihood >= r.logLikelihood - 1e-6)
    for (ours, theirs) in zip(fit.coefficients, r.coefficients) {
      // At theta = 0 both are the GLM's estimates and SEs (the Hessian's cross terms with
      // theta vanish there, the deviance being even in theta); measured ~1e-8.
      #expect(
        Tolerance.relativeError(ours.estimate ?? .nan, theirs.estimate) < 1e-6, "\(theirs.term)")
      #expect(
        Tolerance.relativeError(ours.standardError ?? .nan, theirs.stdError) < 1e-4,
        "\(theirs.term)")
    }
  }

  @Test("a patient with a single night gets a mode and a conditional SD")
  func singleNight() throws {
    let prepared = try PreparedModel("flat_laplace")
    let fit = try prepared.model.fit(prepared.design, random: prepared.random)
    let single = try #require(fit.conditionalModes.first { $0.group == "S41" })
    #expect(single.rows == 1)
    #expect(single.modes.allSatisfy { $0.isFinite })
    #expect(single.conditionalStandardDeviations.allSatisfy { $0.isFinite })
  }

  @Test("conditional modes and SDs as ranef(fit, condVar = TRUE)")
  func conditionalModes() throws {
    let prepared = try PreparedModel("teaching_laplace")
    let ranef = try #require(prepared.reference.ranef)
    let fit = try prepared.model.fit(prepared.design, random: prepared.random)
    let ours = Dictionary(uniqueKeysWithValues: fit.conditionalModes.map { ($0.group, $0) })
    #expect(ours.count == ranef.group.count)
    var worst = (mode: 0.0, sd: 0.0)
    for (index, group) in ranef.group.enumerated() {
      let mode = try #require(ours[group])
      worst.mode = max(worst.mode, abs(mode.modes[0] - ranef.mode[index]))
      worst.sd = max(
        worst.sd,
        Tolerance.relativeError(mode.conditionalStandardDeviations[0], ranef.condSD[index]))
    }
    // The modes follow the estimates (which agree to ~1e-5 with bobyqa's stopping point).
    #expect(worst.mode < 1e-4)
    #expect(worst.sd < 1e-4)
    print("ranef teaching: max |mode diff| \(worst.mode), max rel cond SD \(worst.sd)")
  }

  @Test("AGQ with a random slope is refused as glmer refuses it")
  func quadratureNeedsIntercept() throws {
    let prepared = try PreparedModel("teaching_slope")
    #expect(throws: MixedModelError.quadratureNeedsScalarIntercept) {
      _ = try MixedLogisticModel(quadraturePoints: 5).fit(prepared.design, random: prepared.random)
    }
    #expect(throws: MixedModelError.invalidQuadraturePoints(26)) {
      _ = try GaussHermiteRule(points: 26)
    }
  }

  @Test("the Gauss-Hermite rule integrates normal moments exactly")
  func gaussHermite() throws {
    let rule = try GaussHermiteRule(points: 10)
    func moment(_ k: Int) -> Double {
      zip(rule.nodes, rule.weights).reduce(0) { $0 + $1.1 * pow($1.0, Double(k)) }
    }
    #expect(abs(moment(0) - 1) < 1e-14)
    #expect(abs(moment(2) - 1) < 1e-13)
    #expect(abs(moment(4) - 3) < 1e-12)
    #expect(abs(moment(6) - 15) < 1e-11)
    #expect(abs(moment(3)) < 1e-12)
  }

  @Test("a response that is not 0/1 is a typed error with its line")
  func nonBinary() throws {
    let table = Table(
      source: "t.csv",
      columns: [
        Column(
          name: "y", type: .integer, numbers: [0, 2, 1, 0], missing: [false, false, false, false]),
        Column(name: "g", codes: [0, 0, 1, 1], levels: ["a", "b"]),
      ], lineNumbers: [2, 3, 4, 5])
    let mixed = try MixedFormula.parse("y ~ (1 | g)")
    let design = try DesignMatrix.build(
      mixed.fixed, table: table, options: DesignOptions(cluster: "g"))
    let random = try RandomEffects.build(mixed.random, design: design, table: table)
    #expect(throws: MixedModelError.responseNotBinary(source: "t.csv", line: 3, value: 2)) {
      _ = try MixedLogisticModel().fit(design, random: random)
    }
  }
}
