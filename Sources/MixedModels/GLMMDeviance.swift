import Foundation
import LinearAlgebra
import Parallelism

/// lme4's objective for a Bernoulli GLMM: the Laplace or adaptive Gauss-Hermite deviance as a
/// function of `(theta, beta)`.
///
/// ## Model and objective (Bates et al. 2015, lme4 JSS, sections 2 and 5)
/// `eta = X beta + offset + Z Lambda(theta) u`, `u ~ N(0, I)`, `y_i | u ~ Bernoulli(mu(eta_i))`.
/// The groups are independent given `beta`, so the penalized IRLS (PIRLS) splits into one
/// `k` x `k` problem per group (`k` = 1 or 2): with `a_i = Lambda' z_i`,
/// `u~_g = argmin_u h_g(u)`, `h_g(u) = sum_{i in g} d(y_i, eta_i) + u'u`, and
/// `M_g = I + sum_{i in g} w_i a_i a_i'` at `u~_g` (`w` the GLM working weight; `M_g` is the
/// group's diagonal block of lme4's `L L'`). Then
/// - Laplace (`nAGQ = 1`): `deviance = sum_g [h_g(u~_g) + log det M_g]`, which is lme4's
///   `aic + ldL2 + sqrL` (for 0/1 data the binomial `aic` is the sum of unit deviances);
/// - adaptive Gauss-Hermite (`nAGQ = K`, scalar random intercept; Pinheiro & Bates 1995):
///   with `s_g = M_g^{-1/2}` and the rule's nodes `z_j`, weights `w_j` for `N(0, 1)`,
///   `deviance = sum_g [h_g(u~_g) + log M_g - 2 log sum_j w_j exp(-(h_g(u~_g + s_g z_j) -
///   h_g(u~_g)) / 2 + z_j^2 / 2)]` (lme4's `glmerAGQ`); `K = 1` is the Laplace value.
///
/// ## Contract
/// - `design`: `n` x `p` column-major in the original row order, finite (checked when the
///   design was built); `offset`: `nil` or `n` values; `rows`: the grouping.
/// - `theta`: `1` value (`k = 1`) or `(L11, L21, L22)` (`k = 2`), lme4's order (the lower
///   triangle of `Lambda` by columns). Any real values: the objective depends on
///   `Lambda Lambda'` only, so a negative diagonal is a reflection of a valid point.
/// - No `n` x `n` or `q` x `q` matrix: per group a 2-vector and a 2 x 2 block.
struct GLMMDeviance: Sendable {
  let link: BinomialLink
  let rows: GroupedRows
  let design: [Double]
  let p: Int
  let offset: [Double]?
  /// `nil` for the Laplace approximation.
  let rule: GaussHermiteRule?

  /// The objective and the per-group pieces at one `(theta, beta)`.
  struct Evaluation: Sendable {
    /// lme4's deviance (Laplace or AGQ).
    var deviance: Double
    /// Conditional modes `u~` (spherical scale), `k` per group, group-major.
    var modes: [Double]
    /// `M_g` per group as `(M11, M21, M22)`.
    var blocks: [Double]
    /// Groups whose PIRLS did not meet its tolerance in the iteration limit.
    var unconvergedGroups: Int
    /// The gradient in `(theta, beta)` when asked for (see
    /// ``GLMMDeviance/evaluate(theta:beta:start:gradient:)``).
    var gradient: [Double]?
  }

  /// Iteration limit of the per-group Newton iterations.
  static let maxIterations = 100

  /// Evaluates the objective; `start` holds modes to start PIRLS from (`nil`: zeros).
  ///
  /// With `gradient` also the exact gradient in `(theta, beta)` (for AGQ see
  /// `GroupView.quadratureGradient`). For the Laplace deviance: at the mode `dh/du = 0`, so
  /// by the envelope theorem only the log-determinant feels `u~` moving: `df/dphi = dh/dphi + dl/dphi + (dl/du)' du~/dphi` with
  /// `l = log det M`, `du~/dphi = -H^-1 dG/dphi` (`G = grad_u h / 2`, `H = sum (d''/2) a a' + I`
  /// the observed half-Hessian). With `s_i = a_i' M^-1 a_i` and `v = H^-1 dl/du`,
  /// `dl/du = sum_i w'_i s_i a_i`, the `beta` part is `X'c`,
  /// `c_i = d'_i + w'_i s_i - (d''_i / 2) a_i'v` (one `dgemv`), and each `theta_k` with
  /// `e_i = d a_i / d theta_k` adds `sum_i [d'_i e_i'u + w'_i (e_i'u) s_i + 2 w_i a_i'M^-1 e_i -
  /// (d''_i / 2)(a_i'v)(e_i'u) - (d'_i / 2) e_i'v]` (per group, closed form in 2 x 2).
  ///
  /// - Throws: ``MixedModelError/nonFiniteDeviance`` when the objective is not finite
  ///   (linear predictor overflow), LinearAlgebra errors from the `X beta` product.
  func evaluate(
    theta: [Double], beta: [Double], start: [Double]?, gradient: Bool = false
  ) throws -> Evaluation {
    let n = rows.n
    // eta0 = X beta + offset, in group order.
    var fixed = [Double](repeating: 0, count: n)
    if p > 0 {
      try design.withUnsafeBufferPointer { x in
        try fixed.withUnsafeMutableBufferPointer { out in
          guard let base = x.baseAddress, let target = out.baseAddress else { return }
          try BLAS.gemvRows(
            base, rows: n, columns: p, leadingDimension: max(1, n), vector: beta, into: target)
        }
      }
    }
    var eta0 = [Double](repeating: 0, count: n)
    for r in 0..<n {
      let i = rows.order[r]
      eta0[r] = fixed[i] + (offset?[i] ?? 0)
    }
    let k = rows.k
    let lambda =
      k == 1 ? (theta[0], 0.0, 0.0) : (theta[0], theta[1], theta[2])
    let groups = rows.groupCount
    let startModes = start ?? [Double](repeating: 0, count: groups * k)
    let partition = RowPartition(rows: groups, minimumChunkRows: 512, alignment: 1)
    let wantsGradient = gradient && (rule == nil || k == 1)
    // Each chunk of groups fills its own result; they are joined in chunk order below, so
    // the sums do not depend on the number of threads.
    var results = [ChunkResult](repeating: ChunkResult(), count: partition.chunks.count)
    let (rule, link, rows) = (self.rule, self.link, self.rows)
    eta0.withUnsafeBufferPointer { eta in
      rows.y.withUnsafeBufferPointer { y in
        rows.z.withUnsafeBufferPointer { z in
          results.withUnsafeMutableBufferPointer { slots in
            let view = GroupView(link: link, eta0: eta, y: y, z: z, n: n, k: k, lambda: lambda)
            partition.forEachChunk { chunk, range in
              slots[chunk] = view.evaluate(
                groups: range, starts: rows.starts, startModes: startModes, rule: rule,
                gradient: wantsGradient)
            }
          }
        }
      }
    }
    var deviance = 0.0
    var modes: [Double] = []
    var blocks: [Double] = []
    var rowFactors: [Double] = []
    var thetaGradient = [0.0, 0.0, 0.0]
    var unconverged = 0
    modes.reserveCapacity(groups * k)
    blocks.reserveCapacity(groups * 3)
    for result in results {
      deviance += result.deviance
      modes += result.modes
      blocks += result.blocks
      rowFactors += result.factors
      unconverged += result.unconverged
      for j in 0..<3 { thetaGradient[j] += result.theta[j] }
    }
    guard deviance.isFinite else { throw MixedModelError.nonFiniteDeviance }
    var gradientVector: [Double]?
    if wantsGradient {
      var original = [Double](repeating: 0, count: n)
      for r in 0..<n { original[rows.order[r]] = rowFactors[r] }
      let betaGradient =
        p > 0
        ? try BLAS.gemv(Matrix(rows: n, columns: p, columnMajor: design), original, transpose: true)
        : []
      gradientVector = Array(thetaGradient.prefix(k == 1 ? 1 : 3)) + betaGradient
    }
    return Evaluation(
      deviance: deviance, modes: modes, blocks: blocks, unconvergedGroups: unconverged,
      gradient: gradientVector)
  }
}

/// What one chunk of groups contributes to an evaluation.
struct ChunkResult {
  var deviance = 0.0
  var unconverged = 0
  /// The chunk's part of the `theta` gradient (`L11, L21, L22`).
  var theta = [0.0, 0.0, 0.0]
  /// Modes (`k` per group), blocks (3 per group) and gradient row factors (one per row) of
  /// the chunk's groups, in group order.
  var modes: [Double] = []
  var blocks: [Double] = []
  var factors: [Double] = []
}

/// Read-only row data of one evaluation, shared by the chunks.
struct GroupView {
  let link: BinomialLink
  let eta0: UnsafeBufferPointer<Double>
  let y: UnsafeBufferPointer<Double>
  let z: UnsafeBufferPointer<Double>
  let n: Int
  let k: Int
  /// `(L11, L21, L22)`; `L21 = L22 = 0` when `k = 1`.
  let lambda: (Double, Double, Double)

  struct Solution {
    var objective: Double
    var m11: Double
    var m21: Double
    var m22: Double
    /// The observed half-Hessian `H = sum (d''/2) a a' + I` at the mode.
    var hessian: (Double, Double, Double)
    var converged: Bool
  }

  /// `a_i = Lambda' z_i` of position `r`.
  @inline(__always) func loading(_ r: Int) -> (Double, Double) {
    if k == 1 { return (lambda.0 * z[r], 0) }
    let z1 = z[r]
    let z2 = z[r + n]
    return (lambda.0 * z1 + lambda.1 * z2, lambda.2 * z2)
  }

  /// `h(u)`, half its gradient and half its Hessian (observed information) at `u`.
  private func pass(_ range: Range<Int>, _ u: (Double, Double)) -> (
    h: Double, g: (Double, Double), hessian: (Double, Double, Double)
  ) {
    var h = u.0 * u.0 + u.1 * u.1
    var g = u
    var h11 = 1.0
    var h21 = 0.0
    var h22 = 1.0
    for r in range {
      let a = loading(r)
      let e = eta0[r] + a.0 * u.0 + a.1 * u.1
      h += link.unitDeviance(y[r], e)
      let (d1, d2) = link.halfDerivatives(y[r], e)
      g.0 += d1 * a.0
      g.1 += d1 * a.1
      h11 += d2 * a.0 * a.0
      h21 += d2 * a.0 * a.1
      h22 += d2 * a.1 * a.1
    }
    return (h, g, (h11, h21, h22))
  }

  /// `h(u)` alone.
  func objective(_ range: Range<Int>, _ u: (Double, Double)) -> Double {
    var h = u.0 * u.0 + u.1 * u.1
    for r in range {
      let a = loading(r)
      h += link.unitDeviance(y[r], eta0[r] + a.0 * u.0 + a.1 * u.1)
    }
    return h
  }

  /// Newton iterations with step-halving for the group's conditional mode, then `M_g`.
  ///
  /// The Newton step uses the observed information (for the logit link it equals lme4's
  /// Fisher scoring; for cloglog it converges quadratically to the same mode). Iteration
  /// stops when the step is below `1e-11 (1 + |u|)`: the remaining error is then at the
  /// rounding level, so the deviance does not depend on where PIRLS started.
  func solve(_ range: Range<Int>, start u: inout (Double, Double)) -> Solution {
    var state = pass(range, u)
    var converged = false
    for _ in 0..<GLMMDeviance.maxIterations {
      let (h11, h21, h22) = state.hessian
      let det = h11 * h22 - h21 * h21
      guard det > 0, det.isFinite else { break }
      var step = (
        -(h22 * state.g.0 - h21 * state.g.1) / det, -(h11 * state.g.1 - h21 * state.g.0) / det
      )
      var candidate = (u.0 + step.0, u.1 + step.1)
      // The full Newton step is evaluated with its derivatives in one sweep (it is nearly
      // always accepted); only a halved step is screened by the objective alone first. `pass`
      // sums `h` in the same order as `objective`, so the values are identical.
      var trial = pass(range, candidate)
      var value = trial.h
      var halvings = 0
      // Accept a rise only at the rounding level of h (near the mode both values agree to
      // the last bits).
      while !(value <= state.h + 1e-13 * (1 + abs(state.h))), halvings < 40 {
        step = (step.0 / 2, step.1 / 2)
        candidate = (u.0 + step.0, u.1 + step.1)
        value = objective(range, candidate)
        halvings += 1
      }
      if !(value <= state.h + 1e-13 * (1 + abs(state.h))) { break }
      if halvings > 0 { trial = pass(range, candidate) }
      u = candidate
      state = trial
      if max(abs(step.0), abs(step.1)) <= 1e-11 * (1 + max(abs(u.0), abs(u.1))) {
        converged = true
        break
      }
    }
    var m11 = 1.0
    var m21 = 0.0
    var m22 = 1.0
    for r in range {
      let a = loading(r)
      let w = link.workingWeight(eta0[r] + a.0 * u.0 + a.1 * u.1)
      m11 += w * a.0 * a.0
      m21 += w * a.0 * a.1
      m22 += w * a.1 * a.1
    }
    return Solution(
      objective: state.h, m11: m11, m21: m21, m22: m22, hessian: state.hessian,
      converged: converged)
  }

  /// `log sum_j w_j exp(-(h(u~ + s z_j) - h(u~)) / 2 + z_j^2 / 2)` for a scalar effect.
  func quadratureLogSum(
    _ range: Range<Int>, mode: Double, objective: Double, scale: Double, rule: GaussHermiteRule
  ) -> Double {
    var sum = 0.0
    for (node, weight) in zip(rule.nodes, rule.weights) {
      let u = mode + scale * node
      let value = self.objective(range, (u, 0))
      sum += weight * exp(-(value - objective) / 2 + node * node / 2)
    }
    return log(sum)
  }
}
