import Foundation

// The three probability functions the regression results need, in one place.
//
// TODO(dist): route these through the Distributions module (`Normal`, `ChiSquared`) once
// branch `dist` has landed its sources; until then they are computed here.

/// `2 * P(Z > |z|)` for a standard normal `Z` (`2 * pnorm(-abs(z))`), accurate in the tail.
func normalTwoSidedPValue(_ z: Double) -> Double {
  erfc(abs(z) / 2.0.squareRoot())
}

/// `log(2 * P(Z > |z|))`, finite far beyond where the p-value underflows.
func logNormalTwoSidedPValue(_ z: Double) -> Double {
  let x = abs(z) / 2.0.squareRoot()
  if x < 20 { return log(erfc(x)) }
  // Asymptotic series of erfc: exp(-x^2) / (x sqrt(pi)) * (1 - 1/(2x^2) + 3/(4x^4) - ...).
  let x2 = x * x
  let series = 1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2)
  return -x2 - log(x * Double.pi.squareRoot()) + log(series)
}

/// The standard normal quantile `qnorm(p)` for `0 < p < 1`.
///
/// Acklam's rational approximation refined by two Newton steps on `erfc`, which brings it to
/// full double precision.
func normalQuantile(_ p: Double) -> Double {
  guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
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
    7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00,
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
    let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
    let density = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
    x -= (cdf - p) / density
  }
  return x
}

/// `P(X > x)` for `X` chi-squared with `df` degrees of freedom (`pchisq(x, df, lower = FALSE)`).
///
/// The regularized upper incomplete gamma `Q(df/2, x/2)`: series for `x < a + 1`, Lentz's
/// continued fraction otherwise (Numerical Recipes' split), both to relative 1e-16.
func chiSquaredSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
  guard x > 0 else { return 1 }
  guard x.isFinite else { return 0 }
  let a = df / 2
  let z = x / 2
  let logPrefix = a * log(z) - z - lgamma(a)
  if z < a + 1 {
    var term = 1 / a
    var sum = term
    var n = a
    for _ in 0..<10_000 {
      n += 1
      term *= z / n
      sum += term
      if abs(term) < abs(sum) * 1e-17 { break }
    }
    return max(0, 1 - sum * exp(logPrefix))
  }
  let tiny = 1e-300
  var b = z + 1 - a
  var c = 1 / tiny
  var d = 1 / b
  var h = d
  for i in 1..<10_000 {
    let an = -Double(i) * (Double(i) - a)
    b += 2
    d = an * d + b
    if abs(d) < tiny { d = tiny }
    c = b + an / c
    if abs(c) < tiny { c = tiny }
    d = 1 / d
    let delta = d * c
    h *= delta
    if abs(delta - 1) < 1e-17 { break }
  }
  return exp(logPrefix) * h
}
