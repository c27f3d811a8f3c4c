#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// TEMPORARY stand-in (branch surv) so the package builds until branch `dist` lands its sources.
// It offers only the calls Survival makes, with the same signatures as `dist`; delete this file
// when merging `dist`.

/// The standard normal distribution (temporary stand-in; see the file header).
public enum Normal {
  /// Lower tail `P(Z <= x)`.
  public static func cdf(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    return 0.5 * erfc(-x / 2.0.squareRoot())
  }

  /// Upper tail `P(Z > x)`.
  public static func survival(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    return 0.5 * erfc(x / 2.0.squareRoot())
  }

  /// Two-sided p-value `2 Q(|z|)`.
  public static func twoSidedPValue(z: Double) -> Double {
    if z.isNaN { return .nan }
    return min(1, erfc(abs(z) / 2.0.squareRoot()))
  }

  /// Quantile by Acklam's rational approximation refined with two Newton steps on `erfc`.
  public static func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let a = [
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    let b = [
      -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01,
    ]
    let c = [
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
    ]
    let d = [
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00,
    ]
    var x: Double
    if p < 0.02425 {
      let q = (-2 * log(p)).squareRoot()
      x =
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else if p > 1 - 0.02425 {
      let q = (-2 * log(1 - p)).squareRoot()
      x =
        -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else {
      let q = p - 0.5
      let r = q * q
      x =
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
    for _ in 0..<2 {
      let e = cdf(x) - p
      let density = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
      x -= e / density
    }
    return x
  }
}

/// The chi-squared distribution (temporary stand-in; see the file header).
public enum ChiSquared {
  /// Upper tail `P(X > x)` for `k` degrees of freedom, via the regularized gamma `Q(k/2, x/2)`.
  public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard k > 0, !x.isNaN else { return .nan }
    if x <= 0 { return 1 }
    if x == .infinity { return 0 }
    let a = k / 2
    let y = x / 2
    let logPrefix = a * log(y) - y - lgamma(a)
    if y < a + 1 {
      var term = 1 / a
      var sum = term
      var n = 1.0
      while n < 10_000 {
        term *= y / (a + n)
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
        n += 1
      }
      return 1 - exp(logPrefix) * sum
    }
    // Lentz's continued fraction for Q(a, y).
    let tiny = 1e-300
    var b = y + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    var i = 1.0
    while i < 10_000 {
      let an = -i * (i - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
      i += 1
    }
    return exp(logPrefix) * h
  }
}
