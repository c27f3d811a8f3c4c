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

  private static func tails(_ x: Double, _ d1: Double, _ d2: Double) -> (
    lower: Double, upper: Double
  ) {
    guard d1 > 0, d2 > 0, d1.isFinite, d2.isFinite, !x.isNaN else { return (.nan, .nan) }
    if x <= 0 { return (0, 1) }
    if x == .infinity { return (1, 0) }
    let scaled = d1 * x
    let u: Double
    let v: Double
    if scaled > d2 {
      let ratio = d2 / scaled
      u = 1 / (1 + ratio)
      v = ratio / (1 + ratio)
    } else {
      let ratio = scaled / d2
      u = ratio / (1 + ratio)
      v = 1 / (1 + ratio)
    }
    return SpecialFunctions.incompleteBeta(x: u, y: v, a: d1 / 2, b: d2 / 2)
  }
}
