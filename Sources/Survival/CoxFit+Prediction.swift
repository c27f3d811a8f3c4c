import Distributions
import Foundation
import LinearAlgebra

extension CoxFit {
  /// One time of a predicted survival curve (R's `survfit(fit, newdata = profile)`).
  public struct PredictedStep: Sendable, Equatable {
    /// A distinct stop time of the fitting data (event or censoring) in the curve's stratum.
    public let time: Double
    /// Weighted number of rows at risk (R's `n.risk`).
    public let atRisk: Double
    /// Weighted number of events at this time (R's `n.event`).
    public let events: Double
    public let survival: Double
    /// Standard error of the cumulative hazard, that is of `-log S` (R's `std.err`).
    ///
    /// It includes the uncertainty of the coefficients.
    public let standardError: Double
    /// Confidence limits for the survival; `nil` where R gives NA.
    public let confidenceLow: Double?
    public let confidenceHigh: Double?
    public let cumulativeHazard: Double
  }

  /// One time of a baseline cumulative hazard (R's `basehaz(fit)`).
  public struct BaselineHazardStep: Sendable, Equatable {
    public let time: Double
    public let cumulativeHazard: Double
    /// The original stratum code (0 without strata).
    public let stratum: Int
  }

  /// The column means R's `coxph` reports (`fit$means`), one per column of the design.
  ///
  /// Columns whose values are all in {-1, 0, 1} get 0 (R's `nocenter`); otherwise the mean,
  /// weighted by the case weights for right-censored data and unweighted for `(start, stop]`
  /// data, as R does. R centres its predictions and `basehaz(centered = TRUE)` here.
  public var means: [Double] {
    let n = data.count
    let columns = originalDesign.columns
    let total = data.weight.reduce(0, +)
    return (0..<columns).map { j in
      let values = originalDesign.storage[(j * n)..<((j + 1) * n)]
      if values.allSatisfy({ $0 == 0 || $0 == 1 || $0 == -1 }) { return 0 }
      if response.isCountingProcess { return values.reduce(0, +) / Double(n) }
      var sum = 0.0
      for (i, x) in zip(0..<n, values) { sum += data.weight[i] * x }
      return total > 0 ? sum / total : 0
    }
  }

  /// The survival curve of a covariate profile, as R's `survfit(fit, newdata = profile)`.
  ///
  /// The cumulative hazard uses the fit's ties (Efron or Breslow increments), the variance
  /// `r^2 (sum dN / S0^2 + d(t)' V d(t))` with `d(t) = sum dH (x - xbar(t))` and `V` the fit's
  /// variance (robust when clustered), and the interval is on the chosen scale (log by default).
  /// - Parameters:
  ///   - profile: one value per column of the design (``coefficients`` order); aliased columns
  ///     are ignored.
  ///   - offset: the profile's offset, if the model has one.
  ///   - stratum: the original stratum code for a stratified fit (required then).
  /// - Throws: ``SurvivalError/profileLength(expected:actual:)`` or
  ///   ``SurvivalError/invalidParameter(_:)`` for a missing or unknown stratum.
  /// - Complexity: O(n p) for one sweep over the fitting rows; the result has one step per
  ///   distinct stop time of the stratum.
  public func predictSurvival(
    profile: [Double], offset: Double = 0, stratum: Int? = nil,
    confidenceType: KaplanMeier.ConfidenceType = .log, confidenceLevel: Double = 0.95
  ) throws -> [PredictedStep] {
    guard profile.count == coefficients.count else {
      throw SurvivalError.profileLength(expected: coefficients.count, actual: profile.count)
    }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw SurvivalError.invalidParameter("confidence level \(confidenceLevel) not in (0, 1)")
    }
    let code = try stratumIndex(stratum)
    let table = hazardTable(stratum: code)
    let p = keptColumns.count
    var linear = offset - table.center
    var centred = [Double](repeating: 0, count: p)
    for (local, column) in keptColumns.enumerated() {
      linear += profile[column] * beta[local]
      centred[local] = profile[column] - data.means[local]
    }
    let risk = exp(linear)
    let model = KaplanMeier(confidenceType: confidenceType, confidenceLevel: confidenceLevel)
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    var cumulative = 0.0
    var varianceSum = 0.0
    var xbar = [Double](repeating: 0, count: p)
    var d = [Double](repeating: 0, count: p)
    var steps = [PredictedStep]()
    steps.reserveCapacity(table.times.count)
    for k in table.times.indices {
      cumulative += table.hazard[k]
      varianceSum += table.varianceIncrement[k]
      var quadratic = 0.0
      for j in 0..<p {
        xbar[j] += table.xbarIncrement[k * p + j]
        d[j] = cumulative * centred[j] - xbar[j]
      }
      // d' V d with V d from dgemv.
      if p > 0 {
        let vd = try BLAS.gemv(variance, d)
        for j in 0..<p { quadratic += d[j] * vd[j] }
      }
      let hazard = cumulative * risk
      let se = ((varianceSum + quadratic) * risk * risk).squareRoot()
      let survival = exp(-hazard)
      let (low, high) = model.interval(survival, logSE: se, z: z)
      steps.append(
        PredictedStep(
          time: table.times[k], atRisk: table.atRisk[k], events: table.events[k],
          survival: survival, standardError: se, confidenceLow: low, confidenceHigh: high,
          cumulativeHazard: hazard))
    }
    return steps
  }

  /// The baseline cumulative hazard of every stratum, as R's `basehaz(fit, centered:)`.
  ///
  /// `centered = false` is the hazard at all covariates 0; `true` at ``means`` (what
  /// `survfit(fit)` without new data draws). Times are every distinct stop time per stratum.
  public func baselineHazard(centered: Bool = false) -> [BaselineHazardStep] {
    var result = [BaselineHazardStep]()
    let rMeans = means
    let shift = zip(keptColumns, beta).reduce(0.0) { $0 + rMeans[$1.0] * $1.1 }
    let scale = centered ? 1 : exp(-shift)
    for code in data.stratumRanges.indices {
      let table = hazardTable(stratum: code)
      var cumulative = 0.0
      for k in table.times.indices {
        cumulative += table.hazard[k]
        result.append(
          BaselineHazardStep(
            time: table.times[k], cumulativeHazard: cumulative * scale,
            stratum: data.stratumLevels[code]))
      }
    }
    return result
  }

  /// The stratum index `0..<k` of an original stratum code.
  func stratumIndex(_ stratum: Int?) throws -> Int {
    guard let stratum else {
      if data.stratumLevels.count > 1 {
        throw SurvivalError.invalidParameter("the model is stratified: give the profile's stratum")
      }
      return 0
    }
    guard let index = data.stratumLevels.firstIndex(of: stratum) else {
      throw SurvivalError.invalidParameter("stratum \(stratum) is not in the fitted data")
    }
    return index
  }

  /// Per distinct stop time of one stratum: hazard, variance and x-bar increments (R's agsurv)
  /// with risk scores `exp(lp - center)`, `center` R's `sum(means * beta) + mean(offset)`.
  func hazardTable(stratum code: Int) -> HazardTable {
    let n = data.count
    let p = keptColumns.count
    let range = data.stratumRanges[code]
    let rMeans = means
    var center = 0.0
    for (local, column) in keptColumns.enumerated() { center += rMeans[column] * beta[local] }
    let totalWeight = data.weight.reduce(0, +)
    var offsetMean = 0.0
    for i in 0..<n { offsetMean += data.weight[i] * data.offset[i] }
    center += totalWeight > 0 ? offsetMean / totalWeight : 0
    // Centred design: lp - center = (x - m)'b + offset - (center - m'b).
    var designShift = center
    for local in 0..<p { designShift -= data.means[local] * beta[local] }
    func risk(_ i: Int) -> Double {
      var eta = data.offset[i] - designShift
      for j in 0..<p { eta += data.x(i, j) * beta[j] }
      return exp(eta) * data.weight[i]
    }
    var table = HazardTable(center: center)
    var riskSum = 0.0
    var weightSum = 0.0
    var xsum = [Double](repeating: 0, count: p)
    var position = range.lowerBound
    var leaving = range.lowerBound
    var rows = [(Double, Double, Double, Double, Double, Int, [Double], [Double])]()
    while position < range.upperBound {
      let time = data.stop[data.byStop[position]]
      var deathRisk = 0.0
      var deathWeight = 0.0
      var deaths = 0
      var deathX = [Double](repeating: 0, count: p)
      while position < range.upperBound && data.stop[data.byStop[position]] == time {
        let i = data.byStop[position]
        let r = risk(i)
        riskSum += r
        weightSum += data.weight[i]
        for j in 0..<p { xsum[j] += r * data.x(i, j) }
        if data.event[i] {
          deaths += 1
          deathRisk += r
          deathWeight += data.weight[i]
          for j in 0..<p { deathX[j] += r * data.x(i, j) }
        }
        position += 1
      }
      if let start = data.start {
        while leaving < range.upperBound
          && start[data.byStop[data.leaveOrder[leaving]]] >= time
        {
          let i = data.byStop[data.leaveOrder[leaving]]
          let r = risk(i)
          riskSum -= r
          weightSum -= data.weight[i]
          for j in 0..<p { xsum[j] -= r * data.x(i, j) }
          leaving += 1
        }
      }
      rows.append((time, weightSum, deathWeight, riskSum, deathRisk, deaths, xsum, deathX))
    }
    for (time, atRisk, events, riskTotal, deathRisk, deaths, x1, x2) in rows.reversed() {
      table.times.append(time)
      table.atRisk.append(atRisk)
      table.events.append(events)
      var hazard = 0.0
      var variance = 0.0
      var xbar = [Double](repeating: 0, count: p)
      if deaths > 0 {
        let efron = ties == .efron && deaths > 1
        let steps = efron ? deaths : 1
        for k in 0..<steps {
          let fraction = efron ? Double(k) / Double(deaths) : 0
          let denominator = riskTotal - fraction * deathRisk
          hazard += 1 / denominator / Double(steps)
          variance += 1 / (denominator * denominator) / Double(steps)
          for j in 0..<p {
            xbar[j] += (x1[j] - fraction * x2[j]) / (denominator * denominator) / Double(steps)
          }
        }
      }
      table.hazard.append(events * hazard)
      table.varianceIncrement.append(events * variance)
      table.xbarIncrement.append(contentsOf: xbar.map { events * $0 })
    }
    return table
  }
}

/// Per-time increments behind a Cox model's predicted curves, for one stratum (ascending time).
struct HazardTable {
  /// The linear-predictor value that the risk scores were centred at.
  let center: Double
  var times = [Double]()
  var atRisk = [Double]()
  var events = [Double]()
  var hazard = [Double]()
  var varianceIncrement = [Double]()
  /// `p` values per time, row after row.
  var xbarIncrement = [Double]()

  init(center: Double) { self.center = center }
}
