import Foundation
import LinearAlgebra

/// Firth's penalized-likelihood logistic regression (Heinze & Schemper 2002), with logistf's
/// profile penalized-likelihood intervals and penalized likelihood-ratio tests.
///
/// ## Contract
/// - `x`: `n` x `p` column-major, finite, full column rank; `y` in {0, 1}; `offset`: `nil`
///   or `n` finite values.
/// - The penalized log-likelihood is `l*(b) = l(b) + 1/2 log det I(b)` with
///   `I(b) = X'W(b)X`, `W = diag(p_i (1 - p_i))`. It is maximised by Newton-Raphson on the
///   modified score `U*(b) = X'(y - p + h (1/2 - p))`, `h_i = w_i x_i' I^-1 x_i` (the hat
///   diagonal of the weighted design), with step `I^-1 U*` capped at 5 in any coordinate
///   (logistf's `maxstep`) and halved while `l*` falls.
/// - Restricted fits (coefficients held at given values) keep the penalty of the FULL
///   design, as logistf does for its profile intervals and tests.
/// - Convergence: largest step below `1e-10`. The covariance is `I(b)^-1` at the estimate.
struct FirthFitter {
  let x: [Double]
  let rows: Int
  let columns: Int
  let y: [Double]
  let offset: [Double]?
  let hasIntercept: Bool
  let maxIterations: Int
  let confidenceLevel: Double

  /// State of the penalized likelihood at one coefficient vector.
  struct Evaluation {
    var beta: [Double]
    var mu: [Double]
    var weights: [Double]
    var logLikelihood: Double
    var penalized: Double
    var information: Matrix
    var factor: Cholesky?
  }

  struct Restricted {
    var evaluation: Evaluation
    var iterations: Int
    var converged: Bool
  }

  func fit() throws -> CoreFit {
    let full = try maximize(fixed: [:], start: [Double](repeating: 0, count: columns))
    guard let factor = full.evaluation.factor else {
      throw RegressionError.singularInformation(iteration: full.iterations)
    }
    let covariance = try factor.inverse()
    let target =
      full.evaluation.penalized - chiSquaredQuantile(confidenceLevel, degreesOfFreedom: 1) / 2
    var lows: [Double] = []
    var highs: [Double] = []
    var pValues: [Double] = []
    var statistics: [Double] = []
    for j in 0..<columns {
      let restricted = try maximize(fixed: [j: 0], start: full.evaluation.beta)
      let statistic = max(0, 2 * (full.evaluation.penalized - restricted.evaluation.penalized))
      statistics.append(statistic)
      pValues.append(chiSquaredSurvival(statistic, degreesOfFreedom: 1))
      let se = covariance[j, j].squareRoot()
      lows.append(try profileLimit(j, full: full.evaluation, target: target, se: se, side: -1))
      highs.append(try profileLimit(j, full: full.evaluation, target: target, se: se, side: 1))
    }
    // Null model: every coefficient but the intercept held at zero (logistf's LR test).
    var nullFixed: [Int: Double] = [:]
    for j in (hasIntercept ? 1 : 0)..<columns { nullFixed[j] = 0 }
    let null = try maximize(fixed: nullFixed, start: [Double](repeating: 0, count: columns))
    var diagnostics: [CoreDiagnostic] = []
    if !full.converged {
      diagnostics.append(
        CoreDiagnostic(kind: .other, value: .didNotConverge(iterations: full.iterations)))
    }
    return CoreFit(
      beta: full.evaluation.beta, covariance: covariance, mu: full.evaluation.mu,
      scoreFactor: zip(y, full.evaluation.mu).map { $0 - $1 },
      deviance: -2 * full.evaluation.logLikelihood,
      nullDeviance: -2 * null.evaluation.logLikelihood, iterations: full.iterations,
      converged: full.converged, diagnostics: diagnostics,
      firth: FirthExtras(
        confLow: lows, confHigh: highs, pValues: pValues, statistics: statistics,
        penalizedLogLikelihood: full.evaluation.penalized,
        nullPenalizedLogLikelihood: null.evaluation.penalized))
  }

  // MARK: Penalized likelihood

  /// `l`, `l*`, `I` and its Cholesky factor at `beta`.
  func evaluate(_ beta: [Double]) throws -> Evaluation {
    let design = try Matrix(rows: rows, columns: columns, columnMajor: x)
    let linear = try BLAS.gemv(design, beta)
    var mu = [Double](repeating: 0, count: rows)
    var weights = [Double](repeating: 0, count: rows)
    var logLikelihood = 0.0
    for i in 0..<rows {
      let eta = linear[i] + (offset?[i] ?? 0)
      // log p and log(1 - p) without cancellation: log sigmoid(t) = -log1p(exp(-t)).
      let logP = eta > 0 ? -log1p(exp(-eta)) : eta - log1p(exp(eta))
      let logQ = eta > 0 ? -eta - log1p(exp(-eta)) : -log1p(exp(eta))
      logLikelihood += y[i] == 1 ? logP : logQ
      mu[i] = exp(logP)
      weights[i] = mu[i] * exp(logQ)
    }
    var accumulator = CrossProductAccumulator(columns: columns)
    try x.withUnsafeBufferPointer { xs in
      try weights.withUnsafeBufferPointer { ws in
        var start = 0
        while start < rows {
          let r = min(LogisticModel.blockRows, rows - start)
          try accumulator.add(
            block: UnsafeBufferPointer(rebasing: xs[start...]), rows: r, leadingDimension: rows,
            weights: UnsafeBufferPointer(rebasing: ws[start..<(start + r)]), response: nil)
          start += r
        }
      }
    }
    let information = accumulator.crossProduct()
    let factor = try? Cholesky(information)
    let penalized = factor.map { logLikelihood + 0.5 * $0.logDeterminant } ?? -.infinity
    return Evaluation(
      beta: beta, mu: mu, weights: weights, logLikelihood: logLikelihood, penalized: penalized,
      information: information, factor: factor)
  }

  /// The modified score `U* = X'(y - p + h (1/2 - p))`.
  func modifiedScore(_ e: Evaluation, factor: Cholesky) throws -> [Double] {
    let design = try Matrix(rows: rows, columns: columns, columnMajor: x)
    // h_i = w_i * x_i' I^-1 x_i, from T = X I^-1 (one dgemm) and a row-wise dot product.
    let t = try BLAS.gemm(design, factor.inverse())
    var residual = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
      var quadratic = 0.0
      for j in 0..<columns { quadratic += t[i, j] * x[i + j * rows] }
      let h = e.weights[i] * quadratic
      residual[i] = y[i] - e.mu[i] + h * (0.5 - e.mu[i])
    }
    return try BLAS.gemv(design, residual, transpose: true)
  }

  /// Maximises `l*` over the coefficients not in `fixed` (those are held at their values).
  func maximize(fixed: [Int: Double], start: [Double]) throws -> Restricted {
    var beta = start
    for (j, value) in fixed { beta[j] = value }
    let free = (0..<columns).filter { fixed[$0] == nil }
    var current = try evaluate(beta)
    guard !free.isEmpty else {
      return Restricted(evaluation: current, iterations: 0, converged: true)
    }
    for iteration in 1...maxIterations {
      guard let factor = current.factor else {
        throw RegressionError.singularInformation(iteration: iteration)
      }
      let score = try modifiedScore(current, factor: factor)
      let subInformation = try Matrix(
        rows: free.count, columns: free.count,
        columnMajor: free.flatMap { b in free.map { a in current.information[a, b] } })
      var step = try Cholesky(subInformation).solve(free.map { score[$0] })
      let largest = step.reduce(0) { max($0, abs($1)) }
      if largest > 5 { step = step.map { $0 * 5 / largest } }
      var candidate = current.beta
      for (k, j) in free.enumerated() { candidate[j] += step[k] }
      var next = try evaluate(candidate)
      var halvings = 0
      while next.penalized < current.penalized - 1e-12, halvings < 30 {
        step = step.map { $0 / 2 }
        candidate = current.beta
        for (k, j) in free.enumerated() { candidate[j] += step[k] }
        next = try evaluate(candidate)
        halvings += 1
      }
      current = next
      if step.reduce(0, { max($0, abs($1)) }) < 1e-10 {
        return Restricted(evaluation: current, iterations: iteration, converged: true)
      }
    }
    return Restricted(evaluation: current, iterations: maxIterations, converged: false)
  }

  /// One end of the profile penalized-likelihood interval for coefficient `j`.
  ///
  /// Solves `l*_j(b) = target` (`target = l*(hat) - chi2_{1, level} / 2`) on one side of the
  /// estimate: brackets by stepping out in multiples of the standard error, then bisects
  /// with regula falsi (Illinois) to `1e-10` standard errors. Each `l*_j(b)` is a restricted
  /// fit warm-started from the previous one.
  private func profileLimit(
    _ j: Int, full: Evaluation, target: Double, se: Double, side: Double
  ) throws -> Double {
    var warm = full.beta
    func excess(_ b: Double) throws -> Double {
      let fit = try maximize(fixed: [j: b], start: warm)
      warm = fit.evaluation.beta
      return fit.evaluation.penalized - target
    }
    let estimate = full.beta[j]
    var inner = estimate
    var innerValue = full.penalized - target
    var width = 2 * se
    var outer = estimate + side * width
    var outerValue = try excess(outer)
    var expansions = 0
    while outerValue > 0 {
      guard expansions < 60 else { return side * .infinity }
      inner = outer
      innerValue = outerValue
      width *= 2
      outer = estimate + side * width
      outerValue = try excess(outer)
      expansions += 1
    }
    var lastSide = 0
    for _ in 0..<200 {
      let point = outer - outerValue * (outer - inner) / (outerValue - innerValue)
      let value = try excess(point)
      if value > 0 {
        inner = point
        innerValue = value
        if lastSide == 1 { outerValue /= 2 }
        lastSide = 1
      } else {
        outer = point
        outerValue = value
        if lastSide == -1 { innerValue /= 2 }
        lastSide = -1
      }
      if abs(outer - inner) < 1e-10 * se || value == 0 { return point }
    }
    return (inner + outer) / 2
  }
}
