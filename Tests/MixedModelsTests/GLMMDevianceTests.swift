import Foundation
import Testing
import _TestSupport

@testable import MixedModels

/// Our deviance at lme4's optimum against lme4's own deviance function there
/// (`devfun <- glmer(..., devFunOnly = TRUE); devfun(c(theta, beta))`, Tests/Reference/glmer.R).
@Suite("GLMM deviance vs lme4 devfun")
struct GLMMDevianceTests {
  static let names = [
    "cbpp_laplace", "cbpp_agq10", "cbpp_agq25", "cbpp_cloglog", "bacteria_laplace",
    "bacteria_agq10", "bacteria_slope", "verbagg_laplace", "verbagg_slope", "teaching_laplace",
    "teaching_agq10", "teaching_slope", "teaching_cloglog", "flat_laplace",
  ]

  @Test("the fixture exists and lists every model")
  func fixtureIsComplete() throws {
    let reference = try GLMMReference.load()
    #expect(Set(reference.models.keys) == Set(Self.names))
  }

  @Test("deviance at R's (theta, beta) equals devfun to 1e-8 relative", arguments: names)
  func devianceAtOptimum(name: String) throws {
    let prepared = try PreparedModel(name)
    let r = prepared.reference
    let ours = try prepared.deviance(theta: r.theta, beta: r.beta)
    let error = Tolerance.relativeError(ours, r.devfunAtOptimumAgain)
    print("devfun \(name): ours \(ours) R \(r.devfunAtOptimumAgain) relative \(error)")
    #expect(error < 1e-8, "\(name): ours \(ours), lme4 \(r.devfunAtOptimumAgain)")
  }
}

/// The analytic gradient of the Laplace and AGQ deviances against differences of the deviance.
@Suite("Deviance gradient")
struct GLMMGradientTests {
  @Test(
    "analytic gradient equals finite differences away from the optimum",
    arguments: [
      "cbpp_laplace", "cbpp_cloglog", "verbagg_slope", "teaching_slope", "cbpp_agq10",
      "bacteria_agq10", "teaching_agq10",
    ])
  func gradient(name: String) throws {
    let prepared = try PreparedModel(name)
    let objective = try prepared.objective()
    let r = prepared.reference
    // Away from the optimum, so the gradient is not ~0.
    let theta = r.theta.map { $0 * 1.1 + 0.05 }
    let beta = r.beta.enumerated().map { $0.element + 0.03 * Double($0.offset % 3 - 1) }
    let evaluation = try objective.evaluate(theta: theta, beta: beta, start: nil, gradient: true)
    let analytic = try #require(evaluation.gradient)
    let phi = theta + beta
    let h = 1e-4
    for j in phi.indices {
      func f(_ d: Double) throws -> Double {
        var x = phi
        x[j] += d
        return try objective.evaluate(
          theta: Array(x[0..<theta.count]), beta: Array(x[theta.count...]),
          start: evaluation.modes
        ).deviance
      }
      // Five-point stencil: truncation O(h^4).
      let numeric = (8 * (try f(h) - f(-h)) - (try f(2 * h) - f(-2 * h))) / (12 * h)
      let scale = max(1, abs(numeric))
      #expect(
        abs(analytic[j] - numeric) / scale < 1e-6,
        "\(name) parameter \(j): \(analytic[j]) vs \(numeric)")
    }
  }
}

/// Identities of the objective that need no reference: at `theta = 0` the random effects
/// vanish (modes 0, `M = I`) and the deviance is the GLM's `sum_i d(y_i, x_i' beta)`; a
/// one-point Gauss-Hermite rule (node 0, weight 1) is the Laplace approximation.
@Suite("GLMM deviance identities")
struct GLMMDevianceIdentityTests {
  @Test("theta = 0 gives the GLM deviance; nAGQ = 1 as quadrature equals Laplace")
  func identities() throws {
    let prepared = try PreparedModel("bacteria_laplace")
    let objective = try prepared.objective()
    let beta = prepared.reference.beta
    let y = try #require(prepared.design.response)
    var glm = 0.0
    for i in 0..<prepared.design.rowCount {
      var eta = 0.0
      for j in 0..<prepared.design.columnCount {
        eta += prepared.design.values[i + j * prepared.design.rowCount] * beta[j]
      }
      glm += y[i] == 1 ? -2 * log(1 / (1 + exp(-eta))) : -2 * log(1 - 1 / (1 + exp(-eta)))
    }
    let atZero = try objective.evaluate(theta: [0], beta: beta, start: nil)
    #expect(Tolerance.relativeError(atZero.deviance, glm) < 1e-12)
    #expect(atZero.modes.allSatisfy { $0 == 0 })
    let one = GLMMDeviance(
      link: objective.link, rows: objective.rows, design: objective.design, p: objective.p,
      offset: nil, rule: try GaussHermiteRule(points: 1))
    let theta = prepared.reference.theta
    let laplace = try objective.evaluate(theta: theta, beta: beta, start: nil).deviance
    #expect(
      Tolerance.relativeError(
        try one.evaluate(theta: theta, beta: beta, start: nil).deviance, laplace)
        < 1e-14)
    // The deviance depends on Lambda Lambda' only: theta and -theta agree.
    let reflected = try objective.evaluate(theta: theta.map { -$0 }, beta: beta, start: nil)
    #expect(Tolerance.relativeError(reflected.deviance, laplace) < 1e-13)
  }
}
