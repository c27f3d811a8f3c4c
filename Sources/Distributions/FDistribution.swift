#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fisher's F distribution with `d₁` (numerator) and `d₂` (denominator) degrees of freedom.
///
/// With `u = d₁x/(d₁x + d₂)` and `1 − u = d₂/(d₁x + d₂)` (both formed directly),
/// `P(F ≤ x) = I_u(d₁/2, d₂/2)` (Abramowitz & Stegun 26.6.2). Degrees of freedom that are NaN,
/// `≤ 0` or infinite give NaN.
public enum FDistribution {
  /// Lower tail `P(F ≤ x)` (R: `pf(x, df1, df2)`).
  ///
  /// `x ≤ 0` gives 0, `+inf` gives 1.
  public static func cdf(
    _ x: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    tails(x, d1, d2).lower
  }

  /// Upper tail `P(F > x)`, the p-value of an F statistic
  /// (R: `pf(x, df1, df2, lower.tail = FALSE)`), full relative accuracy when small.
  public static func survival(
    _ x: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    tails(x, d1, d2).upper
  }

  /// Density `f(x) = u^(d₁/2) (1 − u)^(d₂/2) / (x B(d₁/2, d₂/2))`, `u = d₁x/(d₁x + d₂)`
  /// (R: `df(x, df1, df2)`).
  ///
  /// At `x = 0` it is `+inf` for `d₁ < 2`, 1 for `d₁ = 2` and 0 for `d₁ > 2`.
  public static func density(
    _ x: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    guard isValid(d1, d2), !x.isNaN else { return .nan }
    if x < 0 || x == .infinity { return 0 }
    if x == 0 { return d1 < 2 ? .infinity : (d1 == 2 ? 1 : 0) }
    let (u, v) = splitPoint(x, d1, d2)
    return SpecialFunctions.betaFactor(x: u, y: v, a: d1 / 2, b: d2 / 2) / x
  }

  /// Quantile: the `x` with `cdf(x) = p` (R: `qf(p, df1, df2)`).
  ///
  /// Safeguarded Newton iteration on the log of the smaller tail (`invertTail`), started from
  /// `χ²_{d₁}` quantile / `d₁` (the `d₂ → ∞` limit) or, deep in the lower tail, from
  /// `I_u(a, b) ≈ u^a / (a B(a, b))`, which is returned as is once below 1e−100.
  ///
  /// - Returns: NaN for NaN or `p` outside `[0, 1]`; 0 at `p = 0`; `+inf` at `p = 1`.
  public static func quantile(
    _ p: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    guard isValid(d1, d2), p >= 0, p <= 1 else { return .nan }
    if p == 0 { return 0 }
    if p == 1 { return .infinity }
    let a = d1 / 2
    let b = d2 / 2
    let density = { (x: Double) in
      Self.density(x, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
    }
    let chiSquaredStart = ChiSquared.quantile(p, degreesOfFreedom: d1) / d1
    if p <= 0.5 {
      // u^a / (a B(a, b)) = p with u ≈ d₁x/d₂ for small x.
      let small = d2 / d1 * exp((log(p) + log(a) + SpecialFunctions.logBeta(a, b)) / a)
      if small < 1e-100 { return small }
      return invertTail(target: p, increasing: true, start: chiSquaredStart) { x in
        (tails(x, d1, d2).lower, density(x))
      }
    }
    return invertTail(target: 1 - p, increasing: false, start: chiSquaredStart) { x in
      (tails(x, d1, d2).upper, density(x))
    }
  }

  private static func isValid(_ d1: Double, _ d2: Double) -> Bool {
    d1 > 0 && d2 > 0 && d1.isFinite && d2.isFinite
  }

  /// `u = d₁x/(d₁x + d₂)` and `1 − u = d₂/(d₁x + d₂)`, each formed without cancellation.
  private static func splitPoint(_ x: Double, _ d1: Double, _ d2: Double) -> (Double, Double) {
    let scaled = d1 * x
    if scaled > d2 {
      let ratio = d2 / scaled
      return (1 / (1 + ratio), ratio / (1 + ratio))
    }
    let ratio = scaled / d2
    return (ratio / (1 + ratio), 1 / (1 + ratio))
  }

  private static func tails(_ x: Double, _ d1: Double, _ d2: Double) -> (
    lower: Double, upper: Double
  ) {
    guard isValid(d1, d2), !x.isNaN else { return (.nan, .nan) }
    if x <= 0 { return (0, 1) }
    if x == .infinity { return (1, 0) }
    let (u, v) = splitPoint(x, d1, d2)
    return SpecialFunctions.incompleteBeta(x: u, y: v, a: d1 / 2, b: d2 / 2)
  }
}
