/// A survival response: right-censored `Surv(time, status)` or counting-process
/// `Surv(start, stop, status)` rows.
///
/// Row `i` is at risk at time `t` when `start[i] < t <= stop[i]` (right-censored rows have
/// `start = -inf`), and `event[i]` says whether the row ends in an event at `stop[i]`.
public struct SurvivalResponse: Sendable, Equatable {
  /// Entry times for counting-process data, or `nil` for right-censored data.
  public let start: [Double]?
  /// Event or censoring times.
  public let stop: [Double]
  /// `true` when the row ends in an event at `stop`.
  public let event: [Bool]

  /// Number of rows.
  public var count: Int { stop.count }

  /// Whether the rows are `(start, stop]` intervals.
  public var isCountingProcess: Bool { start != nil }

  /// Checks and stores a response.
  ///
  /// - Throws: `.lengthMismatch` when the arrays differ in length, `.nonFinite` for NaN or
  ///   infinite times, `.emptyInterval` when a row has `start >= stop`.
  public init(start: [Double]? = nil, stop: [Double], event: [Bool]) throws {
    guard event.count == stop.count else {
      throw SurvivalError.lengthMismatch(what: "status", expected: stop.count, actual: event.count)
    }
    for (row, time) in stop.enumerated() where !time.isFinite {
      throw SurvivalError.nonFinite(what: "stop time", row: row)
    }
    if let start {
      guard start.count == stop.count else {
        throw SurvivalError.lengthMismatch(
          what: "start time", expected: stop.count, actual: start.count)
      }
      for row in start.indices {
        guard start[row].isFinite else {
          throw SurvivalError.nonFinite(what: "start time", row: row)
        }
        guard start[row] < stop[row] else {
          throw SurvivalError.emptyInterval(row: row, start: start[row], stop: stop[row])
        }
      }
    }
    self.start = start
    self.stop = stop
    self.event = event
  }

  /// Reads status values coded 0/1, 1/2 (R's convention: 2 = event) or TRUE/FALSE (any case,
  /// also T/F), as R's `Surv()` does.
  ///
  /// Numeric codes are judged over the whole column, as R does: if every value is 0 or 1 the
  /// coding is 0/1; if every value is 1 or 2 it is 1/2 (so a column of all 1s means events).
  /// - Throws: `.unrecognizedStatus` for any other value, or for mixed 0/1/2 codes.
  public static func normalizeStatus(_ values: [String]) throws -> [Bool] {
    var numbers = [Double]()
    numbers.reserveCapacity(values.count)
    var logical = [Bool]()
    var allLogical = true
    for text in values {
      let trimmed = text.trimmingSpaces().uppercased()
      switch trimmed {
      case "TRUE", "T": logical.append(true)
      case "FALSE", "F": logical.append(false)
      default: allLogical = false
      }
      numbers.append(Double(trimmed) ?? .nan)
    }
    if allLogical { return logical }
    return try normalizeStatus(numbers, texts: values)
  }

  /// Reads one partition's status values for a distributed fit.
  ///
  /// R judges 1/2 coding over the whole column, which one partition cannot see: a partition
  /// whose rows are all `1` would read them as events where the whole column, with its 2s,
  /// means censored. With `twoCoded` (agreed over all partitions, as
  /// ``DistributedCox/isTwoCodedStatus``) the values must be 1 or 2 and 2 is the event;
  /// without it (no agreement: one-pass counts) a 2 is refused in whichever partition holds
  /// it, so the fit fails instead of silently differing.
  /// - Throws: ``SurvivalError/unrecognizedStatus(row:text:)`` for a value outside the
  ///   coding, ``SurvivalError/invalidParameter(_:)`` for a 2 without agreement.
  public static func normalizePartitionStatus(_ values: [Double], twoCoded: Bool? = nil) throws
    -> [Bool]
  {
    if twoCoded == true {
      if let row = values.firstIndex(where: { $0 != 1 && $0 != 2 }) {
        throw SurvivalError.unrecognizedStatus(row: row, text: "\(values[row])")
      }
      return values.map { $0 == 2 }
    }
    if let row = values.firstIndex(of: 2) {
      throw SurvivalError.invalidParameter(
        "status 2 in row \(row + 1): 1/2-coded status (R's 2 = event) is judged over the whole "
          + "column, which one partition cannot see; recode it as 0/1 (status - 1) for a "
          + "one-pass distributed fit (km, logrank)")
    }
    return try normalizeStatus(values)
  }

  /// Reads numeric status values coded 0/1 or 1/2, judged over the whole column as for text.
  ///
  /// - Throws: `.unrecognizedStatus` for values outside the codings.
  public static func normalizeStatus(_ values: [Double]) throws -> [Bool] {
    try normalizeStatus(values, texts: nil)
  }

  private static func normalizeStatus(_ values: [Double], texts: [String]?) throws -> [Bool] {
    let usesTwo = values.contains(2)
    let usesZero = values.contains(0)
    for (row, value) in values.enumerated() {
      let valid = usesTwo ? (value == 1 || value == 2) : (value == 0 || value == 1)
      if !valid || (usesTwo && usesZero) {
        throw SurvivalError.unrecognizedStatus(row: row, text: texts?[row] ?? "\(value)")
      }
    }
    return values.map { usesTwo ? $0 == 2 : $0 == 1 }
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var view = Substring(self)
    while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
    while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
    return String(view)
  }
}
