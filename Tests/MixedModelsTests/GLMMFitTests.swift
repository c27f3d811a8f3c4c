import Foundation
import Testing

@testable import MixedModels

/// Free fits against `glmer(...)` with bobyqa at `rhoend = 1e-12` (the calls are in
/// Tests/Reference/glmer.json under each model's `call`).
///
/// Two references per model. (1) `polished`: lme4's own deviance function minimized further
/// by Newton steps from bobyqa's optimum, SEs from its Richardson-extrapolated Hessian: the
/// minimum of lme4's objective and the SEs of lme4's formula (2 H^-1), both computed to the
/// precision of lme4's devfun. Estimates, SEs and variance components must agree with it to
/// 1e-5 relative (issue 11). (2) What `summary(glmer)` prints: bobyqa stops up to ~2e-4
/// relative away from the optimum on flat directions, and lme4's vcov uses one 1e-4 stencil on
/// a devfun that PIRLS converges only to tolPwrss, so its SEs carry noise of up to ~6e-3
/// relative on the teaching diary; we check those with the measured gap as tolerance.
@Suite("Mixed logistic fits vs lme4 glmer")
struct GLMMFitTests {
  /// Against the polished optimum: 1e-5 relative, as issue 11 asks.
  static let polishedTolerance = 1e-5
  /// Against bobyqa's estimates and variances as printed: the measured gap was 2.1e-4
  /// (verbagg_laplace and teaching_slope, directions where the deviance changes by < 1e-8).
  static let printedEstimateTolerance = 5e-4
  /// Against lme4's printed SEs: the measured gap was 5.8e-3 (teaching_slope), the noise of
  /// lme4's own Hessian (its SEs differ from those of its polished optimum as much).
  static let printedSETolerance = 1e-2
  /// SEs of cloglog fits against the polished reference: 5e-5.
  ///
  /// lme4's cloglog PIRLS is Fisher
  /// scoring (linear convergence), so at tolPwrss = 1e-12 its devfun is still 2.9e-6 from the
  /// converged value on cbpp (ours, to which it moves: 1.9e-7 away at tolPwrss = 1e-14, where
  /// its polishing Newton steps then fail); that error, differenced at h = 3e-3, moves the
  /// reference SEs. Measured gap: 3.5e-5 (cbpp_cloglog), 4.3e-6 (teaching_cloglog).
  static let cloglogSETolerance = 5e-5
  /// Our log-likelihood may not be worse than lme4's by more than this (absolute).
  static let likelihoodSlack = 1e-6

  static let interior = [
    "cbpp_laplace", "cbpp_agq10", "cbpp_agq25", "cbpp_cloglog", "bacteria_laplace",
    "bacteria_agq10", "verbagg_laplace", "verbagg_slope", "teaching_laplace", "teaching_agq10",
    "teaching_slope", "teaching_cloglog",
  ]

  @Test("estimates, SEs and variance components as glmer", arguments: interior)
  func freeFit(name: String) throws {
    let prepared = try PreparedModel(name)
    let r = prepared.reference
    let polished = try #require(r.polished, "\(name) has no polished optimum")
    let fit = try prepared.model.fit(prepared.design, random: prepared.random)
    let seTolerance = r.link == "cloglog" ? Self.cloglogSETolerance : Self.polishedTolerance
    #expect(fit.n == r.n)
    #expect(fit.groupCount == r.nGroups)
    #expect(fit.coefficients.map(\.term) == r.coefficients.map(\.term))
    var gap = (estimate: 0.0, se: 0.0, variance: 0.0, printedEstimate: 0.0, printedSE: 0.0)
    for (j, (ours, theirs)) in zip(fit.coefficients, r.coefficients).enumerated() {
      let estimate = ours.estimate ?? .nan
      let se = ours.standardError ?? .nan
      gap.estimate = max(gap.estimate, relativeError(estimate, polished.beta[j]))
      gap.se = max(gap.se, relativeError(se, polished.stdError[j]))
      gap.printedEstimate = max(gap.printedEstimate, relativeError(estimate, theirs.estimate))
      gap.printedSE = max(gap.printedSE, relativeError(se, theirs.stdError))
      #expect(relativeError(estimate, polished.beta[j]) < Self.polishedTolerance, "\(theirs.term)")
      #expect(relativeError(se, polished.stdError[j]) < seTolerance, "\(theirs.term)")
      #expect(relativeError(estimate, theirs.estimate) < Self.printedEstimateTolerance)
      #expect(relativeError(se, theirs.stdError) < Self.printedSETolerance, "\(theirs.term)")
    }
    #expect(fit.variances.count == r.variances.count)
    for (j, (ours, theirs)) in zip(fit.variances, r.variances).enumerated() {
      gap.variance = max(gap.variance, relativeError(ours.variance, polished.variances[j]))
      #expect(relativeError(ours.variance, polished.variances[j]) < Self.polishedTolerance)
      #expect(relativeError(ours.variance, theirs.variance) < Self.printedEstimateTolerance)
      #expect(
        relativeError(ours.standardDeviation, theirs.stdDev) < Self.printedEstimateTolerance)
    }
    if let correlation = polished.correlation {
      #expect(abs((fit.correlations.first?.estimate ?? .nan) - correlation) < 1e-5)
    }
    #expect(fit.logLikelihood >= r.logLikelihood - Self.likelihoodSlack, "\(name) logLik")
    #expect(fit.logLikelihood >= -polished.deviance / 2 - Self.likelihoodSlack)
    #expect(abs(fit.aic - fit.deviance - (r.aic - r.deviance)) < 1e-9)
    #expect(abs(fit.bic - fit.deviance - (r.bic - r.deviance)) < 1e-9)
    #expect(fit.isSingular == r.isSingular)
    #expect(fit.converged)
    #expect(fit.diagnostics.isEmpty, "\(fit.diagnostics)")
    print(
      "fit \(name): vs polished estimate \(gap.estimate) se \(gap.se) variance \(gap.variance);"
        + " vs printed estimate \(gap.printedEstimate) se \(gap.printedSE); logLik ours - R "
        + "\(fit.logLikelihood - r.logLikelihood); iterations \(fit.iterations)")
  }

  /// A random slope on the boundary.
  ///
  /// bacteria with (1 + week | ID): lme4 stops at theta[3] = 4.5e-8 (correlation 1), a
  /// singular fit; at that boundary its SEs come from a one-sided stencil and are not a
  /// reference. We check the singular verdict, the likelihood and the fixed effects.
  @Test("a singular random slope (correlation 1) is reported as singular")
  func singularSlope() throws {
    let prepared = try PreparedModel("bacteria_slope")
    let r = prepared.reference
    let fit = try prepared.model.fit(prepared.design, random: prepared.random)
    #expect(fit.isSingular && r.isSingular)
    #expect(fit.diagnostics.contains(.singularFit))
    #expect(fit.logLikelihood >= r.logLikelihood - Self.likelihoodSlack)
    for (ours, theirs) in zip(fit.coefficients, r.coefficients) {
      #expect(relativeError(ours.estimate ?? .nan, theirs.estimate) < 1e-3, "\(theirs.term)")
    }
    #expect(abs(abs(fit.correlations.first?.estimate ?? 0) - 1) < 1e-6)
    print("fit bacteria_slope: logLik ours - R \(fit.logLikelihood - r.logLikelihood)")
  }
}
