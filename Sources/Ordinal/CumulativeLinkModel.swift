import Distributions
import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A cumulative-link (ordinal regression) model, as MASS::polr.
///
/// `P(Y <= k | x) = F(zeta_k - x'beta)`, `k = 1..q`, `F` logistic (proportional odds) or
/// normal (``CumulativeLink``). Fitted by maximum likelihood with Newton-Raphson (see
/// `newton(_:)`), where polr uses BFGS; both maximise the same likelihood, so the estimates
/// agree to the precision of polr's optimiser (about 1e-5 relative at its default
/// `reltol = 1e-8`; to 1e-8 and better when polr is run to convergence).
///
/// Variance: the inverse of the observed information `-H` at the optimum in `(beta, zeta)`,
/// the quantity polr's `vcov` (with `Hess = TRUE`) estimates by finite differences. With
/// clusters and ``clusterRobust``, the HC0 sandwich `H^-1 (sum_g U_g U_g') H^-1`, `U_g` the
/// sum of cluster `g`'s score contributions (sandwich::vcovCL(type = "HC0",
/// cadjust = FALSE), as `crampstat logit --cluster`).
///
/// Reference: McCullagh, P. (1980) Regression models for ordinal data. JRSS B 42, 109-142;
/// Venables & Ripley (2002) Modern Applied Statistics with S, 7.3.
public struct CumulativeLinkModel: Sendable, Equatable {
  public var link: CumulativeLink
  public var maxIterations: Int
  /// Convergence criterion on the largest Newton step (in polr's parametrization).
  public var tolerance: Double
  public var confidenceLevel: Double
  /// Use the cluster-robust variance when the data have clusters.
  public var clusterRobust: Bool
  /// Compute Brant's test of proportional odds (logit link only).
  public var proportionalOddsTest: Bool

  public init(
    link: CumulativeLink = .logit, maxIterations: Int = 100, tolerance: Double = 1e-10,
    confidenceLevel: Double = 0.95, clusterRobust: Bool = true,
    proportionalOddsTest: Bool = true
  ) {
    self.link = link
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.confidenceLevel = confidenceLevel
    self.clusterRobust = clusterRobust
    self.proportionalOddsTest = proportionalOddsTest
  }

  /// Fits the model.
  ///
  /// Aliased covariates (linearly dependent on the thresholds' constant and earlier
  /// columns, R's `qr` rule) are dropped with a diagnostic, as polr does.
  /// - Throws: ``OrdinalError`` when there is no estimate or no variance.
  /// - Complexity: per iteration `O(n (p + q)^2)` (two `dgemm`), typically 5-10 iterations.
  public func fit(_ input: OrdinalData) throws -> CumulativeLinkFit {
    guard input.levels.count >= 3 else {
      throw OrdinalError.tooFewLevels(column: "response", levels: input.levels)
    }
    var data = input
    var diagnostics: [OrdinalDiagnostic] = []
    try dropAliased(&data, diagnostics: &diagnostics)
    let likelihood = OrdinalLikelihood(data: data, link: link)
    let result = try newton(likelihood)
    if !result.converged { diagnostics.append(.didNotConverge(iterations: result.iterations)) }
    let at = try likelihood.evaluate(
      result.theta, derivatives: true, withScores: clusterRobust && data.clusters != nil)
    guard let hessian = at.hessian else {
      throw OrdinalError.singularInformation(detail: "not finite at the estimate")
    }
    var information = hessian
    for i in information.storage.indices { information.storage[i] = -information.storage[i] }
    let covariance: Matrix
    do {
      covariance = try Cholesky(information).inverse()
    } catch {
      throw OrdinalError.singularInformation(detail: String(describing: error))
    }
    let m = likelihood.parameterCount
    var robust: Matrix?
    var clusterCount: Int?
    if clusterRobust, let clusters = data.clusters, data.clusterCount > 0, let scores = at.scores {
      clusterCount = data.clusterCount
      if data.clusterCount < 2 || data.clusterCount < m {
        diagnostics.append(.tooFewClusters(count: data.clusterCount, parameters: m))
      } else {
        robust = try Self.sandwich(
          covariance: covariance, scores: scores, clusters: clusters, count: data.clusterCount)
      }
    }
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    let thresholdNames = (1..<data.levels.count).map {
      "\(data.levels[$0 - 1])|\(data.levels[$0])"
    }
    let names = data.covariateNames + thresholdNames
    let estimates = names.enumerated().map { j, name in
      let modelSE = covariance[j, j].squareRoot()
      let robustSE = robust.map { $0[j, j].squareRoot() }
      let se = robustSE ?? modelSE
      let value = result.theta[j]
      return CumulativeLinkFit.Estimate(
        term: name, estimate: value, standardError: se, modelStandardError: modelSE,
        robustStandardError: robustSE, z: value / se,
        pValue: Normal.twoSidedPValue(z: value / se), confLow: value - z * se,
        confHigh: value + z * se)
    }
    let p = data.covariates.columns
    let check: ProportionalOddsCheck
    if !proportionalOddsTest {
      check = .notComputed(reason: "not requested")
    } else if link != .logit {
      check = .notComputed(reason: "Brant's test is defined for the logit link")
    } else if p == 0 {
      check = .notComputed(reason: "the model has no covariates")
    } else {
      check = BrantTest.compute(data, model: self)
    }
    let deviance = -2 * result.logLikelihood
    return CumulativeLinkFit(
      link: link, levels: data.levels, unusedLevels: data.unusedLevels,
      coefficients: Array(estimates[0..<p]), thresholds: Array(estimates[p...]),
      logLikelihood: result.logLikelihood, deviance: deviance,
      aic: deviance + 2 * Double(m), n: data.rowCount, totalWeight: data.totalWeight,
      iterations: result.iterations, converged: result.converged,
      variance: robust == nil ? .model : .robust, clusterCount: clusterCount,
      confidenceLevel: confidenceLevel, modelCovariance: covariance,
      robustCovariance: robust, proportionalOdds: check, diagnostics: diagnostics)
  }

  /// `V (sum_g U_g U_g') V` with `U_g` the column sums of cluster `g`'s score rows.
  static func sandwich(
    covariance: Matrix, scores: Matrix, clusters: [Int32], count: Int
  ) throws -> Matrix {
    let (n, m) = (scores.rows, scores.columns)
    // Per-cluster score sums: a grouped sum of rows (rowsum), not a matrix product.
    var sums = Matrix(rows: count, columns: m)
    for j in 0..<m {
      for i in 0..<n {
        sums.storage[Int(clusters[i]) + j * count] += scores.storage[i + j * n]
      }
    }
    let meat = try BLAS.syrk(sums)
    let product = try BLAS.gemm(try BLAS.gemm(covariance, meat), covariance)
    return try product.symmetrized(fromUpper: true)
  }

  /// Drops covariate columns aliased with the constant (the thresholds) or earlier columns.
  func dropAliased(_ data: inout OrdinalData, diagnostics: inout [OrdinalDiagnostic]) throws {
    let (n, p) = (data.rowCount, data.covariates.columns)
    guard p > 0 else { return }
    var withConstant = [Double](repeating: 1, count: n)
    withConstant.append(contentsOf: data.covariates.storage)
    let x = try Matrix(rows: n, columns: p + 1, columnMajor: withConstant)
    let aliased = try PivotedQR.aliasedColumns(x).filter { $0 > 0 }.map { $0 - 1 }
    guard !aliased.isEmpty else { return }
    let kept = (0..<p).filter { !aliased.contains($0) }
    diagnostics.append(.aliased(terms: aliased.map { data.covariateNames[$0] }))
    data.covariates = try data.covariates.selectingColumns(kept)
    data.covariateNames = kept.map { data.covariateNames[$0] }
    var groups: [OrdinalData.TermGroup] = []
    for group in data.termGroups {
      let columns = group.columns.compactMap { kept.firstIndex(of: $0) }
      if !columns.isEmpty { groups.append(.init(name: group.name, columns: columns)) }
    }
    data.termGroups = groups
  }
}
