import Formula
import Foundation
import LinearAlgebra

/// Logistic regression (binomial GLM with logit link) fitted as R's `glm.fit` does.
///
/// ```swift
/// let design = try DesignMatrix.build(formula, table: table)
/// let fit = try LogisticModel().fit(design, variance: .clusterRobust)
/// ```
///
/// The model is configuration; ``fit(_:variance:)`` is a function of the design and returns
/// an immutable ``LogisticFit``.
public struct LogisticModel: Sendable, Equatable {
  /// Which variance the standard errors, z, p and intervals use.
  public enum Variance: Sendable, Equatable {
    /// Inverse information (R's `vcov(glm)`).
    case model
    /// Cluster-robust sandwich over the design's clusters, HC0 without small-sample factor:
    /// `sandwich::vcovCL(fit, cluster = ~id, type = "HC0", cadjust = FALSE)`.
    case clusterRobust
  }

  /// How the coefficient confidence intervals of an ordinary (non-Firth) fit are computed.
  public enum ConfidenceIntervals: String, Sendable, Equatable, Codable {
    /// `estimate -/+ z * standardError` (model or cluster-robust SE).
    case wald
    /// Exact profile-likelihood limits (R's `confint(glm)` up to its spline interpolation;
    /// see ``IntervalMethod/profileLikelihood``).
    case profile
  }

  /// IRLS iteration limit (R's `glm.control(maxit = 25)`).
  public var maxIterations: Int
  /// Convergence threshold on `|dev - devold| / (|dev| + 0.1)` (R's `epsilon = 1e-8`).
  public var tolerance: Double
  /// Confidence level of the intervals.
  public var confidenceLevel: Double
  /// Fit Firth's penalized likelihood instead of maximum likelihood.
  public var firth: Bool
  /// Compute AUC (DeLong) and Hosmer-Lemeshow; they sort the fitted values, O(n log n).
  public var goodnessOfFit: Bool
  /// Wald or profile-likelihood intervals; ignored by Firth fits, whose intervals are always
  /// profile penalized likelihood.
  public var confidenceIntervals: ConfidenceIntervals

  /// Creates a model configuration; the defaults are R's.
  public init(
    maxIterations: Int = 25, tolerance: Double = 1e-8, confidenceLevel: Double = 0.95,
    firth: Bool = false, goodnessOfFit: Bool = true,
    confidenceIntervals: ConfidenceIntervals = .wald
  ) {
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.confidenceLevel = confidenceLevel
    self.firth = firth
    self.goodnessOfFit = goodnessOfFit
    self.confidenceIntervals = confidenceIntervals
  }

  /// Fits the model to a design matrix.
  ///
  /// Maximum likelihood by IRLS, following `glm.fit`: start from `mu = (y + 0.5) / 2`; each
  /// iteration accumulates `X'WX` and `X'Wz` over blocks of 4096 rows (BLAS `dsyrk`/`dgemv`),
  /// solves with a Cholesky factorisation, and stops when
  /// `|dev - devold| / (|dev| + 0.1) < tolerance`. Unlike `glm.fit` the step is halved when
  /// the deviance rises (from iteration 2 on); on ordinary data the deviance falls at every
  /// step and the iterates are R's. Standard errors come from the last `X'WX` solved (R's
  /// `summary.glm` uses the same one). Columns aliased by R's `dqrdc2` rule (tolerance
  /// `1e-11` as glm.fit) are dropped and reported NA.
  ///
  /// - Parameters:
  ///   - design: a design with a 0/1 response.
  ///   - variance: model-based or cluster-robust standard errors.
  /// - Returns: the fit with coefficients, likelihoods, tests, AUC, Hosmer-Lemeshow and
  ///   diagnostics (non-convergence, aliasing, separation).
  /// - Throws: ``RegressionError`` when there is no response, it is not binary, clusters are
  ///   missing for `.clusterRobust`, no coefficient is estimable, or profile intervals are
  ///   asked for with the cluster-robust variance (the likelihood ignores the clustering).
  /// - Complexity: O(n p^2) per iteration; memory: the design plus two length-n vectors
  ///   (four with `.clusterRobust`), and three more for a moment for AUC/Hosmer-Lemeshow.
  public func fit(_ design: DesignMatrix, variance: Variance = .model) throws -> LogisticFit {
    guard let y = design.response else { throw RegressionError.missingResponse }
    if let bad = y.firstIndex(where: { $0 != 0 && $0 != 1 }) {
      throw RegressionError.responseNotBinary(
        source: design.source, line: Int(design.lineNumbers[bad]), value: y[bad])
    }
    if variance == .clusterRobust, design.clusters == nil { throw RegressionError.noClusters }
    if variance == .clusterRobust, firth {
      throw RegressionError.unsupported("cluster-robust variance with Firth's penalized fit")
    }
    if variance == .clusterRobust, confidenceIntervals == .profile, !firth {
      throw RegressionError.unsupported(
        "profile-likelihood intervals with cluster-robust variance (use Wald intervals)")
    }
    let n = design.rowCount
    let p = design.columnCount
    guard p > 0 else { throw RegressionError.emptyModel }

    let (aliased, kept, x, crossProduct) = try Self.estimableColumns(design)
    var diagnostics = aliased.map { FitDiagnostic.aliased(term: design.columnNames[$0]) }

    var core: CoreFit
    if firth {
      core = try FirthFitter(
        x: x, rows: n, columns: kept.count, y: y, offset: design.offset,
        hasIntercept: design.hasIntercept && kept.first == 0,
        maxIterations: max(maxIterations, 100), confidenceLevel: confidenceLevel
      ).fit()
    } else {
      core = try maximumLikelihood(
        x: x, rows: n, columns: kept.count, y: y, design: design, crossProduct: crossProduct,
        scoreFactors: variance == .clusterRobust)
      if confidenceIntervals == .profile {
        let profile = ProfileLikelihood(x: x, n: n, p: kept.count, y: y, offset: design.offset)
        var limits = try profile.limits(
          mu: core.mu,
          standardErrors: (0..<kept.count).map { core.covariance[$0, $0].squareRoot() },
          level: confidenceLevel)
        // Never an interval that excludes its estimate: a root on the wrong side of the
        // reported estimate (a diverging fit's estimate is no optimum) is an open side.
        for j in 0..<kept.count {
          if let l = limits.low[j], !(l <= core.beta[j]) { limits.low[j] = -.infinity }
          if let h = limits.high[j], !(h >= core.beta[j]) { limits.high[j] = .infinity }
        }
        core.profileLimits = limits
        let open = (0..<kept.count).filter {
          limits.low[$0]?.isInfinite == true || limits.high[$0]?.isInfinite == true
        }
        if !open.isEmpty {
          diagnostics.append(.openProfileInterval(terms: open.map { design.columnNames[kept[$0]] }))
        }
      }
    }
    diagnostics += core.diagnostics.map { diagnostic in
      if case .separation(let indices) = diagnostic.kind {
        return .separation(terms: indices.map { design.columnNames[kept[$0]] })
      }
      return diagnostic.value
    }
    return try assemble(
      core: core, design: design, kept: kept, y: y, variance: variance,
      diagnostics: diagnostics)
  }
}

// MARK: - Internal pieces shared by ML and Firth

/// The model-independent outcome of a fit on the kept columns.
struct CoreFit {
  var beta: [Double]
  /// Inverse information (unscaled covariance) on the kept columns.
  var covariance: Matrix
  var mu: [Double]
  /// Per-row score factor `w_i (y_i - mu_i) / mu.eta_i` for the sandwich (R's estfun/x);
  /// empty when the fit was not asked for it (only the cluster-robust variance uses it).
  var scoreFactor: [Double]
  var deviance: Double
  var nullDeviance: Double
  var iterations: Int
  var converged: Bool
  var diagnostics: [CoreDiagnostic]
  /// Firth: per-coefficient profile intervals, LR p-values, penalized log-likelihood and
  /// the penalized LR test against the null.
  var firth: FirthExtras?
  /// Exact profile-likelihood limits (ordinary fits with `.profile` intervals).
  var profileLimits: (low: [Double?], high: [Double?])? = nil
}

struct FirthExtras {
  var confLow: [Double]
  var confHigh: [Double]
  var pValues: [Double]
  /// The penalized likelihood-ratio statistics behind ``pValues``.
  var statistics: [Double]
  var penalizedLogLikelihood: Double
  var nullPenalizedLogLikelihood: Double
}

/// A diagnostic whose terms are still column indices of the kept design.
struct CoreDiagnostic {
  enum Kind {
    case separation([Int])
    case other
  }
  var kind: Kind
  var value: FitDiagnostic
}

extension LogisticModel {
  /// The aliased columns of `design`, the kept ones, the kept columns' values
  /// (column-major, `n` x kept) and their cross product `X'X` (kept x kept).
  ///
  /// Without aliasing the design is used in place; otherwise a compact copy of the kept
  /// columns is made (aliasing is rare and usually on small data). Shared by the logistic
  /// and GEE fits; the IRLS start reuses `X'X` (its first weights are constant).
  /// - Throws: ``RegressionError/emptyModel`` when no column is estimable.
  static func estimableColumns(_ design: DesignMatrix) throws -> (
    aliased: [Int], kept: [Int], x: [Double], crossProduct: Matrix
  ) {
    let (aliased, full) = try aliasedColumns(design)
    let kept = (0..<design.columnCount).filter { !aliased.contains($0) }
    guard !kept.isEmpty else { throw RegressionError.emptyModel }
    if aliased.isEmpty { return (aliased, kept, design.values, full) }
    var compact = [Double]()
    compact.reserveCapacity(design.rowCount * kept.count)
    for j in kept { compact.append(contentsOf: design.column(j)) }
    var crossProduct = Matrix(rows: kept.count, columns: kept.count)
    for (a, j) in kept.enumerated() {
      for (b, k) in kept.enumerated() { crossProduct[a, b] = full[j, k] }
    }
    return (aliased, kept, compact, crossProduct)
  }

  /// The columns R's glm would alias, and the design's `X'X`.
  ///
  /// Fast path: one pass for `X'X` (in parallel over a ``RowPartition``) and a Cholesky
  /// factorisation. Its diagonal `R[j, j]` is the norm of what is left of column `j` after
  /// projecting out the earlier columns, the very quantity `dqrdc2` compares with
  /// `1e-11 * ||x_j||`. When every ratio exceeds `1e-6` (far above the rounding of the normal
  /// equations) no column can be aliased and the QR is skipped; otherwise
  /// ``PivotedQR/aliasedColumns(_:tolerance:)`` decides exactly.
  static func aliasedColumns(_ design: DesignMatrix) throws -> (
    aliased: [Int], crossProduct: Matrix
  ) {
    let n = design.rowCount
    let p = design.columnCount
    let accumulator = try design.values.withUnsafeBufferPointer { x in
      try CrossProductAccumulator.crossProduct(ofDesign: x, rows: n, columns: p)
    }
    let crossProduct = accumulator.crossProduct()
    if let factor = try? Cholesky(crossProduct) {
      let clear = (0..<p).allSatisfy { j in
        factor.factor[j, j] > 1e-6 * crossProduct[j, j].squareRoot()
      }
      if clear { return ([], crossProduct) }
    }
    let matrix = try Matrix(rows: n, columns: p, columnMajor: design.values)
    return (try PivotedQR.aliasedColumns(matrix, tolerance: 1e-11), crossProduct)
  }

  /// Rows per block of the cross-product accumulation (about 320 KB per block at p = 10).
  static let blockRows = 4096

  private func maximumLikelihood(
    x: [Double], rows n: Int, columns p: Int, y: [Double], design: DesignMatrix,
    crossProduct: Matrix, scoreFactors: Bool
  ) throws -> CoreFit {
    var irls = try IRLS(
      x: x, rows: n, columns: p, y: y, offset: design.offset, mustart: nil,
      maxIterations: maxIterations, tolerance: tolerance, retainsWeights: scoreFactors,
      crossProduct: crossProduct)
    try irls.run()
    var diagnostics: [CoreDiagnostic] = []
    if !irls.converged {
      diagnostics.append(
        CoreDiagnostic(kind: .other, value: .didNotConverge(iterations: irls.iterations)))
    }
    // R's glm.fit warning threshold.
    let eps = 10 * Double.ulpOfOne
    let extreme = irls.mu.reduce(0) { $0 + (($1 > 1 - eps || $1 < eps) ? 1 : 0) }
    if extreme > 0 {
      diagnostics.append(
        CoreDiagnostic(kind: .other, value: .fittedProbabilitiesZeroOrOne(count: extreme)))
    }
    let diverging = irls.divergingCoefficients()
    if !diverging.isEmpty {
      diagnostics.append(
        CoreDiagnostic(kind: .separation(diverging), value: .separation(terms: [])))
    }

    // Null deviance as glm(): mean(y) with an intercept; with an offset and an intercept, an
    // intercept-only refit started from the full fit's fitted values.
    var nullDeviance: Double
    let hasIntercept = design.hasIntercept
    if hasIntercept, let offset = design.offset {
      var null = try IRLS(
        x: [Double](repeating: 1, count: n), rows: n, columns: 1, y: y, offset: offset,
        mustart: irls.mu, maxIterations: maxIterations, tolerance: tolerance)
      try null.run()
      nullDeviance = null.deviance
      if !null.converged {
        diagnostics.append(CoreDiagnostic(kind: .other, value: .nullModelDidNotConverge))
      }
    } else {
      nullDeviance = 0
      let events = y.reduce(0, +)
      let mean = events / Double(n)
      if hasIntercept {
        // n identical terms per outcome: two logs instead of n.
        nullDeviance =
          events * Logit.devianceResidual(y: 1, mu: mean)
          + (Double(n) - events) * Logit.devianceResidual(y: 0, mu: mean)
      } else {
        for i in 0..<n {
          nullDeviance += Logit.devianceResidual(
            y: y[i], mu: Logit.inverse(design.offset?[i] ?? 0))
        }
      }
    }
    return CoreFit(
      beta: irls.beta, covariance: try irls.information().inverse(), mu: irls.mu,
      scoreFactor: scoreFactors ? irls.scoreFactors() : [], deviance: irls.deviance,
      nullDeviance: nullDeviance,
      iterations: irls.iterations, converged: irls.converged, diagnostics: diagnostics,
      firth: nil)
  }
}
