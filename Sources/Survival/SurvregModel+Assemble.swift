import Distributions
import Foundation
import LinearAlgebra

extension SurvregModel {
  /// Builds the result from the Newton state: variances (robust with a cluster), the table,
  /// the likelihood-ratio test and the diagnostics.
  func assemble(
    result: NewtonResult, likelihood: SurvregLikelihood, kept: [Int], aliased: [Int],
    columnNames: [String], strataLabels: [String], cluster: [Int]?, logLikelihood: Double,
    nullLogLikelihood: Double, count: Int, events: Int
  ) throws -> SurvregFit {
    let p = kept.count
    let scales = likelihood.scaleCount
    let q = p + scales
    guard let factor = try? Cholesky(result.information) else {
      throw SurvregError.singularInformation
    }
    let modelVariance = try factor.inverse()
    var variance = modelVariance
    var clusterCount: Int?
    var diagnostics: [SurvregFit.Diagnostic] = aliased.map { .aliased(term: columnNames[$0]) }
    if !result.converged { diagnostics.append(.didNotConverge(iterations: result.iterations)) }
    if let cluster {
      let (meat, k) = try Self.clusteredScoreCrossProduct(likelihood, cluster: cluster)
      clusterCount = k
      variance = try BLAS.gemm(BLAS.gemm(modelVariance, meat), modelVariance)
      if k < 2 || k < q { diagnostics.append(.fewClusters(count: k, parameters: q)) }
    }
    let zCritical = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    func row(_ term: String, _ index: Int?) -> SurvregFit.Coefficient {
      guard let index else {
        return SurvregFit.Coefficient(
          term: term, estimate: nil, standardError: nil, modelStandardError: nil,
          robustStandardError: nil, z: nil, pValue: nil, confidenceLow: nil,
          confidenceHigh: nil)
      }
      let estimate = result.parameters[index]
      let modelSE = modelVariance[index, index].squareRoot()
      let se = variance[index, index].squareRoot()
      let z = estimate / se
      return SurvregFit.Coefficient(
        term: term, estimate: estimate, standardError: se, modelStandardError: modelSE,
        robustStandardError: cluster == nil ? nil : se, z: z,
        pValue: Normal.twoSidedPValue(z: z), confidenceLow: estimate - zCritical * se,
        confidenceHigh: estimate + zCritical * se)
    }
    var position = 0
    var coefficients: [SurvregFit.Coefficient] = []
    for (j, name) in columnNames.enumerated() {
      if aliased.contains(j) {
        coefficients.append(row(name, nil))
      } else {
        coefficients.append(row(name, position))
        position += 1
      }
    }
    let scaleNames =
      scales == 1 ? ["Log(scale)"] : strataLabels.map { $0 }
    let logScales = (0..<scales).map { row(scaleNames[$0], p + $0) }
    let logScaleValues =
      scales == 0
      ? [log(distribution.fixedScale ?? 1)] : Array(result.parameters[p..<q])
    return SurvregFit(
      distribution: distribution, coefficients: coefficients, logScales: logScales,
      scales: logScaleValues.map { exp($0) }, strataLabels: scales > 1 ? strataLabels : [],
      logLikelihood: logLikelihood, nullLogLikelihood: nullLogLikelihood,
      likelihoodRatioTest: SurvregFit.Test(
        statistic: 2 * (logLikelihood - nullLogLikelihood), degreesOfFreedom: p - 1),
      iterations: result.iterations, converged: result.converged, count: count,
      eventCount: events, clusterCount: clusterCount, confidenceLevel: confidenceLevel,
      parameterNames: kept.map { columnNames[$0] } + scaleNames, variance: variance,
      modelVariance: modelVariance, diagnostics: diagnostics, keptColumns: kept,
      beta: Array(result.parameters[0..<p]), logScaleValues: logScaleValues,
      columnCount: columnNames.count)
  }

  /// `U'U`, where row `c` of `U` sums the score rows `(x_i dg_i, dg_i/dlog sigma_s)` of
  /// cluster `c` (weights included), and the number of clusters.
  ///
  /// The scores come from the likelihood's last full evaluation, which is at the estimate.
  static func clusteredScoreCrossProduct(
    _ likelihood: SurvregLikelihood, cluster: [Int]
  ) throws -> (Matrix, Int) {
    let p = likelihood.covariateCount
    let scales = likelihood.scaleCount
    let q = p + scales
    let n = likelihood.rowCount
    // Dense cluster codes in order of first appearance.
    var dense: [Int: Int] = [:]
    var codes = [Int](repeating: 0, count: n)
    for i in 0..<n {
      if let c = dense[cluster[i]] {
        codes[i] = c
      } else {
        codes[i] = dense.count
        dense[cluster[i]] = codes[i]
      }
    }
    let k = dense.count
    var sums = Matrix(rows: k, columns: q)
    let etaScore = likelihood.etaScore
    let scaleScore = likelihood.scaleScore
    let strata = likelihood.strata
    sums.withUnsafeMutableBufferPointer { u in
      likelihood.x.withUnsafeBufferPointer { x in
        for j in 0..<p {
          for i in 0..<n { u[codes[i] + j * k] += etaScore[i] * x[i + j * n] }
        }
      }
      if scales > 0 {
        for i in 0..<n {
          let s = scales > 1 ? strata[i] : 0
          u[codes[i] + (p + s) * k] += scaleScore[i]
        }
      }
    }
    return (try BLAS.syrk(sums), k)
  }
}
