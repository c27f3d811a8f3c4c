import Distributions

/// The error rates of a two-sided test comparing two arms, and the share allocated to the
/// experimental arm.
///
/// `z(alpha) = qnorm(1 - alpha / 2)` and `z(power) = qnorm(power)`, the quantiles every
/// formula of this module combines as `(z_{1-a/2} + z_{1-b})`.
public struct TwoArmLevels: Sendable, Equatable {
  /// Two-sided significance level, in (0, 1).
  public var alpha: Double
  /// Share of patients on the experimental arm, in (0, 1); 0.5 is 1:1.
  public var allocation: Double

  /// Creates the levels, checking both are in (0, 1).
  ///
  /// - Throws: ``TrialDesignError/outOfRange(name:value:range:)``.
  public init(alpha: Double = 0.05, allocation: Double = 0.5) throws(TrialDesignError) {
    try TrialDesignError.checkOpenUnit(alpha, "alpha")
    try TrialDesignError.checkOpenUnit(allocation, "allocation")
    self.alpha = alpha
    self.allocation = allocation
  }

  /// `qnorm(1 - alpha / 2)`.
  public var zAlpha: Double { -Normal.quantile(alpha / 2) }

  /// `qnorm(power)`, after checking power is in (0, 1).
  static func zPower(_ power: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkOpenUnit(power, "power")
    return Normal.quantile(power)
  }
}
