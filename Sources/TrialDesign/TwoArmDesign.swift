/// A closed-form design for a two-arm trial: its power for a size and the size for a power.
public protocol TwoArmDesign: Sendable {
  /// Power with `patients` in total.
  func power(patients: Double) throws(TrialDesignError) -> Double
  /// Patients needed for `power`, or `nil` when the design cannot say (events only).
  func sampleSize(power: Double) throws(TrialDesignError) -> ArmSizes?
  /// Where the formula comes from, one line.
  var reference: String { get }
  /// Where the formula's assumptions may fail for cramp diaries, as sentences.
  var assumptions: [String] { get }
  /// Significance level and allocation.
  var levels: TwoArmLevels { get }
}

extension EventsDesign: TwoArmDesign {
  public func sampleSize(power: Double) throws(TrialDesignError) -> ArmSizes? {
    try patients(power: power)
  }

  public var reference: String { method.reference }

  public var assumptions: [String] {
    [
      "Proportional hazards: the hazard ratio is the same on every night of follow-up.",
      "The event probability is pooled over both arms and assumed known; an over-optimistic "
        + "value shrinks the trial below the events needed.",
      "Time to first cramp uses one event per patient; later cramps carry information the "
        + "formula ignores (see --outcome counts).",
    ]
  }
}

extension CountsDesign: TwoArmDesign {
  public func sampleSize(power: Double) throws(TrialDesignError) -> ArmSizes? {
    try patients(power: power)
  }

  public var reference: String { CountsDesign.reference }

  public var assumptions: [String] {
    [
      "Counts are negative binomial with one dispersion in both arms and the same follow-up "
        + "for every patient; dropout shortens follow-up and lowers power.",
      "Counts have no nightly ceiling here; the diary simulator caps the nightly rate at 3 "
        + "and the recorded count at 10 (Datasets/README.md), which lowers the mean and the "
        + "dispersion of diaries with high rates.",
      "Dispersion estimated from a small pilot is uncertain; power falls quickly as it grows.",
      "Negative binomial means gamma patient effects; the simulator's are log-normal with "
        + "night-to-night spells, so its counts are only approximately negative binomial.",
    ]
  }
}

extension NightlyDesign: TwoArmDesign {
  public func sampleSize(power: Double) throws(TrialDesignError) -> ArmSizes? {
    try patients(power: power)
  }

  public var reference: String { NightlyDesign.reference }

  public var assumptions: [String] {
    [
      "Nights within a patient are exchangeable with one ICC; serial correlation (runs of "
        + "cramp nights) makes the design effect larger than 1 + (m - 1) ICC.",
      "Every patient contributes m nights; missing diary nights lower the effective size.",
      "The normal approximation to two proportions is poor when n p is small on either arm.",
    ]
  }
}
