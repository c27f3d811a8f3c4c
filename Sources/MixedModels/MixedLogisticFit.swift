import Distributions
import Foundation
import Regression

/// A condition of a mixed-model fit that exists but deserves a warning.
public enum MixedFitDiagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
  /// A variance parameter is on the boundary (lme4's `isSingular`: a `theta` with lower bound
  /// 0 below `1e-4`): the random-effect covariance is singular (variance 0, or correlation
  /// +/-1).
  case singularFit
  /// The optimizer stopped at its iteration limit.
  case didNotConverge(iterations: Int)
  /// The gradient at the end is larger than lme4's `check.conv.grad` tolerance (0.002 on the
  /// scaled gradient `H^-1 g`).
  case largeGradient(maximum: Double)
  /// Some groups' penalized IRLS did not reach its tolerance at the final estimate.
  case penalizedIRLSDidNotConverge(groups: Int)
  /// The fixed-effect column is a linear combination of earlier ones: dropped, shown as NA.
  case aliased(term: String)
  /// The Hessian of the deviance in `(theta, beta)` is not positive definite; standard errors
  /// use the `beta` block alone (as at a boundary).
  case hessianNotPositiveDefinite

  public var description: String {
    switch self {
    case .singularFit:
      return "boundary (singular) fit: a random-effect variance is estimated as 0 (or a "
        + "correlation as +/-1); see lme4's help('isSingular')"
    case .didNotConverge(let iterations):
      return "the optimizer did not converge in \(iterations) iterations"
    case .largeGradient(let maximum):
      return "model failed to converge: max|scaled gradient| = \(maximum) (tolerance 0.002)"
    case .penalizedIRLSDidNotConverge(let groups):
      return "penalized IRLS for the conditional modes did not converge in \(groups) groups"
    case .aliased(let term):
      return "coefficient '\(term)' not defined because of singularities (aliased; shown as NA)"
    case .hessianNotPositiveDefinite:
      return "the Hessian of the deviance is not positive definite; standard errors of the "
        + "fixed effects use their block of the Hessian alone"
    }
  }
}

/// One random effect's variance and standard deviation (`VarCorr(fit)`).
public struct RandomEffectVariance: Sendable, Equatable, Codable {
  /// `(Intercept)` or the slope's column.
  public let term: String
  /// The variance `sigma^2`.
  public let variance: Double
  /// `sigma`.
  public let standardDeviation: Double
}

/// The correlation of two random effects.
public struct RandomEffectCorrelation: Sendable, Equatable, Codable {
  /// The two terms.
  public let terms: [String]
  /// The correlation.
  public let estimate: Double
}

/// One group's conditional mode and conditional standard deviation (`ranef(fit, condVar = TRUE)`).
public struct ConditionalMode: Sendable, Equatable, Codable {
  /// The group label.
  public let group: String
  /// Number of rows of the group.
  public let rows: Int
  /// `b~ = Lambda u~`, one per random-effect term.
  public let modes: [Double]
  /// Square roots of the diagonal of `Lambda M^-1 Lambda'` (lme4's `postVar`).
  public let conditionalStandardDeviations: [Double]
}

/// The result of ``MixedLogisticModel/fit(_:random:)``: an immutable value.
public struct MixedLogisticFit: Sendable, Equatable, Codable {
  /// How the integral over the random effects was approximated.
  public enum Method: String, Sendable, Equatable, Codable {
    /// Laplace approximation (`nAGQ = 1`).
    case laplace
    /// Adaptive Gauss-Hermite quadrature (`nAGQ > 1`).
    case agq
  }

  /// The formula as written.
  public let formula: String
  /// The link.
  public let link: BinomialLink
  /// Laplace or AGQ.
  public let method: Method
  /// Quadrature points (1 for Laplace).
  public let quadraturePoints: Int
  /// Rows used.
  public let n: Int
  /// Rows dropped for missing values.
  public let droppedRowCount: Int
  /// The grouping column.
  public let group: String
  /// Number of groups.
  public let groupCount: Int
  /// Confidence level of the Wald intervals.
  public let confidenceLevel: Double
  /// Fixed effects, one row per design column (aliased ones NA).
  public let coefficients: [CoefficientEstimate]
  /// Covariance of the non-aliased fixed effects (row-major).
  public let covariance: [[Double]]
  /// lme4's `theta` (relative covariance factor, lower triangle by columns).
  public let theta: [Double]
  /// Covariance of ``theta``: the `theta` block of `2 H^-1`.
  ///
  /// Empty when the Hessian is not positive definite. Wald-type; lme4 offers profile
  /// intervals (`confint`) instead.
  public let thetaCovariance: [[Double]]
  /// Profile-likelihood interval `[low, high]` of the random-intercept SD (lme4's
  /// `confint(method = "profile")` for `.sig01`), when asked for and defined.
  public let interceptStandardDeviationProfile: [Double]?
  /// Variances and SDs of the random effects.
  public let variances: [RandomEffectVariance]
  /// Correlations between random effects (empty for a random intercept).
  public let correlations: [RandomEffectCorrelation]
  /// `-deviance / 2`.
  public let logLikelihood: Double
  /// lme4's deviance `-2 log L` (Laplace or AGQ).
  public let deviance: Double
  /// `deviance + 2 (p + length(theta))`.
  public let aic: Double
  /// `deviance + log(n) (p + length(theta))`.
  public let bic: Double
  /// Number of estimated parameters `p + length(theta)`.
  public let parameterCount: Int
  /// Latent-scale intraclass correlation `sigma^2 / (sigma^2 + pi^2/3)` (logit; `pi^2/6` for
  /// cloglog), `sigma^2` the random-intercept variance; `nil` without a random intercept.
  public let intraclassCorrelation: Double?
  /// Median odds ratio `exp(sqrt(2 sigma^2) qnorm(0.75))` (Larsen & Merlo 2005); `nil`
  /// without a random intercept.
  public let medianOddsRatio: Double?
  /// Largest absolute gradient of the deviance at the estimate (finite differences).
  public let gradientMaximum: Double
  /// Largest absolute scaled gradient `H^-1 g` (lme4's convergence check).
  public let scaledGradientMaximum: Double
  /// Newton iterations of the optimizer.
  public let iterations: Int
  /// Whether the optimizer met its criterion.
  public let converged: Bool
  /// Whether the fit is singular (lme4's `isSingular`, tolerance 1e-4).
  public let isSingular: Bool
  /// Per group conditional modes and SDs, in order of first appearance.
  public let conditionalModes: [ConditionalMode]
  /// Wald interval of the random-intercept SD `sigma = theta_1` on the log scale,
  /// `exp(log sigma -/+ z se(theta_1) / sigma)` at ``confidenceLevel``; `nil` at the boundary
  /// (`sigma = 0`), without a random intercept, or without a positive-definite Hessian.
  public var interceptStandardDeviationInterval: (low: Double, high: Double)? {
    guard variances.first?.term == "(Intercept)", let sigma = theta.first, sigma > 1e-4,
      let v = thetaCovariance.first?.first, v > 0, v.isFinite
    else { return nil }
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    let spread = z * v.squareRoot() / sigma
    return (sigma * exp(-spread), sigma * exp(spread))
  }

  /// Conditions worth a warning.
  public let diagnostics: [MixedFitDiagnostic]
}
