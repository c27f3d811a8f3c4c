import Distributions

#if canImport(Glibc)
  import Glibc
#endif

/// Sample size, or power, for comparing two negative-binomial cramp-night rates.
///
/// Zhu and Lakkis (2014), Statistics in Medicine 33:376-387. Counts over `t` nights of
/// follow-up have mean `mu = r t` and variance `mu + kappa mu^2` (`kappa` the dispersion,
/// `1 / theta` of `MASS::glm.nb`; 0 is Poisson). With control rate `r0`, rate ratio `RR`
/// (experimental over control, `r1 = RR r0`) and `k = n1 / n0 = p / (1 - p)`, the Wald test
/// of `log RR` needs, on the control arm,
///
///     n0 = (z_{1-a/2} sqrt(V0) + z_{1-b} sqrt(V1))^2 / (log RR)^2
///     V1 = (1 / t) (1 / r0 + 1 / (k r1)) + kappa (1 + k) / k
///
/// with the null variance `V0` chosen by ``Approach`` (the paper's three). Total patients
/// are `n0 (1 + k)`. Power for `n0` is `Phi((sqrt(n0) |log RR| - z_{1-a/2} sqrt(V0)) / sqrt(V1))`.
public struct CountsDesign: Sendable, Equatable {
  /// The variance of `log RR` under the null hypothesis (Zhu and Lakkis's approaches,
  /// numbered as `MKpower::power.nb.test` numbers them).
  public enum Approach: Int, Sendable, CaseIterable {
    /// `V0 = (1 / t) (1 / r0) (1 + 1 / k) + kappa (1 + k) / k`: the control rate in both arms.
    case controlRate = 1
    /// `V0 = V1`: the true rates.
    case trueRates = 2
    /// `V0 = (1 + k)^2 / (t k (r0 + k r1)) + kappa (1 + k) / k`: the restricted maximum
    /// likelihood rate `(r0 + k r1) / (1 + k)` in both arms (the default).
    case restrictedRate = 3
  }

  /// The reference, as printed in help and output.
  public static let reference = "Zhu and Lakkis (2014), Statistics in Medicine 33:376-387"

  /// Rate ratio, experimental over control; positive and not 1.
  public var rateRatio: Double
  /// Control-arm rate of the counted events per night.
  public var controlRate: Double
  /// Negative-binomial dispersion `kappa >= 0`.
  public var dispersion: Double
  /// Nights of follow-up per patient.
  public var nights: Double
  /// Significance level and allocation.
  public var levels: TwoArmLevels
  /// The null variance.
  public var approach: Approach

  /// Creates the design, checking the inputs.
  ///
  /// - Throws: ``TrialDesignError`` for a rate ratio not positive or equal to 1, a rate or
  ///   follow-up not positive, or a negative dispersion.
  public init(
    rateRatio: Double, controlRate: Double, dispersion: Double, nights: Double,
    levels: TwoArmLevels, approach: Approach = .restrictedRate
  ) throws(TrialDesignError) {
    try TrialDesignError.checkPositive(rateRatio, "rate-ratio")
    guard rateRatio != 1 else { throw .noEffect(name: "rate-ratio") }
    try TrialDesignError.checkPositive(controlRate, "control-rate")
    try TrialDesignError.checkPositive(nights, "nights")
    guard dispersion.isFinite, dispersion >= 0 else {
      throw .outOfRange(name: "dispersion", value: dispersion, range: "[0, infinity)")
    }
    self.rateRatio = rateRatio
    self.controlRate = controlRate
    self.dispersion = dispersion
    self.nights = nights
    self.levels = levels
    self.approach = approach
  }

  /// `k = n1 / n0`.
  var ratio: Double { levels.allocation / (1 - levels.allocation) }

  /// `V1`, the variance of `log RR` (times `n0`) under the alternative.
  public var alternativeVariance: Double {
    let k = ratio
    let r1 = rateRatio * controlRate
    return (1 / controlRate + 1 / (k * r1)) / nights + dispersion * (1 + k) / k
  }

  /// `V0`, the variance of `log RR` (times `n0`) under the null, by ``approach``.
  public var nullVariance: Double {
    let k = ratio
    let r1 = rateRatio * controlRate
    let extra = dispersion * (1 + k) / k
    switch approach {
    case .trueRates: return alternativeVariance
    case .controlRate: return (1 + 1 / k) / (nights * controlRate) + extra
    case .restrictedRate: return (1 + k) * (1 + k) / (nights * k * (controlRate + k * r1)) + extra
    }
  }

  /// Patients needed for `power`, by arm.
  ///
  /// - Throws: ``TrialDesignError`` for power outside (0, 1) or more than 1e9 patients.
  public func patients(power: Double) throws(TrialDesignError) -> ArmSizes {
    let zBeta = try TwoArmLevels.zPower(power)
    let logRR = log(rateRatio)
    let root = levels.zAlpha * nullVariance.squareRoot() + zBeta * alternativeVariance.squareRoot()
    let n0 = root * root / (logRR * logRR)
    let total = n0 * (1 + ratio)
    try TrialDesignError.checkSize(total, "n")
    return ArmSizes(exactTotal: total, allocation: levels.allocation)
  }

  /// Power with `patients` in total (`n0 = patients (1 - p)` on control).
  ///
  /// - Throws: ``TrialDesignError/outOfRange(name:value:range:)`` for patients not positive.
  public func power(patients: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkPositive(patients, "n")
    let n0 = patients * (1 - levels.allocation)
    let z =
      (n0.squareRoot() * abs(log(rateRatio)) - levels.zAlpha * nullVariance.squareRoot())
      / alternativeVariance.squareRoot()
    return Normal.cdf(z)
  }
}
