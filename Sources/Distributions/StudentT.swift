#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Student's t distribution with `n` degrees of freedom (n > 0, not necessarily an integer).
///
/// Tails come from the incomplete beta function: for `t ≥ 0`,
/// `P(T > t) = ½ I_x(n/2, ½)` with `x = n/(n + t²)` (Abramowitz & Stegun 26.7.1), and the
/// other tail by symmetry. `1 − x = t²/(n + t²)` is formed directly, not by subtraction, so
/// the tails stay accurate for huge `n` (10⁶) and tiny `t`. `n = +inf` is the standard normal.
/// Degrees of freedom that are NaN or `≤ 0` give NaN.
public enum StudentT {
  /// Density `f(t) = (1 + t²/n)^(−(n+1)/2) / (√n B(n/2, ½))` (R: `dt`).
  public static func density(_ t: Double, degreesOfFreedom n: Double) -> Double {
    guard isValid(n), !t.isNaN else { return .nan }
    if n == .infinity { return Normal.density(t) }
    if !t.isFinite { return 0 }
    let r = abs(t) / n.squareRoot()
    // log1p(r²), guarded against r² overflowing.
    let logTerm = r > 1e150 ? 2 * log(r) : log1p(r * r)
    return exp(-(n + 1) / 2 * logTerm - SpecialFunctions.logBeta(n / 2, 0.5)) / n.squareRoot()
  }

  /// Lower tail `P(T ≤ t)` (R: `pt(t, df = n)`; for n > 4e5 R switches to a normal
  /// approximation, this does not).
  public static func cdf(_ t: Double, degreesOfFreedom n: Double) -> Double {
    guard isValid(n), !t.isNaN else { return .nan }
    if n == .infinity { return Normal.cdf(t) }
    let tails = symmetricTails(abs(t), n)
    return t < 0 ? tails.beyond : tails.within
  }

  /// Upper tail `P(T > t)` (R: `pt(t, df = n, lower.tail = FALSE)`), full relative accuracy
  /// when small.
  public static func survival(_ t: Double, degreesOfFreedom n: Double) -> Double {
    guard isValid(n), !t.isNaN else { return .nan }
    if n == .infinity { return Normal.survival(t) }
    let tails = symmetricTails(abs(t), n)
    return t < 0 ? tails.within : tails.beyond
  }

  /// Two-sided p-value `P(|T| ≥ |t|) = I_x(n/2, ½)`, `x = n/(n + t²)`.
  public static func twoSidedPValue(t: Double, degreesOfFreedom n: Double) -> Double {
    guard isValid(n), !t.isNaN else { return .nan }
    if n == .infinity { return Normal.twoSidedPValue(z: t) }
    return min(1, 2 * symmetricTails(abs(t), n).beyond)
  }

  /// Quantile: the `t` with `cdf(t) = p` (R: `qt(p, df = n)`).
  ///
  /// Closed forms for n = 1 (Cauchy, `t = −cot(πp)`) and n = 2
  /// (`t = (2p − 1)/√(2p(1 − p))`); otherwise safeguarded Newton iteration on the log of the
  /// smaller tail (`invertTail`) to full double precision, started from the larger of the
  /// Cornish–Fisher expansion `z + (z³ + z)/(4n) + (5z⁵ + 16z³ + 3z)/(96n²)`
  /// (Abramowitz & Stegun 26.7.5) and the power-law tail `t ≈ √n (n B(n/2, ½) q)^(−1/n)`.
  ///
  /// - Returns: NaN for NaN or `p` outside `[0, 1]`; `−inf` at 0; `+inf` at 1; 0 at ½;
  ///   `∓inf` when the quantile lies beyond the double range (df < 1 far in the tails, e.g.
  ///   `quantile(1e−100, degreesOfFreedom: 0.3) ≈ −1e333`).
  public static func quantile(_ p: Double, degreesOfFreedom n: Double) -> Double {
    guard isValid(n), p >= 0, p <= 1 else { return .nan }
    if n == .infinity { return Normal.quantile(p) }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    if p == 0.5 { return 0 }
    // Solve for the magnitude s > 0 with P(T > s) = q, the smaller tail.
    let q = min(p, 1 - p)
    let s = upperQuantile(q, n)
    return p < 0.5 ? -s : s
  }
}

// MARK: - Internals

extension StudentT {
  static func isValid(_ n: Double) -> Bool {
    n > 0
  }

  /// For `s ≥ 0`: `beyond = P(T > s)` and `within = P(T ≤ s) = 1 − beyond`.
  static func symmetricTails(_ s: Double, _ n: Double) -> (beyond: Double, within: Double) {
    if s == .infinity { return (0, 1) }
    if s > 1e150, (n / s) / s < 1e-20 {
      // x = n/(n + s²) would underflow although the tail need not: with x → 0,
      // I_x(n/2, ½) = x^(n/2) / ((n/2) B(n/2, ½)) · (1 + O(x)), so in logs
      // P(T > s) = exp((n/2)(log n − 2 log s) − log n − log B(n/2, ½)).
      let logTail = n / 2 * (log(n) - 2 * log(s)) - log(n) - SpecialFunctions.logBeta(n / 2, 0.5)
      let beyond = exp(logTail)
      return (beyond, 1 - beyond)
    }
    // x = n/(n + s²) and y = s²/(n + s²), formed through whichever ratio cannot overflow.
    let x: Double
    let y: Double
    if s * s > n {
      let ratio = (n / s) / s
      x = ratio / (1 + ratio)
      y = 1 / (1 + ratio)
    } else {
      let ratio = (s / n) * s
      x = 1 / (1 + ratio)
      y = ratio / (1 + ratio)
    }
    let twoSided = SpecialFunctions.incompleteBeta(x: x, y: y, a: n / 2, b: 0.5)
    let beyond = twoSided.lower / 2
    return (beyond, 0.5 + twoSided.upper / 2)
  }

  /// The `s > 0` with `P(T > s) = q`, `0 < q < ½`.
  private static func upperQuantile(_ q: Double, _ n: Double) -> Double {
    if n == 1 {
      // Cauchy: s = cot(πq); tan of the complement near q = ½ keeps relative accuracy.
      return q < 0.25 ? 1 / tan(Double.pi * q) : tan(Double.pi * (0.5 - q))
    }
    if n == 2 {
      return (1 - 2 * q) / (2 * q * (1 - q)).squareRoot()
    }
    let z = -Normal.quantile(q)
    let z2 = z * z
    let cornishFisher = z + (z2 + 1) * z / (4 * n) + ((5 * z2 + 16) * z2 + 3) * z / (96 * n * n)
    let logPowerTail =
      0.5 * log(n) - (log(n) + SpecialFunctions.logBeta(n / 2, 0.5) + log(q)) / n
    let powerTail = exp(min(logPowerTail, 700))
    let start = max(cornishFisher, powerTail.isFinite ? powerTail : cornishFisher)
    return invertTail(target: q, increasing: false, start: start) { s in
      (symmetricTails(s, n).beyond, density(s, degreesOfFreedom: n))
    }
  }
}
