import Distributions

#if canImport(Glibc)
  import Glibc
#endif

/// Events needed, or power, for a log-rank comparison of time to first cramp.
///
/// Two closed forms, with `z = z_{1-a/2} + z_{1-b}`, allocation `p` to the experimental arm
/// and hazard ratio `HR` (experimental over control):
///
/// - Schoenfeld (1983), Biometrics 39:499-503 (as in Collett, *Modelling Survival Data in
///   Medical Research*, section 10.2): `d = z^2 / (p (1 - p) (log HR)^2)`.
/// - Freedman (1982), Statistics in Medicine 1:121-129: with 1:1 allocation
///   `d = z^2 (1 + HR)^2 / (1 - HR)^2`; for allocation `p`,
///   `d = z^2 ((1 - p) + p HR)^2 / (p (1 - p) (1 - HR)^2)`.
///
/// Total patients are `N = d / P(event)`, where `P(event)` is the probability a patient
/// has a first cramp during follow-up (pooled over arms). Power for `N` patients inverts
/// the same relation: `power = Phi(sqrt(d) * effect - z_{1-a/2})` with `d = N P(event)`.
public struct EventsDesign: Sendable, Equatable {
  /// Which events formula.
  public enum Method: String, Sendable, CaseIterable {
    case schoenfeld
    case freedman

    /// The reference, as printed in help and output.
    public var reference: String {
      switch self {
      case .schoenfeld: return "Schoenfeld (1983), Biometrics 39:499-503"
      case .freedman: return "Freedman (1982), Statistics in Medicine 1:121-129"
      }
    }
  }

  /// The formula.
  public var method: Method
  /// Hazard ratio, experimental over control; positive and not 1.
  public var hazardRatio: Double
  /// Significance level and allocation.
  public var levels: TwoArmLevels
  /// Probability of a first cramp during follow-up, or `nil` to give events only.
  public var eventProbability: Double?

  /// Creates the design, checking the inputs.
  ///
  /// - Throws: ``TrialDesignError`` for a hazard ratio not positive or equal to 1, or an
  ///   event probability outside (0, 1].
  public init(
    method: Method, hazardRatio: Double, levels: TwoArmLevels, eventProbability: Double? = nil
  ) throws(TrialDesignError) {
    try TrialDesignError.checkPositive(hazardRatio, "hazard-ratio")
    guard hazardRatio != 1 else { throw .noEffect(name: "hazard-ratio") }
    if let pe = eventProbability {
      guard pe.isFinite, pe > 0, pe <= 1 else {
        throw .outOfRange(name: "event-probability", value: pe, range: "(0, 1]")
      }
    }
    self.method = method
    self.hazardRatio = hazardRatio
    self.levels = levels
    self.eventProbability = eventProbability
  }

  /// The standardized effect per event: `d = z^2 / effect^2`.
  ///
  /// Schoenfeld: `sqrt(p (1 - p)) |log HR|`; Freedman: `sqrt(p (1 - p)) |1 - HR| /
  /// ((1 - p) + p HR)`.
  public var effectPerEvent: Double {
    let p = levels.allocation
    let spread = (p * (1 - p)).squareRoot()
    switch method {
    case .schoenfeld: return spread * abs(log(hazardRatio))
    case .freedman: return spread * abs(1 - hazardRatio) / ((1 - p) + p * hazardRatio)
    }
  }

  /// Events needed for `power`, before rounding.
  ///
  /// - Throws: ``TrialDesignError`` for power outside (0, 1) or more than 1e9 events.
  public func events(power: Double) throws(TrialDesignError) -> Double {
    let z = levels.zAlpha + (try TwoArmLevels.zPower(power))
    let d = z * z / (effectPerEvent * effectPerEvent)
    try TrialDesignError.checkSize(d, "events")
    return d
  }

  /// Power of the log-rank test with `events` first cramps (a real number, as the formula).
  ///
  /// - Throws: ``TrialDesignError/outOfRange(name:value:range:)`` for events not positive.
  public func power(events: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkPositive(events, "events")
    return Normal.cdf(events.squareRoot() * effectPerEvent - levels.zAlpha)
  }

  /// Power with `patients` in total, `patients * eventProbability` events expected.
  ///
  /// - Throws: ``TrialDesignError/outOfRange(name:value:range:)`` without an event probability
  ///   (named `event-probability`) or with patients not positive.
  public func power(patients: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkPositive(patients, "n")
    guard let pe = eventProbability else {
      throw .outOfRange(name: "event-probability", value: .nan, range: "(0, 1]")
    }
    return try power(events: patients * pe)
  }

  /// Patients needed for `power`: `d / P(event)` by arm, or `nil` without an event probability.
  public func patients(power: Double) throws(TrialDesignError) -> ArmSizes? {
    let d = try events(power: power)
    guard let pe = eventProbability else { return nil }
    return ArmSizes(exactTotal: d / pe, allocation: levels.allocation)
  }
}
