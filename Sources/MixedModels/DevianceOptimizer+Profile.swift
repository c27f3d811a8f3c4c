import Distributions
import Foundation
import LinearAlgebra

extension DevianceOptimizer {
  /// The profile deviance at a fixed scalar `theta`: the deviance minimized over `beta`.
  ///
  /// Newton steps in `beta` with the `beta` block of the Hessian at the optimum held fixed
  /// (a chord method: near the optimum the block changes little, and each step costs one
  /// evaluation with the analytic gradient), step-halving, stopping when the decrement
  /// `g' H^-1 g` is below `1e-9`. Starts from `beta` and PIRLS from `modes`.
  func profileDeviance(
    theta: Double, beta start: [Double], modes: [Double], betaHessian: Cholesky
  ) throws -> (deviance: Double, beta: [Double], modes: [Double]) {
    var beta = start
    var current = try evaluate([theta] + beta, start: modes)
    var hessian = betaHessian
    var previous = Double.infinity
    for _ in 0..<50 {
      guard let gradient = current.gradient else { throw MixedModelError.singularHessian }
      let g = Array(gradient.dropFirst(thetaCount))
      if g.isEmpty { break }
      var step = try hessian.solve(g).map { -$0 }
      var decrement = -zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
      if !(decrement > 1e-9) { break }
      // The chord converges linearly; when it slows (far from the optimum, or a link whose
      // curvature changes fast, as cloglog), the block is re-differenced here.
      if decrement > previous / 4,
        let fresh = try? betaBlockHessian(
          theta: theta, beta: beta,
          modes: current.modes)
      {
        hessian = fresh
        step = try hessian.solve(g).map { -$0 }
        decrement = -zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
        if !(decrement > 1e-9) { break }
      }
      previous = decrement
      var t = 1.0
      var accepted = false
      for _ in 0..<30 {
        let candidate = zip(beta, step).map { $0 + t * $1 }
        if let trial = try? evaluate([theta] + candidate, start: current.modes),
          trial.deviance < current.deviance
        {
          beta = candidate
          current = trial
          accepted = true
          break
        }
        t /= 2
      }
      if !accepted { break }
    }
    return (current.deviance, beta, current.modes)
  }

  /// The `beta` block of the deviance Hessian at `(theta, beta)` (see
  /// ``differencedHessian(_:indices:modes:step:)``, step `1e-4`), factored.
  func betaBlockHessian(theta: Double, beta: [Double], modes: [Double]) throws -> Cholesky {
    let phi = [theta] + beta
    return try Cholesky(
      differencedHessian(
        phi, indices: Array(thetaCount..<phi.count), modes: modes, step: Self.delta))
  }

  /// Profile-likelihood interval of a scalar random-intercept SD `sigma = theta`, as lme4's
  /// `confint(fit, parm = ".sig01", method = "profile")`: the `theta` where the profile
  /// deviance exceeds its minimum by `qchisq(level, 1)`.
  ///
  /// Each limit is bracketed by stepping out from the estimate (steps of the Wald standard
  /// error, doubled) and found by the Illinois variant of regula falsi to `1e-6` relative in
  /// `theta`. The lower limit is 0 when the profile at 0 stays below the cut-off.
  ///
  /// - Parameters:
  ///   - phi: the optimum `(theta, beta)`; `deviance`, `modes`: its deviance and modes.
  ///   - hessian: the deviance Hessian at the optimum; `level`: the confidence level.
  /// - Returns: `nil` for a vector-valued random effect or a singular `beta` block.
  func profileInterval(
    phi: [Double], deviance: Double, modes: [Double], hessian: Matrix, level: Double
  ) throws -> (low: Double, high: Double)? {
    guard thetaCount == 1, hasGradient else { return nil }
    let p = phi.count - 1
    let thetaHat = abs(phi[0])
    let beta = Array(phi.dropFirst())
    var block = Matrix(rows: max(1, p), columns: max(1, p))
    if p == 0 { block[0, 0] = 1 }
    for a in 0..<p { for b in 0..<p { block[a, b] = hessian[1 + a, 1 + b] } }
    guard let factor = try? Cholesky(block) else { return nil }
    let cut = ChiSquared.quantile(level, degreesOfFreedom: 1)
    func excess(_ theta: Double) throws -> Double {
      try profileDeviance(theta: theta, beta: beta, modes: modes, betaHessian: factor).deviance
        - deviance - cut
    }
    // Wald SE of theta from the full Hessian (for the first bracket step).
    var se = 0.1 * max(thetaHat, 0.1)
    if let full = try? Cholesky(hessian), let inverse = try? full.inverse(), inverse[0, 0] > 0 {
      se = (2 * inverse[0, 0]).squareRoot()
    }
    func root(_ inside: Double, _ outside: Double, _ fOutside: Double) throws -> Double {
      var (a, fa) = (inside, -cut)
      var (b, fb) = (outside, fOutside)
      var side = 0
      for _ in 0..<60 {
        let c = (a * fb - b * fa) / (fb - fa)
        let fc = try excess(c)
        if abs(b - a) <= 1e-6 * max(1e-8, abs(c)) || fc == 0 { return c }
        if (fc > 0) == (fb > 0) {
          (b, fb) = (c, fc)
          if side == -1 { fa /= 2 }
          side = -1
        } else {
          (a, fa) = (c, fc)
          if side == 1 { fb /= 2 }
          side = 1
        }
      }
      return (a + b) / 2
    }
    // Upper limit.
    var step = max(se, 1e-3)
    var outside = thetaHat + step
    var fOutside = try excess(outside)
    var inside = thetaHat
    while fOutside < 0 {
      inside = outside
      step *= 2
      outside = thetaHat + step
      guard outside < 1e3 else { return nil }
      fOutside = try excess(outside)
    }
    let high = try root(inside, outside, fOutside)
    // Lower limit: 0 when the profile at the boundary stays under the cut-off.
    let low: Double
    let atZero = try excess(0)
    if thetaHat <= 1e-4 || atZero <= 0 {
      low = 0
    } else {
      step = max(se, 1e-3)
      inside = thetaHat
      outside = max(0, thetaHat - step)
      fOutside = outside == 0 ? atZero : try excess(outside)
      while fOutside < 0, outside > 0 {
        inside = outside
        step *= 2
        outside = max(0, thetaHat - step)
        fOutside = outside == 0 ? atZero : try excess(outside)
      }
      low = try root(inside, outside, fOutside)
    }
    return (low, high)
  }
}
