import Distributions

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The link of a cumulative-link model: `P(Y <= k | x) = F(zeta_k - x'beta)`.
///
/// `logit` is the logistic distribution `F(z) = 1 / (1 + e^-z)` (MASS::polr's
/// `method = "logistic"`, the proportional-odds model); `probit` is the standard normal
/// (`method = "probit"`).
public enum CumulativeLink: String, Sendable, Codable, CaseIterable, Equatable {
  case logit
  case probit

  /// `F(z)`, the lower tail.
  public func cdf(_ z: Double) -> Double {
    switch self {
    case .logit: z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    case .probit: Normal.cdf(z)
    }
  }

  /// `1 - F(z)`, computed without cancellation.
  public func survival(_ z: Double) -> Double {
    switch self {
    case .logit: cdf(-z)
    case .probit: Normal.survival(z)
    }
  }

  /// The density `f(z) = F'(z)`; zero at `z = +-inf`.
  public func density(_ z: Double) -> Double {
    guard z.isFinite else { return 0 }
    switch self {
    case .logit:
      let e = exp(-abs(z))
      return e / ((1 + e) * (1 + e))
    case .probit: return Normal.density(z)
    }
  }

  /// The density's derivative `f'(z)`: `f(z) (1 - 2 F(z))` (logistic), `-z f(z)` (normal).
  public func densityDerivative(_ z: Double) -> Double {
    guard z.isFinite else { return 0 }
    switch self {
    case .logit: return density(z) * (survival(z) - cdf(z))
    case .probit: return -z * Normal.density(z)
    }
  }

  /// `F^-1(p)`, for starting values.
  public func quantile(_ p: Double) -> Double {
    switch self {
    case .logit: log(p / (1 - p))
    case .probit: Normal.quantile(p)
    }
  }

  /// `F(upper) - F(lower)` for `lower < upper`, taken from the upper tails when both are
  /// above 0 so that a probability near the top of the scale keeps its relative precision.
  public func probability(lower: Double, upper: Double) -> Double {
    lower > 0 ? survival(lower) - survival(upper) : cdf(upper) - cdf(lower)
  }
}
