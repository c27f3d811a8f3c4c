import Distributions

/// Sample size, or power, for a nightly yes/no cramp outcome with nights clustered in patients.
///
/// The two-proportion formula of `stats::power.prop.test` (1:1, two-sided, `strict = FALSE`;
/// Fleiss, Levin and Paik, *Statistical Methods for Rates and Proportions*, 3rd ed., 4.2):
///
///     n = (z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b} sqrt(p0 q0 + p1 q1))^2 / (p1 - p0)^2
///
/// independent nights per arm, `pbar = (p0 + p1) / 2`, inflated by the design effect
/// `DE = 1 + (m - 1) ICC` of `m` nights per patient with intraclass correlation `ICC` (Donner
/// and Klar, *Design and Analysis of Cluster Randomization Trials*, 2000): patients per arm
/// `n DE / m`. Power for `N` patients uses `n = (N / 2) m / DE` effective nights per arm.
public struct NightlyDesign: Sendable, Equatable {
  /// The reference, as printed in help and output.
  public static let reference =
    "two proportions as R's power.prop.test (Fleiss et al. 2003) times the design effect "
    + "1 + (m - 1) ICC (Donner and Klar 2000)"

  /// Nightly cramp probability on control.
  public var p0: Double
  /// Nightly cramp probability on the experimental arm.
  public var p1: Double
  /// Intraclass correlation of nights within a patient, in [0, 1).
  public var icc: Double
  /// Nights observed per patient, at least 1.
  public var nightsPerPatient: Double
  /// Significance level (allocation is 1:1).
  public var levels: TwoArmLevels

  /// Creates the design, checking the inputs.
  ///
  /// - Throws: ``TrialDesignError`` for probabilities outside (0, 1) or equal, an ICC outside
  ///   [0, 1), fewer than 1 night per patient, or an allocation other than 0.5.
  public init(
    p0: Double, p1: Double, icc: Double, nightsPerPatient: Double, levels: TwoArmLevels
  ) throws(TrialDesignError) {
    try TrialDesignError.checkOpenUnit(p0, "p0")
    try TrialDesignError.checkOpenUnit(p1, "p1")
    guard p0 != p1 else { throw .noEffect(name: "p1") }
    guard icc.isFinite, icc >= 0, icc < 1 else {
      throw .outOfRange(name: "icc", value: icc, range: "[0, 1)")
    }
    guard nightsPerPatient.isFinite, nightsPerPatient >= 1, nightsPerPatient <= 1e6 else {
      throw .outOfRange(name: "nights-per-patient", value: nightsPerPatient, range: "[1, 1e6]")
    }
    guard levels.allocation == 0.5 else {
      throw .outOfRange(name: "allocation", value: levels.allocation, range: "{0.5}")
    }
    self.p0 = p0
    self.p1 = p1
    self.icc = icc
    self.nightsPerPatient = nightsPerPatient
    self.levels = levels
  }

  /// `1 + (m - 1) ICC`.
  public var designEffect: Double { 1 + (nightsPerPatient - 1) * icc }

  var nullSpread: Double {
    let pbar = (p0 + p1) / 2
    return (2 * pbar * (1 - pbar)).squareRoot()
  }

  var alternativeSpread: Double { (p0 * (1 - p0) + p1 * (1 - p1)).squareRoot() }

  /// Independent nights per arm for `power` (`n` of `power.prop.test`), before rounding.
  public func nightsPerArm(power: Double) throws(TrialDesignError) -> Double {
    let zBeta = try TwoArmLevels.zPower(power)
    let root = levels.zAlpha * nullSpread + zBeta * alternativeSpread
    let n = root * root / ((p1 - p0) * (p1 - p0))
    try TrialDesignError.checkSize(n, "n")
    return n
  }

  /// Patients needed for `power`: `2 n DE / m`, rounded up by arm.
  public func patients(power: Double) throws(TrialDesignError) -> ArmSizes {
    let total = 2 * (try nightsPerArm(power: power)) * designEffect / nightsPerPatient
    return ArmSizes(exactTotal: total, allocation: 0.5)
  }

  /// Power with `patients` in total.
  ///
  /// - Throws: ``TrialDesignError/outOfRange(name:value:range:)`` for patients not positive.
  public func power(patients: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkPositive(patients, "n")
    let n = patients / 2 * nightsPerPatient / designEffect
    return Normal.cdf(
      (n.squareRoot() * abs(p1 - p0) - levels.zAlpha * nullSpread) / alternativeSpread)
  }
}
