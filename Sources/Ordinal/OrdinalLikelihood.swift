import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The log-likelihood of a cumulative-link model and its derivatives in `(beta, zeta)`.
///
/// Contract: `data.covariates` is `n` x `p` column-major without intercept; `response[i]`
/// is in `0...q` where `q = levels.count - 1` thresholds. With `eta_i = x_i'beta`,
/// `a1 = zeta_k - eta_i` and `a2 = zeta_{k-1} - eta_i` for row `i` in category `k`
/// (`zeta_{-1} = -inf`, `zeta_q = +inf`), and `pi_i = F(a1) - F(a2)`:
///
///     l = sum_i w_i log pi_i
///     dl/da1 = f(a1) / pi = g1,   dl/da2 = -f(a2) / pi = g2
///     d2l/da1^2 = f'(a1)/pi - g1^2,  d2l/da2^2 = -f'(a2)/pi - g2^2,  d2l/da1 da2 = -g1 g2
///
/// and the chain rule through `da/dtheta = (-x_i, e_k)` gives the score contributions and
/// the Hessian. The Hessian is assembled as `A1'P1 + A2'P2` with BLAS (`dgemm`), where the
/// rows of `A1`, `A2` are `da1/dtheta`, `da2/dtheta` and `P1`, `P2` the rows scaled by the
/// second derivatives. This is exactly what MASS::polr's `vcov` approximates by finite
/// differences. For a log-concave `F` (logistic, normal) `l` is concave in `(beta, zeta)`
/// (Pratt 1981), so `-H` is positive semi-definite everywhere.
struct OrdinalLikelihood: Sendable {
  let data: OrdinalData
  let link: CumulativeLink

  var covariateCount: Int { data.covariates.columns }
  var thresholdCount: Int { data.levels.count - 1 }
  var parameterCount: Int { covariateCount + thresholdCount }

  /// The value and, when asked, the derivatives at `theta = (beta, zeta)`.
  struct Evaluation {
    var logLikelihood: Double
    /// Score `dl/dtheta`.
    var gradient: [Double] = []
    /// Hessian `d2l/dtheta dtheta'` (negative semi-definite).
    var hessian: Matrix?
    /// Row `i` holds observation `i`'s weighted score contribution (`n` x `p + q`).
    var scores: Matrix?
  }

  /// Linear predictors `x_i'beta` (`dgemv`), zero without covariates.
  func linearPredictors(_ beta: [Double]) throws -> [Double] {
    guard covariateCount > 0 else { return [Double](repeating: 0, count: data.rowCount) }
    return try BLAS.gemv(data.covariates, beta)
  }

  /// Evaluates at `theta`; an unordered `zeta` or a zero probability gives `-inf`.
  ///
  /// - Parameter derivatives: compute the gradient, Hessian and score rows too.
  func evaluate(_ theta: [Double], derivatives: Bool) throws -> Evaluation {
    let (n, p, q, m) = (data.rowCount, covariateCount, thresholdCount, parameterCount)
    let beta = Array(theta[0..<p])
    let zeta = Array(theta[p..<m])
    for k in 1..<max(1, q) where !(zeta[k] > zeta[k - 1]) {
      return Evaluation(logLikelihood: -.infinity)
    }
    let eta = try linearPredictors(beta)
    var logLikelihood = 0.0
    var g1 = [Double](repeating: 0, count: derivatives ? n : 0)
    var g2 = g1
    var h11 = g1
    var h22 = g1
    for i in 0..<n {
      let k = data.response[i]
      let upper = k < q ? zeta[k] - eta[i] : .infinity
      let lower = k > 0 ? zeta[k - 1] - eta[i] : -.infinity
      let probability = link.probability(lower: lower, upper: upper)
      guard probability > 0, probability.isFinite else {
        return Evaluation(logLikelihood: -.infinity)
      }
      let w = data.weights?[i] ?? 1
      logLikelihood += w * log(probability)
      if derivatives {
        g1[i] = link.density(upper) / probability
        g2[i] = -link.density(lower) / probability
        h11[i] = link.densityDerivative(upper) / probability - g1[i] * g1[i]
        h22[i] = -link.densityDerivative(lower) / probability - g2[i] * g2[i]
      }
    }
    guard derivatives else { return Evaluation(logLikelihood: logLikelihood) }
    // Rows of A1 = da1/dtheta and A2 = da2/dtheta; U = w (g1 A1 + g2 A2);
    // P1 = w (h11 A1 + h12 A2), P2 = w (h12 A1 + h22 A2), with h12 = -g1 g2.
    var a1 = Matrix(rows: n, columns: m)
    var a2 = Matrix(rows: n, columns: m)
    var scores = Matrix(rows: n, columns: m)
    var p1 = Matrix(rows: n, columns: m)
    var p2 = Matrix(rows: n, columns: m)
    let x = data.covariates.storage
    for j in 0..<p {
      for i in 0..<n {
        let v = -x[i + j * n]
        let w = data.weights?[i] ?? 1
        let h12 = -g1[i] * g2[i]
        a1.storage[i + j * n] = v
        a2.storage[i + j * n] = v
        scores.storage[i + j * n] = w * (g1[i] + g2[i]) * v
        p1.storage[i + j * n] = w * (h11[i] + h12) * v
        p2.storage[i + j * n] = w * (h12 + h22[i]) * v
      }
    }
    for i in 0..<n {
      let k = data.response[i]
      let w = data.weights?[i] ?? 1
      let h12 = -g1[i] * g2[i]
      if k < q {
        let index = i + (p + k) * n
        a1.storage[index] = 1
        scores.storage[index] += w * g1[i]
        p1.storage[index] += w * h11[i]
        p2.storage[index] += w * h12
      }
      if k > 0 {
        let index = i + (p + k - 1) * n
        a2.storage[index] = 1
        scores.storage[index] += w * g2[i]
        p1.storage[index] += w * h12
        p2.storage[index] += w * h22[i]
      }
    }
    let gradient = try BLAS.gemv(scores, [Double](repeating: 1, count: n), transpose: true)
    var hessian = try BLAS.gemm(a1, p1, transposeA: true)
    let second = try BLAS.gemm(a2, p2, transposeA: true)
    for index in hessian.storage.indices { hessian.storage[index] += second.storage[index] }
    // A1'P1 + A2'P2 is symmetric in exact arithmetic; make it so in floating point.
    for j in 0..<m {
      for i in (j + 1)..<m {
        let mean = 0.5 * (hessian[i, j] + hessian[j, i])
        hessian[i, j] = mean
        hessian[j, i] = mean
      }
    }
    return Evaluation(
      logLikelihood: logLikelihood, gradient: gradient, hessian: hessian, scores: scores)
  }
}
