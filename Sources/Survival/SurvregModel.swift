import Distributions
import Foundation
import LinearAlgebra

/// Parametric survival regression for right-censored data, as R's `survival::survreg`.
///
/// ```swift
/// let model = SurvregModel(distribution: .weibull)
/// let fit = try model.fit(time: t, event: d, x: x, columnNames: names)
/// ```
///
/// The fit follows `survreg.fit`: the intercept-only model is fitted first (its scale, doubled
/// from a moment estimate, is the critical starting value), then the full model starts from a
/// weighted least-squares ("glim") step at `eta = g(t)` and runs Newton-Raphson with
/// step-halving (see ``newton(_:start:maxIterations:tolerance:)``). Both fits are affine
/// invariant, so R's internal rescaling of the covariates changes only rounding and is not
/// done here. The variance is the inverse information in `(beta, log sigma)`; with a cluster,
/// it is R's robust `crossprod(rowsum(dfbeta, cluster))`, the sandwich `V U'U V` where `U`
/// sums the row scores within clusters.
///
/// Reference: Kalbfleisch and Prentice, *The Statistical Analysis of Failure Time Data*
/// (2002), ch. 2-3; Therneau, survival package, `survreg.fit` and `survreg6.c`.
public struct SurvregModel: Sendable {
  public var distribution: SurvregDistribution
  /// R's `survreg.control()` defaults: 30 iterations, relative tolerance 1e-9.
  public var maxIterations: Int
  public var tolerance: Double
  public var confidenceLevel: Double

  /// Creates a model with R's defaults.
  public init(
    distribution: SurvregDistribution, maxIterations: Int = 30, tolerance: Double = 1e-9,
    confidenceLevel: Double = 0.95
  ) {
    self.distribution = distribution
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.confidenceLevel = confidenceLevel
  }

  /// Fits the model.
  ///
  /// - Parameters:
  ///   - time: event or censoring times (`> 0` for the log-time distributions).
  ///   - event: `true` for an exact (event) time, `false` for right-censored.
  ///   - x: `n` x `p` design including the intercept column, column-major.
  ///   - columnNames: the `p` column names (`(Intercept)`, ...).
  ///   - strata: stratum `0..<S` of each row for separate scales, with `strataLabels`.
  ///   - cluster: cluster code of each row for the robust variance.
  ///   - weights: positive case weights; `offset`: added to the linear predictor.
  /// - Returns: the fit; non-convergence and aliased columns are diagnostics.
  /// - Throws: ``SurvregError`` for invalid data; `LinearAlgebraError` for a failed solve.
  /// - Complexity: O(n p^2) per Newton iteration (one blocked `dsyrk`, one `dgemm`).
  public func fit(
    time: [Double], event: [Bool], x: Matrix, columnNames: [String], strata: [Int]? = nil,
    strataLabels: [String] = [], cluster: [Int]? = nil, weights: [Double]? = nil,
    offset: [Double]? = nil
  ) throws -> SurvregFit {
    let n = time.count
    guard event.count == n else {
      throw SurvregError.lengthMismatch(what: "status", expected: n, actual: event.count)
    }
    guard x.rows == n, columnNames.count == x.columns else {
      throw SurvregError.lengthMismatch(what: "design", expected: n, actual: x.rows)
    }
    for (what, values) in [("strata", strata?.count), ("cluster", cluster?.count)] {
      if let values, values != n {
        throw SurvregError.lengthMismatch(what: what, expected: n, actual: values)
      }
    }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw SurvregError.invalidPrediction("confidence level \(confidenceLevel)")
    }
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
      guard time[i].isFinite else { throw SurvregError.nonFinite(what: "time", row: i) }
      if distribution.isLogTime {
        guard time[i] > 0 else { throw SurvregError.nonPositiveTime(row: i, value: time[i]) }
        y[i] = log(time[i])
      } else {
        y[i] = time[i]
      }
    }
    if let weights {
      guard weights.count == n else {
        throw SurvregError.lengthMismatch(what: "weights", expected: n, actual: weights.count)
      }
      for (i, w) in weights.enumerated() where !(w > 0 && w.isFinite) {
        throw SurvregError.nonPositiveWeight(row: i, value: w)
      }
    }
    if let offset {
      guard offset.count == n else {
        throw SurvregError.lengthMismatch(what: "offset", expected: n, actual: offset.count)
      }
      if let bad = offset.firstIndex(where: { !$0.isFinite }) {
        throw SurvregError.nonFinite(what: "offset", row: bad)
      }
    }
    guard event.contains(true) else { throw SurvregError.noEvents }
    let strataCount = max(1, strataLabels.count)
    if let strata, strata.contains(where: { $0 < 0 || $0 >= strataCount }) {
      throw SurvregError.lengthMismatch(
        what: "strata labels", expected: (strata.max() ?? 0) + 1, actual: strataLabels.count)
    }
    if strataCount > 1, distribution.fixedScale != nil {
      throw SurvregError.fixedScaleWithStrata(distribution: distribution.rawValue)
    }
    let strataCodes = strataCount > 1 ? (strata ?? []) : []
    let fixedLogScale = distribution.fixedScale.map { log($0) }

    // Aliased columns (R: coefficient NA) are dropped before the fit.
    let aliased = x.columns > 1 ? try PivotedQR.aliasedColumns(x) : []
    let kept = (0..<x.columns).filter { !aliased.contains($0) }
    let design = aliased.isEmpty ? x : try x.selectingColumns(kept)
    let meanOnly = design.columns == 1 && design.storage.allSatisfy { $0 == 1 }

    func likelihood(_ m: Matrix) -> SurvregLikelihood {
      SurvregLikelihood(
        x: m, y: y, event: event, strata: strataCodes, strataCount: strataCount,
        base: distribution.base, fixedLogScale: fixedLogScale, weights: weights, offset: offset)
    }
    let (_, variance0) = distribution.initialLocationAndVariance(y, weights: weights)
    // R doubles the moment estimate of sigma: a small starting scale can leave the surface
    // far from positive definite, a large one never does.
    let startLogScale = fixedLogScale ?? log(4 * variance0) / 2

    var null: NewtonResult?
    var scalesStart = [Double](
      repeating: startLogScale, count: fixedLogScale == nil ? strataCount : 0)
    if !meanOnly {
      let ones = Matrix(rows: n, columns: 1, repeating: 1)
      var nullLikelihood = likelihood(ones)
      let sigma0 = [Double](repeating: exp(startLogScale), count: strataCount)
      let (dg, info) = startingDerivatives(event: event, strata: [], sigmas: sigma0)
      var numerator = 0.0
      var denominator = 0.0
      for i in 0..<n {
        let w = weights?[i] ?? 1
        numerator += w * dg[i] + w * info[i] * (y[i] - (offset?[i] ?? 0))
        denominator += w * info[i]
      }
      let start = [numerator / denominator] + scalesStart
      let result = try Self.newton(
        &nullLikelihood, start: start, maxIterations: 20, tolerance: tolerance)
      guard result.logLikelihood.isFinite, result.parameters.allSatisfy(\.isFinite) else {
        throw SurvregError.initialIterationFailed
      }
      null = result
      scalesStart = Array(result.parameters.dropFirst())
    }

    // Starting coefficients: one weighted least-squares step at eta = g(t), where every
    // standardized residual is 0.
    var full = likelihood(design)
    let sigmas = (0..<strataCount).map { exp(fixedLogScale ?? scalesStart[$0]) }
    let (dg, info) = startingDerivatives(event: event, strata: strataCodes, sigmas: sigmas)
    var accumulator = CrossProductAccumulator(columns: design.columns)
    var workingWeight = [Double](repeating: 0, count: n)
    var workingResponse = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let w = weights?[i] ?? 1
      workingWeight[i] = w * info[i]
      workingResponse[i] = (y[i] - (offset?[i] ?? 0)) + dg[i] / info[i]
    }
    try accumulator.add(design, weights: workingWeight, response: workingResponse)
    let start0 = try Cholesky(accumulator.crossProduct()).solve(accumulator.crossResponse())
    let result = try Self.newton(
      &full, start: start0 + scalesStart, maxIterations: maxIterations, tolerance: tolerance)

    var jacobian = 0.0
    if distribution.isLogTime {
      for i in 0..<n where event[i] { jacobian -= (weights?[i] ?? 1) * y[i] }
    }
    let logLikelihood = result.logLikelihood + jacobian
    let nullLogLikelihood = (null?.logLikelihood ?? result.logLikelihood) + jacobian

    return try assemble(
      result: result, likelihood: full, kept: kept, aliased: aliased, columnNames: columnNames,
      strataLabels: strataLabels, cluster: cluster, logLikelihood: logLikelihood,
      nullLogLikelihood: nullLogLikelihood, count: n, events: event.lazy.filter { $0 }.count)
  }

  /// `dg/deta` and `-d2g/deta2` per row at a zero standardized residual, for the glim start
  /// (R's `derfun` at `eta = y`): constants per status, divided by `sigma` and `sigma^2`.
  private func startingDerivatives(
    event: [Bool], strata: [Int], sigmas: [Double]
  ) -> ([Double], [Double]) {
    let (_, first, second) = SurvregKernel.exact(distribution.base, 0)
    let (_, surv, f, fPrime) = SurvregKernel.censored(distribution.base, 0)
    var dg = [Double](repeating: 0, count: event.count)
    var info = [Double](repeating: 0, count: event.count)
    for i in event.indices {
      let sigma = sigmas[strata.isEmpty ? 0 : strata[i]]
      let (d, dd) =
        event[i]
        ? (-first / sigma, second / (sigma * sigma))
        : (f / (surv * sigma), -fPrime / (surv * sigma * sigma))
      dg[i] = d
      info[i] = -(dd - d * d)
    }
    return (dg, info)
  }
}
