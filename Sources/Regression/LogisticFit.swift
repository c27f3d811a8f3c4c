import Foundation

/// One row of a coefficient table.
///
/// `nil` is NA (aliased coefficients, undefined tests).
public struct CoefficientEstimate: Sendable, Equatable, Codable {
  /// Column name in the design (`(Intercept)`, `age_over_50`, `trimester[2]`, `a:b`).
  public let term: String
  /// The estimate on the log-odds scale.
  public let estimate: Double?
  /// Standard error used for `z`, `pValue` and the interval (robust when asked for).
  public let standardError: Double?
  /// The model-based (inverse information) standard error, whatever the variance choice.
  public let modelStandardError: Double?
  /// Wald statistic `estimate / standardError`.
  public let z: Double?
  /// Two-sided p-value of `z`; for Firth's fit the p-value of the penalized
  /// likelihood-ratio test (``likelihoodRatioStatistic``), as logistf reports it.
  public let pValue: Double?
  /// Firth only: logistf's penalized likelihood-ratio statistic for `beta_j = 0`,
  /// `2 (l*(b) - l*(b | b_j = 0))`, chi-squared on 1 df (logistf's `Chisq`); `nil` otherwise.
  public let likelihoodRatioStatistic: Double?
  /// The two-sided Wald p-value of `z`, whatever ``pValue`` is.
  public var waldPValue: Double? { z.map { normalTwoSidedPValue($0) } }
  /// Lower confidence limit on the log-odds scale.
  public let confLow: Double?
  /// Upper confidence limit on the log-odds scale.
  public let confHigh: Double?
  /// How this row's interval (and, for Firth, p-value) was computed.
  public let intervalMethod: IntervalMethod
  /// Odds ratio `exp(estimate)`.
  public var expEstimate: Double? { estimate.map { _exp($0) } }
  /// Lower limit of the odds-ratio interval.
  public var expConfLow: Double? { confLow.map { _exp($0) } }
  /// Upper limit of the odds-ratio interval.
  public var expConfHigh: Double? { confHigh.map { _exp($0) } }

  /// Creates a row.
  public init(
    term: String, estimate: Double?, standardError: Double?, modelStandardError: Double?,
    z: Double?, pValue: Double?, confLow: Double?, confHigh: Double?,
    intervalMethod: IntervalMethod, likelihoodRatioStatistic: Double? = nil
  ) {
    self.likelihoodRatioStatistic = likelihoodRatioStatistic
    self.term = term
    self.estimate = estimate
    self.standardError = standardError
    self.modelStandardError = modelStandardError
    self.z = z
    self.pValue = pValue
    self.confLow = confLow
    self.confHigh = confHigh
    self.intervalMethod = intervalMethod
  }

  /// An aliased coefficient: every value NA.
  static func aliased(_ term: String) -> CoefficientEstimate {
    CoefficientEstimate(
      term: term, estimate: nil, standardError: nil, modelStandardError: nil, z: nil,
      pValue: nil, confLow: nil, confHigh: nil, intervalMethod: .none)
  }
}

/// How a confidence interval was computed.
public enum IntervalMethod: String, Sendable, Equatable, Codable {
  /// `estimate -/+ qnorm(1 - alpha/2) * standardError` with the model variance.
  case wald
  /// Wald with the cluster-robust standard error.
  case waldRobust = "wald-robust"
  /// Exact profile likelihood: where the signed root deviance of the refit with the
  /// coefficient held fixed reaches `-/+ qnorm(1 - alpha/2)` (R's `confint(glm)` computes
  /// the same limits by spline interpolation on a grid, within ~1e-3 SE).
  case profileLikelihood = "profile-likelihood"
  /// Profile penalized likelihood (Firth; logistf's default).
  case profilePenalizedLikelihood = "profile-penalized-likelihood"
  /// No interval (aliased coefficient).
  case none
}

/// Which variance the standard errors use.
public enum VarianceKind: String, Sendable, Equatable, Codable {
  /// Inverse of the (penalized) information.
  case model
  /// Cluster-robust sandwich, HC0, no small-sample factor.
  case robust
}

/// A chi-squared test result.
public struct ChiSquaredTest: Sendable, Equatable, Codable {
  /// The test statistic.
  public let statistic: Double
  /// Degrees of freedom.
  public let degreesOfFreedom: Int
  /// Upper-tail probability.
  public let pValue: Double

  /// Creates a test result, computing the p-value from the chi-squared upper tail
  /// (`degreesOfFreedom` must be positive).
  public init(statistic: Double, degreesOfFreedom: Int) {
    self.statistic = statistic
    self.degreesOfFreedom = degreesOfFreedom
    self.pValue = chiSquaredSurvival(statistic, degreesOfFreedom: Double(degreesOfFreedom))
  }
}

/// Area under the ROC curve with its DeLong confidence interval.
public struct AreaUnderCurve: Sendable, Equatable, Codable {
  /// The AUC (the Mann-Whitney probability that a case outranks a control, ties 1/2).
  public let estimate: Double
  /// DeLong variance of the estimate.
  public let variance: Double
  /// Lower limit, clipped to [0, 1] as pROC does.
  public let confLow: Double
  /// Upper limit, clipped to [0, 1].
  public let confHigh: Double
}

/// One group of the Hosmer-Lemeshow / calibration table.
public struct CalibrationGroup: Sendable, Equatable, Codable {
  /// Rows in the group.
  public let count: Int
  /// Smallest and largest fitted probability in the group.
  public let lowerProbability: Double
  /// Largest fitted probability in the group.
  public let upperProbability: Double
  /// Mean fitted probability.
  public let meanPredicted: Double
  /// Observed number of events (`y = 1`).
  public let observedEvents: Double
  /// Expected number of events (sum of fitted probabilities).
  public let expectedEvents: Double
  /// Observed event rate `observedEvents / count`.
  public var observedRate: Double { observedEvents / Double(count) }
}

/// Hosmer-Lemeshow goodness of fit with the groups it used.
public struct HosmerLemeshow: Sendable, Equatable, Codable {
  /// The chi-squared test (df = groups used - 2); `nil` when a group expects 0 events or
  /// fewer than 3 groups remain.
  public let test: ChiSquaredTest?
  /// The groups (deciles of fitted probability; fewer when quantiles coincide).
  public let groups: [CalibrationGroup]
}

/// The result of ``LogisticModel/fit(_:variance:)``: an immutable value.
public struct LogisticFit: Sendable, Equatable, Codable {
  /// The formula as written.
  public let formula: String
  /// Rows used.
  public let n: Int
  /// Rows dropped for missing values.
  public let droppedRowCount: Int
  /// Missing counts per column (see ``Formula/DesignMatrix/droppedByVariable``).
  public let droppedByVariable: [String: Int]
  /// Number of clusters when the variance is cluster-robust.
  public let clusterCount: Int?
  /// Model or cluster-robust variance.
  public let variance: VarianceKind
  /// Whether this is Firth's penalized fit.
  public let isFirth: Bool
  /// Confidence level of the intervals (0.95).
  public let confidenceLevel: Double
  /// One row per design column, aliased ones NA.
  public let coefficients: [CoefficientEstimate]
  /// Covariance of the non-aliased estimates (row-major, in the order of those coefficients),
  /// robust when ``variance`` is `.robust`.
  public let covariance: [[Double]]
  /// Log-likelihood at the estimate (unpenalized, also for Firth).
  public let logLikelihood: Double
  /// Log-likelihood of the null model (intercept and offset only).
  public let nullLogLikelihood: Double
  /// Residual deviance `-2 logLikelihood`.
  public let deviance: Double
  /// Null deviance (with an offset: from the intercept-only refit, as R's glm does).
  public let nullDeviance: Double
  /// `deviance + 2 * rank`.
  public let aic: Double
  /// `n - rank`.
  public let dfResidual: Int
  /// `n - intercept`.
  public let dfNull: Int
  /// Number of non-aliased coefficients.
  public let rank: Int
  /// Iterations performed.
  public let iterations: Int
  /// Whether the convergence criterion was met.
  public let converged: Bool
  /// Likelihood-ratio test against the null model (Firth: penalized LR test, logistf);
  /// `nil` when the model has no coefficient beyond the null model's (0 degrees of freedom).
  public let likelihoodRatio: ChiSquaredTest?
  /// Firth only: the penalized log-likelihood at the estimate.
  public let penalizedLogLikelihood: Double?
  /// AUC with DeLong interval (`nil` when there are no cases or no controls).
  public let auc: AreaUnderCurve?
  /// Hosmer-Lemeshow test with its groups.
  public let hosmerLemeshow: HosmerLemeshow?
  /// Conditions worth a warning.
  public let diagnostics: [FitDiagnostic]

  /// The calibration table: the Hosmer-Lemeshow groups (deciles of fitted probability).
  public var calibration: [CalibrationGroup] { hosmerLemeshow?.groups ?? [] }
}

@inline(__always) private func _exp(_ x: Double) -> Double { exp(x) }
