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
/// the Hessian, assembled by blocks: `X'diag(.)X` and `X'C` with BLAS (`dgemm`), the
/// tridiagonal threshold block by a tally over rows. This is exactly what MASS::polr's `vcov` approximates by finite
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
  /// - Parameter withScores: also return the per-row score contributions (`n` x `p + q`).
  func evaluate(_ theta: [Double], derivatives: Bool, withScores: Bool = false) throws
    -> Evaluation
  {
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
    // Blocks of the Hessian. Both a1 and a2 have derivative -x in beta, so
    //   H_bb = X' diag(w (h11 + 2 h12 + h22)) X                       (dgemm, n p^2)
    //   H_bz = -X' C,  C[i, k] = w (h11 + h12) if k = y_i, w (h12 + h22) if k = y_i - 1
    //   H_zz: each row adds w h11, w h22 to its two thresholds' diagonal and w h12 between
    //         them, a tally into at most three entries (no product is formed by hand).
    // The gradient: -X' (w (g1 + g2)) (dgemv) and a tally of w g1, w g2 for the thresholds.
    var scaled = data.covariates
    var c = Matrix(rows: n, columns: q)
    var betaWeights = [Double](repeating: 0, count: n)
    var zetaGradient = [Double](repeating: 0, count: q)
    var zz = Matrix(rows: q, columns: q)
    for i in 0..<n {
      let k = data.response[i]
      let w = data.weights?[i] ?? 1
      let h12 = -g1[i] * g2[i]
      betaWeights[i] = w * (g1[i] + g2[i])
      let curvature = w * (h11[i] + 2 * h12 + h22[i])
      for j in 0..<p { scaled.storage[i + j * n] *= curvature }
      if k < q {
        c.storage[i + k * n] = w * (h11[i] + h12)
        zetaGradient[k] += w * g1[i]
        zz.storage[k + k * q] += w * h11[i]
      }
      if k > 0 {
        c.storage[i + (k - 1) * n] = w * (h12 + h22[i])
        zetaGradient[k - 1] += w * g2[i]
        zz.storage[(k - 1) + (k - 1) * q] += w * h22[i]
      }
      if k > 0, k < q {
        zz.storage[k + (k - 1) * q] += w * h12
        zz.storage[(k - 1) + k * q] += w * h12
      }
    }
    var gradient = [Double](repeating: 0, count: m)
    var hessian = Matrix(rows: m, columns: m)
    if p > 0 {
      let betaGradient = try BLAS.gemv(data.covariates, betaWeights, transpose: true)
      let bb = try BLAS.gemm(data.covariates, scaled, transposeA: true)
      let bz = try BLAS.gemm(data.covariates, c, transposeA: true)
      for a in 0..<p {
        gradient[a] = -betaGradient[a]
        for b in 0..<p { hessian[a, b] = 0.5 * (bb[a, b] + bb[b, a]) }
        for k in 0..<q {
          hessian[a, p + k] = -bz[a, k]
          hessian[p + k, a] = -bz[a, k]
        }
      }
    }
    for k in 0..<q {
      gradient[p + k] = zetaGradient[k]
      for l in 0..<q { hessian[p + k, p + l] = zz[k, l] }
    }
    var scores: Matrix?
    if withScores {
      // Row i: w (g1 da1/dtheta + g2 da2/dtheta), for the cluster sandwich.
      var u = Matrix(rows: n, columns: m)
      let x = data.covariates.storage
      for j in 0..<p {
        for i in 0..<n { u.storage[i + j * n] = -betaWeights[i] * x[i + j * n] }
      }
      for i in 0..<n {
        let k = data.response[i]
        let w = data.weights?[i] ?? 1
        if k < q { u.storage[i + (p + k) * n] += w * g1[i] }
        if k > 0 { u.storage[i + (p + k - 1) * n] += w * g2[i] }
      }
      scores = u
    }
    return Evaluation(
      logLikelihood: logLikelihood, gradient: gradient, hessian: hessian, scores: scores)
  }
}
