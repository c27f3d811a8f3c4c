import DiarySimulation

/// The negative-binomial trial the Zhu and Lakkis closed form assumes, night by night.
///
/// Patient `i` (0-based) is on magnesium when `i` is odd (1:1 for an even total). Its
/// frailty `g_i ~ Gamma(shape 1 / kappa, scale kappa)` (mean 1, variance `kappa`; `g_i = 1`
/// for `kappa = 0`) and each of its `t` nights has `Y ~ Poisson(g_i r_arm)`, `r_placebo = r0`
/// and `r_mg = RR r0`. Given `g_i` the nights are independent, so a patient's total is
/// Poisson(`g_i r t`) mixed over a gamma: negative binomial with mean `mu = r t` and variance
/// `mu + kappa mu^2`. Every night is observed; there is no cap, dropout or screen.
enum NegativeBinomialWorld {
  /// Generator stream of this world (the diary simulator uses 1-4 and 100).
  static let stream: UInt64 = 7

  static func nights(
    patients: Int, nights t: Int, controlRate: Double, rateRatio: Double, dispersion: Double,
    seed: UInt64
  ) -> SimulatedTrialNights {
    var out = SimulatedTrialNights(
      patient: [], night: [], observed: [], count: [], magnesium: [], treated: [],
      patients: patients, candidates: patients)
    let rows = patients * t
    out.patient.reserveCapacity(rows)
    out.night.reserveCapacity(rows)
    out.count.reserveCapacity(rows)
    for i in 0..<patients {
      // One generator per patient: a larger trial extends a smaller one with the same seed.
      var rng = Xoshiro256StarStar(seed: seed, stream: stream, index: UInt64(i))
      let magnesium = i % 2 == 1
      let frailty =
        dispersion > 0 ? rng.gamma(shape: 1 / dispersion, scale: dispersion) : 1
      let rate = frailty * controlRate * (magnesium ? rateRatio : 1)
      for night in 0..<t {
        out.patient.append(Int32(i))
        out.night.append(Int32(night))
        out.count.append(Int32(truncatingIfNeeded: rng.poisson(rate)))
      }
      out.magnesium += [Bool](repeating: magnesium, count: t)
    }
    out.observed = [Bool](repeating: true, count: rows)
    out.treated = out.observed
    return out
  }
}
