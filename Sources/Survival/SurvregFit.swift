import Distributions
import Foundation
import LinearAlgebra

/// A fitted parametric survival (accelerated failure time) model, as R's `survreg` object
/// and its `summary`.
///
/// The model is `g(T) = x'beta + sigma_s W` (see ``SurvregDistribution``): a coefficient is
/// the change in `g(T)` (log time for the time distributions) per unit of the covariate, so
/// `exp(beta)` multiplies the time (the "acceleration factor"). Scales are reported as
/// `Log(scale)` rows, one per stratum, with their standard errors on the log scale, as R.
public struct SurvregFit: Sendable {
  /// One row of the coefficient table (`nil` estimates are aliased terms, shown as NA).
  public struct Coefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double?
    /// The standard error z, p and the interval use: robust with a cluster, as R.
    public let standardError: Double?
    /// Inverse-information standard error (R's `(Naive SE)` when robust).
    public let modelStandardError: Double?
    /// Robust sandwich standard error, when a cluster was given.
    public let robustStandardError: Double?
    public let z: Double?
    public let pValue: Double?
    public let confidenceLow: Double?
    public let confidenceHigh: Double?
  }

  /// A chi-squared test: statistic, degrees of freedom and upper-tail p-value.
  public struct Test: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double

    init(statistic: Double, degreesOfFreedom: Int) {
      self.statistic = statistic
      self.degreesOfFreedom = degreesOfFreedom
      pValue =
        degreesOfFreedom > 0
        ? ChiSquared.survival(max(0, statistic), degreesOfFreedom: Double(degreesOfFreedom))
        : .nan
    }
  }

  /// Something worth a warning about a fit that still exists.
  public enum Diagnostic: Sendable, Equatable {
    /// The column is a linear combination of earlier ones: estimate NA.
    case aliased(term: String)
    /// Newton-Raphson ran out of iterations (R: "Ran out of iterations and did not converge").
    case didNotConverge(iterations: Int)
    /// Fewer clusters than 2 or than the parameters: the sandwich is singular, so it is still
    /// reported but should not be trusted.
    case fewClusters(count: Int, parameters: Int)
  }

  public let distribution: SurvregDistribution
  /// The covariate coefficients, in design order (aliased ones with `nil` estimates).
  public let coefficients: [Coefficient]
  /// The `Log(scale)` rows: one per stratum, none when the scale is fixed.
  public let logScales: [Coefficient]
  /// The scales `sigma_s` (the fixed scale alone when it is fixed).
  public let scales: [Double]
  /// Stratum labels of the scales (empty without strata).
  public let strataLabels: [String]
  /// Log-likelihoods of the model and of the intercept-only model (same scales per stratum),
  /// both with the Jacobian of the time transform, as R's `loglik`.
  public let logLikelihood: Double
  public let nullLogLikelihood: Double
  /// `2 (logLikelihood - nullLogLikelihood)` on (estimable covariate columns - 1) degrees of
  /// freedom, as `print.summary.survreg`.
  public let likelihoodRatioTest: Test
  public let iterations: Int
  public let converged: Bool
  /// Rows used and rows with an exact (event) time.
  public let count: Int
  public let eventCount: Int
  /// Number of clusters with `cluster()`, else `nil`.
  public let clusterCount: Int?
  public let confidenceLevel: Double
  /// Names of the estimable parameters (covariates, then `Log(scale)` rows), the index set of
  /// the matrices below.
  public let parameterNames: [String]
  /// Variance used for inference (robust when clustered), R's `vcov(fit)`.
  public let variance: Matrix
  /// Inverse information at the estimate (R's `naive.var` when robust).
  public let modelVariance: Matrix
  public let diagnostics: [Diagnostic]

  /// Estimable covariate columns (indices into the design) and their estimates.
  let keptColumns: [Int]
  let beta: [Double]
  /// `log sigma` per stratum (the fixed value alone when fixed).
  let logScaleValues: [Double]
  let columnCount: Int

  /// Whether a robust (cluster sandwich) variance was used.
  public var isRobust: Bool { clusterCount != nil }
  /// Whether the scale was fixed (exponential).
  public var hasFixedScale: Bool { distribution.fixedScale != nil }
}
