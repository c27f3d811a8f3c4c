import Foundation

/// How the outer loop picks the next frailty variance `theta`, following survival's control
/// functions (`frailty.controlgam`, `frailty.controlgauss`, `frailty.brent`) step for step, so
/// that the sequence of trial values, and with it the final fit, is coxph's.
struct FrailtyVarianceSearch {
  let distribution: FrailtyCoxModel.Distribution
  /// Events per group (`d_g`), for the gamma marginal likelihood.
  let eventsPerGroup: [Double]
  /// The outer stopping tolerance.
  ///
  /// Gamma: `frailty.gamma(eps = 1e-5)`. Gaussian REML: `frailty.controlgauss` reads
  /// `opt$eps`, which R's partial matching resolves to `eps2 = sqrt(coxph.control()$eps)`.
  let tolerance: Double
  /// One row per fitted `theta`: `(theta, value)`; value is the I-likelihood for the
  /// gamma search and the REML residual for the gaussian one.
  private(set) var history: [(theta: Double, value: Double)] = []

  /// The variance of `method = "fixed"`, else `nil`.
  let fixed: Double?

  init(
    distribution: FrailtyCoxModel.Distribution, eventsPerGroup: [Double], innerTolerance: Double,
    fixed: Double? = nil
  ) {
    self.fixed = fixed
    self.distribution = distribution
    self.eventsPerGroup = eventsPerGroup
    tolerance = distribution == .gamma ? 1e-5 : innerTolerance.squareRoot()
  }

  /// The first trial value: 0 for gamma (`frailty.controlgam` without `init`), 1 for gaussian.
  var initialTheta: Double { fixed ?? (distribution == .gamma ? 0 : 1) }

  /// Records the fit at `theta` and returns the next trial and whether the search is done.
  ///
  /// - Parameters:
  ///   - penalizedLogLikelihood: coxph's `coxfit$loglik`, the partial likelihood plus the
  ///     (negative) penalty at the inner optimum.
  ///   - frailties: the recentred frailty estimates; `trace`: `trace(H^-1)` of the frailty
  ///     block (coxpenal.df's `trH`).
  mutating func next(
    theta: Double, penalizedLogLikelihood: Double, frailties: [Double], trace: Double
  ) -> (theta: Double, done: Bool) {
    if fixed != nil {
      // method = "fixed": one fit; gamma still reports its I-likelihood.
      let value =
        distribution == .gamma ? penalizedLogLikelihood + gammaCorrection(theta: theta) : .nan
      history.append((theta, value))
      return (theta, true)
    }
    switch distribution {
    case .gamma:
      let value = penalizedLogLikelihood + gammaCorrection(theta: theta)
      history.append((theta, value))
      let iteration = history.count
      if iteration == 1 { return (1, false) }
      if iteration == 2 {
        let next =
          history[1].value < history[0].value + 1
          ? (history[0].theta + history[1].theta) / 2 : 2 * history[1].theta
        return (next, false)
      }
      let done = abs(1 - history[iteration - 1].value / history[iteration - 2].value) < tolerance
      let xs = history.map(\.theta)
      let ys = history.map(\.value)
      let maxX = xs.max() ?? 0
      let maxY = ys.max() ?? 0
      if ys[iteration - 1] == maxY && xs[iteration - 1] == maxX { return (2 * maxX, done) }
      let root = FrailtyVarianceSearch.brent(xs.map { $0.squareRoot() }, ys, lower: 0)
      return (root * root, done)
    case .gaussian:
      let q = Double(frailties.count)
      let sum = frailties.reduce(0) { $0 + $1 * $1 }
      let residual = sum / (q - trace / theta) - theta
      history.append((theta, residual))
      let iteration = history.count
      if iteration == 1 { return (residual > 0 ? theta * 3 : theta / 3, false) }
      if iteration == 2 {
        let residuals = history.map(\.value)
        if residuals.allSatisfy({ $0 > 0 }) { return (history[1].theta * 2, false) }
        if residuals.allSatisfy({ $0 < 0 }) { return (history[1].theta / 2, false) }
        return ((history[0].theta + history[1].theta) / 2, false)
      }
      let done = abs(residual) < tolerance
      let order = history.indices.sorted { history[$0].theta < history[$1].theta }
      let x = order.map { history[$0].theta }
      let y = order.map { history[$0].value }
      if y.allSatisfy({ $0 > 0 }) { return (2 * (x.max() ?? theta), done) }
      if y.allSatisfy({ $0 < 0 }) { return (0.5 * (x.min() ?? theta), done) }
      // The latest point and one neighbour on each side (0-based b).
      var b = order.firstIndex(of: iteration - 1) ?? 0
      if b == 0 { b = 1 } else if b == iteration - 1 { b = iteration - 2 }
      // One step of Brent's root finder (inverse quadratic interpolation), as controlgauss.
      let r = y[b] / y[b + 1]
      let s = y[b] / y[b - 1]
      let u = r / s
      let pNum = s * (u * (r - u) * (x[b + 1] - x[b]) - (1 - r) * (x[b] - x[b - 1]))
      let qDen = (u - 1) * (r - 1) * (s - 1)
      var next = x[b] + pNum / qDen
      if next > x[b + 1] { next = (x[b] + x[b + 1]) / 2 }
      if next < x[b - 1] { next = (x[b] + x[b - 1]) / 2 }
      return (next, done)
    }
  }

  /// The last recorded I-likelihood (gamma) or `nil`.
  var integratedLogLikelihood: Double? {
    distribution == .gamma ? history.last?.value : nil
  }

  /// survival's `frailty.gammacon`: what turns the penalized partial likelihood of a gamma
  /// frailty fit into the marginal (integrated) likelihood.
  ///
  /// With `nu = 1 / theta` and `d_g` events in group `g`:
  /// `sum_g [d_g + nu log(nu / (nu + d_g))] + sum_g [sum_{l=1}^{d_g} log(nu + l - 1) -
  /// d_g log(nu + d_g)]` (the first sum by its Taylor series `sum d_g^2 / nu` when
  /// `nu > 1e7 max d`). Zero at `theta = 0`.
  func gammaCorrection(theta: Double) -> Double {
    guard theta != 0 else { return 0 }
    let nu = 1 / theta
    let maxD = eventsPerGroup.max() ?? 0
    var term1 = 0.0
    if nu > 1e7 * maxD {
      for d in eventsPerGroup { term1 += d * d }
      term1 /= nu
    } else {
      for d in eventsPerGroup { term1 += d + nu * log(nu / (nu + d)) }
    }
    var term2 = 0.0
    for d in eventsPerGroup where d > 0 {
      let count = Int(d)
      for l in 1...count { term2 += log((nu + Double(l - 1)) / (nu + d)) }
    }
    return term1 + term2
  }

  /// survival's `frailty.brent`: the next trial of a maximization from the points so far.
  ///
  /// Steps out by 3 intervals until the maximum is bracketed (staying above `lower`), then one
  /// parabolic step through the best point and its neighbours, replaced by a golden-section
  /// step when it leaves the bracket or, after 4 points, jumps by more than half the last move.
  static func brent(_ x: [Double], _ y: [Double], lower: Double) -> Double {
    let n = x.count
    if n < 3 { return x.reduce(0, +) / Double(max(n, 1)) }
    let order = x.indices.sorted { x[$0] < x[$1] }
    let xx = order.map { x[$0] }
    let yy = order.map { y[$0] }
    let maxY = y.max() ?? 0
    let best = yy.firstIndex(of: maxY) ?? 0
    if best == 0 {
      var next = xx[0] - 3 * (xx[1] - xx[0])
      if next < lower {
        let above = xx.filter { $0 > lower }.min() ?? lower
        next = lower + (above - lower) / 10
      }
      return next
    }
    if best == n - 1 { return xx[n - 1] + 3 * (xx[n - 1] - xx[n - 2]) }
    let (x1, x2, x3) = (xx[best - 1], xx[best], xx[best + 1])
    let (y1, y2, y3) = (yy[best - 1], yy[best], yy[best + 1])
    let temp1 = (x2 - x1) * (x2 - x1) * (y2 - y3) - (x2 - x3) * (x2 - x3) * (y2 - y1)
    let temp2 = (x2 - x1) * (y2 - y3) - (x2 - x3) * (y2 - y1)
    let next = x2 - 0.5 * temp1 / temp2
    if next < x1 || next > x3 || (n > 4 && (next - x[n - 1]) > 0.5 * abs(x[n - 2] - x[n - 3])) {
      return (x2 - x1) > (x3 - x2) ? x2 - 0.38 * (x2 - x1) : x2 + 0.32 * (x3 - x2)
    }
    return next
  }
}
