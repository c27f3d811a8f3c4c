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

  /// One curve over `rows`: its counts tabulated, then swept.
  private func curve(
    label: String, rows: [Int], y: SurvivalResponse, weights w: [Double], z: Double
  ) -> KaplanMeierFit.Curve {
    curve(label: label, table: KaplanMeierTable(rows: rows, y: y, weights: w), z: z)
  }

  /// Fits one curve per tabulated group, in the given order (the solve step of a
  /// distributed Kaplan-Meier: counts merged over partitions).
  /// - Throws: ``SurvivalError/invalidParameter(_:)`` for a level outside (0, 1),
  ///   ``SurvivalError/noObservations`` without a group.
  public func fit(tables: [(label: String, table: KaplanMeierTable)]) throws -> KaplanMeierFit {
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw SurvivalError.invalidParameter("confidence level \(confidenceLevel) not in (0, 1)")
    }
    guard !tables.isEmpty else { throw SurvivalError.noObservations }
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    return KaplanMeierFit(
      confidenceType: confidenceType, confidenceLevel: confidenceLevel,
      curves: tables.map { curve(label: $0.label, table: $0.table, z: z) })
  }

  /// The ascending sweep over the table's distinct stop times.
  private func curve(label: String, table: KaplanMeierTable, z: Double) -> KaplanMeierFit.Curve {
    var steps = [KaplanMeierFit.Step]()
    steps.reserveCapacity(table.exits.count)
    var entered = table.initialWeight
    var left = 0.0
    var entry = 0
    var survival = 1.0
    var greenwood = 0.0
    var events = 0.0
    for exit in table.exits {
      while entry < table.entries.count && table.entries[entry].time < exit.time {
        entered += table.entries[entry].weight
        entry += 1
      }
      let atRisk = entered - left
      if exit.eventCount > 0 && exit.eventWeight > 0 {
        survival *= (atRisk - exit.eventWeight) / atRisk
        greenwood += exit.eventWeight / (atRisk * (atRisk - exit.eventWeight))
      }
      left += exit.eventWeight + exit.censorWeight
      events += exit.eventWeight
      let logSE = greenwood.squareRoot()
      let (low, high) = interval(survival, logSE: logSE, z: z)
      steps.append(
        KaplanMeierFit.Step(
          time: exit.time, atRisk: atRisk, events: exit.eventWeight,
          eventCount: exit.eventCount, censored: exit.censorWeight, survival: survival,
          standardError: survival * logSE, logStandardError: logSE, confidenceLow: low,
          confidenceHigh: high))
    }
    return KaplanMeierFit.Curve(
      label: label, count: table.records, events: events, steps: steps)
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

/// What a Kaplan-Meier curve needs of its rows: per distinct stop time the event and censored
/// weights, per distinct entry time the weight entering, and the weight at risk from the
/// start.
///
/// A curve is a sweep over this table, so tables summed over partitions of the rows give the
/// curve of the whole data (the counts of `crampstat partial km`).
public struct KaplanMeierTable: Sendable, Equatable {
  /// One distinct stop time.
  public struct Exit: Sendable, Equatable {
    public var time: Double
    public var eventWeight: Double
    public var eventCount: Int
    public var censorWeight: Double
    public init(time: Double, eventWeight: Double, eventCount: Int, censorWeight: Double) {
      self.time = time
      self.eventWeight = eventWeight
      self.eventCount = eventCount
      self.censorWeight = censorWeight
    }
  }

  /// One distinct entry time of counting-process rows (at risk only after it).
  public struct Entry: Sendable, Equatable {
    public var time: Double
    public var weight: Double
    public init(time: Double, weight: Double) {
      self.time = time
      self.weight = weight
    }
  }

  /// Rows (R's `records`).
  public var records: Int
  /// Weight at risk from the start: every row's for right-censored data, 0 with entry times.
  public var initialWeight: Double
  /// Ascending stop times.
  public var exits: [Exit]
  /// Ascending entry times.
  public var entries: [Entry]

  public init(records: Int, initialWeight: Double, exits: [Exit], entries: [Entry]) {
    self.records = records
    self.initialWeight = initialWeight
    self.exits = exits
    self.entries = entries
  }

  /// Tabulates `rows` of `y` (each row's weight summed in ascending time order).
  public init(rows: [Int], y: SurvivalResponse, weights w: [Double]) {
    let stop = y.stop
    let byStop = rows.sorted { stop[$0] < stop[$1] }
    records = rows.count
    initialWeight = y.start == nil ? rows.reduce(0) { $0 + w[$1] } : 0
    exits = []
    var position = 0
    while position < byStop.count {
      let time = stop[byStop[position]]
      var exit = Exit(time: time, eventWeight: 0, eventCount: 0, censorWeight: 0)
      while position < byStop.count && stop[byStop[position]] == time {
        let i = byStop[position]
        if y.event[i] {
          exit.eventWeight += w[i]
          exit.eventCount += 1
        } else {
          exit.censorWeight += w[i]
        }
        position += 1
      }
      exits.append(exit)
    }
    entries = []
    if let start = y.start {
      for i in rows.sorted(by: { start[$0] < start[$1] }) {
        if let last = entries.last, last.time == start[i] {
          entries[entries.count - 1].weight += w[i]
        } else {
          entries.append(Entry(time: start[i], weight: w[i]))
        }
      }
    }
  }
}
