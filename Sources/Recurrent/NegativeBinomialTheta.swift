import Distributions
import Foundation

/// Maximum-likelihood `theta` of a negative binomial with known means, as `MASS::theta.ml`.
///
/// Newton-Raphson on the profile score in `theta`, from the moment estimate
/// `n / sum (y / mu - 1)^2`, stopping when `|step| <= eps^(1/4)` of machine precision or after
/// `limit - 1` steps (MASS's loop test `it < limit`). The standard error is `1 / sqrt(info)`
/// at the last information evaluated.
struct NegativeBinomialTheta {
  var theta: Double
  var standardError: Double
  var warnings: [String]

  static let tolerance = pow(Double.ulpOfOne, 0.25)

  init(y: [Double], mu: [Double], limit: Int = 25) {
    let n = Double(y.count)
    var t0 = n / zip(y, mu).reduce(0) { $0 + ($1.0 / $1.1 - 1) * ($1.0 / $1.1 - 1) }
    var iteration = 0
    var step = 1.0
    var information = Double.nan
    var warnings: [String] = []
    while true {
      iteration += 1
      guard iteration < limit, abs(step) > NegativeBinomialTheta.tolerance else { break }
      t0 = abs(t0)
      information = NegativeBinomialTheta.information(t0, y, mu)
      step = NegativeBinomialTheta.score(t0, y, mu) / information
      t0 += step
    }
    if t0 < 0 {
      t0 = 0
      warnings.append("theta estimate truncated at zero")
    }
    if iteration == limit { warnings.append("theta iteration limit reached") }
    theta = t0
    standardError = (1 / information).squareRoot()
    self.warnings = warnings
  }

  /// `d loglik / d theta`.
  static func score(_ th: Double, _ y: [Double], _ mu: [Double]) -> Double {
    var s = 0.0
    for i in y.indices {
      s +=
        digamma(th + y[i]) - digamma(th) + log(th) + 1 - log(th + mu[i])
        - (y[i] + th) / (mu[i] + th)
    }
    return s
  }

  /// `-d^2 loglik / d theta^2`.
  static func information(_ th: Double, _ y: [Double], _ mu: [Double]) -> Double {
    var s = 0.0
    for i in y.indices {
      s +=
        -trigamma(th + y[i]) + trigamma(th) - 1 / th + 2 / (mu[i] + th)
        - (y[i] + th) / ((mu[i] + th) * (mu[i] + th))
    }
    return s
  }

  /// The negative binomial log-likelihood (MASS's `loglik`).
  static func logLikelihood(_ th: Double, _ y: [Double], _ mu: [Double]) -> Double {
    var s = 0.0
    for i in y.indices {
      s +=
        SpecialFunctions.logGamma(th + y[i]) - SpecialFunctions.logGamma(th)
        - SpecialFunctions.logGamma(y[i] + 1) + th * log(th)
        + y[i] * log(mu[i] + (y[i] == 0 ? 1 : 0)) - (th + y[i]) * log(th + mu[i])
    }
    return s
  }

  /// The digamma function: recurrence up to 10, then the asymptotic series (error < 1e-15).
  static func digamma(_ x: Double) -> Double {
    var x = x
    var shift = 0.0
    while x < 10 {
      shift -= 1 / x
      x += 1
    }
    let r = 1 / (x * x)
    let series =
      r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132)))))
    return shift + log(x) - 0.5 / x - series
  }

  /// The trigamma function: recurrence up to 10, then the asymptotic series.
  static func trigamma(_ x: Double) -> Double {
    var x = x
    var shift = 0.0
    while x < 10 {
      shift += 1 / (x * x)
      x += 1
    }
    let r = 1 / (x * x)
    let series =
      1 / x + r / 2
      + r / x * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66)))))
    return shift + series
  }
}
