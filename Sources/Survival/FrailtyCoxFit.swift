import Distributions
import Foundation
import LinearAlgebra

/// A fitted shared-frailty Cox model: what R's `print(coxph(... + frailty(id)))` shows.
public struct FrailtyCoxFit: Sendable {
  /// One fixed-effect row of R's penalized coefficient table.
  public struct Coefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double
    /// R's `se(coef)`: `sqrt(diag(var))`.
    ///
    /// `var` is the `beta` block of the inverse penalized information; z, p and the interval
    /// use it, as coxph does.
    public let standardError: Double
    /// R's `se2`: `sqrt(diag(var2))`, the sandwich `H^-1 I H^-1` with `I` the unpenalized
    /// information (Gray 1992).
    public let standardError2: Double
    /// `(estimate / se)^2`, R's Chisq column (1 df).
    public let chiSquare: Double
    public let pValue: Double
    public let confidenceLow: Double
    public let confidenceHigh: Double
    /// `exp(estimate)`.
    public var hazardRatio: Double { exp(estimate) }
    /// `estimate / standardError`.
    public var z: Double { estimate / standardError }
  }

  /// The frailty term's summary.
  public struct Frailty: Sendable, Equatable {
    public let distribution: FrailtyCoxModel.Distribution
    /// How the variance was chosen: `em` (gamma), `reml` (gaussian) or `fixed`.
    public let method: String
    /// The variance of the random effect `theta` at the final fit.
    public let variance: Double
    /// Effective degrees of freedom of the frailty term.
    public let degreesOfFreedom: Double
    /// R's Chisq of the frailty row: `sum_g w_g^2 / fvar_g`.
    public let chiSquare: Double
    /// `pchisq(chiSquare, max(df, 0.5), lower.tail = FALSE)`, as print.coxph.penal.
    public let pValue: Double
    /// Gamma only: the marginal (integrated) log-likelihood, R's "I-likelihood".
    public let integratedLogLikelihood: Double?
    /// The group codes (ascending) and their frailty estimates `w_g` (log scale, recentred).
    public let groupCodes: [Int]
    public let estimates: [Double]
    /// Diagonal of the frailty block of the inverse penalized information (R's `fvar`).
    public let estimateVariances: [Double]
    public var groupCount: Int { groupCodes.count }
  }

  /// A chi-squared test with possibly fractional degrees of freedom.
  public struct Test: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Double
    public let pValue: Double
  }

  /// Numerical trouble on a fit that still exists.
  public enum Diagnostic: Sendable, Equatable {
    /// The variance reached (nearly) zero: the groups show no detectable heterogeneity
    /// (the frailty analogue of lme4's singular fit).
    case varianceNearZero(variance: Double)
    /// The outer search for the variance used all its iterations without meeting its rule.
    case outerDidNotConverge(iterations: Int)
    /// R's "Inner loop failed to coverge for iterations ...".
    case innerDidNotConverge(outerIterations: [Int])
    /// The penalized information was singular in these coefficients' directions (dropped as
    /// coxph's `cholesky3` does): their variance is 0 and they get no test or interval.
    case singularDirection(terms: [String])
  }

  public let ties: CoxModel.Ties
  public let coefficients: [Coefficient]
  public let frailty: Frailty
  /// Partial log-likelihood at `beta = 0`, `w = 0`, and at the fit (unpenalized).
  public let nullLogLikelihood: Double
  public let logLikelihood: Double
  /// `PL + log-penalty` at the fit (coxph's `coxfit$loglik`).
  public let penalizedLogLikelihood: Double
  /// Degrees of freedom of each fixed term (`trace(var^-1 var2)`), then the frailty term:
  /// R's "Degrees of freedom for terms".
  public let termDegreesOfFreedom: [Double]
  /// `2 (PL - PL0)` on `sum(df)` degrees of freedom; the p-value uses `round(sum(df), 2)` as
  /// print.coxph.penal does.
  public let likelihoodRatioTest: Test
  /// coxph's `wald.test`: `beta' var^-1 beta` on the fixed coefficients (df = their number).
  public let waldTest: Test
  /// Outer iterations (variance trials) and the total of inner Newton steps.
  public let outerIterations: Int
  public let newtonIterations: Int
  public let count: Int
  public let eventCount: Int
  /// `var` and `var2` of the fixed effects.
  public let variance: Matrix
  public let variance2: Matrix
  public let diagnostics: [Diagnostic]

  static func assemble(
    model: FrailtyCoxModel, fit: InnerFit, variances: InnerFit.Variances,
    nullLogLikelihood: Double, termNames: [String], groupsOfTerms: [[Int]], groupLevels: [Int],
    count: Int, events: Int, outer: Int, newton: Int, searchConverged: Bool,
    innerFailures: [Int], integrated: Double?
  ) throws -> FrailtyCoxFit {
    let z = Normal.quantile(1 - (1 - model.confidenceLevel) / 2)
    var table = [Coefficient]()
    var droppedTerms = [String]()
    for (j, name) in termNames.enumerated() {
      let b = fit.beta[j]
      let se = variances.variance[j, j].squareRoot()
      let se2 = variances.variance2[j, j].squareRoot()  // NaN when negative, as R
      // A direction dropped from the singular information (coxph's cholesky3) has variance 0:
      // no test and no interval (R prints its p-value blank), never "p < 2e-16".
      let tested = se > 0 && se.isFinite
      if !tested { droppedTerms.append(name) }
      let chi = tested ? b * b / (se * se) : .nan
      table.append(
        Coefficient(
          term: name, estimate: b, standardError: se, standardError2: se2, chiSquare: chi,
          pValue: tested ? ChiSquared.survival(chi, degreesOfFreedom: 1) : .nan,
          confidenceLow: tested ? b - z * se : .nan, confidenceHigh: tested ? b + z * se : .nan))
    }
    var frailtyChi = 0.0
    for (w, v) in zip(fit.frailty, variances.frailtyVariance) where v > 0 {
      frailtyChi += w * w / v
    }
    let frailtyDF = variances.frailtyDegreesOfFreedom
    let frailty = Frailty(
      distribution: model.distribution,
      method: model.fixedVariance != nil ? "fixed" : model.distribution == .gamma ? "em" : "reml",
      variance: fit.theta, degreesOfFreedom: frailtyDF,
      chiSquare: frailtyChi,
      pValue: ChiSquared.survival(frailtyChi, degreesOfFreedom: max(frailtyDF, 0.5)),
      integratedLogLikelihood: integrated, groupCodes: groupLevels, estimates: fit.frailty,
      estimateVariances: variances.frailtyVariance)
    let termDF = variances.termDegreesOfFreedom + [frailtyDF]
    let totalDF = termDF.reduce(0, +)
    let roundedDF = (totalDF * 100).rounded() / 100
    let lr = 2 * (fit.evaluation.logLikelihood - nullLogLikelihood)
    let p = fit.beta.count
    var wald = 0.0
    if p > 0 {
      let sb = try BLAS.gemv(variances.schur, fit.beta)
      for j in 0..<p { wald += sb[j] * fit.beta[j] }
    }
    var diagnostics = [Diagnostic]()
    if fit.theta < 1e-4 { diagnostics.append(.varianceNearZero(variance: fit.theta)) }
    if !searchConverged { diagnostics.append(.outerDidNotConverge(iterations: outer)) }
    if !droppedTerms.isEmpty { diagnostics.append(.singularDirection(terms: droppedTerms)) }
    if model.maxIterations > 1 && !innerFailures.isEmpty {
      diagnostics.append(.innerDidNotConverge(outerIterations: innerFailures))
    }
    return FrailtyCoxFit(
      ties: model.ties, coefficients: table, frailty: frailty,
      nullLogLikelihood: nullLogLikelihood, logLikelihood: fit.evaluation.logLikelihood,
      penalizedLogLikelihood: fit.penalizedLogLikelihood, termDegreesOfFreedom: termDF,
      likelihoodRatioTest: Test(
        statistic: lr, degreesOfFreedom: totalDF,
        pValue: ChiSquared.survival(lr, degreesOfFreedom: roundedDF)),
      waldTest: Test(
        statistic: wald, degreesOfFreedom: Double(p),
        pValue: p > 0 ? ChiSquared.survival(wald, degreesOfFreedom: Double(p)) : .nan),
      outerIterations: outer, newtonIterations: newton, count: count, eventCount: events,
      variance: variances.variance, variance2: variances.variance2, diagnostics: diagnostics)
  }
}
