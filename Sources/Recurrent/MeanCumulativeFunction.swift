import Distributions
import Foundation

/// The mean cumulative function of recurrent events: Nelson-Aalen on counting-process rows.
///
/// At each distinct event time `t_j` of a group, `d_j` events occur among `Y_j` rows at risk
/// (`start < t_j <= stop`; a patient's rows never overlap, so `Y_j` counts patients), and
/// `MCF(t) = sum_{t_j <= t} d_j / Y_j`, the expected cumulative number of events per patient.
///
/// Variance: the robust estimator of Lawless and Nadeau (1995, Technometrics 37:158),
/// `Var MCF(t) = sum_i [ sum_{t_j <= t} (dN_i(t_j) - Y_i(t_j) d_j / Y_j) / Y_j ]^2`, summing
/// each patient's influence over all their rows. It makes no Poisson assumption and equals
/// the `std.chaz` of R's `survfit(Surv(start, stop, event) ~ g, id = id)` (survival >= 3).
/// Intervals are log-transformed: `MCF * exp(+- z se / MCF)`.
public struct MeanCumulativeFunction: Sendable {
  /// One step of the function, at an event time.
  public struct Step: Sendable, Equatable {
    public let time: Double
    /// Rows (patients) at risk just before `time`.
    public let atRisk: Int
    public let events: Int
    public let estimate: Double
    public let standardError: Double
    public let lower: Double
    public let upper: Double
  }

  /// The function of one group.
  public struct Group: Sendable {
    /// Label as R's strata: `sex=F`, or `all` without groups.
    public let label: String
    public let patients: Int
    public let events: Int
    public let steps: [Step]
  }

  /// A test of equal rate functions across groups.
  public struct Comparison: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double
    /// How it was computed, for reports.
    public static let method =
      "robust pseudo-score (log-rank type) test of equal rate functions (Lawless & Nadeau 1995; "
      + "Cook, Lawless & Nadeau 1996): U = sum_t (d_g(t) - Y_g(t) d(t)/Y(t)), variance from "
      + "patient-level score residuals; equals the robust score test of "
      + "coxph(Surv(start, stop, event) ~ group + cluster(id), ties = \"breslow\")"
  }

  public let groups: [Group]
  /// The comparison of the groups, when there are at least two.
  public let comparison: Comparison?
  public let confidenceLevel: Double

  /// Estimates the function per group and compares the groups.
  ///
  /// - Parameters:
  ///   - start, stop: interval `(start, stop]` of each row (nights since the origin).
  ///   - event: whether the row ends with an event at `stop`.
  ///   - patient: patient code per row (`0..<patientCount` not required).
  ///   - group: group code per row, `0..<groupLabels.count`.
  ///   - groupLabels: one label per group, in report order.
  ///   - confidenceLevel: level of the pointwise intervals.
  /// - Throws: ``RecurrentError/fit(_:)`` for mismatched lengths or empty groups.
  /// - Complexity: O(n log n + R k) where `R` is the total size of the risk sets over event
  ///   times (about the number of nights) and `k` the number of groups.
  public static func estimate(
    start: [Double], stop: [Double], event: [Bool], patient: [Int], group: [Int],
    groupLabels: [String], confidenceLevel: Double = 0.95
  ) throws(RecurrentError) -> MeanCumulativeFunction {
    let n = stop.count
    guard start.count == n, event.count == n, patient.count == n, group.count == n else {
      throw .fit("MCF: columns of different lengths")
    }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw .fit("MCF: confidence level must be in (0, 1)")
    }
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    var groups: [Group] = []
    for (g, label) in groupLabels.enumerated() {
      let rows = (0..<n).filter { group[$0] == g }
      guard !rows.isEmpty else { throw .fit("MCF: group '\(label)' has no rows") }
      let grid = EventGrid(rows: rows, start: start, stop: stop, event: event)
      let variance = influenceVariance(
        rows: rows, grid: grid, start: start, stop: stop, event: event, patient: patient)
      var steps: [Step] = []
      var cumulative = 0.0
      for j in grid.times.indices {
        cumulative += Double(grid.events[j]) / Double(grid.atRisk[j])
        let se = variance[j].squareRoot()
        let spread = cumulative > 0 ? exp(z * se / cumulative) : 1
        steps.append(
          Step(
            time: grid.times[j], atRisk: grid.atRisk[j], events: grid.events[j],
            estimate: cumulative, standardError: se, lower: cumulative / spread,
            upper: cumulative * spread))
      }
      groups.append(
        Group(
          label: label, patients: Set(rows.map { patient[$0] }).count,
          events: grid.events.reduce(0, +), steps: steps))
    }
    var comparison: Comparison?
    if groupLabels.count > 1 {
      comparison = try robustScoreTest(
        start: start, stop: stop, event: event, patient: patient, group: group,
        groupCount: groupLabels.count)
    }
    return MeanCumulativeFunction(
      groups: groups, comparison: comparison, confidenceLevel: confidenceLevel)
  }

  /// Lawless-Nadeau variance at each event time of `grid`, from per-patient influences.
  ///
  /// A patient's influence changes only at event times inside their rows, by
  /// `(dN_i - d_j / Y_j) / Y_j`; the change of its square is added to a difference array
  /// whose running sum is the variance.
  static func influenceVariance(
    rows: [Int], grid: EventGrid, start: [Double], stop: [Double], event: [Bool],
    patient: [Int]
  ) -> [Double] {
    runningVariance(
      influenceIncrements(
        rows: rows, grid: grid, start: start, stop: stop, event: event, patient: patient))
  }

  /// The per-event-time increments of the Lawless-Nadeau variance contributed by `rows`
  /// (whole patients), additive over disjoint sets of patients.
  static func influenceIncrements(
    rows: [Int], grid: EventGrid, start: [Double], stop: [Double], event: [Bool],
    patient: [Int]
  ) -> [Double] {
    let ordered = rows.sorted { (patient[$0], start[$0]) < (patient[$1], start[$1]) }
    var increments = [Double](repeating: 0, count: grid.times.count)
    var influence = 0.0
    var previous = -1
    for r in ordered {
      if patient[r] != previous {
        influence = 0
        previous = patient[r]
      }
      var j = grid.firstIndex(after: start[r])
      while j < grid.times.count, grid.times[j] <= stop[r] {
        let y = Double(grid.atRisk[j])
        let dN: Double = event[r] && grid.times[j] == stop[r] ? 1 : 0
        let updated = influence + (dN - Double(grid.events[j]) / y) / y
        increments[j] += updated * updated - influence * influence
        influence = updated
        j += 1
      }
    }
    return increments
  }

  /// The variance at each event time: the running sum of the increments (at least 0).
  static func runningVariance(_ increments: [Double]) -> [Double] {
    var running = 0.0
    return increments.map { d in
      running += d
      return max(0, running)
    }
  }
}

/// Distinct event times of some rows with the number at risk and the number of events.
struct EventGrid {
  let times: [Double]
  let atRisk: [Int]
  let events: [Int]

  init(times: [Double], atRisk: [Int], events: [Int]) {
    self.times = times
    self.atRisk = atRisk
    self.events = events
  }

  init(rows: [Int], start: [Double], stop: [Double], event: [Bool]) {
    var eventTimes = rows.filter { event[$0] }.map { stop[$0] }
    eventTimes.sort()
    var times: [Double] = []
    var events: [Int] = []
    for t in eventTimes {
      if let last = times.last, last == t {
        events[events.count - 1] += 1
      } else {
        times.append(t)
        events.append(1)
      }
    }
    // At risk at t: rows with stop >= t minus rows with start >= t.
    let stops = rows.map { stop[$0] }.sorted()
    let starts = rows.map { start[$0] }.sorted()
    self.times = times
    self.events = events
    atRisk = times.map { t in
      (stops.count - EventGrid.lowerBound(stops, t))
        - (starts.count - EventGrid.lowerBound(starts, t))
    }
  }

  /// Index of the first event time strictly greater than `t`.
  func firstIndex(after t: Double) -> Int {
    var low = 0
    var high = times.count
    while low < high {
      let mid = (low + high) / 2
      if times[mid] <= t { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// Index of the first element `>= t` of a sorted array.
  static func lowerBound(_ values: [Double], _ t: Double) -> Int {
    var low = 0
    var high = values.count
    while low < high {
      let mid = (low + high) / 2
      if values[mid] < t { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
