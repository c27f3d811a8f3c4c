import Formula
import Foundation
import LinearAlgebra

/// The numerical core of ``GEEModel``: geepack's iteration and sandwich for the logit link.
///
/// ## Contract
/// - `x`: `n` x `p` column-major, finite, full column rank; `y` in {0, 1}; `offset` `nil` or
///   `n` finite values; `clusters.codes` in `0..<G`.
/// - Buffers: `eta`, `mu` and the per-row factors are length-n arrays allocated once; the
///   cluster sums are `G` x `p` matrices reused across iterations.
struct GEESolver {
  let x: [Double]
  let n: Int
  let p: Int
  let y: [Double]
  let offset: [Double]?
  let codes: [Int32]
  let groups: Int
  let exchangeable: Bool
  /// Rows per cluster, and the number of within-cluster pairs in all.
  let sizes: [Double]
  let pairs: Double

  private var mu: [Double]
  /// `sqrt(v)`, the scale of the rows of `D`.
  private var root: [Double]
  /// Pearson residuals.
  private var pearson: [Double]
  /// `t_i = sum_j sqrt(v_j) x_j` per cluster, `G` x `p` column-major.
  private var clusterX: Matrix
  private var accumulator: CrossProductAccumulator
  /// `X beta + offset`, reused.
  private var linear: [Double] = []
  /// Reusable `sqrt(v)`-scaled block and response (`blockRows * (p + 1)` values).
  private var scaledBlock: [Double] = []

  init(
    x: [Double], rows n: Int, columns p: Int, y: [Double], offset: [Double]?,
    clusters: Grouping, exchangeable: Bool
  ) throws {
    self.x = x
    self.n = n
    self.p = p
    self.y = y
    self.offset = offset
    codes = clusters.codes
    groups = clusters.count
    self.exchangeable = exchangeable
    var sizes = [Double](repeating: 0, count: clusters.count)
    for code in clusters.codes { sizes[Int(code)] += 1 }
    self.sizes = sizes
    pairs = sizes.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    mu = [Double](repeating: 0, count: n)
    root = [Double](repeating: 0, count: n)
    pearson = [Double](repeating: 0, count: n)
    clusterX = Matrix(rows: clusters.count, columns: p)
    accumulator = CrossProductAccumulator(columns: p)
  }

  struct Outcome {
    var beta: [Double]
    var alpha: Double
    var scale: Double
    var iterations: Int
    var converged: Bool
  }

  /// geepack's `gee_est` loop from the glm estimate.
  mutating func iterate(start: [Double], tolerance: Double, maxIterations: Int) throws
    -> Outcome
  {
    var beta = start
    var alpha = 0.0
    try evaluate(beta)
    var scale = meanSquaredPearson()
    var iterations = 0
    var converged = false
    while iterations < maxIterations {
      iterations += 1
      // 1. Beta: one scoring step at the current (beta, alpha); phi cancels.
      let (information, score) = try system(alpha: alpha, withScoreSums: false)
      let step = try Cholesky(information).solve(score.storage)
      for j in 0..<p { beta[j] += step[j] }
      try evaluate(beta)
      // 2. Scale at the new beta; 3. alpha from the residuals standardised by it.
      let newScale = meanSquaredPearson()
      let newAlpha = exchangeable ? pairMoment(scale: newScale) : 0
      let change = max(
        step.reduce(0) { max($0, abs($1)) }, abs(newScale - scale), abs(newAlpha - alpha))
      scale = newScale
      alpha = newAlpha
      if change <= tolerance {
        converged = true
        break
      }
    }
    return Outcome(
      beta: beta, alpha: alpha, scale: scale, iterations: iterations, converged: converged)
  }

  /// Sandwich and naive (`(sum D'R^-1 D)^-1`, without `phi`) covariances at `beta`, `alpha`.
  mutating func sandwich(beta: [Double], alpha: Double) throws -> (robust: Matrix, naive: Matrix) {
    try evaluate(beta)
    let (information, scores) = try system(alpha: alpha, withScoreSums: true)
    let bread = try Cholesky(information).inverse()
    // phi cancels between the bread (phi H^-1) and the meat (U / phi).
    let meat = try BLAS.syrk(scores)
    return (try BLAS.gemm(BLAS.gemm(bread, meat), bread), bread)
  }

  /// `mu`, `sqrt(v)` and the Pearson residuals at `beta`.
  private mutating func evaluate(_ beta: [Double]) throws {
    // eta = X beta + offset as in-place column axpys (no result allocation, no rescan of
    // the design, which was checked finite when built).
    var linear = self.linear
    self.linear = []
    defer { self.linear = linear }
    if linear.count != n { linear = [Double](repeating: 0, count: n) }
    x.withUnsafeBufferPointer { xs in
      linear.withUnsafeMutableBufferPointer { eta in
        for i in 0..<n { eta[i] = offset?[i] ?? 0 }
        for j in 0..<p {
          let b = beta[j]
          let column = UnsafeBufferPointer(rebasing: xs[(j * n)..<((j + 1) * n)])
          for i in 0..<n { eta[i] += b * column[i] }
        }
      }
    }
    for i in 0..<n {
      let m = Logit.inverse(linear[i])
      let v = m * (1 - m)
      let s = v.squareRoot()
      mu[i] = m
      root[i] = s
      pearson[i] = (y[i] - m) / s
    }
  }

  private func meanSquaredPearson() -> Double {
    pearson.reduce(0) { $0 + $1 * $1 } / Double(n)
  }

  /// geepack's moment estimator: mean over within-cluster pairs of `e_j e_k`.
  private func pairMoment(scale: Double) -> Double {
    guard pairs > 0 else { return 0 }
    var sum = [Double](repeating: 0, count: groups)
    var squares = [Double](repeating: 0, count: groups)
    for i in 0..<n {
      let g = Int(codes[i])
      sum[g] += pearson[i]
      squares[g] += pearson[i] * pearson[i]
    }
    var total = 0.0
    for g in 0..<groups { total += (sum[g] * sum[g] - squares[g]) / 2 }
    return total / scale / pairs
  }

  /// `c_i = alpha / (1 + (m_i - 1) alpha)` per cluster.
  private func shrinkage(alpha: Double) -> [Double] {
    sizes.map { exchangeable ? alpha / (1 + ($0 - 1) * alpha) : 0 }
  }

  /// `H = sum_i D_i' R_i^-1 D_i` and either `G = sum_i D_i' R_i^-1 r_i` (as a `p` x 1
  /// matrix) or, with `withScoreSums`, the `G` x `p` matrix of per-cluster scores `U_i'`.
  private mutating func system(alpha: Double, withScoreSums: Bool) throws -> (Matrix, Matrix) {
    // X'VX and X'(y - mu) over row blocks, each scaled once by sqrt(v) (and the response
    // (y - mu) / v by sqrt(v), i.e. the Pearson residual) and accumulated unweighted.
    var accumulator = self.accumulator
    self.accumulator = CrossProductAccumulator(columns: 0)
    accumulator.reset()
    var scaled = self.scaledBlock
    self.scaledBlock = []
    let blockRows = min(LogisticModel.blockRows, max(n, 1))
    if scaled.count < blockRows * (p + 1) {
      scaled = [Double](repeating: 0, count: blockRows * (p + 1))
    }
    try x.withUnsafeBufferPointer { xs in
      try root.withUnsafeBufferPointer { roots in
        try pearson.withUnsafeBufferPointer { residuals in
          try scaled.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let xBase = xs.baseAddress else { return }
            let response = base + blockRows * p
            var start = 0
            while start < n {
              let r = min(blockRows, n - start)
              for i in 0..<r { response[i] = residuals[start + i] }
              for j in 0..<p {
                let source = xBase + j * n + start
                let column = base + j * r
                for i in 0..<r { column[i] = roots[start + i] * source[i] }
              }
              try accumulator.add(
                block: UnsafeBufferPointer(start: base, count: r * p), rows: r,
                leadingDimension: r, weights: nil,
                response: UnsafeBufferPointer(start: response, count: r))
              start += r
            }
          }
        }
      }
    }
    self.scaledBlock = scaled
    var information = accumulator.crossProduct()
    let score = accumulator.crossResponse()
    self.accumulator = accumulator
    let factor = exchangeable ? 1 / (1 - alpha) : 1
    let c = shrinkage(alpha: alpha)

    // Cluster sums t_i (and, for the sandwich, S_i = sum_j (y_j - mu_j) x_j) and sum_j r_j.
    let g = groups
    var residualSums = [Double](repeating: 0, count: g)
    for i in 0..<n { residualSums[Int(codes[i])] += pearson[i] }
    var scores = Matrix(rows: withScoreSums ? g : 0, columns: withScoreSums ? p : 0)
    if exchangeable || withScoreSums {
      for index in clusterX.storage.indices { clusterX.storage[index] = 0 }
      clusterX.withUnsafeMutableBufferPointer { t in
        scores.withUnsafeMutableBufferPointer { u in
          x.withUnsafeBufferPointer { xs in
            for j in 0..<p {
              let column = j * n
              let target = j * g
              for i in 0..<n {
                let cluster = target + Int(codes[i])
                let value = xs[column + i]
                t[cluster] += root[i] * value
                if withScoreSums { u[cluster] += (y[i] - mu[i]) * value }
              }
            }
          }
        }
      }
    }
    var totalScore = score
    if exchangeable {
      // H -= T' C T, G -= T' (c .* sum r).
      var scaled = clusterX
      for j in 0..<p {
        for i in 0..<g { scaled.storage[i + j * g] *= c[i] }
      }
      let correction = try BLAS.gemm(clusterX, scaled, transposeA: true)
      let weightedSums = (0..<g).map { c[$0] * residualSums[$0] }
      let scoreCorrection = try BLAS.gemv(clusterX, weightedSums, transpose: true)
      for a in 0..<p {
        for b in 0..<p { information[a, b] -= correction[a, b] }
        totalScore[a] -= scoreCorrection[a]
      }
      if withScoreSums {
        for j in 0..<p {
          for i in 0..<g {
            scores.storage[i + j * g] -= c[i] * residualSums[i] * clusterX.storage[i + j * g]
          }
        }
      }
    }
    for a in 0..<p {
      totalScore[a] *= factor
      for b in 0..<p { information[a, b] *= factor }
    }
    if withScoreSums {
      for index in scores.storage.indices { scores.storage[index] *= factor }
      return (information, scores)
    }
    return (information, try Matrix(rows: p, columns: 1, columnMajor: totalScore))
  }
}
