import Foundation
import LinearAlgebra

/// The logit link and binomial deviance exactly as R's C code computes them.
enum Logit {
  /// R's `THRESH`/`MTHRESH`: beyond `|eta| > 30` the link is clamped.
  static let threshold = 30.0

  /// `linkinv`: `mu = tmp / (1 + tmp)` with `tmp = exp(eta)` clamped to
  /// `[DBL_EPSILON, 1/DBL_EPSILON]`, so `mu` never reaches 0 or 1 (R's `logit_linkinv`).
  @inline(__always) static func inverse(_ eta: Double) -> Double {
    let tmp =
      eta < -threshold ? Double.ulpOfOne : (eta > threshold ? 1 / Double.ulpOfOne : exp(eta))
    return tmp / (1 + tmp)
  }

  /// The derivative `dmu/deta` (R's `logit_mu_eta`).
  ///
  /// Equal to `mu (1 - mu)`, and `DBL_EPSILON` beyond the clamp. Computed from `mu` to save an `exp` per row; the difference from R's
  /// `exp(eta) / (1 + exp(eta))^2` is rounding.
  @inline(__always) static func derivative(eta: Double, mu: Double) -> Double {
    abs(eta) > threshold ? Double.ulpOfOne : mu * (1 - mu)
  }

  /// Unit deviance of a 0/1 response: `-2 log mu` for `y = 1`, `-2 log(1 - mu)` for `y = 0`.
  @inline(__always) static func devianceResidual(y: Double, mu: Double) -> Double {
    y == 1 ? -2 * log(mu) : -2 * log1p(-mu)
  }
}

/// Iteratively reweighted least squares for the logit model, as R's `glm.fit`.
///
/// ## Contract
/// - `x`: `n` x `p` column-major, finite, full column rank (aliased columns removed by the
///   caller); `y`: `n` values in {0, 1}; `offset`: `nil` or `n` finite values; `mustart`:
///   `nil` (use `(y + 0.5) / 2`, R's binomial `initialize` with unit weights) or `n` values
///   in (0, 1).
/// - After ``run()``: `beta` (p), `eta`, `mu` (n) at the final estimate; `weights` (n) are
///   the working weights `mu.eta^2 / var(mu)` of the last solved system, whose `X'WX` is
///   ``information()``; `deviance` at `beta`; `iterations`, `converged`.
/// - No per-row objects: five length-n buffers, allocated once, plus one block scratch inside
///   the accumulator; `eta = X beta` uses `dgemv` (one length-n result per iteration).
struct IRLS {
  let x: [Double]
  let n: Int
  let p: Int
  let y: [Double]
  let offset: [Double]?
  let maxIterations: Int
  let tolerance: Double
  let design: Matrix

  private(set) var beta: [Double]
  private(set) var eta: [Double]
  private(set) var mu: [Double]
  private(set) var weights: [Double]
  private var workingResponse: [Double]
  private(set) var deviance: Double
  private(set) var iterations = 0
  private(set) var converged = false
  /// Coefficients after each iteration, for separation detection.
  private(set) var history: [[Double]] = []
  private var lastFactor: Cholesky?
  private var accumulator: CrossProductAccumulator

  init(
    x: [Double], rows n: Int, columns p: Int, y: [Double], offset: [Double]?,
    mustart: [Double]?, maxIterations: Int, tolerance: Double
  ) throws {
    self.x = x
    self.n = n
    self.p = p
    self.y = y
    self.offset = offset
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    design = try Matrix(rows: n, columns: p, columnMajor: x)
    beta = [Double](repeating: 0, count: p)
    weights = [Double](repeating: 0, count: n)
    workingResponse = [Double](repeating: 0, count: n)
    accumulator = CrossProductAccumulator(columns: p)
    // eta = linkfun(mustart); mu = linkinv(eta); devold = deviance at mu (glm.fit).
    var eta = [Double](repeating: 0, count: n)
    var mu = [Double](repeating: 0, count: n)
    var deviance = 0.0
    for i in 0..<n {
      let start = mustart?[i] ?? (y[i] + 0.5) / 2
      eta[i] = log(start / (1 - start))
      mu[i] = Logit.inverse(eta[i])
      deviance += Logit.devianceResidual(y: y[i], mu: mu[i])
    }
    self.eta = eta
    self.mu = mu
    self.deviance = deviance
  }

  /// Runs IRLS to convergence or the iteration limit.
  mutating func run() throws {
    var devianceOld = deviance
    var betaOld: [Double]?
    for iteration in 1...max(1, maxIterations) {
      iterations = iteration
      // Working weights and response at the current mu (R: w^2 and z).
      for i in 0..<n {
        let muEta = Logit.derivative(eta: eta[i], mu: mu[i])
        let variance = mu[i] * (1 - mu[i])
        weights[i] = muEta * muEta / variance
        workingResponse[i] = (eta[i] - (offset?[i] ?? 0)) + (y[i] - mu[i]) / muEta
      }
      let factor = try accumulate()
      lastFactor = factor
      var candidate = try factor.solve(accumulator.crossResponse())
      try update(to: candidate)
      // Step-halving when the deviance is not finite or rises. Never on iteration 1: there
      // is no previous estimate to go back towards (glm.fit's coefold is NULL there).
      if let old = betaOld {
        var halvings = 0
        while !deviance.isFinite || deviance > devianceOld, halvings < 30 {
          for j in 0..<p { candidate[j] = (candidate[j] + old[j]) / 2 }
          try update(to: candidate)
          halvings += 1
        }
      }
      history.append(beta)
      if abs(deviance - devianceOld) / (abs(deviance) + 0.1) < tolerance {
        converged = true
        return
      }
      devianceOld = deviance
      betaOld = beta
    }
  }

  /// `X'WX` and `X'Wz` over row blocks; returns the Cholesky factor of `X'WX`.
  private mutating func accumulate() throws -> Cholesky {
    let n = self.n
    // Take the accumulator out of self so the buffers stay uniquely referenced (no copy of
    // its scratch block) while self's arrays are borrowed below.
    var accumulator = self.accumulator
    self.accumulator = CrossProductAccumulator(columns: 0)
    accumulator.reset()
    try x.withUnsafeBufferPointer { xs in
      try weights.withUnsafeBufferPointer { ws in
        try workingResponse.withUnsafeBufferPointer { zs in
          var start = 0
          while start < n {
            let r = min(LogisticModel.blockRows, n - start)
            try accumulator.add(
              block: UnsafeBufferPointer(rebasing: xs[start...]), rows: r, leadingDimension: n,
              weights: UnsafeBufferPointer(rebasing: ws[start..<(start + r)]),
              response: UnsafeBufferPointer(rebasing: zs[start..<(start + r)]))
            start += r
          }
        }
      }
    }
    self.accumulator = accumulator
    do {
      return try Cholesky(accumulator.crossProduct())
    } catch {
      throw RegressionError.singularInformation(iteration: iterations)
    }
  }

  /// Sets `beta`, then `eta = X beta + offset`, `mu` and the deviance.
  private mutating func update(to candidate: [Double]) throws {
    beta = candidate
    let linear = try BLAS.gemv(design, candidate)
    var total = 0.0
    for i in 0..<n {
      let e = linear[i] + (offset?[i] ?? 0)
      eta[i] = e
      let m = Logit.inverse(e)
      mu[i] = m
      total += Logit.devianceResidual(y: y[i], mu: m)
    }
    deviance = total
  }

  /// The Cholesky factor of the last `X'WX` solved (R's `summary.glm` covariance source).
  func information() throws -> Cholesky {
    guard let lastFactor else { throw RegressionError.singularInformation(iteration: 0) }
    return lastFactor
  }

  /// Per-row factor of the score contribution `x_i * f_i` as sandwich's `estfun.glm` computes
  /// it: working residual at the final fit times the working weight of the last solve.
  func scoreFactors() -> [Double] {
    (0..<n).map { i in
      let muEta = Logit.derivative(eta: eta[i], mu: mu[i])
      return (y[i] - mu[i]) / muEta * weights[i]
    }
  }

  /// Coefficients still moving steadily away from zero over the last three iterations.
  ///
  /// Newton steps shrink quadratically near a finite optimum; under separation the
  /// separating coefficients instead grow by a roughly constant amount per iteration (the
  /// likelihood keeps improving as they go to infinity). A coefficient is flagged when each
  /// of its last three steps moved the linear predictor by more than 0.1 (step times the
  /// column's largest absolute value) in the direction of its sign.
  func divergingCoefficients() -> [Int] {
    guard history.count >= 4 else { return [] }
    let last = history.count - 1
    var flagged: [Int] = []
    for j in 0..<p {
      let scale = x[(j * n)..<((j + 1) * n)].reduce(0) { max($0, abs($1)) }
      let sign = history[last][j] >= 0 ? 1.0 : -1.0
      let steady = (0..<3).allSatisfy { k in
        let step = history[last - k][j] - history[last - k - 1][j]
        return step * sign * scale > 0.1
      }
      if steady { flagged.append(j) }
    }
    return flagged
  }
}
