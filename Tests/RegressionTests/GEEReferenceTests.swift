import CrampData
import Formula
import Foundation
import Testing
import _TestSupport

@testable import Regression

/// `GEEModel` against `geepack::geeglm(..., family = binomial, id = factor(patient_id))`.
///
/// geeglm stops at a 1e-4 parameter change, so its printed estimates are an iterate; our
/// iteration has the same start and update order, so the same iterate is compared at 1e-6
/// relative. The fixtures also hold geeglm at `epsilon = 1e-12` (the fixed point), compared
/// with `GEEModel(tolerance: 1e-12)` at 1e-6 as well.
@Suite("GEE vs geepack")
struct GEEReferenceTests {
  static let recorder = ErrorRecorder()

  static func fit(_ name: String, _ model: GEEModel) throws -> (LogisticReference.Model, GEEFit) {
    let reference = try LogisticReference.load()
    let fixture = try #require(reference.models[name])
    let design = try DesignMatrix.build(
      Formula.parse(fixture.formula), table: try readFixture(fixture.data),
      options: DesignOptions(cluster: "patient_id"))
    return (fixture, try model.fit(design))
  }

  static func compare(_ fit: GEEFit, _ gee: LogisticReference.GEE, _ label: String) {
    #expect(fit.coefficients.count == gee.estimate.count)
    for (row, (estimate, se)) in zip(fit.coefficients, zip(gee.estimate, gee.stdError)) {
      #expect(
        Tolerance.close(row.estimate, estimate, 1e-6, "GEE estimate", recorder: recorder),
        "\(label) \(row.term) \(String(describing: row.estimate)) vs \(estimate)")
      #expect(
        Tolerance.close(row.standardError, se, 1e-6, "GEE san.se", recorder: recorder),
        "\(label) \(row.term) SE \(String(describing: row.standardError)) vs \(se)")
      #expect(row.intervalMethod == .waldRobust)
    }
    #expect(
      Tolerance.close(fit.alpha, gee.alpha, 1e-6, "GEE alpha", recorder: recorder),
      "\(label) alpha \(String(describing: fit.alpha)) vs \(gee.alpha)")
    #expect(
      Tolerance.close(fit.scale, gee.scale, 1e-6, "GEE scale", recorder: recorder),
      "\(label) scale \(fit.scale) vs \(gee.scale)")
  }

  @Test("exchangeable: geeglm's iterate at its default epsilon", arguments: ["diary", "teaching"])
  func exchangeableDefault(name: String) throws {
    let (fixture, fit) = try Self.fit(name, GEEModel(correlation: .exchangeable))
    #expect(fit.converged)
    Self.compare(fit, try #require(fixture.geeExchangeable), name)
    print("[gee \(name)] iterations \(fit.iterations); \(Self.recorder.summary)")
  }

  @Test("exchangeable: converged fixed point (epsilon 1e-12)", arguments: ["diary", "teaching"])
  func exchangeableConverged(name: String) throws {
    let (fixture, fit) = try Self.fit(
      name, GEEModel(correlation: .exchangeable, tolerance: 1e-12, maxIterations: 200))
    #expect(fit.converged)
    Self.compare(fit, try #require(fixture.geeExchangeableConverged), name + " converged")
    print("[gee \(name) converged] iterations \(fit.iterations); \(Self.recorder.summary)")
  }

  @Test("independence: san.se equals geeglm's and vcovCL HC0", arguments: ["diary", "teaching"])
  func independence(name: String) throws {
    let (fixture, fit) = try Self.fit(name, GEEModel(correlation: .independence))
    let reference = try #require(fixture.geeIndependenceStdError)
    #expect(fit.alpha == nil)
    for (row, (se, coefficient)) in zip(fit.coefficients, zip(reference, fixture.coefficients)) {
      #expect(
        Tolerance.close(row.standardError, se, 1e-6, "GEE independence SE", recorder: Self.recorder)
      )
      // geeglm takes further scoring steps from glm's iterate (glm stops on a 1e-8 relative
      // deviance change), so on a flat direction (teaching's trimester[1], 267 nights) the
      // estimates are 1e-5 apart; geeglm's own SEs above agree to 1e-13.
      #expect(
        Tolerance.close(
          row.estimate, coefficient.estimate, 1e-4, "GEE independence estimate vs glm",
          recorder: Self.recorder))
    }
  }

  @Test("no clusters is an error")
  func noClusters() throws {
    let reference = try LogisticReference.load()
    let fixture = try #require(reference.models["diary"])
    let design = try DesignMatrix.build(
      Formula.parse(fixture.formula), table: try readFixture(fixture.data))
    #expect(throws: RegressionError.noClusters) { try GEEModel().fit(design) }
  }
}
