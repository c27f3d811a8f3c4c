import Foundation
import LinearAlgebra

/// Starting values for `beta`: the GLM with the same link and no random effects, by IRLS.
///
/// ## Contract
/// `x`: `n` x `p` column-major, finite, full column rank; `y`: 0/1; `offset`: `nil` or `n`
/// values. Starts from `mu = (y + 0.5) / 2` (R's binomial `initialize`); each iteration
/// accumulates `X'WX` and `X'Wz` (working weights `w = mu.eta^2 / var`, working response
/// `z = eta - offset - d'(eta) / (2 w)`) with ``CrossProductAccumulator`` in blocks of 4096 rows
/// and solves by ``Cholesky``; stops when the deviance changes by less than `1e-10`
/// relative, or after 25 iterations. Only a start: the optimizer refines everything.
enum FixedEffectsStart {
  static func fit(
    x: [Double], rows n: Int, columns p: Int, y: [Double], offset: [Double]?,
    link: BinomialLink
  ) throws -> [Double] {
    guard p > 0 else { return [] }
    var eta = y.map { value -> Double in
      let mu = (value + 0.5) / 2
      switch link {
      case .logit: return log(mu / (1 - mu))
      case .cloglog: return log(-log(1 - mu))
      }
    }
    if let offset { for i in 0..<n { eta[i] += offset[i] } }
    var beta = [Double](repeating: 0, count: p)
    var devianceOld = Double.infinity
    let block = 4096
    var weights = [Double](repeating: 0, count: block)
    var response = [Double](repeating: 0, count: block)
    for _ in 0..<25 {
      var accumulator = CrossProductAccumulator(columns: p)
      var start = 0
      while start < n {
        let r = min(block, n - start)
        for i in 0..<r {
          let e = eta[start + i]
          let w = max(link.workingWeight(e), 1e-300)
          let (d1, _) = link.halfDerivatives(y[start + i], e)
          weights[i] = w
          response[i] = e - (offset?[start + i] ?? 0) - d1 / w
        }
        try x.withUnsafeBufferPointer { xs in
          try weights.withUnsafeBufferPointer { ws in
            try response.withUnsafeBufferPointer { zs in
              try accumulator.add(
                block: UnsafeBufferPointer(rebasing: xs[start...]), rows: r,
                leadingDimension: n, weights: UnsafeBufferPointer(rebasing: ws[0..<r]),
                response: UnsafeBufferPointer(rebasing: zs[0..<r]))
            }
          }
        }
        start += r
      }
      beta = try Cholesky(accumulator.crossProduct()).solve(accumulator.crossResponse())
      let design = try Matrix(rows: n, columns: p, columnMajor: x)
      eta = try BLAS.gemv(design, beta)
      if let offset { for i in 0..<n { eta[i] += offset[i] } }
      var deviance = 0.0
      for i in 0..<n { deviance += link.unitDeviance(y[i], eta[i]) }
      if abs(deviance - devianceOld) < 1e-10 * (abs(deviance) + 0.1) { break }
      devianceOld = deviance
    }
    return beta
  }
}
