import Distributions
import Foundation
import LinearAlgebra

/// Cox proportional-hazards regression, fitted as R's `coxph` does.
///
/// Newton-Raphson from `beta = 0` on the partial log-likelihood (Efron or Breslow ties), with
/// step-halving when a step lowers the log-likelihood, and R's convergence rule
/// `|1 - loglik_old / loglik_new| <= tolerance` (never judged on the initial evaluation).
public struct CoxModel: Sendable {
  /// How tied event times enter the partial likelihood.
  public enum Ties: String, Sendable, Codable, CaseIterable {
    /// Efron's approximation (R's default).
    case efron
    /// Breslow's approximation.
    case breslow
  }

  public var ties: Ties
  /// R's `coxph.control(iter.max = 20)`.
  public var maxIterations: Int
  /// R's `coxph.control(eps = 1e-9)`: relative change in log-likelihood.
  public var tolerance: Double
  /// Confidence level of the coefficient intervals.
  public var confidenceLevel: Double

  /// Creates a model with R's defaults.
  public init(
    ties: Ties = .efron, maxIterations: Int = 20, tolerance: Double = 1e-9,
    confidenceLevel: Double = 0.95
  ) {
    self.ties = ties
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.confidenceLevel = confidenceLevel
  }

  /// Fits the model.
  ///
  /// - Parameters:
  ///   - y: right-censored or counting-process response.
  ///   - x: `n` x `p` design without an intercept (column-major `Matrix`).
  ///   - termNames: one name per column of `x`.
  ///   - strata: stratum codes, one per row (separate baseline hazards), or `nil`.
  ///   - cluster: cluster codes for the robust sandwich variance (R's `cluster(id)`), or `nil`.
  ///   - weights: case weights (finite, `>= 0`), or `nil` for 1.
  ///   - offset: a fixed term added to the linear predictor, or `nil`.
  ///   - robust: use the robust sandwich variance; `nil` follows R: robust when a cluster is
  ///     given or any weight is not a whole number (then each row is its own cluster).
  ///   - retainDesign: keep `x` in the fit (``CoxFit/means``, ``CoxFit/baselineHazard(centered:)``,
  ///     ``CoxFit/predictSurvival`` and ``CoxFit/proportionalHazardsTest(terms:)`` need it). With `false` the fit lets go of
  ///     `x` before the Newton iterations (pass it with `consume` so that the memory is freed)
  ///     and those members must not be used; concordance, residuals and the robust score test
  ///     still work.
  /// - Returns: the fit; aliased columns get NA (`nil`) estimates and a diagnostic.
  /// - Throws: ``SurvivalError`` for inconsistent or non-finite input; `LinearAlgebraError` only
  ///   if an information matrix cannot be inverted at all.
  /// - Complexity: O(n log n) to sort once, then O(n p + n p^2) per iteration.
  public func fit(
    _ y: SurvivalResponse, x: consuming Matrix, termNames: [String], strata: [Int]? = nil,
    cluster: [Int]? = nil, weights: [Double]? = nil, offset: [Double]? = nil,
    robust: Bool? = nil, retainDesign: Bool = true
  ) throws -> CoxFit {
    var cluster = cluster
    let fractionalWeights = weights?.contains { $0 != $0.rounded(.down) } ?? false
    if cluster == nil && (robust ?? fractionalWeights) {
      cluster = Array(0..<y.count)
    } else if robust == false {
      cluster = nil
    }
    guard termNames.count == x.columns else {
      throw SurvivalError.lengthMismatch(
        what: "term names", expected: x.columns, actual: termNames.count)
    }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw SurvivalError.invalidParameter("confidence level \(confidenceLevel) not in (0, 1)")
    }
    guard maxIterations >= 0, tolerance > 0 else {
      throw SurvivalError.invalidParameter("maxIterations must be >= 0 and tolerance > 0")
    }
    if let cluster, cluster.count != y.count {
      throw SurvivalError.lengthMismatch(what: "cluster", expected: y.count, actual: cluster.count)
    }
    // Aliased columns (R's NA coefficients): exact collinearity with the baseline hazard (a
    // constant) or with earlier columns, found by R's pivoted-QR rule on [1 | X].
    var aliased = Set<Int>()
    if x.columns > 0 && x.rows > 0 && !CoxModel.clearlyFullRank(x) {
      var withConstant = [Double](repeating: 1, count: x.rows)
      withConstant.append(contentsOf: x.storage)
      let augmented = try Matrix(rows: x.rows, columns: x.columns + 1, columnMajor: withConstant)
      if !augmented.storage.contains(where: { !$0.isFinite }) {
        for column in try PivotedQR.aliasedColumns(augmented) where column > 0 {
          aliased.insert(column - 1)
        }
      }
    }
    var kept = (0..<x.columns).filter { !aliased.contains($0) }
    var reduced = try CoxModel.columns(kept, of: x)
    var data = try RiskSetData(
      response: y, x: reduced, strata: strata, weights: weights, offset: offset)
    var kernel = RiskSetKernel(data: data, ties: ties)

    // Information singular at beta = 0 although X has full rank (e.g. a covariate constant
    // within every stratum): drop the columns a pivoted QR of its square root calls aliased.
    var initial: CoxEvaluation? = try kernel.evaluate([Double](repeating: 0, count: kept.count))
    if kept.count > 0, let start = initial, (try? Cholesky(start.information)) == nil {
      let extra = try CoxModel.aliasedByInformation(start.information)
      if !extra.isEmpty {
        for local in extra { aliased.insert(kept[local]) }
        kept = (0..<x.columns).filter { !aliased.contains($0) }
        reduced = try CoxModel.columns(kept, of: x)
        data = try RiskSetData(
          response: y, x: reduced, strata: strata, weights: weights, offset: offset)
        kernel = RiskSetKernel(data: data, ties: ties)
        initial = nil
      }
    }
    if !retainDesign {
      x = Matrix(rows: 0, columns: 0)
      reduced = x
    }
    var newton = try runNewton(
      kernel: &kernel, start: initial, columns: kept.count, countingProcess: y.isCountingProcess)
    return try CoxFit.assemble(
      model: self, newton: &newton, kernel: &kernel, data: data, response: y, x: x,
      kept: kept, aliased: aliased, termNames: termNames, cluster: cluster)
  }

  /// The state the Newton driver hands to the result.
  struct NewtonResult {
    var beta: [Double]
    var initialLogLikelihood: Double
    var logLikelihood: Double
    var scoreTest: Double
    var iterations: Int
    var converged: Bool
    var halved: Bool
    /// Score and information at the final `beta`.
    var final: CoxEvaluation
  }

  /// Newton-Raphson with step-halving, following the semantics of R's coxfit6/agfit4.
  ///
  /// `start` is the evaluation at `beta = 0` if the caller already has it (saves one sweep).
  func runNewton(
    kernel: inout RiskSetKernel, start initial: CoxEvaluation? = nil, columns p: Int,
    countingProcess: Bool
  ) throws
    -> NewtonResult
  {
    var beta = [Double](repeating: 0, count: p)
    let start = try initial ?? kernel.evaluate(beta)
    // Score test at beta = 0: u' I^-1 u.
    var scoreTest = 0.0
    var step = [Double](repeating: 0, count: p)
    if p > 0, let factor = try? Cholesky(start.information) {
      step = try factor.solve(start.score)
      for j in 0..<p { scoreTest += start.score[j] * step[j] }
    }
    var result = NewtonResult(
      beta: beta, initialLogLikelihood: start.logLikelihood, logLikelihood: start.logLikelihood,
      scoreTest: scoreTest, iterations: 0, converged: p == 0, halved: false, final: start)
    if p == 0 || maxIterations == 0 || !start.logLikelihood.isFinite { return result }

    var best = start.logLikelihood
    var bestEvaluation = start
    var newBeta = zip(beta, step).map { $0 + $1 }
    var halving = 0
    for iteration in 1...maxIterations {
      let trial = try kernel.evaluate(newBeta)
      let factor = try? Cholesky(trial.information)
      let finite =
        trial.logLikelihood.isFinite && factor != nil
        && !trial.score.contains { !$0.isFinite }
      // Convergence is judged only from iteration 1 on (never on the starting values), and for
      // counting-process data (agfit4) never in the middle of step-halving.
      if finite && (!countingProcess || halving == 0)
        && abs(1 - best / trial.logLikelihood) <= tolerance
      {
        result.beta = newBeta
        result.logLikelihood = trial.logLikelihood
        result.iterations = iteration
        result.converged = true
        result.halved = halving > 0
        result.final = trial
        return result
      }
      if !finite || trial.logLikelihood < best {
        // Not improving: move back toward the last good beta, more aggressively each time.
        halving += 1
        let h = Double(halving)
        for j in 0..<p { newBeta[j] = (newBeta[j] + h * beta[j]) / (h + 1) }
      } else {
        halving = 0
        best = trial.logLikelihood
        bestEvaluation = trial
        guard let factor else { break }
        let delta = try factor.solve(trial.score)
        beta = newBeta
        for j in 0..<p { newBeta[j] += delta[j] }
      }
      result.iterations = iteration
    }
    // Out of iterations: report the last good beta and its information (R recomputes it).
    result.beta = beta
    result.logLikelihood = best
    result.final = bestEvaluation
    result.converged = false
    return result
  }

  /// The chosen columns of `x` as a new matrix (`x` itself, not a copy, when all are kept).
  static func columns(_ kept: [Int], of x: Matrix) throws -> Matrix {
    if kept == Array(0..<x.columns) { return x }
    var storage = [Double]()
    storage.reserveCapacity(x.rows * kept.count)
    for j in kept { storage.append(contentsOf: x.storage[(j * x.rows)..<((j + 1) * x.rows)]) }
    return try Matrix(rows: x.rows, columns: kept.count, columnMajor: storage)
  }

  /// Whether `[1 | X]` is so far from collinear that the pivoted-QR aliasing rule cannot drop a
  /// column, decided from the `p` x `p` centred cross product instead of a QR of all rows.
  ///
  /// The Cholesky factor of `X'X - s s'/n` (`s` the column sums) has diagonal `r_j`, the norm of
  /// column `j` after projecting out the constant and the earlier columns: exactly the quantity
  /// the QR rule compares with `1e-7 ||x_j||`. We only skip the QR when every `r_j` exceeds
  /// `1e-4 ||x_j||`, far above both the threshold and the rounding of the cross product, so
  /// the answer is always the QR's; anything closer (or non-finite) goes to the QR.
  static func clearlyFullRank(_ x: Matrix) -> Bool {
    let n = x.rows
    let p = x.columns
    guard n > p, var cross = try? BLAS.syrk(x) else { return false }
    var sums = [Double](repeating: 0, count: p)
    for j in 0..<p {
      var sum = 0.0
      for i in 0..<n { sum += x.storage[i + j * n] }
      sums[j] = sum
    }
    let norms = (0..<p).map { cross[$0, $0] }
    for j in 0..<p {
      for k in 0..<p { cross[j, k] -= sums[j] * sums[k] / Double(n) }
    }
    guard let factor = try? Cholesky(cross) else { return false }
    for j in 0..<p {
      let r = factor.factor[j, j]
      guard r.isFinite, norms[j].isFinite, r * r > 1e-8 * norms[j] else { return false }
    }
    return true
  }

  /// Columns that a singular information matrix makes inestimable (R's cholesky2 choice).
  static func aliasedByInformation(_ information: Matrix) throws -> [Int] {
    let eigen = try SymmetricEigen(information)
    let p = information.rows
    // M = diag(sqrt(lambda+)) V' has M'M = I; its pivoted QR names the dependent columns.
    var root = Matrix(rows: p, columns: p)
    for k in 0..<p {
      let scale = max(0, eigen.values[k]).squareRoot()
      for j in 0..<p { root[k, j] = scale * eigen.vectors[j, k] }
    }
    return try PivotedQR.aliasedColumns(root)
  }
}

extension CoxModel {
  /// The partial log-likelihood, score and information at a given `beta` (no fitting).
  ///
  /// The pieces the Newton driver uses, exposed so they can be checked by hand.
  /// - Returns: `(logLikelihood, score, information)` over all columns of `x`.
  /// - Throws: ``SurvivalError`` for inconsistent input.
  public func likelihood(
    _ y: SurvivalResponse, x: Matrix, at beta: [Double], strata: [Int]? = nil,
    weights: [Double]? = nil, offset: [Double]? = nil
  ) throws -> (logLikelihood: Double, score: [Double], information: Matrix) {
    guard beta.count == x.columns else {
      throw SurvivalError.profileLength(expected: x.columns, actual: beta.count)
    }
    let data = try RiskSetData(response: y, x: x, strata: strata, weights: weights, offset: offset)
    var kernel = RiskSetKernel(data: data, ties: ties)
    let evaluation = try kernel.evaluate(beta)
    return (evaluation.logLikelihood, evaluation.score, evaluation.information)
  }
}
