import Foundation
import LinearAlgebra

/// Minimizes ``GLMMDeviance`` over `(theta, beta)` by damped Newton steps on finite-difference
/// derivatives.
///
/// ## Method
/// - Derivatives: the exact gradient (see ``GLMMDeviance/evaluate(theta:beta:start:gradient:)``)
///   and a Hessian by central differences of it (`2m` evaluations); without a gradient, lme4's
///   `deriv12` stencil on the deviance (central first and second differences, 4-point cross
///   differences, about `2 m^2` evaluations). Step `1e-4` while iterating; the final Hessian, which gives the standard
///   errors (`vcov.merMod` with `use.hessian = TRUE` inverts it), is Richardson-extrapolated
///   from steps `1e-3` and `2e-3`. Every evaluation starts its PIRLS from
///   the modes at the centre point and converges them to rounding, so the differences are not
///   polluted by where PIRLS stopped.
/// - Bounds: the deviance depends on `Lambda Lambda'` only, so reflecting a diagonal element of
///   `Lambda` (with its column) changes nothing. The iterations are therefore unconstrained and
///   the estimate is mapped to lme4's canonical form (non-negative diagonal) afterwards; a
///   variance on the boundary is an optimum at 0 of an even function, where Newton converges
///   as anywhere else. The stencil may cross 0 for the same reason (lme4 shortens it there).
/// - Step: solve `(H + mu I) s = -g` by Cholesky (`mu = 0`, else Levenberg damping until
///   positive definite), then halve `s` until the deviance decreases. Stop when the Newton
///   decrement `-g's` is below `1e-10` (deviance units) or no step decreases the deviance.
struct DevianceOptimizer {
  let objective: GLMMDeviance
  /// `length(theta)`: 1 or 3.
  let thetaCount: Int
  var maxIterations: Int
  static let delta = 1e-4

  /// The parameters split into `theta` and `beta`.
  func split(_ phi: [Double]) -> (theta: [Double], beta: [Double]) {
    (Array(phi[0..<thetaCount]), Array(phi[thetaCount...]))
  }

  /// Whether the objective has an analytic gradient (Laplace, and AGQ for its scalar effect).
  var hasGradient: Bool { objective.rule == nil || objective.rows.k == 1 }

  /// The deviance at `phi` (and its gradient when analytic), PIRLS started from `start`.
  func evaluate(_ phi: [Double], start: [Double]?) throws -> GLMMDeviance.Evaluation {
    let (theta, beta) = split(phi)
    return try objective.evaluate(
      theta: theta, beta: beta, start: start, gradient: hasGradient)
  }

  /// Gradient and Hessian around `phi` (value `f0`, modes `modes`) with step `h`: the analytic
  /// gradient and central differences of it (symmetrized), `2m` evaluations; without an
  /// analytic gradient lme4's `deriv12` stencil on the deviance, about `2 m^2`.
  func derivatives(_ phi: [Double], f0: Double, modes: [Double], step h: Double = delta) throws
    -> (gradient: [Double], hessian: Matrix)
  {
    if hasGradient { return try gradientDifferences(phi, modes: modes, step: h) }
    let m = phi.count
    func f(_ changes: [(Int, Double)]) throws -> Double {
      var x = phi
      for (j, d) in changes { x[j] += d }
      return try evaluate(x, start: modes).deviance
    }
    var gradient = [Double](repeating: 0, count: m)
    var hessian = Matrix(rows: m, columns: m)
    for j in 0..<m {
      let plus = try f([(j, h)])
      let minus = try f([(j, -h)])
      hessian[j, j] = (plus - 2 * f0 + minus) / (h * h)
      gradient[j] = (plus - minus) / (2 * h)
      for i in 0..<j {
        let value =
          (try f([(i, h), (j, h)]) - f([(i, h), (j, -h)]) - f([(i, -h), (j, h)])
            + f([(i, -h), (j, -h)])) / (4 * h * h)
        hessian[i, j] = value
        hessian[j, i] = value
      }
    }
    return (gradient, hessian)
  }

  /// The analytic gradient at `phi` and the Hessian by central differences of it.
  private func gradientDifferences(_ phi: [Double], modes: [Double], step h: Double) throws
    -> (gradient: [Double], hessian: Matrix)
  {
    guard let center = try evaluate(phi, start: modes).gradient else {
      throw MixedModelError.singularHessian
    }
    return (center, try differencedHessian(phi, indices: Array(phi.indices), modes: modes, step: h))
  }

  /// The block of the deviance Hessian over the coordinates `indices` of `phi`, by central
  /// differences of the analytic gradient (`2 * indices.count` evaluations, PIRLS started
  /// from `modes`), symmetrized.
  func differencedHessian(
    _ phi: [Double], indices: [Int], modes: [Double], step h: Double
  ) throws -> Matrix {
    func gradient(_ x: [Double]) throws -> [Double] {
      guard let g = try evaluate(x, start: modes).gradient else {
        throw MixedModelError.singularHessian
      }
      return g
    }
    let k = indices.count
    var hessian = Matrix(rows: k, columns: k)
    for (b, j) in indices.enumerated() {
      var plus = phi
      var minus = phi
      plus[j] += h
      minus[j] -= h
      let (gp, gm) = (try gradient(plus), try gradient(minus))
      for (a, i) in indices.enumerated() { hessian[a, b] = (gp[i] - gm[i]) / (2 * h) }
    }
    for b in 0..<k {
      for a in 0..<b {
        let mean = (hessian[a, b] + hessian[b, a]) / 2
        hessian[a, b] = mean
        hessian[b, a] = mean
      }
    }
    return hessian
  }

  /// Gradient and Hessian for the standard errors, by Richardson extrapolation.
  ///
  /// The `deriv12` stencil at steps `h = 1e-3` and `2h` combined by Richardson extrapolation, `(4 D(h) - D(2h)) / 3`, so the truncation
  /// error is `O(h^4)` (about 1e-12 relative) while rounding noise is amplified by `1 / h^2 =
  /// 1e6` only (the deviance is accurate to ~1e-13 relative). lme4 itself uses one stencil at
  /// `h = 1e-4` on a deviance whose PIRLS stops at `tolPwrss`, which on the teaching diary
  /// moves its SEs by up to ~5e-3 relative; the reference script polishes lme4's optimum and
  /// recomputes its Hessian with this same formula (Tests/Reference/glmer.R, `polish`).
  func accurateDerivatives(_ phi: [Double], f0: Double, modes: [Double]) throws -> (
    gradient: [Double], hessian: Matrix
  ) {
    let h = 1e-3
    let small = try derivatives(phi, f0: f0, modes: modes, step: h)
    let large = try derivatives(phi, f0: f0, modes: modes, step: 2 * h)
    // An analytic gradient is exact; a differenced one is extrapolated like the Hessian.
    let gradient =
      hasGradient
      ? small.gradient : zip(small.gradient, large.gradient).map { (4 * $0 - $1) / 3 }
    var hessian = small.hessian
    for index in hessian.storage.indices {
      hessian.storage[index] = (4 * small.hessian.storage[index] - large.hessian.storage[index]) / 3
    }
    return (gradient, hessian)
  }

  /// `(H + mu I)^-1 g`-style Newton step `-(H + mu I)^-1 g`, with the smallest damping
  /// `mu in {0, 1e-8 s, 1e-7 s, ...}` (`s` the largest diagonal) that makes it positive definite.
  static func newtonStep(gradient: [Double], hessian: Matrix) throws -> [Double] {
    let m = gradient.count
    let scale = max(1e-8, hessian.diagonal.map(abs).max() ?? 1)
    var mu = 0.0
    for _ in 0..<20 {
      var damped = hessian
      for j in 0..<m { damped[j, j] += mu }
      if let factor = try? Cholesky(damped) {
        return try factor.solve(gradient).map { -$0 }
      }
      mu = mu == 0 ? 1e-8 * scale : mu * 10
    }
    throw MixedModelError.singularHessian
  }

  /// The result of ``minimize(from:)``.
  struct Result {
    var phi: [Double]
    var evaluation: GLMMDeviance.Evaluation
    var iterations: Int
    var converged: Bool
  }

  /// Minimizes from `phi0`.
  func minimize(from phi0: [Double]) throws -> Result {
    var phi = phi0
    var current = try evaluate(phi, start: nil)
    var iterations = 0
    var converged = false
    while iterations < maxIterations {
      iterations += 1
      let (gradient, hessian) = try derivatives(
        phi, f0: current.deviance, modes: current.modes)
      let step = try Self.newtonStep(gradient: gradient, hessian: hessian)
      let decrement = -zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 }
      if decrement.isFinite, decrement < 1e-10 {
        converged = true
        break
      }
      var t = 1.0
      var accepted: ([Double], GLMMDeviance.Evaluation)?
      for _ in 0..<40 {
        let candidate = zip(phi, step).map { $0 + t * $1 }
        if let trial = try? evaluate(candidate, start: current.modes),
          trial.deviance < current.deviance
        {
          accepted = (candidate, trial)
          break
        }
        t /= 2
      }
      guard let (next, trial) = accepted else {
        // No step lowers the deviance: it is flat to rounding along the Newton direction.
        converged = decrement < 1e-6
        break
      }
      let change = current.deviance - trial.deviance
      phi = next
      current = trial
      if change < 1e-12 * (1 + abs(current.deviance)), t == 1 {
        converged = true
        break
      }
    }
    // lme4's canonical form: non-negative diagonal of Lambda.
    let canonical = canonicalized(phi)
    if canonical != phi {
      phi = canonical
      current = try evaluate(phi, start: nil)
    }
    return Result(phi: phi, evaluation: current, iterations: iterations, converged: converged)
  }

  /// Reflects `Lambda`'s columns so its diagonal is non-negative (same `Lambda Lambda'`).
  func canonicalized(_ phi: [Double]) -> [Double] {
    var phi = phi
    if thetaCount == 1 {
      phi[0] = abs(phi[0])
    } else {
      if phi[0] < 0 {
        phi[0] = -phi[0]
        phi[1] = -phi[1]
      }
      phi[2] = abs(phi[2])
    }
    return phi
  }
}
