import LinearAlgebra

extension SurvregModel {
  /// Where Newton-Raphson ended.
  struct NewtonResult {
    var parameters: [Double]
    var logLikelihood: Double
    /// Information (minus the Hessian) at `parameters`.
    var information: Matrix
    var score: [Double]
    var iterations: Int
    var converged: Bool
  }

  /// Newton-Raphson with step-halving on `(beta, log sigma)`, step for step as `survreg6` of
  /// survival 3.5 (the version the reference values come from).
  ///
  /// - Each step solves `I(theta) delta = U(theta)` by Cholesky; when the information is not
  ///   positive definite the outer product of the row scores (R's `JJ`) is used instead.
  /// - Converged when, after a full (not halved) step, `|1 - l_old / l_new| <= tolerance`;
  ///   never judged before the first step is taken.
  /// - A step that lowers the log-likelihood is halved towards the last good point, up to 5
  ///   times within one iteration; on the first halving each `log sigma` is also kept within
  ///   1.1 of its last good value (a collapsing log-scale is the usual way these fits fail).
  ///   A non-finite log-likelihood is halved too (survival 3.5 looped on it until the
  ///   iterations ran out; later versions halve, as here).
  /// - Out of iterations: the last point tried is returned, as survival 3.5 does, and
  ///   `converged` is false.
  static func newton(
    _ likelihood: inout SurvregLikelihood, start: [Double], maxIterations: Int, tolerance: Double
  ) throws -> NewtonResult {
    let p = likelihood.covariateCount
    let scales = likelihood.scaleCount
    var beta = start
    var current = try likelihood.evaluate(beta, need: .information)
    var logLikelihood = current.logLikelihood
    var step = try solveStep(&likelihood, at: beta, evaluation: current)
    var next = zip(beta, step).map { $0 + $1 }
    var halving = 0
    current = try likelihood.evaluate(next, need: .information)
    for iteration in 1...max(1, maxIterations) {
      let finite = current.logLikelihood.isFinite
      if finite && halving == 0
        && abs(1 - logLikelihood / current.logLikelihood) <= tolerance
      {
        return NewtonResult(
          parameters: next, logLikelihood: current.logLikelihood,
          information: current.information, score: current.score, iterations: iteration,
          converged: true)
      }
      if !finite || current.logLikelihood < logLikelihood {
        var trial = current.logLikelihood
        var j = 0
        while j < 5 && !(trial >= logLikelihood) {
          halving += 1
          for i in next.indices { next[i] = (next[i] + beta[i]) / 2 }
          if halving == 1 {
            for s in 0..<scales where beta[p + s] - next[p + s] > 1.1 {
              next[p + s] = beta[p + s] - 1.1
            }
          }
          trial = try likelihood.evaluate(next, need: .logLikelihood).logLikelihood
          j += 1
        }
      } else {
        halving = 0
        logLikelihood = current.logLikelihood
        step = try solveStep(&likelihood, at: next, evaluation: current)
        beta = next
        next = zip(beta, step).map { $0 + $1 }
      }
      current = try likelihood.evaluate(next, need: .information)
    }
    return NewtonResult(
      parameters: next, logLikelihood: current.logLikelihood, information: current.information,
      score: current.score, iterations: maxIterations, converged: false)
  }

  /// The Newton step `I^-1 U`, or `JJ^-1 U` when `I` is not positive definite.
  private static func solveStep(
    _ likelihood: inout SurvregLikelihood, at parameters: [Double],
    evaluation: SurvregLikelihood.Evaluation
  ) throws -> [Double] {
    guard evaluation.score.allSatisfy(\.isFinite) else {
      return [Double](repeating: .nan, count: parameters.count)
    }
    if let factor = try? Cholesky(evaluation.information) {
      return try factor.solve(evaluation.score)
    }
    let outer = try likelihood.evaluate(parameters, need: .outerProduct)
    // The evaluation above overwrote the per-row scores; restore them for the robust variance.
    _ = try likelihood.evaluate(parameters, need: .information)
    guard let factor = try? Cholesky(outer.information) else {
      throw SurvregError.singularInformation
    }
    return try factor.solve(evaluation.score)
  }
}
