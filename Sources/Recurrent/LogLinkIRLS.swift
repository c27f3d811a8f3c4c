import Foundation
import LinearAlgebra

/// Count families with the log link, as R's `poisson()` and `MASS::negative.binomial(theta)`.
public enum CountFamily: Sendable, Equatable {
  case poisson
  /// Negative binomial with known `theta`: variance `mu + mu^2 / theta`.
  case negativeBinomial(theta: Double)

  /// The variance function `V(mu)`.
  func variance(_ mu: Double) -> Double {
    switch self {
    case .poisson: mu
    case .negativeBinomial(let theta): mu + mu * mu / theta
    }
  }

  /// R's `dev.resids` summed: the deviance of `mu` for `y`.
  func deviance(_ y: [Double], _ mu: [Double]) -> Double {
    var total = 0.0
    switch self {
    case .poisson:
      for i in y.indices {
        let term = y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0
        total += 2 * (term - (y[i] - mu[i]))
      }
    case .negativeBinomial(let theta):
      for i in y.indices {
        total +=
          2
          * (y[i] * log(max(1, y[i]) / mu[i])
            - (y[i] + theta) * log((y[i] + theta) / (mu[i] + theta)))
      }
    }
    return total
  }

  /// R's `family$initialize` starting mean: `y + 0.1` (Poisson), `y + (y == 0) / 6` (NB).
  func initialMean(_ y: Double) -> Double {
    switch self {
    case .poisson: y + 0.1
    case .negativeBinomial: y + (y == 0 ? 1.0 / 6 : 0)
    }
  }
}

/// Iteratively reweighted least squares for log-link count models, as R's `glm.fit`.
///
/// Contract: `x` is `n` x `p` column-major with full column rank (aliased columns removed by
/// the caller), `y` non-negative counts, `offset` finite. Each iteration forms the working
/// response `z = eta - offset + (y - mu) / mu` and weights `w = mu^2 / V(mu)` at the current
/// `mu`, accumulates `X'WX` and `X'Wz` in row blocks (``CrossProductAccumulator``) and solves
/// by Cholesky. Start: `eta = log(mustart)` (R's `linkfun(mustart)`, offset not subtracted)
/// or a given `eta`. Convergence: R's `|dev - dev_old| / (|dev| + 0.1) < epsilon`, judged
/// after each update; a non-finite deviance halves the step toward the previous coefficients.
struct LogLinkIRLS {
  var maxIterations = 25
  var epsilon = 1e-8

  struct Result {
    var beta: [Double]
    /// Linear predictor including the offset, and the fitted means.
    var eta: [Double]
    var mu: [Double]
    var deviance: Double
    var iterations: Int
    var converged: Bool
    /// `(X'WX)^-1` at the working weights of the last iteration (R's `cov.unscaled`).
    var unscaledCovariance: Matrix
    /// Working weights of the last iteration (R's `weights(fit, "working")`).
    var workingWeights: [Double]
  }

  /// Rows per block handed to the accumulator (keeps its scratch in cache).
  static let blockRows = 4096

  /// The start of R's `glm.fit`: `mu = mustart` (``CountFamily/initialMean(_:)``) and
  /// `eta = log(mu)`, offset not subtracted.
  static func start(y: [Double], family: CountFamily) -> (eta: [Double], mu: [Double]) {
    let eta = y.map { log(family.initialMean($0)) }
    return (eta, eta.map { exp($0) })
  }

  /// `eta = X beta + offset` and `mu = exp(eta)`.
  static func predict(x: Matrix, beta: [Double], offset: [Double]) throws -> (
    eta: [Double], mu: [Double]
  ) {
    var eta = try BLAS.gemv(x, beta)
    for i in eta.indices { eta[i] += offset[i] }
    return (eta, eta.map { exp($0) })
  }

  /// One IRLS system at `eta`, `mu`: the working response `z = eta - offset + (y - mu) / mu`
  /// and weights `w = mu^2 / V(mu)`, and `X'WX`, `X'Wz` accumulated in row blocks.
  static func system(
    x: Matrix, y: [Double], offset: [Double], eta: [Double], mu: [Double], family: CountFamily
  ) throws -> (crossProduct: Matrix, crossResponse: [Double], weights: [Double]) {
    let n = x.rows
    var weights = [Double](repeating: 0, count: n)
    var working = [Double](repeating: 0, count: n)
    for i in 0..<n {
      // Log link: d mu / d eta = mu.
      working[i] = eta[i] - offset[i] + (y[i] - mu[i]) / mu[i]
      weights[i] = mu[i] * mu[i] / family.variance(mu[i])
    }
    var accumulator = CrossProductAccumulator(columns: x.columns)
    try x.withUnsafeBufferPointer { design in
      try weights.withUnsafeBufferPointer { w in
        try working.withUnsafeBufferPointer { z in
          var first = 0
          while first < n {
            let r = min(LogLinkIRLS.blockRows, n - first)
            try accumulator.add(
              block: UnsafeBufferPointer(rebasing: design[first...]), rows: r,
              leadingDimension: n, weights: UnsafeBufferPointer(rebasing: w[first..<(first + r)]),
              response: UnsafeBufferPointer(rebasing: z[first..<(first + r)]))
            first += r
          }
        }
      }
    }
    return (accumulator.crossProduct(), accumulator.crossResponse(), weights)
  }

  func fit(
    x: Matrix, y: [Double], offset: [Double], family: CountFamily, etaStart: [Double]? = nil
  ) throws -> Result {
    let p = x.columns
    var (eta, mu) = LogLinkIRLS.start(y: y, family: family)
    if let etaStart {
      eta = etaStart
      mu = eta.map { exp($0) }
    }
    var devianceOld = family.deviance(y, mu)
    var beta = [Double](repeating: 0, count: p)
    var previous: [Double]?
    var weights: [Double] = []
    var factor: Cholesky?
    var converged = false
    var iterations = 0
    for iteration in 1...max(1, maxIterations) {
      iterations = iteration
      let system = try LogLinkIRLS.system(
        x: x, y: y, offset: offset, eta: eta, mu: mu, family: family)
      weights = system.weights
      let cholesky = try Cholesky(system.crossProduct)
      factor = cholesky
      beta = try cholesky.solve(system.crossResponse)
      var deviance = 0.0
      var halvings = 0
      while true {
        (eta, mu) = try LogLinkIRLS.predict(x: x, beta: beta, offset: offset)
        deviance = family.deviance(y, mu)
        if deviance.isFinite { break }
        // R: "step size truncated due to divergence".
        guard let previous, halvings < maxIterations else {
          throw RecurrentError.fit("IRLS: no valid set of coefficients (deviance not finite)")
        }
        halvings += 1
        for j in 0..<p { beta[j] = (beta[j] + previous[j]) / 2 }
      }
      if abs(deviance - devianceOld) / (abs(deviance) + 0.1) < epsilon {
        converged = true
        devianceOld = deviance
        break
      }
      devianceOld = deviance
      previous = beta
    }
    guard let factor else { throw RecurrentError.fit("IRLS: no iteration was run") }
    return Result(
      beta: beta, eta: eta, mu: mu, deviance: devianceOld, iterations: iterations,
      converged: converged, unscaledCovariance: try factor.inverse(), workingWeights: weights)
  }
}
