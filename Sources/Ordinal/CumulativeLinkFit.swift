import LinearAlgebra

/// A fitted cumulative-link model, with MASS::polr's numbers.
///
/// Model: `P(Y <= k | x) = F(zeta_k - x'beta)` (polr's sign convention), so a positive
/// `beta` moves weight to higher categories and, for the logit link, `exp(beta)` is the
/// cumulative odds ratio `odds(Y > k | x + 1) / odds(Y > k | x)`, the same for every `k`.
public struct CumulativeLinkFit: Sendable {
  /// One coefficient or threshold.
  public struct Estimate: Sendable, Equatable {
    /// Term name (`stretch_bedtime`) or threshold name (`"3|4"`, as polr names zeta).
    public var term: String
    public var estimate: Double
    /// The standard error behind `z`, `pValue` and the interval (robust when clustered).
    public var standardError: Double
    /// Inverse observed information.
    public var modelStandardError: Double
    /// Cluster-robust (HC0) standard error, or `nil` without clusters.
    public var robustStandardError: Double?
    public var z: Double
    public var pValue: Double
    public var confLow: Double
    public var confHigh: Double
  }

  /// Which variance the standard errors use.
  public enum Variance: String, Sendable, Equatable {
    case model
    case robust
  }

  public var link: CumulativeLink
  /// Response categories actually used, lowest first.
  public var levels: [String]
  /// Values inside the observed range with no row (no threshold separates them).
  public var unusedLevels: [String]
  /// Covariate effects `beta` (polr's `coefficients`).
  public var coefficients: [Estimate]
  /// Thresholds `zeta` (polr's `zeta`), named `"a|b"`.
  public var thresholds: [Estimate]
  public var logLikelihood: Double
  /// Residual deviance `-2 logLikelihood`.
  public var deviance: Double
  /// `deviance + 2 (p + q)`, as R's `AIC(polr)`.
  public var aic: Double
  /// Rows used.
  public var n: Int
  /// Sum of the weights (polr's `nobs`), `n` without weights.
  public var totalWeight: Double
  public var iterations: Int
  public var converged: Bool
  public var variance: Variance
  public var clusterCount: Int?
  public var confidenceLevel: Double
  /// Covariance of `(beta, zeta)` from the inverse observed information.
  public var modelCovariance: Matrix
  /// The cluster-robust covariance, when used.
  public var robustCovariance: Matrix?
  /// Brant's test of proportional odds, or why it was not computed.
  public var proportionalOdds: ProportionalOddsCheck
  public var diagnostics: [OrdinalDiagnostic]

  /// Parameters `p + q`.
  public var parameterCount: Int { coefficients.count + thresholds.count }
}
