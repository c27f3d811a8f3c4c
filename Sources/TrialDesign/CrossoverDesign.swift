/// A parallel-arm formula turned into a two-period crossover or an N-of-1 series.
///
/// Two-period AB/BA crossover (Senn 2002, *Cross-over Trials in Clinical Research*, 2nd ed.,
/// sections 3.6 and 13.2; Julious 2004, Statistics in Medicine 23:1921-1986, section 4): with
/// `rho` the correlation of a patient's outcomes in the two periods, the treatment effect is
/// estimated within patients with variance `2 sigma^2 (1 - rho) / N` for `N` patients (half
/// in each sequence), against `4 sigma^2 / N` for `N` parallel patients at 1:1. So
///
///     N_crossover = N_parallel (1 - rho) / 2.
///
/// An N-of-1 series of `k` randomized pairs of periods per patient repeats the crossover
/// `k` times within each patient; with exchangeable periods (compound symmetry, correlation
/// `rho` between any two of a patient's periods, no carry-over after the washout) a patient's
/// mean within-pair difference has variance `2 sigma^2 (1 - rho) / k`, so
/// `N_nof1 = N_parallel (1 - rho) / (2 k)` (`k = 1` is the crossover).
///
/// The factor applies to any formula whose size is proportional to the variance of the
/// effect estimate (normal approximations: the mean difference, and by the same argument the
/// negative-binomial and two-proportion formulas on the log-rate or proportion scale, with
/// `rho` the correlation of a patient's period estimates on that scale). Power for `N`
/// crossover patients is the parallel power for `2 k N / (1 - rho)`.
public struct CrossoverDesign: Sendable {
  /// The parallel design whose effect and variance the crossover shares (allocation 1:1).
  public var parallel: any TwoArmDesign
  /// Correlation of a patient's outcomes in two periods, in [0, 1).
  public var withinCorrelation: Double
  /// Randomized pairs of periods per patient: 1 for an AB/BA crossover, `k` for N-of-1.
  public var pairs: Int

  /// Creates the design, checking the inputs.
  ///
  /// - Throws: ``TrialDesignError`` for a correlation outside [0, 1) (a negative one means
  ///   the crossover is the wrong design), fewer than 1 or more than 1,000 pairs, or an
  ///   allocation other than 0.5 (the sequences are balanced).
  public init(parallel: any TwoArmDesign, withinCorrelation: Double, pairs: Int = 1)
    throws(TrialDesignError)
  {
    guard withinCorrelation.isFinite, withinCorrelation >= 0, withinCorrelation < 1 else {
      throw .outOfRange(name: "within-correlation", value: withinCorrelation, range: "[0, 1)")
    }
    guard (1...1000).contains(pairs) else {
      throw .outOfRange(name: "pairs", value: Double(pairs), range: "[1, 1000]")
    }
    guard parallel.levels.allocation == 0.5 else {
      throw .outOfRange(name: "allocation", value: parallel.levels.allocation, range: "{0.5}")
    }
    self.parallel = parallel
    self.withinCorrelation = withinCorrelation
    self.pairs = pairs
  }

  /// The parallel design's levels (alpha; allocation 0.5).
  public var levels: TwoArmLevels { parallel.levels }

  /// `(1 - rho) / (2 k)`: crossover patients per parallel patient.
  public var factor: Double { (1 - withinCorrelation) / (2 * Double(pairs)) }
}

extension CrossoverDesign: TwoArmDesign {
  /// Patients needed: the parallel total times ``factor``.
  ///
  /// Rounded up to whole patients in each of the two sequences (an even total); `nil` when
  /// the parallel design gives none.
  public func sampleSize(power: Double) throws(TrialDesignError) -> ArmSizes? {
    guard let parallelSize = try parallel.sampleSize(power: power) else { return nil }
    return ArmSizes(exactTotal: parallelSize.exactTotal * factor, allocation: 0.5)
  }

  /// Power with `patients` crossover patients: the parallel power for `patients / factor`.
  public func power(patients: Double) throws(TrialDesignError) -> Double {
    try TrialDesignError.checkPositive(patients, "n")
    return try parallel.power(patients: patients / factor)
  }

  public var reference: String {
    let design =
      pairs == 1
      ? "two-period crossover: N = N_parallel (1 - rho) / 2 (Senn 2002, Cross-over Trials in "
        + "Clinical Research, 2nd ed.; Julious 2004)"
      : "N-of-1 series of \(pairs) pairs: N = N_parallel (1 - rho) / (2 k) (Senn 2002; "
        + "compound symmetry)"
    return design + "; parallel N from " + parallel.reference
  }

  public var assumptions: [String] {
    [
      "No carry-over: the washout removes the first treatment's effect before the next "
        + "period (magnesium's 7-night ramp needs a washout at least as long).",
      "Periods are exchangeable: one correlation rho between any two of a patient's periods "
        + "and no period-by-treatment interaction; seasonal drift in cramps breaks this.",
      "Every patient completes all periods; a dropout loses the patient's comparison.",
    ] + parallel.assumptions
  }
}
