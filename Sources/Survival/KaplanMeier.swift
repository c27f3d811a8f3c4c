import Distributions
import Foundation

/// Kaplan-Meier survival curves with Greenwood variance, as R's `survfit(Surv(...) ~ g)`.
///
/// `S(t) = prod_{s <= t} (1 - d_s / n_s)` over the distinct stop times, with (weighted) events
/// `d_s` and at-risk counts `n_s` (rows with `start < s <= stop`). Greenwood:
/// `var(log S(t)) = sum d / (n (n - d))`; the reported standard error is that of `S(t)`,
/// `S(t) sqrt(var)`, as R's `summary.survfit` prints it.
public struct KaplanMeier: Sendable {
  /// The scale on which the pointwise confidence interval is symmetric (R's `conf.type`).
  public enum ConfidenceType: String, Sendable, Codable, CaseIterable {
    /// `exp(log S +- z se)`, upper limit capped at 1 (R's default).
    case log
    /// `S^exp(+- z se / log S)`.
    case logLog = "log-log"
    /// `S +- z S se`, clipped to [0, 1].
    case plain
  }

  public var confidenceType: ConfidenceType
  public var confidenceLevel: Double

  /// Creates an estimator with R's defaults (log interval, 95%).
  public init(confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95) {
    self.confidenceType = confidenceType
    self.confidenceLevel = confidenceLevel
  }

  /// Fits one curve per group.
  ///
  /// - Parameters:
  ///   - y: right-censored or counting-process (delayed entry) response.
  ///   - groups: group codes, one per row, or `nil` for one curve labelled "all".
  ///   - groupLabels: labels for the sorted distinct codes (default `"group=<code>"`).
  ///   - weights: case weights (`>= 0`), or `nil`.
  /// - Throws: ``SurvivalError`` for mismatched lengths, bad weights or a bad level.
  /// - Complexity: O(n log n).
  public func fit(
    _ y: SurvivalResponse, groups: [Int]? = nil, groupLabels: [String]? = nil,
    weights: [Double]? = nil
  ) throws -> KaplanMeierFit {
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw SurvivalError.invalidParameter("confidence level \(confidenceLevel) not in (0, 1)")
    }
    let n = y.count
    guard n > 0 else { throw SurvivalError.noObservations }
    let w = weights ?? [Double](repeating: 1, count: n)
    guard w.count == n else {
      throw SurvivalError.lengthMismatch(what: "weights", expected: n, actual: w.count)
    }
    for (row, value) in w.enumerated() {
      guard value.isFinite else { throw SurvivalError.nonFinite(what: "weight", row: row) }
      guard value >= 0 else { throw SurvivalError.negativeWeight(row: row, value: value) }
    }
    let codes = try RiskSetData.stratumCodes(groups, count: n)
    if let groupLabels, groupLabels.count != codes.levels.count {
      throw SurvivalError.lengthMismatch(
        what: "group labels", expected: codes.levels.count, actual: groupLabels.count)
    }
    var members = [[Int]](repeating: [], count: codes.levels.count)
    for row in 0..<n { members[codes.codes[row]].append(row) }
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    var curves = [KaplanMeierFit.Curve]()
    for (k, rows) in members.enumerated() {
      let label =
        groups == nil ? "all" : (groupLabels?[k] ?? "group=\(codes.levels[k])")
      curves.append(curve(label: label, rows: rows, y: y, weights: w, z: z))
    }
    return KaplanMeierFit(
      confidenceType: confidenceType, confidenceLevel: confidenceLevel, curves: curves)
  }

  /// One curve over `rows`: an ascending sweep over distinct stop times.
  private func curve(
    label: String, rows: [Int], y: SurvivalResponse, weights w: [Double], z: Double
  ) -> KaplanMeierFit.Curve {
    let stop = y.stop
    let byStop = rows.sorted { stop[$0] < stop[$1] }
    let byStart = y.start.map { start in rows.sorted { start[$0] < start[$1] } } ?? []
    var steps = [KaplanMeierFit.Step]()
    var entered = y.start == nil ? rows.reduce(0) { $0 + w[$1] } : 0
    var left = 0.0
    var entry = 0
    var position = 0
    var survival = 1.0
    var greenwood = 0.0
    var events = 0.0
    while position < byStop.count {
      let time = stop[byStop[position]]
      if let start = y.start {
        while entry < byStart.count && start[byStart[entry]] < time {
          entered += w[byStart[entry]]
          entry += 1
        }
      }
      let atRisk = entered - left
      var eventWeight = 0.0
      var eventCount = 0
      var censorWeight = 0.0
      while position < byStop.count && stop[byStop[position]] == time {
        let i = byStop[position]
        if y.event[i] {
          eventWeight += w[i]
          eventCount += 1
        } else {
          censorWeight += w[i]
        }
        left += w[i]
        position += 1
      }
      if eventCount > 0 && eventWeight > 0 {
        survival *= (atRisk - eventWeight) / atRisk
        greenwood += eventWeight / (atRisk * (atRisk - eventWeight))
      }
      events += eventWeight
      let logSE = greenwood.squareRoot()
      let (low, high) = interval(survival, logSE: logSE, z: z)
      steps.append(
        KaplanMeierFit.Step(
          time: time, atRisk: atRisk, events: eventWeight, eventCount: eventCount,
          censored: censorWeight, survival: survival, standardError: survival * logSE,
          logStandardError: logSE, confidenceLow: low, confidenceHigh: high))
    }
    let records = rows.count
    return KaplanMeierFit.Curve(label: label, count: records, events: events, steps: steps)
  }

  /// R's `survfit_confint` for one point; `nil` where R gives NA (S = 0, or S = 1 for log-log).
  func interval(_ s: Double, logSE se: Double, z: Double) -> (Double?, Double?) {
    if se == 0 { return (s, s) }
    // Greenwood is infinite once everyone at risk has died; R's interval is then NA/NaN.
    if !se.isFinite { return (nil, nil) }
    switch confidenceType {
    case .plain:
      let half = z * se * s
      return (max(s - half, 0), min(s + half, 1))
    case .log:
      guard s > 0 else { return (nil, nil) }
      return (exp(Foundation.log(s) - z * se), min(exp(Foundation.log(s) + z * se), 1))
    case .logLog:
      guard s > 0, s < 1 else { return (nil, nil) }
      let shift = z * se / Foundation.log(s)
      let center = Foundation.log(-Foundation.log(s))
      return (exp(-exp(center - shift)), exp(-exp(center + shift)))
    }
  }
}
