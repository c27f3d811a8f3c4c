#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The chi-squared distribution with `k` degrees of freedom (k > 0, not necessarily an integer).
///
/// `χ²_k` is a gamma variable with shape `k/2` and scale 2, so
/// `cdf(x) = P(k/2, x/2)` and `survival(x) = Q(k/2, x/2)` with the regularized incomplete gamma
/// functions of `SpecialFunctions`. Degrees of freedom that are NaN, `≤ 0` or infinite give NaN.
public enum ChiSquared {
  /// Density `f(x) = x^(k/2 − 1) e^(−x/2) / (2^(k/2) Γ(k/2))` for `x ≥ 0` (R: `dchisq`).
  ///
  /// At `x = 0` it is `+inf` for `k < 2`, `½` for `k = 2` and 0 for `k > 2`.
  public static func density(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k), !x.isNaN else { return .nan }
    if x < 0 || x == .infinity { return 0 }
    let a = k / 2
    if x == 0 { return a < 1 ? .infinity : (a == 1 ? 0.5 : 0) }
    // x^(a−1) e^(−x/2) / (2^a Γ(a)) = a · [e^(−x/2) (x/2)^a / Γ(a + 1)] / x.
    return a * SpecialFunctions.poissonDensity(a, x / 2) / x
  }

  /// Lower tail `P(χ²_k ≤ x)` (R: `pchisq(x, df = k)`).
  ///
  /// `x ≤ 0` gives 0, `+inf` gives 1.
  public static func cdf(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k) else { return .nan }
    return SpecialFunctions.incompleteGamma(a: k / 2, x: x / 2).lower
  }

  /// Upper tail `P(χ²_k > x)`, the p-value of a chi-squared statistic
  /// (R: `pchisq(x, df = k, lower.tail = FALSE)`).
  ///
  /// Computed directly, not as `1 − cdf`, so it keeps full relative accuracy down to the
  /// underflow threshold: `survival(1400, degreesOfFreedom: 1) ≈ 2.1e−306`.
  public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k) else { return .nan }
    return SpecialFunctions.incompleteGamma(a: k / 2, x: x / 2).upper
  }

  /// Quantile: the `x` with `cdf(x) = p` (R: `qchisq(p, df = k)`).
  ///
  /// Solved to full double precision by safeguarded Newton iteration on the log of the
  /// smaller tail (`invertTail`), started from the Wilson–Hilferty cube-root approximation
  /// `x ≈ k (1 − 2/(9k) + z √(2/(9k)))³`, `z = Φ⁻¹(p)` (E. B. Wilson & M. M. Hilferty, PNAS 17,
  /// 1931), or, deep in the lower tail, from `P(k/2, x/2) ≈ (x/2)^(k/2) / Γ(k/2 + 1)`.
  ///
  /// - Returns: NaN for NaN or `p` outside `[0, 1]`; 0 at `p = 0`; `+inf` at `p = 1`.
  public static func quantile(_ p: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k), p >= 0, p <= 1 else { return .nan }
    if p == 0 { return 0 }
    if p == 1 { return .infinity }
    return p <= 0.5 ? solve(lowerTail: p, k) : solve(upperTail: 1 - p, k)
  }

  /// Upper-tail quantile: the `x` with `survival(x) = q`.
  ///
  /// This is the critical value of a test at level `q`
  /// (R: `qchisq(q, df = k, lower.tail = FALSE)`). Unlike `quantile(1 − q)`, this stays exact
  /// for `q` far below machine epsilon (1e−300).
  /// - Returns: NaN for NaN or `q` outside `[0, 1]`; `+inf` at `q = 0`; 0 at `q = 1`.
  public static func inverseSurvival(_ q: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k), q >= 0, q <= 1 else { return .nan }
    if q == 0 { return .infinity }
    if q == 1 { return 0 }
    return q <= 0.5 ? solve(upperTail: q, k) : solve(lowerTail: 1 - q, k)
  }
}

// MARK: - Internals

extension ChiSquared {
  static func isValid(_ k: Double) -> Bool {
    k > 0 && k.isFinite
  }

  private static func solve(lowerTail p: Double, _ k: Double) -> Double {
    let a = k / 2
    // Small-x start: P(a, x/2) = (x/2)^a / Γ(a + 1) · (1 − a x/(2(a + 1)) + ···), good when p
    // is small relative to k. Below 1e−100 the correction term is far below rounding, so the
    // approximation is the answer; this also covers quantiles that underflow (df = 0.1,
    // p = 1e−30 gives 1e−600, returned as 0).
    let small = 2 * exp((log(p) + SpecialFunctions.logGamma(a + 1)) / a)
    if small < 1e-100 { return small }
    let start = k < -1.24 * log(p) ? small : wilsonHilferty(Normal.quantile(p), k, fallback: small)
    return invertTail(target: p, increasing: true, start: start) { x in
      (cdf(x, degreesOfFreedom: k), density(x, degreesOfFreedom: k))
    }
  }

  private static func solve(upperTail q: Double, _ k: Double) -> Double {
    let start = wilsonHilferty(-Normal.quantile(q), k, fallback: k)
    return invertTail(target: q, increasing: false, start: start) { x in
      (survival(x, degreesOfFreedom: k), density(x, degreesOfFreedom: k))
    }
  }

  /// Wilson–Hilferty approximation to the quantile at normal deviate `z`.
  private static func wilsonHilferty(_ z: Double, _ k: Double, fallback: Double) -> Double {
    let c = 2 / (9 * k)
    let cube = 1 - c + z * c.squareRoot()
    let x = k * cube * cube * cube
    return x > 0 && x.isFinite ? x : fallback
  }
}
