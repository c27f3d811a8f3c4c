import Distributions
import Foundation

/// The error distributions of a parametric (accelerated failure time) survival model, as
/// `survival::survreg.distributions`.
///
/// Every distribution is a location-scale family on a possibly transformed time:
/// `g(T) = eta + sigma * W`, where `eta = x'beta`, `W` follows a standard base distribution
/// (extreme value, logistic or Gaussian) and `g` is `log` for the time distributions (Weibull,
/// exponential, log-normal, log-logistic) and the identity otherwise. The exponential is the
/// Weibull with `sigma` fixed at 1.
///
/// The log-likelihood of the transformed times omits the Jacobian; the fit adds
/// `sum over events of log g'(t) = -sum log t` for the log distributions, as R's `logcorrect`.
public enum SurvregDistribution: String, Sendable, Equatable, CaseIterable, Codable {
  case weibull
  case exponential
  case lognormal
  case loglogistic
  case gaussian
  case logistic

  /// The standard distribution of `W`.
  public enum Base: Sendable, Equatable {
    /// Minimum extreme value: `F(w) = 1 - exp(-exp(w))`.
    case extremeValue
    /// `F(w) = 1 / (1 + exp(-w))`.
    case logistic
    /// `F(w) = Phi(w)`.
    case gaussian
  }

  /// The base distribution of the location-scale family.
  public var base: Base {
    switch self {
    case .weibull, .exponential: .extremeValue
    case .loglogistic, .logistic: .logistic
    case .lognormal, .gaussian: .gaussian
    }
  }

  /// Whether times are modelled on the log scale (so they must be positive).
  public var isLogTime: Bool {
    switch self {
    case .weibull, .exponential, .lognormal, .loglogistic: true
    case .gaussian, .logistic: false
    }
  }

  /// The fixed scale (1 for the exponential), or `nil` when the scale is estimated.
  public var fixedScale: Double? { self == .exponential ? 1 : nil }

  /// R's name for the distribution, as printed by `summary.survreg`.
  public var displayName: String {
    switch self {
    case .weibull: "Weibull"
    case .exponential: "Exponential"
    case .lognormal: "Log Normal"
    case .loglogistic: "Log logistic"
    case .gaussian: "Gaussian"
    case .logistic: "Logistic"
    }
  }

  /// The `p` quantile of the base distribution: `log(-log(1 - p))`, `log(p / (1 - p))` or
  /// `Phi^-1(p)`.
  public func baseQuantile(_ p: Double) -> Double {
    switch base {
    case .extremeValue: log(-log1p(-p))
    case .logistic: log(p / (1 - p))
    case .gaussian: Normal.quantile(p)
    }
  }

  /// The base survival function `1 - F(w)`.
  public func baseSurvival(_ w: Double) -> Double {
    switch base {
    case .extremeValue: exp(-exp(w))
    case .logistic: w > 0 ? exp(-w) / (1 + exp(-w)) : 1 / (1 + exp(w))
    case .gaussian: Normal.survival(w)
    }
  }

  /// Mean and variance-based starting values of `(location, sigma^2)` for the intercept-only
  /// model from the (transformed) times, as each distribution's `init` in R: the weighted mean
  /// (plus 0.572 for the extreme value) and the weighted variance divided by 1.64 (extreme
  /// value), 3.2 (logistic) or 1 (Gaussian).
  func initialLocationAndVariance(_ y: [Double], weights: [Double]?) -> (Double, Double) {
    var sw = 0.0
    var swy = 0.0
    for i in y.indices {
      let w = weights?[i] ?? 1
      sw += w
      swy += w * y[i]
    }
    let mean = swy / sw
    var ss = 0.0
    for i in y.indices {
      let d = y[i] - mean
      ss += (weights?[i] ?? 1) * d * d
    }
    let variance = ss / sw
    switch base {
    case .extremeValue: return (mean + 0.572, variance / 1.64)
    case .logistic: return (mean, variance / 3.2)
    case .gaussian: return (mean, variance)
    }
  }
}

/// Density pieces of a base distribution at one standardized residual, as survregc1's
/// `exvalue_d`, `logistic_d` and `gauss_d`.
///
/// For an exact time: `density = f(z)`, `first = f'(z)/f(z)`, `second = f''(z)/f(z)`.
/// For a censored time: `cdf = F(z)`, `survival = 1 - F(z)` (both computed directly, to keep
/// precision in the tails), `density = f(z)`, `first = f'(z)`.
struct SurvregKernel {
  /// What R uses for `log f` when `f` underflows: the value then forces step-halving.
  static let logFloor = -200.0

  /// `(f, f'/f, f''/f)` at `z`.
  static func exact(_ base: SurvregDistribution.Base, _ z: Double) -> (Double, Double, Double) {
    switch base {
    case .extremeValue:
      let w = extremeW(z)
      return (w * exp(-w), 1 - w, w * (w - 3) + 1)
    case .logistic:
      // Only exp(-|z|) is evaluated, so large |z| cannot overflow.
      let (w, sign) = z > 0 ? (exp(-z), -1.0) : (exp(z), 1.0)
      let t = 1 + w
      return (w / (t * t), sign * (1 - w) / t, (w * w - 4 * w + 1) / (t * t))
    case .gaussian:
      return (exp(-z * z / 2) / 2.506628274631001, -z, z * z - 1)
    }
  }

  /// `(F, 1 - F, f, f')` at `z`.
  static func censored(
    _ base: SurvregDistribution.Base, _ z: Double
  ) -> (Double, Double, Double, Double) {
    switch base {
    case .extremeValue:
      let w = extremeW(z)
      let s = exp(-w)
      return (1 - s, s, w * s, w * s * (1 - w))
    case .logistic:
      let (w, sign, upper) = z > 0 ? (exp(-z), -1.0, true) : (exp(z), 1.0, false)
      let t = 1 + w
      let f = w / (t * t)
      // For z > 0, F = 1/(1+w) and 1 - F = w/(1+w); mirrored for z <= 0.
      let (cdf, surv) = upper ? (1 / t, w / t) : (w / t, 1 / t)
      return (cdf, surv, f, sign * f * (1 - w) / t)
    case .gaussian:
      let f = exp(-z * z / 2) / 2.506628274631001
      let (cdf, surv) =
        z > 0
        ? ((1 + erf(z / 2.0.squareRoot())) / 2, erfc(z / 2.0.squareRoot()) / 2)
        : (erfc(-z / 2.0.squareRoot()) / 2, (1 + erf(-z / 2.0.squareRoot())) / 2)
      return (cdf, surv, f, -z * f)
    }
  }

  /// Below this `log f` the density is 0 in double precision (R tests `f <= 0`).
  static let logUnderflow = log(Double.leastNonzeroMagnitude)

  /// `(log f, f'/f, f''/f)` at `z`, without forming `f` where `log f` has a closed form:
  /// `z - exp(z)` (extreme value), `-|z| - 2 log(1 + exp(-|z|))` (logistic) and
  /// `-z^2/2 - log(sqrt(2 pi))` (Gaussian).
  static func logExact(_ base: SurvregDistribution.Base, _ z: Double) -> (Double, Double, Double) {
    switch base {
    case .extremeValue:
      let w = extremeW(z)
      return (min(max(z, logFloor), -logFloor) - w, 1 - w, w * (w - 3) + 1)
    case .logistic:
      let (w, sign) = z > 0 ? (exp(-z), -1.0) : (exp(z), 1.0)
      let t = 1 + w
      return (-abs(z) - 2 * log1p(w), sign * (1 - w) / t, (w * w - 4 * w + 1) / (t * t))
    case .gaussian:
      return (-z * z / 2 - 0.91893853320467274178, -z, z * z - 1)
    }
  }

  /// `(log(1 - F), 1 - F, f, f')` at `z`; `log(1 - F)` is `-exp(z)` for the extreme value.
  static func logCensored(
    _ base: SurvregDistribution.Base, _ z: Double
  ) -> (Double, Double, Double, Double) {
    let (_, surv, f, fPrime) = censored(base, z)
    switch base {
    case .extremeValue: return (-extremeW(z), surv, f, fPrime)
    case .logistic, .gaussian: return (log(surv), surv, f, fPrime)
    }
  }

  /// `exp(z)` bounded to `[exp(-200), exp(200)]`, as R's extreme value code, so that far
  /// residuals give finite (if useless) answers that step-halving then rejects.
  private static func extremeW(_ z: Double) -> Double {
    if z < logFloor { return exp(logFloor) }
    if -z < logFloor { return exp(-logFloor) }
    return exp(z)
  }
}
