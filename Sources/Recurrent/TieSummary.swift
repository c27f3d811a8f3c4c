/// How many events share their event time with another event (in the same stratum).
///
/// Nightly diaries put every cramp night of night `k` at time `k + 1`, so event times are
/// heavily tied. An event is *tied* when at least one other event has the same stop time in
/// the same stratum (the risk set the partial likelihood sees).
public struct TieSummary: Sendable, Equatable {
  /// Number of events.
  public let events: Int
  /// Events at a (stratum, time) with more than one event.
  public let tiedEvents: Int
  /// Distinct (stratum, event time) pairs.
  public let distinctTimes: Int

  /// Share of events that are tied, `tiedEvents / events` (0 without events).
  public var tiedShare: Double { events > 0 ? Double(tiedEvents) / Double(events) : 0 }

  /// Whether ties dominate (more than half of the events are tied): a discrete-time model
  /// for nights (logistic or complementary log-log) is then the more natural analysis.
  public var dominates: Bool { tiedShare > 0.5 }

  /// Counts ties among the event rows.
  ///
  /// - Parameters:
  ///   - stop: event or censoring time per row.
  ///   - event: whether the row ends in an event.
  ///   - strata: stratum code per row, or `nil` for one stratum.
  public init(stop: [Double], event: [Bool], strata: [Int]? = nil) {
    var counts: [TimeKey: Int] = [:]
    var events = 0
    for i in stop.indices where event[i] {
      counts[TimeKey(stratum: strata?[i] ?? 0, time: stop[i]), default: 0] += 1
      events += 1
    }
    self.events = events
    distinctTimes = counts.count
    tiedEvents = counts.values.reduce(0) { $0 + ($1 > 1 ? $1 : 0) }
  }

  /// The summary of events counted per (stratum, event time), one count per pair.
  public init(eventCounts: [Int]) {
    events = eventCounts.reduce(0, +)
    distinctTimes = eventCounts.count
    tiedEvents = eventCounts.reduce(0) { $0 + ($1 > 1 ? $1 : 0) }
  }

  private struct TimeKey: Hashable {
    let stratum: Int
    let time: Double
  }
}

extension RecurrentDesign {
  /// Ties among the layout's event times (within event-number strata for PWP).
  public var tieSummary: TieSummary {
    guard let stop = layout["stop"]?.numbers, let event = layout["event"]?.numbers else {
      return TieSummary(stop: [], event: [])
    }
    let strata = model.layout == .ag ? nil : layout["enum"]?.numbers.map { Int($0) }
    return TieSummary(stop: stop, event: event.map { $0 == 1 }, strata: strata)
  }
}
