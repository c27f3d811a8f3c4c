import Foundation
import LinearAlgebra

extension CoxFit {
  /// R's robust score test (`Robust =` in `summary.coxph`), or `nil` without a robust variance.
  ///
  /// At `beta = 0`, with the linear predictor 0 (R evaluates it without the offset), the
  /// weighted score residuals are summed within clusters into `T`; the statistic is
  /// `u' (T'T)^-1 u` with `u` the column sums of `T` (the score), on `p` degrees of freedom.
  /// - Returns: `nil` when the fit used no robust variance, has no coefficients, or `T'T` is
  ///   singular.
  /// - Throws: `LinearAlgebraError` only for an internal shape error.
  /// - Complexity: one extra risk-set sweep with residuals, O(n p^2).
  public func robustScoreTest() throws -> Test? {
    let p = keptColumns.count
    guard let clusters = sweepClusters, p > 0 else { return nil }
    var zero = data
    if zero.sweepOffset.contains(where: { $0 != 0 }) {
      zero.sweepOffset = [Double](repeating: 0, count: data.count)
    }
    var kernel = RiskSetKernel(data: zero, ties: ties)
    let clusterCount = (clusters.max() ?? -1) + 1
    let scores = RiskSetKernel.ScoreOutput(
      full: false, clusters: clusters, clusterCount: clusterCount,
      rowTerms: false)
    let (_, terms) = try kernel.evaluateWithResiduals(
      [Double](repeating: 0, count: p), scores: scores)
    let summed = CoxFit.clusterMatrix(terms.clusterScores, clusterCount: clusterCount, columns: p)
    var u = [Double](repeating: 0, count: p)
    for j in 0..<p {
      for c in 0..<clusterCount { u[j] += summed.storage[c + j * clusterCount] }
    }
    guard let factor = try? Cholesky(try BLAS.syrk(summed)) else { return nil }
    let solved = try factor.solve(u)
    let statistic = zip(solved, u).reduce(0) { $0 + $1.0 * $1.1 }
    return Test(statistic: statistic, degreesOfFreedom: p)
  }
}
