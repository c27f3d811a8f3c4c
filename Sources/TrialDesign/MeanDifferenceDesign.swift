import Distributions

/// Sample size, or power, for comparing two means of a normally distributed outcome.
///
/// The normal approximation (Julious 2004, Statistics in Medicine 23:1921-1986, eq. 2 and
/// section 3.1): with difference `Delta`, standard deviation `sigma` in each arm and share
/// `p` on the experimental arm, the z-test of `Delta` needs
///
///     N = (z_{1-a/2} + z_{1-b})^2 sigma^2 / (p (1 - p) Delta^2)
///
/// patients in total (`4 z^2 sigma^2 / Delta^2` at 1:1). Power for `N` is
/// `Phi(sqrt(N p (1 - p)) |Delta| / sigma - z_{1-a/2})`. For a cramp trial the outcome is a
/// per-patient mean such as severity or cramp nights per week; the t-test needs one or two
/// patients more than the normal approximation for small trials (Julious's eq. 3).
public struct MeanDifferenceDesign: Sendable, Equatable {
  /// The reference, as printed in help and output.
  public static let reference =
    "two means, normal approximation (Julious 2004, Statistics in Medicine 23:1921-1986)"

  /// Difference of the means, experimental minus control; not 0.
  public var difference: Double
  /// Between-patient standard deviation of the outcome in each arm; positive.
  public var standardDeviation: Double
  /// Significance level and allocation.
  public var levels: TwoArmLevels

  /// Creates the design, checking the inputs.
  ///
  /// - Throws: ``TrialDesignError`` for a zero or non-finite difference or an SD not positive.
  public init(difference: Double, standardDeviation: Double, levels: TwoArmLevels)
    throws(TrialDesignError)
  {
    guard difference.isFinite else {
      throw .outOfRange(name: "difference", value: difference, range: "(-infinity, infinity)")
    }
    guard difference != 0 else { throw .noEffect(name: "difference") }
    try TrialDesignError.checkPositive(standardDeviation, "sd")
    self.difference = difference
    self.standardDeviation = standardDeviation
    self.levels = levels
  }

  /// `sqrt(p (1 - p)) |Delta| / sigma`: `N = z^2 / effect^2`.
  var effect: Double {
    let p = levels.allocation
    return (p * (1 - p)).squareRoot() * abs(difference) / standardDeviation
  }

  /// Patients needed for `power`, by arm.
  ///
  /// - Throws: ``TrialDesignError`` for power outside (0, 1) or more than 1e9 patients.
  public func patients(power: Double) throws(TrialDesignError) -> ArmSizes {
    let z = levels.zAlpha + (try TwoArmLevels.zPower(power))
    let total = z * z / (effect * effect)
    try TrialDesignError.checkSize(total, "n")
    return ArmSizes(exactTotal: total, allocation: levels.allocation)
  }

  /// Power with `patients` in total.
  ///
  /// - Throws: ``TrialDesignError/outOfRange(name:value:range:)`` for patients not positive.
  public func power(patients: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkPositive(patients, "n")
    return Normal.cdf(patients.squareRoot() * effect - levels.zAlpha)
  }
}

extension MeanDifferenceDesign: TwoArmDesign {
  public func sampleSize(power: Double) throws(TrialDesignError) -> ArmSizes? {
    try patients(power: power)
  }

  public var reference: String { MeanDifferenceDesign.reference }

  public var assumptions: [String] {
    [
      "The outcome is normal (or its mean over many nights nearly so) with one SD in both "
        + "arms; cramp counts and severity are skewed, so check the SD on pilot data.",
      "The z-test approximation: small trials need one or two more patients for the t-test.",
    ]
  }
}
