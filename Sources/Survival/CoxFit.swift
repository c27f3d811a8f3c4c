import Distributions
import Foundation
import LinearAlgebra

/// A fitted Cox model: coefficients, tests and what is needed for residuals and prediction.
///
/// A fit made from partial statistics (``DistributedCox``) keeps no rows: its residuals,
/// concordance, prediction and proportional-hazards test see an empty data set.
public struct CoxFit: Sendable {
  /// One row of the coefficient table (`nil` estimates are aliased terms, shown as NA).
  public struct Coefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double?
    /// The standard error used for z, p and the interval: robust when clustered, as R does.
    public let standardError: Double?
    /// The model-based (inverse information) standard error, R's `se(coef)`.
    public let modelStandardError: Double?
    /// The robust sandwich standard error, R's `robust se`, when a cluster was given.
    public let robustStandardError: Double?
    public let z: Double?
    public let pValue: Double?
    public let confidenceLow: Double?
    public let confidenceHigh: Double?
    /// `exp(estimate)`, the hazard ratio.
    public var hazardRatio: Double? { estimate.map { exp($0) } }
    public var hazardRatioLow: Double? { confidenceLow.map { exp($0) } }
    public var hazardRatioHigh: Double? { confidenceHigh.map { exp($0) } }
  }

  /// A chi-squared test: statistic, degrees of freedom and upper-tail p-value.
  public struct Test: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double

    init(statistic: Double, degreesOfFreedom: Int) {
      self.statistic = statistic
      self.degreesOfFreedom = degreesOfFreedom
      pValue =
        degreesOfFreedom > 0
        ? ChiSquared.survival(statistic, degreesOfFreedom: Double(degreesOfFreedom)) : .nan
    }
  }

  /// Something worth a warning about a fit that still exists.
  public enum Diagnostic: Sendable, Equatable {
    /// The term is a linear combination of earlier terms (or constant): estimate NA.
    case aliased(term: String)
    /// Newton-Raphson ran out of iterations.
    case didNotConverge(iterations: Int)
    /// R's "Loglik converged before variable ...; coefficient may be infinite" (monotone
    /// likelihood, e.g. no events in one group).
    case coefficientMayBeInfinite(term: String)
    /// Fewer clusters than 2 or than the coefficients: the sandwich would be singular (its
    /// rank is at most the cluster count), so the model-based variance is used instead.
    case tooFewClusters(count: Int, parameters: Int)
  }

  public let ties: CoxModel.Ties
  public let coefficients: [Coefficient]
  /// Null (beta = 0) and final partial log-likelihoods.
  public let nullLogLikelihood: Double
  public let logLikelihood: Double
  public let likelihoodRatioTest: Test
  /// Wald test (robust variance when clustered, as R).
  public let waldTest: Test
  /// Score (log-rank) test at beta = 0.
  public let scoreTest: Test
  /// Number of rows used.
  public let count: Int
  /// Number of event rows (unweighted, as R's `nevent`).
  public let eventCount: Int
  /// Number of clusters (R's `n.id`-like subject count), or `nil` without a cluster.
  public let clusterCount: Int?
  public let iterations: Int
  public let converged: Bool
  /// Names of the estimable (non-aliased) terms, the index set of the matrices below.
  public let estimableTerms: [String]
  /// Variance used for inference (robust when clustered), over `estimableTerms`.
  public let variance: Matrix
  /// Inverse information at the estimate, over `estimableTerms`.
  public let modelVariance: Matrix
  public let diagnostics: [Diagnostic]

  // Internal state for residuals, diagnostics and prediction.
  let beta: [Double]
  let keptColumns: [Int]
  let data: RiskSetData
  let rowTerms: CoxRowTerms
  let response: SurvivalResponse
  /// The design as given (`n` x columns), or 0 x 0 when the fit was made without retaining it.
  let originalDesign: Matrix
  let finalInformation: Matrix
  let finalScore: [Double]
  /// Cluster codes `0..<k` per sweep position (row `data.byStop[k]`), for the robust variance,
  /// the robust score test and the clustered concordance, or `nil`.
  let sweepClusters: [Int]?

  /// What a fit keeps of its rows for residuals, concordance, prediction and the PH test.
  ///
  /// A fit from partial statistics (``DistributedCox``) has none: every row-level member then
  /// sees zero rows (empty residuals, no concordance pairs).
  struct RowState {
    var data: RiskSetData
    var terms: CoxRowTerms
    var response: SurvivalResponse
    var design: Matrix
    var sweepClusters: [Int]?

    /// The state of a fit without rows, over `p` columns.
    static func none(columns p: Int) throws -> RowState {
      RowState(
        data: RiskSetData(noRowsWithColumns: p),
        terms: CoxRowTerms(
          linearPredictor: [], hazard: [], risk: [], scoreResiduals: [], clusterScores: [],
          schoenfeld: [], eventRows: []),
        response: try SurvivalResponse(stop: [], event: []), design: Matrix(rows: 0, columns: 0),
        sweepClusters: nil)
    }
  }

  /// The Newton driver's outcome and the final evaluation, wherever they were computed (in
  /// memory, or pass by pass from partial statistics).
  struct Summary {
    var beta: [Double]
    var initialLogLikelihood: Double
    var scoreTest: Double
    var iterations: Int
    var converged: Bool
    /// Log-likelihood, score and information at `beta`.
    var evaluation: CoxEvaluation
    /// Largest `x_i'beta + offset_i` over the rows (the monotone-likelihood check).
    var maxLinearPredictor: Double
    /// Rows used and event rows (unweighted).
    var count: Int
    var eventCount: Int
    var countingProcess: Bool
  }

  /// Builds the result from the Newton state: residual pass, variances, tests, diagnostics.
  static func assemble(
    model: CoxModel, newton: inout CoxModel.NewtonResult, kernel: inout RiskSetKernel,
    data: RiskSetData, response: SurvivalResponse, x: Matrix, kept: [Int], aliased: Set<Int>,
    termNames: [String], cluster: [Int]?
  ) throws -> CoxFit {
    var clusterCount: Int?
    var sweepClusters: [Int]?
    // The residual pass sums the robust variance's weighted score residuals within clusters on
    // the fly; the n x p score residuals themselves are recomputed only if asked for.
    var scores = RiskSetKernel.ScoreOutput(full: false)
    if let cluster {
      let codes = try RiskSetData.stratumCodes(cluster, count: data.count)
      clusterCount = codes.levels.count
      sweepClusters = data.byStop.map { codes.codes[$0] }
      scores.clusters = sweepClusters
      scores.clusterCount = codes.levels.count
    }
    let (evaluation, terms) = try kernel.evaluateWithResiduals(newton.beta, scores: scores)
    let summary = Summary(
      beta: newton.beta, initialLogLikelihood: newton.initialLogLikelihood,
      scoreTest: newton.scoreTest, iterations: newton.iterations, converged: newton.converged,
      evaluation: evaluation, maxLinearPredictor: terms.linearPredictor.max() ?? 0,
      count: data.count, eventCount: data.event.reduce(0) { $0 + ($1 ? 1 : 0) },
      countingProcess: response.isCountingProcess)
    let rows = RowState(
      data: data, terms: terms, response: response, design: x, sweepClusters: sweepClusters)
    return try make(
      model: model, summary: summary, kept: kept, aliased: aliased, termNames: termNames,
      clusterCount: clusterCount,
      sandwich: { modelVariance, clusterCount in
        try robustVariance(
          clusterScores: terms.clusterScores, clusterCount: clusterCount,
          modelVariance: modelVariance)
      }, rows: rows)
  }

  /// Variances, coefficient table, tests and diagnostics from a Newton outcome: the one path
  /// both the in-memory fit and ``DistributedCox`` take.
  ///
  /// - Parameters:
  ///   - clusterCount: clusters of the robust variance, or `nil` for the model variance.
  ///   - sandwich: the robust variance from the model variance `V` and the cluster count
  ///     (`V (sum_g U_g U_g') V`); called only with at least 2 clusters and `p` of them.
  static func make(
    model: CoxModel, summary: Summary, kept: [Int], aliased: Set<Int>, termNames: [String],
    clusterCount: Int?, sandwich: (Matrix, Int) throws -> Matrix, rows: RowState
  ) throws -> CoxFit {
    let p = kept.count
    var clusterCount = clusterCount
    var rows = rows
    let evaluation = summary.evaluation
    let information = evaluation.information
    var modelVariance = Matrix(rows: p, columns: p)
    if p > 0 {
      modelVariance = try Cholesky(information).inverse()
    }
    var variance = modelVariance
    var clusterWarning: Diagnostic?
    if let count = clusterCount, p > 0, count < 2 || count < p {
      clusterWarning = .tooFewClusters(count: count, parameters: p)
      clusterCount = nil
      rows.sweepClusters = nil
    }
    if let clusterCount, p > 0 {
      variance = try sandwich(modelVariance, clusterCount)
    }

    let z = Normal.quantile(1 - (1 - model.confidenceLevel) / 2)
    var table = [Coefficient]()
    var local = 0
    for (column, name) in termNames.enumerated() {
      if aliased.contains(column) {
        table.append(
          Coefficient(
            term: name, estimate: nil, standardError: nil, modelStandardError: nil,
            robustStandardError: nil, z: nil, pValue: nil, confidenceLow: nil,
            confidenceHigh: nil))
        continue
      }
      let b = summary.beta[local]
      let modelSE = modelVariance[local, local].squareRoot()
      let se = variance[local, local].squareRoot()
      let statistic = b / se
      table.append(
        Coefficient(
          term: name, estimate: b, standardError: se, modelStandardError: modelSE,
          robustStandardError: clusterCount == nil ? nil : se, z: statistic,
          pValue: Normal.twoSidedPValue(z: statistic), confidenceLow: b - z * se,
          confidenceHigh: b + z * se))
      local += 1
    }

    var wald = 0.0
    if p > 0, let factor = try? Cholesky(variance) {
      let solved = try factor.solve(summary.beta)
      for j in 0..<p { wald += solved[j] * summary.beta[j] }
    }

    var diagnostics = [Diagnostic]()
    if let clusterWarning { diagnostics.append(clusterWarning) }
    for column in aliased.sorted() { diagnostics.append(.aliased(term: termNames[column])) }
    if p > 0 && model.maxIterations > 1 {
      let keptNames = kept.map { termNames[$0] }
      if !summary.converged {
        diagnostics.append(.didNotConverge(iterations: summary.iterations))
        if summary.maxLinearPredictor > 500 {
          for name in keptNames { diagnostics.append(.coefficientMayBeInfinite(term: name)) }
        }
      } else {
        // R: infs = |u V|; coxph.fit flags it when it is not negligible against both eps and
        // toler.inf * |b|, agreg.fit (counting process) against toler.inf * (1 + |b|).
        let tolerInf = model.tolerance.squareRoot()
        let step = try BLAS.gemv(modelVariance, evaluation.score.map { $0.isFinite ? $0 : 0 })
        for j in 0..<p {
          let infs = abs(step[j])
          let large =
            summary.countingProcess
            ? infs > tolerInf * (1 + abs(summary.beta[j]))
            : infs > model.tolerance && infs > tolerInf * abs(summary.beta[j])
          if !evaluation.score[j].isFinite || large {
            diagnostics.append(.coefficientMayBeInfinite(term: keptNames[j]))
          }
        }
      }
    }
    return CoxFit(
      ties: model.ties, coefficients: table, nullLogLikelihood: summary.initialLogLikelihood,
      logLikelihood: evaluation.logLikelihood,
      likelihoodRatioTest: Test(
        statistic: 2 * (evaluation.logLikelihood - summary.initialLogLikelihood),
        degreesOfFreedom: p),
      waldTest: Test(statistic: wald, degreesOfFreedom: p),
      scoreTest: Test(statistic: summary.scoreTest, degreesOfFreedom: p), count: summary.count,
      eventCount: summary.eventCount, clusterCount: clusterCount,
      iterations: summary.iterations, converged: summary.converged,
      estimableTerms: kept.map { termNames[$0] }, variance: variance,
      modelVariance: modelVariance, diagnostics: diagnostics, beta: summary.beta,
      keptColumns: kept, data: rows.data, rowTerms: rows.terms, response: rows.response,
      originalDesign: rows.design, finalInformation: information, finalScore: evaluation.score,
      sweepClusters: rows.sweepClusters)
  }

  /// R's robust variance for `cluster(id)`: the weighted score residuals summed within clusters
  /// (`clusterCount` x `p`, row-major) times the model variance give the dfbeta `D`; then `D'D`.
  static func robustVariance(
    clusterScores: [Double], clusterCount: Int, modelVariance: Matrix
  ) throws -> Matrix {
    let dfbeta = try BLAS.gemm(
      clusterMatrix(clusterScores, clusterCount: clusterCount, columns: modelVariance.rows),
      modelVariance)
    return try BLAS.syrk(dfbeta)
  }

  /// Row-major cluster sums as a column-major `Matrix`.
  static func clusterMatrix(_ sums: [Double], clusterCount k: Int, columns p: Int) -> Matrix {
    var matrix = Matrix(rows: k, columns: p)
    for c in 0..<k {
      for j in 0..<p { matrix.storage[c + j * k] = sums[c * p + j] }
    }
    return matrix
  }
}
