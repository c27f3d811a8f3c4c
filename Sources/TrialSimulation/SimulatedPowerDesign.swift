/// What a simulated trial replicates, how each replicate is analysed, and at which sizes.
///
/// Power by simulation (Arnold et al. 2011, BMC Medical Research Methodology 11:94;
/// Landau and Stahl 2013, Statistical Methods in Medical Research 22:324-345): draw `R`
/// trials of `n` patients from a data-generating model with the stated effect, analyse each
/// as the real trial would be, and estimate power as the share `p` of replicates whose
/// two-sided test of the arm effect has a p-value below `alpha`. Its Monte Carlo standard
/// error is `sqrt(p (1 - p) / R)`.
public struct SimulatedPowerDesign: Sendable, Equatable {
  /// The data-generating model of a replicate.
  public enum World: String, Sendable, CaseIterable {
    /// `crampstat simulate --preset trial`: screened volunteers, 14 screen nights, then
    /// magnesium or placebo (permuted blocks of four), with the diary model's frailty,
    /// spells, season, adherence, ramp, dropout, missing nights and the rate cap.
    case trial
    /// `crampstat simulate --preset nof1`: 14 washout nights, then three randomized pairs
    /// of 28-night magnesium and placebo blocks per patient (random slope SD 0.3).
    case nof1
    /// The closed form's own model: each patient's nights are Poisson with a gamma frailty
    /// (mean 1, variance `dispersion`) times the arm's rate, so a patient's total over `t`
    /// nights is negative binomial with mean `r t` and variance `mu + dispersion mu^2`; no
    /// cap, spells, dropout or missing nights. Arms alternate (1:1).
    case negbin
  }

  /// The analysis of a replicate.
  public enum Analysis: String, Sendable, CaseIterable {
    /// `crampstat recurrent --model negbin --formula "~ arm"` on the treatment nights:
    /// `MASS::glm.nb(cramps ~ arm + offset(log(nights)))`, Wald test of `arm`.
    case negbin
    /// `crampstat recurrent --model ag --formula "~ arm"`: Andersen-Gill Cox on cramp
    /// nights with the patient-clustered robust variance, robust Wald test of `arm`.
    case ag
    /// `crampstat logit --formula "cramp ~ arm + (1 | patient_id)"`: nightly cramp (yes/no)
    /// with a patient random intercept (Laplace, as `lme4::glmer`), Wald test of `arm`.
    case mixed
  }

  /// The data-generating model.
  public var world: World
  /// The analysis.
  public var analysis: Analysis
  /// The rate ratio magnesium over placebo put into the generator (positive).
  ///
  /// For the
  /// presets it is `exp(beta_mg_supp)`, the effect on nights the supplement is taken, after
  /// its 7-night ramp; adherence (85%) dilutes the arm's average effect.
  public var rateRatio: Double
  /// Treatment nights per patient after the screen or washout (presets) or follow-up nights
  /// (`negbin`).
  public var nights: Int
  /// `negbin` world: placebo cramps per night.
  public var controlRate: Double
  /// `negbin` world: gamma-frailty variance (the negative-binomial dispersion).
  public var dispersion: Double
  /// Two-sided significance level.
  public var alpha: Double
  /// Replicates per size.
  public var replicates: Int
  /// Master seed: replicate `r` uses ``replicateSeed(_:)``.
  public var seed: UInt64
  /// Total randomized patients of each size, in the order given.
  public var sizes: [Int]

  /// Creates the design, checking the inputs.
  ///
  /// - Throws: ``SimulatedPowerError`` for a rate ratio not positive, fewer than 2 or more
  ///   than 100,000 replicates, sizes outside 4...100,000, a treatment period outside
  ///   1...3,650 nights (`nof1`: exactly 168, its fixed three block pairs), a negative
  ///   dispersion, a control rate outside (0, 50], or `negbin` analysed on the `nof1` world
  ///   (whose arm changes within a patient).
  public init(
    world: World, analysis: Analysis, rateRatio: Double, nights: Int, controlRate: Double = 0,
    dispersion: Double = 0, alpha: Double, replicates: Int, seed: UInt64, sizes: [Int]
  ) throws(SimulatedPowerError) {
    guard rateRatio.isFinite, rateRatio > 0 else {
      throw .invalid(name: "rate-ratio", reason: "must be a positive number")
    }
    guard alpha.isFinite, alpha > 0, alpha < 1 else {
      throw .invalid(name: "alpha", reason: "must be in (0, 1)")
    }
    guard (2...100_000).contains(replicates) else {
      throw .invalid(name: "simulate", reason: "needs 2 to 100000 replicates")
    }
    guard !sizes.isEmpty, sizes.allSatisfy({ (4...100_000).contains($0) }) else {
      throw .invalid(name: "sizes", reason: "needs total sizes from 4 to 100000 patients")
    }
    guard (1...3650).contains(nights) else {
      throw .invalid(name: "nights", reason: "needs 1 to 3650 treatment nights")
    }
    if world == .nof1, nights != 168 {
      throw .invalid(
        name: "nights", reason: "is fixed at 168 for nof1 (three pairs of 28-night blocks)")
    }
    if world == .negbin {
      guard controlRate.isFinite, controlRate > 0, controlRate <= 50 else {
        throw .invalid(name: "control-rate", reason: "must be in (0, 50] cramps per night")
      }
      guard dispersion.isFinite, dispersion >= 0, dispersion <= 100 else {
        throw .invalid(name: "dispersion", reason: "must be in [0, 100]")
      }
    }
    if world == .nof1, analysis == .negbin {
      throw .invalid(
        name: "model",
        reason:
          "negbin compares per-patient counts between arms, but an N-of-1 patient takes both; "
          + "use ag or mixed")
    }
    self.world = world
    self.analysis = analysis
    self.rateRatio = rateRatio
    self.nights = nights
    self.controlRate = controlRate
    self.dispersion = dispersion
    self.alpha = alpha
    self.replicates = replicates
    self.seed = seed
    self.sizes = sizes
  }

  /// The seed of replicate `r`: `mix(mix(seed) + r)` with SplitMix64's finalizer.
  ///
  /// It depends only on the master seed and `r`, never on the thread that runs the
  /// replicate; every size uses the same replicate seeds (common random numbers), so the
  /// power curve is smoother than with independent draws per size.
  public func replicateSeed(_ r: Int) -> UInt64 {
    Self.mix(Self.mix(seed) &+ UInt64(r))
  }

  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Where the Zhu and Lakkis closed form's assumptions fail for this world, as sentences.
  public var departures: [String] {
    switch world {
    case .negbin:
      return [
        "none by construction: counts are negative binomial with the stated rate, dispersion "
          + "and follow-up, and no cap; the closed form and the simulation should agree "
          + "within the Monte Carlo SE"
      ]
    case .trial, .nof1:
      var lines = [
        "the nightly rate is capped at 3 cramps (and 10 recorded), so heavy-cramping "
          + "patients cannot show the full rate ratio",
        "the stated rate ratio acts only on nights the supplement is taken (85% adherence) "
          + "and after a 7-night ramp, so the arms differ by less than the rate ratio",
        "the frailty is lognormal (SD 1.8) with AR(1) spells, not the gamma frailty of the "
          + "negative binomial; volunteers are screened (>= 4 cramps in 14 nights), some "
          + "drop out and nights go missing",
      ]
      if world == .nof1 {
        lines.append(
          "each patient takes both treatments (a within-patient comparison with a random "
            + "slope SD 0.3), which the parallel-arm closed form does not describe")
      }
      return lines
    }
  }
}

/// Why a simulated power design has no answer.
public enum SimulatedPowerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An input outside its range: the option name and the rule.
  case invalid(name: String, reason: String)

  public var description: String {
    switch self {
    case .invalid(let name, let reason): return "'--\(name)' \(reason)"
    }
  }
}
