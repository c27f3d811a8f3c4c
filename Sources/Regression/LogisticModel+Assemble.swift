import Formula
import Foundation
import LinearAlgebra
import Parallelism

extension LogisticModel {
  /// Turns the core estimates into the reported fit: variance choice, coefficient rows,
  /// likelihood summaries, tests and goodness of fit.
  func assemble(
    core: CoreFit, design: DesignMatrix, kept: [Int], y: [Double], variance: Variance,
    diagnostics: [FitDiagnostic]
  ) throws -> LogisticFit {
    try assemble(
      core: core, layout: FitLayout(design), kept: kept, variance: variance,
      diagnostics: diagnostics,
      sandwich: { bread in
        guard let clusters = design.clusters else { return bread }
        return try ClusterRobust.covariance(
          x: design, kept: kept, scoreFactor: core.scoreFactor, clusters: clusters,
          bread: bread)
      },
      outcomes: goodnessOfFit ? y : nil)
  }

  /// The reported fit from the design's shape alone.
  ///
  /// As ``assemble(core:design:kept:y:variance:diagnostics:)``, but `sandwich` turns the model covariance (the bread) into the cluster-robust one, and
  /// `outcomes` (the 0/1 response, or `nil` to skip them) feed AUC and Hosmer-Lemeshow. The
  /// distributed fit, which has no rows, comes in here.
  func assemble(
    core: CoreFit, layout design: FitLayout, kept: [Int], variance: Variance,
    diagnostics: [FitDiagnostic], sandwich: (Matrix) throws -> Matrix, outcomes: [Double]?
  ) throws -> LogisticFit {
    let k = kept.count
    var variance = variance
    var diagnostics = diagnostics
    // A sandwich over fewer clusters than parameters is singular (rank <= clusters), and
    // one cluster gives a zero variance: neither is a standard error to print.
    if variance == .clusterRobust, let clusters = design.clusterCount,
      clusters < 2 || clusters < k
    {
      diagnostics.append(.tooFewClusters(count: clusters, parameters: k))
      variance = .model
    }
    // Under separation a robust SE shrinks with the diverging estimate, so its z would look
    // significant: those terms get no robust z, p or interval.
    let separated = Set(
      diagnostics.flatMap { diagnostic -> [String] in
        if case .separation(let terms) = diagnostic { return terms }
        return []
      })
    let modelCovariance = core.covariance
    var covariance = modelCovariance
    if variance == .clusterRobust {
      covariance = try sandwich(modelCovariance)
    }
    let quantile = normalQuantile(1 - (1 - confidenceLevel) / 2)
    var rows: [CoefficientEstimate] = []
    var slot = 0
    for j in 0..<design.columnCount {
      let term = design.columnNames[j]
      guard slot < k, kept[slot] == j else {
        rows.append(.aliased(term))
        continue
      }
      let estimate = core.beta[slot]
      let modelSE = modelCovariance[slot, slot].squareRoot()
      let se = covariance[slot, slot].squareRoot()
      let z = estimate / se
      if let firth = core.firth {
        rows.append(
          CoefficientEstimate(
            term: term, estimate: estimate, standardError: se, modelStandardError: modelSE,
            z: z, pValue: firth.pValues[slot], confLow: firth.confLow[slot],
            confHigh: firth.confHigh[slot], intervalMethod: .profilePenalizedLikelihood,
            likelihoodRatioStatistic: firth.statistics[slot]))
      } else if let limits = core.profileLimits {
        rows.append(
          CoefficientEstimate(
            term: term, estimate: estimate, standardError: se, modelStandardError: modelSE,
            z: z, pValue: normalTwoSidedPValue(z), confLow: limits.low[slot],
            confHigh: limits.high[slot], intervalMethod: .profileLikelihood))
      } else if variance == .clusterRobust, separated.contains(term) {
        rows.append(
          CoefficientEstimate(
            term: term, estimate: estimate, standardError: se, modelStandardError: modelSE,
            z: nil, pValue: nil, confLow: nil, confHigh: nil, intervalMethod: .waldRobust))
      } else {
        rows.append(
          CoefficientEstimate(
            term: term, estimate: estimate, standardError: se, modelStandardError: modelSE,
            z: z, pValue: normalTwoSidedPValue(z), confLow: estimate - quantile * se,
            confHigh: estimate + quantile * se,
            intervalMethod: variance == .clusterRobust ? .waldRobust : .wald))
      }
      slot += 1
    }

    let n = design.rowCount
    let intercept = design.hasIntercept ? 1 : 0
    var likelihoodRatio: ChiSquaredTest?
    if k - intercept <= 0 {
      likelihoodRatio = nil
    } else if let firth = core.firth {
      likelihoodRatio = ChiSquaredTest(
        statistic: 2 * (firth.penalizedLogLikelihood - firth.nullPenalizedLogLikelihood),
        degreesOfFreedom: k - intercept)
    } else {
      likelihoodRatio = ChiSquaredTest(
        statistic: core.nullDeviance - core.deviance, degreesOfFreedom: k - intercept)
    }
    var auc: AreaUnderCurve?
    var hosmerLemeshow: HosmerLemeshow?
    if let y = outcomes {
      // One sort of each outcome's fitted values serves both (the quantiles are read from
      // the two sorted halves). The two summaries are independent and may run at once.
      let split = Discrimination.sortedByOutcome(y: y, predicted: core.mu)
      let level = confidenceLevel
      (auc, hosmerLemeshow) = Concurrently.pair(
        {
          Discrimination.delongAUC(
            cases: split.cases, controls: split.controls, confidenceLevel: level)
        },
        {
          Discrimination.hosmerLemeshow(
            y: y, predicted: core.mu, sortedCases: split.cases, sortedControls: split.controls,
            groups: 10)
        })
    }
    return LogisticFit(
      formula: design.formulaText, n: n, droppedRowCount: design.droppedRowCount,
      droppedByVariable: design.droppedByVariable,
      clusterCount: variance == .clusterRobust ? design.clusterCount : nil,
      variance: variance == .clusterRobust ? .robust : .model, isFirth: firth,
      confidenceLevel: confidenceLevel, coefficients: rows,
      covariance: (0..<k).map { a in (0..<k).map { b in covariance[a, b] } },
      logLikelihood: -core.deviance / 2, nullLogLikelihood: -core.nullDeviance / 2,
      deviance: core.deviance, nullDeviance: core.nullDeviance,
      aic: core.deviance + 2 * Double(k), dfResidual: n - k, dfNull: n - intercept, rank: k,
      iterations: core.iterations, converged: core.converged,
      likelihoodRatio: likelihoodRatio,
      penalizedLogLikelihood: core.firth?.penalizedLogLikelihood, auc: auc,
      hosmerLemeshow: hosmerLemeshow, diagnostics: diagnostics)
  }
}

/// The cluster-robust sandwich covariance.
enum ClusterRobust {
  /// `B (sum_g U_g U_g') B` with `B` the model (unscaled) covariance and `U_g` the sum over
  /// cluster `g` of the score contributions `x_i f_i`.
  ///
  /// This is `sandwich::vcovCL(fit, cluster, type = "HC0", cadjust = FALSE)`: vcovCL's bread
  /// is `n B` and its meat `(1/n) sum_g U_g U_g'`, so the `n`s cancel. The per-cluster sums
  /// are a scatter-add into a `G` x `p` matrix `S`; the meat is `S'S` (`dsyrk`) and the two
  /// products with `B` are `dgemm`.
  static func covariance(
    x design: DesignMatrix, kept: [Int], scoreFactor: [Double], clusters: Grouping,
    bread: Matrix
  ) throws -> Matrix {
    let meat = try meat(x: design, kept: kept, scoreFactor: scoreFactor, clusters: clusters)
    return try BLAS.gemm(BLAS.gemm(bread, meat), bread)
  }

  /// The meat `sum_g U_g U_g'` (kept x kept) of ``covariance(x:kept:scoreFactor:clusters:bread:)``.
  static func meat(
    x design: DesignMatrix, kept: [Int], scoreFactor: [Double], clusters: Grouping
  ) throws -> Matrix {
    let n = design.rowCount
    let g = clusters.count
    let p = kept.count
    // Per-chunk sums over a fixed row partition (in parallel), added in chunk order. Each
    // chunk holds a G x p matrix: with many small clusters that would cost more memory than
    // the design, so the sums then stay in one chunk.
    let partition = RowPartition(rows: n, maximumChunks: g * 64 <= n ? 8 : 1)
    var partial = [[Double]](repeating: [], count: partition.chunks.count)
    partial.withUnsafeMutableBufferPointer { slots in
      design.values.withUnsafeBufferPointer { x in
        scoreFactor.withUnsafeBufferPointer { f in
          clusters.codes.withUnsafeBufferPointer { codes in
            partition.forEachChunk { chunk, range in
              var s = [Double](repeating: 0, count: g * p)
              for (slot, j) in kept.enumerated() {
                let column = j * n
                let target = slot * g
                for i in range {
                  s[target + Int(codes[i])] += x[column + i] * f[i]
                }
              }
              slots[chunk] = s
            }
          }
        }
      }
    }
    var sums = Matrix(rows: g, columns: p)
    sums.withUnsafeMutableBufferPointer { s in
      for chunk in partial {
        for index in chunk.indices { s[index] += chunk[index] }
      }
    }
    return try BLAS.syrk(sums)
  }
}

/// What the reported fit needs to know of its design besides the estimates: names, counts
/// and the intercept.
struct FitLayout {
  var formulaText: String
  var columnNames: [String]
  var hasIntercept: Bool
  var rowCount: Int
  var droppedRowCount: Int
  var droppedByVariable: [String: Int]
  /// Number of clusters, `nil` when the design has none.
  var clusterCount: Int?

  var columnCount: Int { columnNames.count }

  init(
    formulaText: String, columnNames: [String], hasIntercept: Bool, rowCount: Int,
    droppedRowCount: Int, droppedByVariable: [String: Int], clusterCount: Int?
  ) {
    self.formulaText = formulaText
    self.columnNames = columnNames
    self.hasIntercept = hasIntercept
    self.rowCount = rowCount
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
    self.clusterCount = clusterCount
  }

  init(_ design: DesignMatrix) {
    self.init(
      formulaText: design.formula.text, columnNames: design.columnNames,
      hasIntercept: design.hasIntercept, rowCount: design.rowCount,
      droppedRowCount: design.droppedRowCount, droppedByVariable: design.droppedByVariable,
      clusterCount: design.clusters?.count)
  }
}
