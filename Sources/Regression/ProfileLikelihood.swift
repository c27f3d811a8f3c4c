import Foundation
import LinearAlgebra

/// Exact profile-likelihood confidence limits for maximum-likelihood logistic coefficients.
///
/// For coefficient `j` the limits are the two roots of `s(b) = -/+ z` with
/// `s(b) = sign(b - bhat) sqrt(D_j(b) - D)`, the signed root of the deviance rise when
/// `beta_j` is held at `b` and every other coefficient is refitted (`x_j b` moves into the
/// offset), and `z = qnorm(1 - (1 - level) / 2)`.
///
/// ## Algorithm
/// Each evaluation of `s` is a restricted IRLS fit warm-started from the previous one, run
/// to a relative deviance change below `1e-13`. The derivative is free: at a restricted
/// optimum `dD_j/db = -2 x_j'(y - mu)` (the other scores vanish), so
/// `ds/db = -x_j'(y - mu) / s`. Newton steps on `s(b) - target` start at the Wald limit
/// `bhat -/+ z se`; once the root is bracketed a step that leaves the bracket or fails to
/// halve `|s - target|` is replaced by bisection. Stops when the step is below `1e-11 (1 + |b|)`.
///
/// ## Relation to R
/// R 4.2's `confint(glm)` (MASS `profile.glm`) evaluates `s` on a grid of steps of
/// `sqrt(qchisq(0.99, 1)) / 5` standard errors and inverts an interpolating spline, so its
/// limits differ from these exact roots by up to ~1e-3 standard errors (measured on the
/// reference data: at most 5.7e-4 SE). `Tests/Reference/logistic.R` also computes the exact
/// roots independently (`glm.fit` with the offset, `uniroot`); those agree to ~1e-9.
///
/// A limit that does not exist (the profile flattens below `z`, as under separation) is
/// infinite, `-inf` or `+inf` on that side, as logistf reports an open side, where R's
/// confint reports NA; a root found on the wrong side of the estimate (the "estimate" of a
/// diverging fit is no optimum) is replaced the same way, so an interval never excludes its
/// own estimate. A limit whose search did not converge is `nil` (NA).
struct ProfileLikelihood {
  /// `n` x `p` column-major design (kept columns only).
  let x: [Double]
  let n: Int
  let p: Int
  let y: [Double]
  let offset: [Double]?

  /// Relative deviance tolerance of the restricted fits.
  static let fitTolerance = 1e-13
  /// Newton iterations per limit.
  static let maxSteps = 60

  /// The lower and upper limits of every coefficient: infinite where the profile never
  /// reaches the critical value on that side, `nil` where the search did not converge.
  ///
  /// - Parameters:
  ///   - mu: fitted probabilities of the ordinary fit (warm start of the refit at the optimum).
  ///   - standardErrors: model-based standard errors (scale of the first step).
  ///   - level: confidence level.
  func limits(mu: [Double], standardErrors: [Double], level: Double) throws -> (
    low: [Double?], high: [Double?]
  ) {
    // The optimum itself, converged beyond glm's 1e-8 so D is the true minimum.
    var full = try IRLS(
      x: x, rows: n, columns: p, y: y, offset: offset, mustart: mu, maxIterations: 100,
      tolerance: Self.fitTolerance)
    try full.run()
    let z = normalQuantile(1 - (1 - level) / 2)
    var low = [Double?](repeating: nil, count: p)
    var high = [Double?](repeating: nil, count: p)
    for j in 0..<p {
      var restricted = Restricted(parent: self, column: j)
      let start = full.mu
      low[j] = try restricted.solve(
        estimate: full.beta[j], deviance: full.deviance, target: -z, se: standardErrors[j],
        mustart: start)
      high[j] = try restricted.solve(
        estimate: full.beta[j], deviance: full.deviance, target: z, se: standardErrors[j],
        mustart: start)
    }
    return (low, high)
  }

  /// The model with column `j` moved into the offset.
  private struct Restricted {
    let parent: ProfileLikelihood
    let column: Int
    /// The other columns, column-major.
    let others: [Double]

    init(parent: ProfileLikelihood, column: Int) {
      self.parent = parent
      self.column = column
      var others = [Double]()
      others.reserveCapacity(parent.n * (parent.p - 1))
      for k in 0..<parent.p where k != column {
        others.append(contentsOf: parent.x[(k * parent.n)..<((k + 1) * parent.n)])
      }
      self.others = others
    }

    /// Signed root `s(b)`, its derivative and the fitted probabilities of the restricted fit.
    func evaluate(_ b: Double, estimate: Double, deviance: Double, mustart: [Double]) throws
      -> (s: Double, slope: Double, mu: [Double])
    {
      let n = parent.n
      let xj = parent.x[(column * n)..<((column + 1) * n)]
      let base = column * n
      var offset = [Double](repeating: 0, count: n)
      for i in 0..<n { offset[i] = (parent.offset?[i] ?? 0) + b * parent.x[base + i] }
      var mu: [Double]
      var restrictedDeviance: Double
      if parent.p == 1 {
        mu = offset.map { Logit.inverse($0) }
        restrictedDeviance = zip(parent.y, mu).reduce(0) {
          $0 + Logit.devianceResidual(y: $1.0, mu: $1.1)
        }
      } else {
        var fit = try IRLS(
          x: others, rows: n, columns: parent.p - 1, y: parent.y, offset: offset,
          mustart: mustart, maxIterations: 100, tolerance: ProfileLikelihood.fitTolerance)
        try fit.run()
        mu = fit.mu
        restrictedDeviance = fit.deviance
      }
      let rise = max(restrictedDeviance - deviance, 0)
      let s = (b >= estimate ? 1.0 : -1.0) * rise.squareRoot()
      var score = 0.0
      for (i, value) in xj.enumerated() { score += value * (parent.y[i] - mu[i]) }
      return (s, s == 0 ? .nan : -score / s, mu)
    }

    /// The root of `s(b) = target` on the side of `target`'s sign; infinite (with that sign)
    /// when the profile flattens below the target; `nil` when the search did not converge.
    mutating func solve(
      estimate: Double, deviance: Double, target: Double, se: Double, mustart: [Double]
    ) throws -> Double? {
      let direction = target < 0 ? -1.0 : 1.0
      var b = estimate + target * se
      var warm = mustart
      // Bracket on the side of the estimate: inner has s - target with the sign at the
      // estimate (where s = 0), outer the opposite sign.
      var inner = estimate
      var outer: Double?
      var previousGap = Double.infinity
      var outward = se
      for _ in 0..<ProfileLikelihood.maxSteps {
        let (s, slope, mu) = try evaluate(
          b, estimate: estimate, deviance: deviance, mustart: warm)
        warm = mu
        let gap = s - target
        if gap == 0 { return b }
        if gap * direction > 0 { outer = b } else { inner = b }
        var next = b - gap / slope
        if let outer {
          // Bisect when Newton leaves the bracket or stalls (the clamp at |eta| > 30 makes
          // the profile flat far out, where Newton steps crawl).
          let (a, c) = (min(inner, outer), max(inner, outer))
          if !next.isFinite || next <= a || next >= c || abs(gap) > previousGap / 2 {
            next = (inner + outer) / 2
          }
        } else if !next.isFinite || (next - b) * direction <= 0 {
          // The profile has (nearly) flattened: keep walking outward in doubling SE steps,
          // so the 200 SE limit below is reached within a few evaluations.
          next = b + direction * outward
          outward *= 2
        }
        // Never further than 200 SE: beyond that the profile is flat (separation).
        if abs(next - estimate) > 200 * se { return direction * .infinity }
        if abs(next - b) <= 1e-11 * (1 + abs(b)) { return next }
        previousGap = abs(gap)
        b = next
      }
      // Never bracketed: the profile stayed below the target all the way out.
      return outer == nil ? direction * .infinity : nil
    }
  }
}
