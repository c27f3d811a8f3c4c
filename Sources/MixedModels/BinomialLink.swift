import Foundation

/// The link of a Bernoulli mixed model: `P(y = 1 | b) = mu(eta)`.
///
/// Each function is the per-row piece the penalized IRLS and the Laplace/AGQ deviance need, as
/// functions of the linear predictor `eta` (R's `binomial(link)` family, lme4's `glmFamily`):
/// the unit deviance `d(y, eta) = -2 log f(y | eta)` (for 0/1 data the family's `aic` and
/// `dev.resids` agree), its first two derivatives in `eta`, and the GLM working weight
/// `w = mu.eta^2 / (mu (1 - mu))` that lme4 puts into the sparse factor `L`.
public enum BinomialLink: String, Sendable, Equatable, Codable, CaseIterable {
  /// `eta = log(mu / (1 - mu))`, the canonical link; coefficients are log odds ratios.
  case logit
  /// `eta = log(-log(1 - mu))`: `mu = 1 - exp(-exp(eta))`, the chance of at least one event
  /// of a Poisson process with rate `exp(eta)` (a nightly-hazard scale); coefficients are log
  /// hazard ratios.
  case cloglog

  /// `pi^2 / 3` (logit) or `pi^2 / 6` (cloglog): the variance of the standard logistic or
  /// Gumbel (minimum) latent error, the denominator term of the latent-scale ICC.
  public var latentResidualVariance: Double {
    switch self {
    case .logit: return Double.pi * Double.pi / 3
    case .cloglog: return Double.pi * Double.pi / 6
    }
  }

  /// `mu = linkinv(eta)`.
  @inline(__always) public func mean(_ eta: Double) -> Double {
    switch self {
    case .logit: return 1 / (1 + exp(-eta))
    case .cloglog: return -expm1(-exp(eta))
    }
  }

  /// `d = -2 log f(y | eta)` for `y` in {0, 1}, computed without cancellation:
  /// logit `2 log(1 + exp(-s eta))` with `s = 2y - 1`; cloglog `-2 log(1 - exp(-exp(eta)))`
  /// for `y = 1` and `2 exp(eta)` for `y = 0`.
  @inline(__always) func unitDeviance(_ y: Double, _ eta: Double) -> Double {
    switch self {
    case .logit:
      let s = y == 1 ? eta : -eta
      return s > 0 ? 2 * log1p(exp(-s)) : 2 * (log1p(exp(s)) - s)
    case .cloglog:
      let t = exp(eta)
      return y == 1 ? -2 * log(-expm1(-t)) : 2 * t
    }
  }

  /// `(d'(eta) / 2, d''(eta) / 2)`: half the first and second derivatives of the unit
  /// deviance (the observed information of one row), for Newton steps on the conditional mode.
  @inline(__always) func halfDerivatives(_ y: Double, _ eta: Double) -> (Double, Double) {
    switch self {
    case .logit:
      let mu = mean(eta)
      return (mu - y, mu * (1 - mu))
    case .cloglog:
      let t = exp(eta)
      if y == 0 { return (t, t) }
      // log f = log(1 - exp(-t)): first derivative g = t / (e^t - 1), second
      // t ((e^t - 1) - t e^t) / (e^t - 1)^2 (negative); d = -2 log f.
      let em1 = expm1(t)
      guard em1.isFinite, em1 > 0 else { return (-t, 0) }
      let g = t / em1
      let second = g * (1 - t * (em1 + 1) / em1)
      return (-g, -second)
    }
  }

  /// `dw/deta`, the derivative of ``workingWeight(_:)`` (for the Laplace gradient).
  ///
  /// logit: `w = mu (1 - mu)`, `w' = w (1 - 2 mu)`. cloglog: with `t = e^eta`, `q = e^-t`,
  /// `m = 1 - q`, `w = t^2 q / m` and `w' = t [(2 t q - t^2 q) / m - t^2 q^2 / m^2]`.
  @inline(__always) func workingWeightDerivative(_ eta: Double) -> Double {
    switch self {
    case .logit:
      let mu = mean(eta)
      return mu * (1 - mu) * (1 - 2 * mu)
    case .cloglog:
      let t = exp(eta)
      let q = exp(-t)
      let m = -expm1(-t)
      guard m > 0 else { return t }
      return t * ((2 * t * q - t * t * q) / m - t * t * q * q / (m * m))
    }
  }

  /// The GLM working weight `mu.eta^2 / (mu (1 - mu))` at `eta` (Fisher information of one
  /// row; lme4 uses it in `L`, so the Laplace log-determinant uses it too).
  @inline(__always) func workingWeight(_ eta: Double) -> Double {
    switch self {
    case .logit:
      let mu = mean(eta)
      return mu * (1 - mu)
    case .cloglog:
      // mu.eta = t exp(-t), 1 - mu = exp(-t): w = t^2 exp(-t) / (1 - exp(-t)).
      let t = exp(eta)
      let oneMinusMu = exp(-t)
      let mu = -expm1(-t)
      guard mu > 0 else { return t }
      return t * t * oneMinusMu / mu
    }
  }
}
