import Foundation

/// Kaplan-Meier curves: one per group, each a list of steps at the distinct stop times.
public struct KaplanMeierFit: Sendable {
  /// One distinct stop time of a curve (R's `summary(fit, censored = TRUE)` row).
  public struct Step: Sendable, Equatable {
    public let time: Double
    /// Weighted number at risk just before `time` (`start < time <= stop`).
    public let atRisk: Double
    /// Weighted events at `time`.
    public let events: Double
    /// Unweighted number of event rows at `time`.
    public let eventCount: Int
    /// Weighted censored rows at `time`.
    public let censored: Double
    public let survival: Double
    /// Greenwood standard error of `S(t)`.
    public let standardError: Double
    /// Standard error of `log S(t)` (R's `survfit()$std.err`).
    public let logStandardError: Double
    public let confidenceLow: Double?
    public let confidenceHigh: Double?
  }

  /// A row of a survival table at a chosen time (R's `summary(fit, times = )`).
  public struct TimePoint: Sendable, Equatable {
    public let time: Double
    public let atRisk: Double
    /// Weighted events since the previous requested time.
    public let events: Double
    public let censored: Double
    public let survival: Double
    public let standardError: Double
    public let confidenceLow: Double?
    public let confidenceHigh: Double?
  }

  /// The restricted mean survival time up to a horizon and its standard error.
  public struct RestrictedMean: Sendable, Equatable {
    public let horizon: Double
    public let mean: Double
    public let standardError: Double
  }

  /// A cumulative hazard estimate at one step time.
  public struct HazardPoint: Sendable, Equatable {
    public let time: Double
    public let cumulativeHazard: Double
    public let standardError: Double
  }

  /// R's `ctype`: Nelson-Aalen (1) or Fleming-Harrington with the tie correction (2).
  public enum HazardType: Sendable { case nelsonAalen, flemingHarrington }

  /// One group's curve.
  public struct Curve: Sendable {
    /// `"all"` for a single curve, else the group label (for example `"sex=1"`).
    public let label: String
    /// Number of rows (R's `records`).
    public let count: Int
    /// Weighted number of events.
    public let events: Double
    public let steps: [Step]
  }

  public let confidenceType: KaplanMeier.ConfidenceType
  public let confidenceLevel: Double
  public let curves: [Curve]
}

extension KaplanMeierFit.Curve {
  /// Median survival and its confidence limits by R's `print.survfit` rule.
  ///
  /// The median is the first time with `S(t) < 0.5` (within 1e-8 of 0.5 counts as equal);
  /// when `S` sits exactly at 0.5 on a flat stretch, it is the midpoint of that stretch's start
  /// and the next drop. The limits apply the same rule to the lower and upper curves.
  public var median: (estimate: Double?, low: Double?, high: Double?) {
    let times = steps.map(\.time)
    return (
      Self.crossing(steps.map { $0.survival }, times),
      Self.crossing(steps.map { $0.confidenceLow }, times),
      Self.crossing(steps.map { $0.confidenceHigh }, times)
    )
  }

  /// R's `minmin` (print.survfit.R).
  static func crossing(_ values: [Double?], _ times: [Double]) -> Double? {
    let tolerance = Double.ulpOfOne.squareRoot()
    var kept = [(Double, Double)]()
    for (value, time) in zip(values, times) {
      if let value, !value.isNaN, value < 0.5 + tolerance { kept.append((value, time)) }
    }
    guard let first = kept.first else { return nil }
    if abs(first.0 - 0.5) < tolerance, let lower = kept.first(where: { $0.0 < first.0 }) {
      return (first.1 + lower.1) / 2
    }
    return first.1
  }

  /// The survival table at chosen times (R's `summary(fit, times = , extend = FALSE)`): times
  /// after the last step are dropped.
  public func survival(at times: [Double]) -> [KaplanMeierFit.TimePoint] {
    guard let last = steps.last?.time else { return [] }
    var rows = [KaplanMeierFit.TimePoint]()
    var previous = -Double.infinity
    for time in times.sorted() where time <= last {
      let before = steps.lastIndex { $0.time <= time }
      let after = steps.firstIndex { $0.time >= time }
      let window = steps.filter { $0.time > previous && $0.time <= time }
      let step = before.map { steps[$0] }
      rows.append(
        KaplanMeierFit.TimePoint(
          time: time, atRisk: after.map { steps[$0].atRisk } ?? 0,
          events: window.reduce(0) { $0 + $1.events },
          censored: window.reduce(0) { $0 + $1.censored }, survival: step?.survival ?? 1,
          standardError: step?.standardError ?? 0, confidenceLow: step?.confidenceLow ?? 1,
          confidenceHigh: step?.confidenceHigh ?? 1))
      previous = time
    }
    return rows
  }

  /// The restricted mean survival time to `horizon` and its standard error (R's
  /// `print(fit, rmean = horizon)`): the area under `S` from `min(0, first time)`, with
  /// variance `sum_k A_k^2 d_k / (n_k (n_k - d_k))`, `A_k` the area after step `k`.
  public func restrictedMean(horizon: Double) -> KaplanMeierFit.RestrictedMean {
    let origin = min(0, steps.first?.time ?? 0)
    let kept = steps.filter { $0.time <= horizon }
    var times = kept.map(\.time) + [horizon]
    var survival = kept.map(\.survival)
    survival.append(kept.last?.survival ?? 1)
    var hazardTerms = kept.map { step -> Double in
      let remaining = step.atRisk - step.events
      return remaining == 0 ? 0 : step.events / (step.atRisk * remaining)
    }
    hazardTerms.append(0)
    if kept.isEmpty {
      times = [horizon]
      survival = [1]
      hazardTerms = [0]
    }
    var rectangles = [Double]()
    var previousTime = origin
    var previousSurvival = 1.0
    for (time, s) in zip(times, survival) {
      rectangles.append((time - previousTime) * previousSurvival)
      previousTime = time
      previousSurvival = s
    }
    let mean = rectangles.reduce(0, +)
    // cumsum(rev(rectangles[-1]))^2 * rev(hh)[-1], as survmean computes it.
    var variance = 0.0
    var tail = 0.0
    let m = rectangles.count
    if m > 1 {
      for k in stride(from: m - 1, through: 1, by: -1) {
        tail += rectangles[k]
        variance += tail * tail * hazardTerms[k - 1]
      }
    }
    return KaplanMeierFit.RestrictedMean(
      horizon: horizon, mean: mean, standardError: variance.squareRoot())
  }

  /// Cumulative hazard at each step time (R's `survfit(..., ctype = 1 or 2)$cumhaz`, `std.chaz`).
  public func cumulativeHazard(_ type: KaplanMeierFit.HazardType = .nelsonAalen)
    -> [KaplanMeierFit.HazardPoint]
  {
    var hazard = 0.0
    var variance = 0.0
    return steps.map { step in
      let d = step.events
      let n = step.atRisk
      if step.eventCount > 0 && d > 0 {
        switch type {
        case .nelsonAalen:
          hazard += d / n
          variance += d / (n * n)
        case .flemingHarrington:
          let count = Double(step.eventCount)
          for j in 0..<step.eventCount {
            let reduced = n - Double(j) * d / count
            hazard += d / (count * reduced)
            variance += d / (count * reduced * reduced)
          }
        }
      }
      return KaplanMeierFit.HazardPoint(
        time: step.time, cumulativeHazard: hazard, standardError: variance.squareRoot())
    }
  }
}
