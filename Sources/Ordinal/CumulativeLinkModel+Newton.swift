import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension CumulativeLinkModel {
  /// Where Newton-Raphson stopped.
  struct NewtonResult {
    var theta: [Double]
    var logLikelihood: Double
    var iterations: Int
    var converged: Bool
  }

  /// Maximises the log-likelihood by Newton-Raphson in polr's threshold parametrization
  /// `phi = (beta, zeta_1, log(zeta_2 - zeta_1), ..., log(zeta_q - zeta_{q-1}))`, in which
  /// every `phi` gives ordered thresholds.
  ///
  /// With `T = d(beta, zeta)/dphi` the step solves `-H_phi delta = T'g`, where
  /// `H_phi = T'HT + diag(c)`, `c_j = exp(phi_j) sum_{k >= j} g_zeta_k` for the log
  /// increments (the second-derivative term of the reparametrization). Away from the optimum
  /// `-H_phi` can be indefinite even though `-H` is not; then the step uses `T'(-H)T`
  /// (Fisher-like, still an ascent direction). A step that lowers the log-likelihood is halved
  /// (up to 40 times). Converged when `max |delta| < tolerance`; the last step is taken, so
  /// the estimate is one quadratically convergent step past the criterion.
  ///
  /// Starting values: `beta = 0` and `zeta_k = F^-1(share of weight in categories <= k)`.
  func newton(_ likelihood: OrdinalLikelihood) throws -> NewtonResult {
    let data = likelihood.data
    let (p, q, m) = (
      likelihood.covariateCount, likelihood.thresholdCount, likelihood.parameterCount
    )
    var cumulative = [Double](repeating: 0, count: q + 1)
    for (i, k) in data.response.enumerated() { cumulative[k] += data.weights?[i] ?? 1 }
    let total = cumulative.reduce(0, +)
    var running = 0.0
    var phi = [Double](repeating: 0, count: m)
    var previous = 0.0
    for k in 0..<q {
      running += cumulative[k]
      let zeta = link.quantile(running / total)
      phi[p + k] = k == 0 ? zeta : log(zeta - previous)
      previous = zeta
    }
    func theta(_ phi: [Double]) -> [Double] {
      var t = Array(phi[0..<p])
      var zeta = 0.0
      for k in 0..<q {
        zeta = k == 0 ? phi[p] : zeta + exp(phi[p + k])
        t.append(zeta)
      }
      return t
    }
    var current = try likelihood.evaluate(theta(phi), derivatives: true)
    guard current.logLikelihood.isFinite else { throw OrdinalError.noStartingValues }
    var iteration = 0
    while iteration < maxIterations {
      iteration += 1
      guard let hessian = current.hessian else { break }
      // T = d theta / d phi: identity on beta; zeta_k = phi_0 + sum_{1<=j<=k} exp(phi_j).
      var t = Matrix.identity(m)
      for k in 0..<q {
        t[p + k, p] = 1
        for j in 1..<max(1, k + 1) { t[p + k, p + j] = exp(phi[p + j]) }
      }
      let gradient = try BLAS.gemv(t, current.gradient, transpose: true)
      let projected = try BLAS.gemm(t, try BLAS.gemm(hessian, t), transposeA: true)
      var negative = projected
      for index in negative.storage.indices { negative.storage[index] = -negative.storage[index] }
      var exact = negative
      for j in 1..<max(1, q) {
        var tail = 0.0
        for k in j..<q { tail += current.gradient[p + k] }
        exact[p + j, p + j] -= exp(phi[p + j]) * tail
      }
      let factor: Cholesky
      if let f = try? Cholesky(exact) {
        factor = f
      } else {
        factor = try Cholesky(negative)
      }
      let delta = try factor.solve(gradient)
      var scale = 1.0
      var accepted = false
      for _ in 0..<40 {
        let candidate = zip(phi, delta).map { $0 + scale * $1 }
        let value = try likelihood.evaluate(theta(candidate), derivatives: false)
        // Accept an increase, or a change within rounding of the log-likelihood.
        let slack = 1e-12 * max(1, abs(current.logLikelihood))
        if value.logLikelihood.isFinite, value.logLikelihood >= current.logLikelihood - slack {
          phi = candidate
          accepted = true
          break
        }
        scale /= 2
      }
      guard accepted else { break }
      current = try likelihood.evaluate(theta(phi), derivatives: true)
      let size = delta.map { abs($0) * scale }.max() ?? 0
      if size < tolerance {
        return NewtonResult(
          theta: theta(phi), logLikelihood: current.logLikelihood, iterations: iteration,
          converged: true)
      }
    }
    return NewtonResult(
      theta: theta(phi), logLikelihood: current.logLikelihood, iterations: iteration,
      converged: false)
  }
}
