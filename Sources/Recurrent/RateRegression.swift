import Distributions
import Formula
import Foundation
import LinearAlgebra

/// A fitted Poisson or negative binomial rate model on per-patient counts.
public struct RateFit: Sendable {
  /// One coefficient on the log-rate scale (`nil` estimate: aliased, shown as NA).
  public struct Coefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double?
    /// The SE used for z, p and the interval (cluster-robust HC0 for Poisson).
    public let standardError: Double?
    /// The model-based SE (inverse Fisher information, dispersion 1).
    public let modelStandardError: Double?
    public let z: Double?
    public let pValue: Double?
    public let confidenceLow: Double?
    public let confidenceHigh: Double?
    /// `exp(estimate)`: the rate ratio (for the intercept, the rate per night).
    public var rateRatio: Double? { estimate.map { exp($0) } }
    public var rateRatioLow: Double? { confidenceLow.map { exp($0) } }
    public var rateRatioHigh: Double? { confidenceHigh.map { exp($0) } }
  }

  public let family: RecurrentModel
  public let coefficients: [Coefficient]
  /// The count modelled (`cramps` or `cramp_nights`).
  public let outcome: String
  public let deviance: Double
  public let nullDeviance: Double
  public let residualDegreesOfFreedom: Int
  public let nullDegreesOfFreedom: Int
  /// Log-likelihood at the estimate (NB: at the final theta, as `glm.nb`'s `twologlik / 2`).
  public let logLikelihood: Double
  public let aic: Double
  /// Negative binomial theta and its standard error (`nil` for Poisson).
  public let theta: Double?
  public let thetaStandardError: Double?
  public let iterations: Int
  public let converged: Bool
  /// Whether the SE is cluster-robust (HC0, by patient).
  public let isRobust: Bool
  public let patients: Int
  public let totalEvents: Double
  public let totalNights: Double
  /// Rows dropped for missing covariates.
  public let droppedRowCount: Int
  public let confidenceLevel: Double
  /// Warnings (aliased terms, non-convergence, theta limits).
  public let warnings: [String]

  /// Observed events per week of observation over all patients.
  public var crudeRatePerWeek: Double { totalNights > 0 ? 7 * totalEvents / totalNights : .nan }

  /// The modelled rate per week at the reference covariate values (`7 exp(intercept)`) with
  /// its interval, when the model has an intercept.
  public var baselineRatePerWeek: (estimate: Double, low: Double, high: Double)? {
    guard let c = coefficients.first, c.term == "(Intercept)", let e = c.rateRatio,
      let l = c.rateRatioLow, let h = c.rateRatioHigh
    else { return nil }
    return (7 * e, 7 * l, 7 * h)
  }
}

/// Poisson and negative binomial regression of per-patient counts with `offset(log(nights))`.
public enum RateRegression {
  /// Fits the rate model of a `poisson` or `negbin` design.
  ///
  /// Poisson: R's `glm(count ~ x + offset(log(nights)), family = poisson)` with the sandwich
  /// `vcovCL(fit, cluster = ~patient_id, type = "HC0", cadjust = FALSE)` (model SE when
  /// `robust` is off). Negative binomial: `MASS::glm.nb`: a Poisson fit, then alternately
  /// IRLS for beta at fixed theta and ``NegativeBinomialTheta`` for theta, until
  /// `|L_old - L| / d1 + |theta_old - theta| / d2 <= epsilon` with `d1 = sqrt(2 max(1, df))`,
  /// `d2 = 1`, at most 25 alternations; model-based SE.
  /// - Throws: ``RecurrentError/fit(_:)`` for a singular design or failed IRLS.
  public static func fit(
    _ design: RecurrentDesign, confidenceLevel: Double = 0.95
  ) throws(RecurrentError) -> RateFit {
    guard let d = design.design, let y = d.response else {
      throw .fit("\(design.model.rawValue) needs a counts design")
    }
    do {
      return try fitCounts(design: design, d: d, y: y, confidenceLevel: confidenceLevel)
    } catch let error as RecurrentError {
      throw error
    } catch {
      throw .fit(String(describing: error))
    }
  }

  private static func fitCounts(
    design: RecurrentDesign, d: DesignMatrix, y: [Double], confidenceLevel: Double
  ) throws -> RateFit {
    let n = d.rowCount
    let all = try Matrix(rows: n, columns: d.columnCount, columnMajor: d.values)
    let aliased = Set(try PivotedQR.aliasedColumns(all))
    let kept = (0..<d.columnCount).filter { !aliased.contains($0) }
    let x = kept.count == d.columnCount ? all : try all.selectingColumns(kept)
    let offset = d.offset ?? [Double](repeating: 0, count: n)
    let irls = LogLinkIRLS()
    var warnings = aliased.sorted().map {
      "coefficient '\(d.columnNames[$0])' not defined because of singularities (aliased; shown as NA)"
    }
    var fit = try irls.fit(x: x, y: y, offset: offset, family: .poisson)
    var family = CountFamily.poisson
    var theta: NegativeBinomialTheta?
    var logLikelihood = 0.0
    var iterations = fit.iterations
    var converged = fit.converged
    if design.model == .negativeBinomial {
      // MASS::glm.nb: theta from the Poisson means, then alternate.
      var mu = fit.mu
      var th = NegativeBinomialTheta(y: y, mu: mu)
      family = .negativeBinomial(theta: th.theta)
      let d1 = (2 * Double(max(1, n - kept.count))).squareRoot()
      var delta = 1.0
      var lm = NegativeBinomialTheta.logLikelihood(th.theta, y, mu)
      var lm0 = lm + 2 * d1
      var alternations = 0
      while true {
        alternations += 1
        guard alternations <= irls.maxIterations, abs(lm0 - lm) / d1 + abs(delta) > irls.epsilon
        else { break }
        let eta = mu.map { log($0) }
        fit = try irls.fit(x: x, y: y, offset: offset, family: family, etaStart: eta)
        let previousTheta = th.theta
        th = NegativeBinomialTheta(y: y, mu: mu)
        family = .negativeBinomial(theta: th.theta)
        mu = fit.mu
        delta = previousTheta - th.theta
        lm0 = lm
        lm = NegativeBinomialTheta.logLikelihood(th.theta, y, mu)
      }
      if alternations > irls.maxIterations { warnings.append("alternation limit reached") }
      warnings += th.warnings
      theta = th
      logLikelihood = lm
      iterations = fit.iterations
      converged = fit.converged && alternations <= irls.maxIterations
    } else {
      for i in 0..<n {
        logLikelihood += y[i] * log(fit.mu[i]) - fit.mu[i] - SpecialFunctions.logGamma(y[i] + 1)
      }
    }
    if !converged { warnings.append("IRLS did not converge in \(iterations) iterations") }

    // Null deviance: R refits the intercept-only model with the offset (same family).
    var nullDeviance = fit.deviance
    if d.hasIntercept {
      let ones = try Matrix(rows: n, columns: 1, columnMajor: [Double](repeating: 1, count: n))
      nullDeviance = try irls.fit(x: ones, y: y, offset: offset, family: family).deviance
    }

    var robust = design.model == .poisson && design.options.robust
    let clusterCount = d.clusters?.count ?? n
    if robust, let warning = tooFewClusters(clusterCount, parameters: fit.beta.count) {
      warnings.append(warning)
      robust = false
    }
    var variance = fit.unscaledCovariance
    if robust {
      variance = try clusterRobust(
        x: x, y: y, fit: fit, clusters: d.clusters.map { $0.codes.map(Int.init) } ?? Array(0..<n))
    }
    let coefficients = coefficientTable(
      names: d.columnNames, aliased: aliased, beta: fit.beta, variance: variance,
      unscaled: fit.unscaledCovariance, confidenceLevel: confidenceLevel)
    let rank = Double(kept.count)
    let aic =
      theta == nil ? -2 * logLikelihood + 2 * rank : -2 * logLikelihood + 2 * rank + 2
    let nights = design.layout["nights"]?.numbers ?? []
    return RateFit(
      family: design.model, coefficients: coefficients,
      outcome: design.options.countOutcome.column, deviance: fit.deviance,
      nullDeviance: nullDeviance, residualDegreesOfFreedom: n - kept.count,
      nullDegreesOfFreedom: n - (d.hasIntercept ? 1 : 0), logLikelihood: logLikelihood, aic: aic,
      theta: theta?.theta, thetaStandardError: theta?.standardError, iterations: iterations,
      converged: converged, isRobust: robust, patients: n, totalEvents: y.reduce(0, +),
      totalNights: d.rowsUsed.reduce(0) { $0 + (nights.isEmpty ? 0 : nights[Int($1)]) },
      droppedRowCount: d.droppedRowCount, confidenceLevel: confidenceLevel, warnings: warnings)
  }

  /// The warning when `clusters` are too few for a cluster-robust variance of `parameters`
  /// coefficients (the sandwich's rank is at most the cluster count), else `nil`.
  static func tooFewClusters(_ clusters: Int, parameters: Int) -> String? {
    guard clusters < 2 || clusters < parameters else { return nil }
    return "\(clusters) cluster\(clusters == 1 ? "" : "s") for \(parameters) parameters: "
      + "too few for a cluster-robust variance; model-based standard errors are shown instead"
  }

  /// The coefficient table: one row per design column, aliased columns as NA; `beta`,
  /// `variance` (used for z, p and the interval) and `unscaled` (model SE) over the kept
  /// columns in order.
  static func coefficientTable(
    names: [String], aliased: Set<Int>, beta: [Double], variance: Matrix, unscaled: Matrix,
    confidenceLevel: Double
  ) -> [RateFit.Coefficient] {
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    var coefficients: [RateFit.Coefficient] = []
    var local = 0
    for (j, name) in names.enumerated() {
      guard !aliased.contains(j) else {
        coefficients.append(
          .init(
            term: name, estimate: nil, standardError: nil, modelStandardError: nil, z: nil,
            pValue: nil, confidenceLow: nil, confidenceHigh: nil))
        continue
      }
      let b = beta[local]
      let se = variance[local, local].squareRoot()
      let statistic = b / se
      coefficients.append(
        .init(
          term: name, estimate: b, standardError: se,
          modelStandardError: unscaled[local, local].squareRoot(), z: statistic,
          pValue: Normal.twoSidedPValue(z: statistic), confidenceLow: b - z * se,
          confidenceHigh: b + z * se))
      local += 1
    }
    return coefficients
  }

  /// `vcovCL(type = "HC0", cadjust = FALSE)` for a log-link GLM: `B M B` with bread
  /// `B = (X'WX)^-1` and meat `M = sum_c s_c s_c'`, `s_c` the cluster sums of the estimating
  /// functions `x_i w_i (y_i - mu_i) / mu_i` (R's working residual times working weight).
  static func clusterRobust(
    x: Matrix, y: [Double], fit: LogLinkIRLS.Result, clusters: [Int]
  ) throws -> Matrix {
    let n = x.rows
    let p = x.columns
    var index: [Int: Int] = [:]
    for c in clusters where index[c] == nil { index[c] = index.count }
    let g = index.count
    var sums = Matrix(rows: g, columns: p)
    for i in 0..<n {
      let c = index[clusters[i]] ?? 0
      let u = fit.workingWeights[i] * (y[i] - fit.mu[i]) / fit.mu[i]
      for j in 0..<p { sums.storage[c + j * g] += u * x.storage[i + j * n] }
    }
    let scaled = try BLAS.gemm(sums, fit.unscaledCovariance)
    return try BLAS.syrk(scaled)
  }
}
