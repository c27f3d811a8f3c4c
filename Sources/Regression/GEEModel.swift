import Formula
import Foundation
import LinearAlgebra

/// Logistic GEE (generalized estimating equations) with a working correlation, as
/// `geepack::geeglm(..., family = binomial, id = id, corstr = ...)` fits it.
///
/// ```swift
/// let design = try DesignMatrix.build(formula, table: table,
///                                     options: DesignOptions(cluster: "patient_id"))
/// let fit = try GEEModel(correlation: .exchangeable).fit(design)
/// ```
///
/// ## The estimator (geepack's `gee_est`, Yan & Fine 2004)
/// Start from the `glm` estimate, `alpha = 0` and the scale `phi` = mean squared Pearson
/// residual there. Each iteration then
/// 1. takes one Fisher-scoring step for beta:
///    `H = sum_i D_i' R_i^-1 D_i`, `G = sum_i D_i' R_i^-1 r_i`, `beta += H^-1 G`, with
///    `D_i = diag(sqrt(v)) X_i`, Pearson residuals `r = (y - mu) / sqrt(v)`, `v = mu (1 - mu)`
///    (`phi` cancels);
/// 2. sets `phi` to the mean squared Pearson residual at the new beta (denominator `N`, the
///    number of rows: geepack applies no `N - p` correction);
/// 3. sets `alpha` to the mean over all within-cluster pairs `j < k` of `e_j e_k`,
///    `e = r / sqrt(phi)` (denominator: the number of pairs, again without `p`);
///
/// and stops when the largest absolute change of beta, `phi` and `alpha` is at most
/// ``tolerance`` (geepack's `epsilon = 1e-4`). Because geepack's estimates are the iterate at
/// that loose tolerance, matching them to 1e-6 requires the same start and the same update
/// order, which this follows; with `tolerance: 1e-12` both converge to the fixed point.
///
/// The sandwich (geepack's `san.se`) is `A^-1 (sum_i U_i U_i') A^-1` at the final estimates
/// with `A = sum_i D_i' V_i^-1 D_i`, `U_i = D_i' V_i^-1 r_i`, `V_i = phi R_i`. Exchangeable
/// `R_i^-1 = (I - c_i 11') / (1 - alpha)` with `c_i = alpha / (1 + (m_i - 1) alpha)`, so the
/// per-cluster sums need only `t_i = sum_j sqrt(v_j) x_j` and `sum_j r_j`: `H = X'VX - T'CT`,
/// no `m_i` x `m_i` matrix is formed. The `p` x `p` products and solves go through
/// LinearAlgebra (`dgemm`, `dsyrk`, Cholesky).
///
/// Clusters are the distinct values of the id. geepack instead takes runs of consecutive
/// equal ids as clusters, so the two agree when the data are sorted by id (as diaries are).
public struct GEEModel: Sendable, Equatable {
  /// The working correlation within a cluster.
  public enum Correlation: String, Sendable, Equatable, Codable {
    /// No correlation: the estimates are glm's, the sandwich is `vcovCL` HC0.
    case independence
    /// One common correlation `alpha` between any two rows of a cluster.
    case exchangeable
  }

  /// The working correlation.
  public var correlation: Correlation
  /// Convergence threshold on the largest absolute parameter change (geepack's 1e-4).
  public var tolerance: Double
  /// Iteration limit (geepack's `maxit = 25`).
  public var maxIterations: Int
  /// Confidence level of the Wald intervals.
  public var confidenceLevel: Double

  /// Creates a configuration; the defaults are geepack's `geese.control()`.
  public init(
    correlation: Correlation = .exchangeable, tolerance: Double = 1e-4,
    maxIterations: Int = 25, confidenceLevel: Double = 0.95
  ) {
    self.correlation = correlation
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.confidenceLevel = confidenceLevel
  }

  /// Fits the GEE to a design with a 0/1 response and clusters.
  ///
  /// - Throws: ``RegressionError`` for a missing or non-binary response, a design without
  ///   clusters, no estimable coefficient, or a singular working information.
  /// - Complexity: O(n p^2) per iteration; memory: the design plus a few length-n vectors
  ///   and two `G` x `p` cluster-sum matrices.
  public func fit(_ design: DesignMatrix) throws -> GEEFit {
    guard let y = design.response else { throw RegressionError.missingResponse }
    if let bad = y.firstIndex(where: { $0 != 0 && $0 != 1 }) {
      throw RegressionError.responseNotBinary(
        source: design.source, line: Int(design.lineNumbers[bad]), value: y[bad])
    }
    guard let clusters = design.clusters else { throw RegressionError.noClusters }
    let n = design.rowCount
    let p = design.columnCount
    guard p > 0 else { throw RegressionError.emptyModel }
    let (aliased, kept, x, crossProduct) = try LogisticModel.estimableColumns(design)
    var diagnostics = aliased.map { FitDiagnostic.aliased(term: design.columnNames[$0]) }
    // GEE's only variance is the sandwich, whose rank is at most the cluster count.
    guard clusters.count >= max(2, kept.count) else {
      throw RegressionError.unsupported(
        "GEE with \(clusters.count) cluster\(clusters.count == 1 ? "" : "s") for "
          + "\(kept.count) parameters (its sandwich variance needs at least 2 clusters and at "
          + "least as many as parameters); use an ordinary logistic model")
    }

    // geeglm's start: the glm estimate (R's glm.control defaults).
    var glm = try IRLS(
      x: x, rows: n, columns: kept.count, y: y, offset: design.offset, mustart: nil,
      maxIterations: 25, tolerance: 1e-8, crossProduct: crossProduct)
    try glm.run()
    var solver = try GEESolver(
      x: x, rows: n, columns: kept.count, y: y, offset: design.offset, clusters: clusters,
      exchangeable: correlation == .exchangeable)
    let outcome = try solver.iterate(
      start: glm.beta, tolerance: tolerance, maxIterations: maxIterations)
    if !outcome.converged {
      diagnostics.append(.didNotConverge(iterations: outcome.iterations))
    }
    let variance = try solver.sandwich(beta: outcome.beta, alpha: outcome.alpha)

    let quantile = normalQuantile(1 - (1 - confidenceLevel) / 2)
    var rows: [CoefficientEstimate] = []
    var slot = 0
    for j in 0..<p {
      let term = design.columnNames[j]
      guard slot < kept.count, kept[slot] == j else {
        rows.append(.aliased(term))
        continue
      }
      let estimate = outcome.beta[slot]
      let se = variance.robust[slot, slot].squareRoot()
      let naive = (outcome.scale * variance.naive[slot, slot]).squareRoot()
      let z = estimate / se
      rows.append(
        CoefficientEstimate(
          term: term, estimate: estimate, standardError: se, modelStandardError: naive, z: z,
          pValue: normalTwoSidedPValue(z), confLow: estimate - quantile * se,
          confHigh: estimate + quantile * se, intervalMethod: .waldRobust))
      slot += 1
    }
    let k = kept.count
    return GEEFit(
      formula: design.formula.text, n: n, droppedRowCount: design.droppedRowCount,
      clusterCount: clusters.count, correlation: correlation, confidenceLevel: confidenceLevel,
      coefficients: rows,
      covariance: (0..<k).map { a in (0..<k).map { b in variance.robust[a, b] } },
      alpha: correlation == .exchangeable ? outcome.alpha : nil, scale: outcome.scale,
      iterations: outcome.iterations, converged: outcome.converged, diagnostics: diagnostics)
  }
}

/// The result of ``GEEModel/fit(_:)``: an immutable value.
public struct GEEFit: Sendable, Equatable, Codable {
  /// The formula as written.
  public let formula: String
  /// Rows used.
  public let n: Int
  /// Rows dropped for missing values.
  public let droppedRowCount: Int
  /// Number of clusters.
  public let clusterCount: Int
  /// The working correlation.
  public let correlation: GEEModel.Correlation
  /// Confidence level of the intervals.
  public let confidenceLevel: Double
  /// One row per design column (aliased ones NA); `standardError` is the sandwich
  /// (geepack's `san.se`), `modelStandardError` the naive `phi A^-1` one.
  public let coefficients: [CoefficientEstimate]
  /// Sandwich covariance of the non-aliased estimates, row-major.
  public let covariance: [[Double]]
  /// The exchangeable working correlation (`nil` for independence).
  public let alpha: Double?
  /// The scale (dispersion) estimate `phi`.
  public let scale: Double
  /// Iterations performed.
  public let iterations: Int
  /// Whether the largest parameter change fell to the tolerance.
  public let converged: Bool
  /// Conditions worth a warning (aliasing, non-convergence).
  public let diagnostics: [FitDiagnostic]
}
