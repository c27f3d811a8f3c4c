import Distributions
import Foundation
import LinearAlgebra

extension SurvregFit {
  /// A predicted quantile of the survival time, R's `predict(fit, newdata, type = "quantile",
  /// p = ..., se.fit = TRUE)`.
  public struct Quantile: Sendable, Equatable {
    /// The probability `p` (the time by which a share `p` has had the event).
    public let probability: Double
    public let estimate: Double
    /// Delta-method standard error, as R: `se(u) / g'(t)` with `u = x'beta + q_p sigma`.
    public let standardError: Double
    /// Wald limits on the scale of `u` (log time for the time distributions), transformed.
    public let confidenceLow: Double
    public let confidenceHigh: Double
  }

  /// Predicted survival `S(t | x)` at one time, with a Wald interval on the standardized
  /// residual scale.
  public struct SurvivalPoint: Sendable, Equatable {
    public let time: Double
    public let survival: Double
    /// Delta-method standard error of `S(t)`: `f(z) se(z)` (as a density times `se(z)`).
    public let standardError: Double
    public let confidenceLow: Double
    public let confidenceHigh: Double
  }

  /// A Weibull coefficient read as a hazard ratio (the Weibull is also a proportional hazards
  /// model): `HR = exp(-beta / sigma)`.
  public struct HazardRatio: Sendable, Equatable {
    public let term: String
    /// `log HR = -beta / sigma`.
    public let logHazardRatio: Double
    /// Delta method on `-beta/sigma` in `(beta, log sigma)`: gradient `(-1/sigma, beta/sigma)`.
    public let standardError: Double
    public let hazardRatio: Double
    public let confidenceLow: Double
    public let confidenceHigh: Double
  }

  /// The linear predictor `x'beta` and the gradient pieces for a full design row.
  private func linearPredictor(_ row: [Double]) throws -> (Double, [Double]) {
    guard row.count == columnCount else {
      throw SurvregError.invalidPrediction(
        "profile has \(row.count) values but the model has \(columnCount) columns")
    }
    let x = keptColumns.map { row[$0] }
    guard x.allSatisfy(\.isFinite) else {
      throw SurvregError.invalidPrediction("profile has a non-finite value")
    }
    let lp = zip(x, beta).reduce(0) { $0 + $1.0 * $1.1 }
    return (lp, x)
  }

  /// `g' V g` for a gradient over the estimable parameters.
  private func quadraticForm(_ gradient: [Double]) throws -> Double {
    let vg = try BLAS.gemv(variance, gradient)
    return zip(gradient, vg).reduce(0) { $0 + $1.0 * $1.1 }
  }

  private func scaleIndex(_ stratum: Int) throws -> Int {
    guard stratum >= 0, stratum < scales.count else {
      throw SurvregError.invalidPrediction("stratum \(stratum) is not one of the model's")
    }
    return stratum
  }

  /// Quantiles of the time to event for one design row (all design columns, intercept
  /// included) in one stratum.
  ///
  /// `u = x'beta + Q(p) sigma` with `Q` the base quantile; the estimate is `g^-1(u)`. The
  /// gradient of `u` is `(x, Q(p) sigma)` in `(beta, log sigma_s)`, so `se(u)^2 = g'Vg`, and R's
  /// `se = se(u) / g'(estimate)` (`se(u) * t` for log time). The interval is `g^-1(u +- z se(u))`.
  /// - Throws: ``SurvregError/invalidPrediction(_:)`` for a wrong-length row or `p` outside (0, 1).
  public func quantiles(
    row: [Double], stratum: Int = 0, probabilities: [Double]
  ) throws -> [Quantile] {
    let (lp, x) = try linearPredictor(row)
    let s = try scaleIndex(stratum)
    let sigma = scales[s]
    let zc = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    return try probabilities.map { p in
      guard p > 0, p < 1 else {
        throw SurvregError.invalidPrediction("probability \(p) is not between 0 and 1")
      }
      let qp = distribution.baseQuantile(p)
      let u = lp + qp * sigma
      var gradient = x
      if !hasFixedScale {
        var tail = [Double](repeating: 0, count: logScales.count)
        tail[s] = qp * sigma
        gradient += tail
      }
      let seU = try quadraticForm(gradient).squareRoot()
      let back: (Double) -> Double = distribution.isLogTime ? { exp($0) } : { $0 }
      let estimate = back(u)
      return Quantile(
        probability: p, estimate: estimate,
        standardError: distribution.isLogTime ? seU * estimate : seU,
        confidenceLow: back(u - zc * seU), confidenceHigh: back(u + zc * seU))
    }
  }

  /// Survival probabilities `S(t | x) = S_0((g(t) - x'beta) / sigma)` at the given times.
  ///
  /// The interval is Wald on `z = (g(t) - x'beta)/sigma`, whose gradient is `(-x/sigma, -z)`
  /// in `(beta, log sigma_s)`, mapped through the decreasing `S_0`; it stays in [0, 1].
  /// - Throws: ``SurvregError/invalidPrediction(_:)`` for a wrong-length row or a time that
  ///   is not positive under a log-time distribution.
  public func survival(row: [Double], stratum: Int = 0, times: [Double]) throws -> [SurvivalPoint] {
    let (lp, x) = try linearPredictor(row)
    let s = try scaleIndex(stratum)
    let sigma = scales[s]
    let zc = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    return try times.map { t in
      guard t.isFinite, !distribution.isLogTime || t > 0 else {
        throw SurvregError.invalidPrediction("time \(t) is not positive")
      }
      let z = ((distribution.isLogTime ? log(t) : t) - lp) / sigma
      var gradient = x.map { -$0 / sigma }
      if !hasFixedScale {
        var tail = [Double](repeating: 0, count: logScales.count)
        tail[s] = -z
        gradient += tail
      }
      let seZ = try quadraticForm(gradient).squareRoot()
      let survival = distribution.baseSurvival(z)
      let (_, _, density, _) = SurvregKernel.censored(distribution.base, z)
      return SurvivalPoint(
        time: t, survival: survival, standardError: density * seZ,
        confidenceLow: distribution.baseSurvival(z + zc * seZ),
        confidenceHigh: distribution.baseSurvival(z - zc * seZ))
    }
  }

  /// The Weibull (or exponential) coefficients other than the intercept as hazard ratios.
  ///
  /// Empty for other distributions and with several scales (no single PH reading then).
  public var hazardRatios: [HazardRatio] {
    guard distribution.base == .extremeValue, distribution.isLogTime, scales.count == 1 else {
      return []
    }
    let sigma = scales[0]
    let p = beta.count
    let zc = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    var out: [HazardRatio] = []
    for (k, column) in keptColumns.enumerated() {
      let term = coefficients[column].term
      guard term != "(Intercept)" else { continue }
      let b = beta[k]
      let logHR = -b / sigma
      var v = variance[k, k] / (sigma * sigma)
      if !hasFixedScale {
        // d(-b/sigma)/dlog sigma = b/sigma.
        v += b * b / (sigma * sigma) * variance[p, p] - 2 * b / (sigma * sigma) * variance[k, p]
      }
      let se = max(0, v).squareRoot()
      out.append(
        HazardRatio(
          term: term, logHazardRatio: logHR, standardError: se, hazardRatio: exp(logHR),
          confidenceLow: exp(logHR - zc * se), confidenceHigh: exp(logHR + zc * se)))
    }
    return out
  }
}
