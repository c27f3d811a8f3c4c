import Foundation
import LinearAlgebra
import Partials

/// One partition's rows for a distributed Cox fit (``DistributedCox``): whole patients.
///
/// Strata and clusters are labels (text), not codes, so that a stratum or a patient means the
/// same in every partition.
public struct RiskSetRows: Sendable {
  /// Right-censored or counting-process `(start, stop]` response.
  public var response: SurvivalResponse
  /// `n` x `p` covariates without an intercept (column-major).
  public var x: Matrix
  /// Stratum label of each row (R's `strata(...)`), or `nil` for one stratum.
  public var strata: [String]?
  /// Cluster (patient) label of each row, or `nil` (each row its own cluster when robust).
  public var clusters: [String]?
  /// Case weights (finite, `>= 0`), or `nil` for 1.
  public var weights: [Double]?
  /// Offset added to the linear predictor, or `nil`.
  public var offset: [Double]?

  /// Checks lengths and values.
  /// - Throws: ``SurvivalError`` for mismatched lengths, non-finite covariates, weights or
  ///   offsets, and negative weights (rows 0-based within the partition).
  public init(
    response: SurvivalResponse, x: Matrix, strata: [String]? = nil, clusters: [String]? = nil,
    weights: [Double]? = nil, offset: [Double]? = nil
  ) throws {
    let n = response.count
    guard x.rows == n else {
      throw SurvivalError.lengthMismatch(what: "design matrix", expected: n, actual: x.rows)
    }
    for (what, count) in [
      ("strata", strata?.count), ("cluster", clusters?.count), ("weights", weights?.count),
      ("offset", offset?.count),
    ] {
      if let count, count != n {
        throw SurvivalError.lengthMismatch(what: what, expected: n, actual: count)
      }
    }
    for i in 0..<n {
      if let w = weights?[i] {
        guard w.isFinite else { throw SurvivalError.nonFinite(what: "weight", row: i) }
        guard w >= 0 else { throw SurvivalError.negativeWeight(row: i, value: w) }
      }
      if let o = offset?[i], !o.isFinite { throw SurvivalError.nonFinite(what: "offset", row: i) }
    }
    for j in 0..<x.columns {
      for i in 0..<n where !x.storage[i + j * n].isFinite {
        throw SurvivalError.nonFinite(what: "covariate column \(j + 1)", row: i)
      }
    }
    self.response = response
    self.x = x
    self.strata = strata
    self.clusters = clusters
    self.weights = weights
    self.offset = offset
  }

  /// Number of rows.
  public var count: Int { response.count }

  /// The stratum label of row `i` (`""` without strata).
  func stratum(_ i: Int) -> String { strata?[i] ?? "" }

  /// `x_i - c`, the covariates centred by the state's shared centre, column-major.
  func centred(_ center: [Double]) throws -> Matrix {
    let n = count
    var storage = x.storage
    for j in 0..<x.columns {
      for i in 0..<n { storage[i + j * n] -= center[j] }
    }
    return try Matrix(rows: n, columns: x.columns, columnMajor: storage)
  }

  /// `eta_i = (x_i - c)'beta + offset_i` (the centre shared by every partition, so risk
  /// scores `exp(eta)` are on one scale everywhere and the partitions' sums add).
  ///
  /// Each row's dot product is summed over the columns in order, not by `dgemv`, whose
  /// vector kernels round a row differently depending on where it falls in the block: a
  /// row's `eta` must be the same bits in any partition, so that the statistics (exact sums
  /// of the rows' terms) do not depend on how the rows were partitioned.
  func linearPredictors(centred xc: Matrix, beta: [Double]) -> [Double] {
    let n = count
    var eta = [Double](repeating: 0, count: n)
    xc.storage.withUnsafeBufferPointer { xs in
      for i in 0..<n {
        var dot = 0.0
        for j in 0..<beta.count { dot += xs[i + j * n] * beta[j] }
        eta[i] = dot + (offset?[i] ?? 0)
      }
    }
    return eta
  }
}

/// Risk-weighted sums over a set of rows: `sum w r`, `sum w r x` and `sum w r x x'` (upper
/// triangle, row by row), `r = exp(eta)`, `x` centred by the state's centre.
public struct RiskSums: Sendable, Equatable {
  public internal(set) var s0 = ExactSum()
  public internal(set) var s1: [ExactSum]
  public internal(set) var s2: [ExactSum]

  /// Empty sums over `p` covariates.
  public init(order p: Int) {
    s1 = [ExactSum](repeating: ExactSum(), count: p)
    s2 = [ExactSum](repeating: ExactSum(), count: p * (p + 1) / 2)
  }

  /// Adds one row: `risk = w exp(eta)`, `x` its `p` centred covariates.
  mutating func add(risk: Double, x: [Double]) {
    let p = s1.count
    s0.add(risk)
    var k = 0
    for i in 0..<p {
      let rx = risk * x[i]
      s1[i].add(rx)
      for j in i..<p {
        s2[k].add(rx * x[j])
        k += 1
      }
    }
  }

  /// Adds `other`'s sums (exactly).
  mutating func merge(_ other: RiskSums) {
    s0.merge(other.s0)
    for k in s1.indices { s1[k].merge(other.s1[k]) }
    for k in s2.indices { s2[k].merge(other.s2[k]) }
  }

  /// Subtracts `other`'s sums (exactly).
  mutating func subtract(_ other: RiskSums) {
    s0.subtract(other.s0)
    for k in s1.indices { s1[k].subtract(other.s1[k]) }
    for k in s2.indices { s2[k].subtract(other.s2[k]) }
  }

  /// Every sum in the order of the text format: `s0`, `s1`, `s2`.
  var all: [ExactSum] { [s0] + s1 + s2 }

  /// Sums read back in the order of ``all``.
  init(_ sums: ArraySlice<ExactSum>, order p: Int) {
    let base = sums.startIndex
    s0 = sums[base]
    s1 = Array(sums[(base + 1)..<(base + 1 + p)])
    s2 = Array(sums[(base + 1 + p)..<(base + 1 + p + p * (p + 1) / 2)])
  }

  /// Number of sums over `p` covariates.
  static func size(order p: Int) -> Int { 1 + p + p * (p + 1) / 2 }
}

extension ExactSum {
  /// Subtracts `other` exactly (finite sums).
  mutating func subtract(_ other: ExactSum) {
    for c in other.components { add(-c) }
  }
}

/// The Cox partial-likelihood statistics of one partition at one `beta` (WebDISCO, Lu et al.,
/// JAMIA 2015): what a distributed Cox fit adds across partitions each Newton iteration.
///
/// Per stratum label and distinct time `t`: the risk sums (``RiskSums``) of the rows leaving
/// the risk set at `t` (`stop == t`), of the rows entering at `t` (`start == t`: at risk only
/// after `t`), and of the rows with an event at `t` (with their count and weight, for the
/// Efron steps); overall, the events' `sum w x` and `sum w eta` (the log-likelihood's linear
/// part). A row is at risk at `t` iff `start < t <= stop`, so the risk set at `t` is the exits
/// at times `>= t` minus the entries at times `>= t`, which a descending sweep over the merged
/// statistics rebuilds (``DistributedCox``). Every sum is an ``ExactSum`` from the rows' terms,
/// so the merged statistics are the same bits for any partitioning and any merge order.
/// Size `O(T p^2)` for `T` distinct (stratum, time) pairs, never `O(rows)`.
public struct RiskSetStatistics: PartialStatistics, Equatable {
  /// A stratum and a time: the key of one record.
  public struct Key: Sendable, Hashable, Comparable {
    public var stratum: String
    public var time: Double
    public static func < (a: Key, b: Key) -> Bool {
      a.stratum != b.stratum ? a.stratum < b.stratum : a.time < b.time
    }
  }

  /// The sums at one (stratum, time).
  public struct TimePoint: Sendable, Equatable {
    public internal(set) var exits: RiskSums
    public internal(set) var exitCount = 0
    public internal(set) var entries: RiskSums
    public internal(set) var entryCount = 0
    /// Rows with an event at this time, their weight and risk sums (Efron's tied sums).
    public internal(set) var eventCount = 0
    public internal(set) var eventWeight = ExactSum()
    public internal(set) var eventRisk: RiskSums

    init(order p: Int) {
      exits = RiskSums(order: p)
      entries = RiskSums(order: p)
      eventRisk = RiskSums(order: p)
    }
  }

  public private(set) var header: PartialHeader
  /// Covariate names (the same in every partition).
  public let columns: [String]
  /// Whether the rows are `(start, stop]` intervals; `nil` for a partition without rows.
  public private(set) var countingProcess: Bool?
  public private(set) var rows: Int
  /// Event rows (unweighted).
  public private(set) var events: Int
  /// Largest `x_i'beta + offset_i` on the uncentred scale (`-inf` without rows).
  public private(set) var maxLinearPredictor: Double
  /// `sum w x` over the event rows (centred `x`).
  public private(set) var eventX: [ExactSum]
  /// `sum w eta` over the event rows.
  public private(set) var eventLinear: ExactSum
  /// The records by stratum and time.
  public private(set) var points: [Key: TimePoint]

  /// Statistics of one partition's rows at `beta`, covariates centred by `center` (both from
  /// the state); `rows` `nil` for a partition without usable rows.
  /// - Throws: ``PartialsError/mismatch(source:reason:)`` when the rows have another number
  ///   of covariates than the state.
  public init(
    header: PartialHeader, columns: [String], rows input: RiskSetRows?, center: [Double],
    beta: [Double]
  ) throws {
    self.header = header
    self.columns = columns
    let p = columns.count
    rows = 0
    events = 0
    maxLinearPredictor = -.infinity
    eventX = [ExactSum](repeating: ExactSum(), count: p)
    eventLinear = ExactSum()
    points = [:]
    guard let input, input.count > 0 else { return }
    guard input.x.columns == p, center.count == p, beta.count == p else {
      throw PartialsError.mismatch(
        source: header.partitions.joined(separator: ","),
        reason: "its design has \(input.x.columns) covariates, the state \(p)")
    }
    let n = input.count
    countingProcess = input.response.isCountingProcess
    rows = n
    let xc = try input.centred(center)
    let eta = input.linearPredictors(centred: xc, beta: beta)
    let centrePart = zip(center, beta).reduce(0) { $0 + $1.0 * $1.1 }
    // Rows are summed in plain doubles per (stratum, time) slot, as the in-memory sweep sums
    // them, and each slot's sums become exact sums once at the end: one dictionary lookup and
    // O(p^2) additions per row, no allocation.
    let width = 1 + p + p * (p + 1) / 2
    var slots: [Key: Int] = [:]
    var keys: [Key] = []
    var exitSums: [Double] = []
    var entrySums: [Double] = []
    var eventSums: [Double] = []
    var counts: [(exits: Int, entries: Int, events: Int)] = []
    var eventWeights: [Double] = []
    var eventXPlain = [Double](repeating: 0, count: p)
    var eventLinearPlain = 0.0
    func slot(_ key: Key) -> Int {
      if let k = slots[key] { return k }
      let k = keys.count
      slots[key] = k
      keys.append(key)
      exitSums.append(contentsOf: repeatElement(0, count: width))
      entrySums.append(contentsOf: repeatElement(0, count: width))
      eventSums.append(contentsOf: repeatElement(0, count: width))
      counts.append((0, 0, 0))
      eventWeights.append(0)
      return k
    }
    var row = [Double](repeating: 0, count: p)
    func add(_ sums: inout [Double], _ k: Int, risk: Double) {
      var index = k * width
      sums[index] += risk
      index += 1
      for i in 0..<p {
        sums[index + i] += risk * row[i]
      }
      index += p
      for i in 0..<p {
        let rx = risk * row[i]
        for j in i..<p {
          sums[index] += rx * row[j]
          index += 1
        }
      }
    }
    for i in 0..<n {
      let w = input.weights?[i] ?? 1
      let risk = w * exp(eta[i])
      for j in 0..<p { row[j] = xc.storage[i + j * n] }
      maxLinearPredictor = max(maxLinearPredictor, eta[i] + centrePart)
      let stratum = input.stratum(i)
      // `+ 0` turns a -0 time into 0, so one time has one key and one text form.
      let exit = slot(Key(stratum: stratum, time: input.response.stop[i] + 0))
      add(&exitSums, exit, risk: risk)
      counts[exit].exits += 1
      if let start = input.response.start?[i] {
        let entry = slot(Key(stratum: stratum, time: start + 0))
        add(&entrySums, entry, risk: risk)
        counts[entry].entries += 1
      }
      if input.response.event[i] {
        events += 1
        counts[exit].events += 1
        eventWeights[exit] += w
        add(&eventSums, exit, risk: risk)
        for j in 0..<p { eventXPlain[j] += w * row[j] }
        eventLinearPlain += w * eta[i]
      }
    }
    func sums(_ plain: [Double], _ k: Int) -> RiskSums {
      var out = RiskSums(order: p)
      let base = k * width
      out.s0 = ExactSum([plain[base]])
      for j in 0..<p { out.s1[j] = ExactSum([plain[base + 1 + j]]) }
      for j in 0..<(p * (p + 1) / 2) { out.s2[j] = ExactSum([plain[base + 1 + p + j]]) }
      return out
    }
    for (k, key) in keys.enumerated() {
      var point = TimePoint(order: p)
      point.exitCount = counts[k].exits
      point.entryCount = counts[k].entries
      point.eventCount = counts[k].events
      if counts[k].exits > 0 { point.exits = sums(exitSums, k) }
      if counts[k].entries > 0 { point.entries = sums(entrySums, k) }
      if counts[k].events > 0 {
        point.eventRisk = sums(eventSums, k)
        point.eventWeight = ExactSum([eventWeights[k]])
      }
      points[key] = point
    }
    eventX = eventXPlain.map { ExactSum([$0]) }
    eventLinear = ExactSum([eventLinearPlain])
  }

  public mutating func merge(_ other: RiskSetStatistics) throws(PartialsError) {
    let source = other.header.partitions.joined(separator: ",")
    try header.merge(other.header, source: source)
    guard other.columns == columns else {
      throw .mismatch(source: source, reason: "columns \(other.columns) beside \(columns)")
    }
    if let theirs = other.countingProcess {
      if let mine = countingProcess, mine != theirs {
        throw .mismatch(
          source: source,
          reason: "it has \(theirs ? "(start, stop]" : "right-censored") rows, the others "
            + "\(mine ? "(start, stop]" : "right-censored") rows")
      }
      countingProcess = theirs
    }
    rows += other.rows
    events += other.events
    maxLinearPredictor = max(maxLinearPredictor, other.maxLinearPredictor)
    for j in eventX.indices { eventX[j].merge(other.eventX[j]) }
    eventLinear.merge(other.eventLinear)
    for (key, theirs) in other.points {
      guard var mine = points[key] else {
        points[key] = theirs
        continue
      }
      mine.exits.merge(theirs.exits)
      mine.exitCount += theirs.exitCount
      mine.entries.merge(theirs.entries)
      mine.entryCount += theirs.entryCount
      mine.eventCount += theirs.eventCount
      mine.eventWeight.merge(theirs.eventWeight)
      mine.eventRisk.merge(theirs.eventRisk)
      points[key] = mine
    }
  }

  // MARK: The text format

  /// Each sum as its component count followed by its components.
  static func fields(_ sums: [ExactSum]) -> [String] {
    var out: [String] = []
    for s in sums {
      let c = s.canonicalComponents
      out.append(String(c.count))
      out += c.map(PartialDocument.format)
    }
    return out
  }

  /// Reads `count` sums written by ``fields(_:)`` from `fields[from...]`; returns the sums and
  /// the index after them.
  static func sums(
    _ fields: [String], from: Int, count: Int, document d: PartialDocument, key: String
  ) throws(PartialsError) -> ([ExactSum], Int) {
    var out: [ExactSum] = []
    var index = from
    for _ in 0..<count {
      guard index < fields.count, let k = Int(fields[index]), k >= 0,
        index + 1 + k <= fields.count
      else {
        throw .malformed(source: d.source, line: 0, reason: "a truncated '\(key)' record")
      }
      out.append(try d.sum(fields[(index + 1)..<(index + 1 + k)], key: key))
      index += 1 + k
    }
    return (out, index)
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("columns", columns)
    d.append("counting", [countingProcess.map { $0 ? "yes" : "no" } ?? "-"])
    d.append("rows", [String(rows)])
    d.append("events", [String(events)])
    d.append("max-linear", numbers: [maxLinearPredictor])
    d.append("event-x", Self.fields(eventX))
    d.append("event-linear", sum: eventLinear)
    // One record per (stratum, time): counts, then the exits' sums, the entries' (when there
    // are entries) and the events' weight and sums (when there are events).
    for key in points.keys.sorted() {
      guard let point = points[key] else { continue }
      var sums = point.exits.all
      if point.entryCount > 0 { sums += point.entries.all }
      if point.eventCount > 0 { sums += [point.eventWeight] + point.eventRisk.all }
      d.append(
        "time",
        [
          key.stratum, PartialDocument.format(key.time), String(point.exitCount),
          String(point.entryCount), String(point.eventCount),
        ] + Self.fields(sums))
    }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    columns = try d.one("columns")
    let p = columns.count
    switch try d.one("counting").first {
    case "yes": countingProcess = true
    case "no": countingProcess = false
    default: countingProcess = nil
    }
    rows = try d.integer("rows")
    events = try d.integer("events")
    maxLinearPredictor = try d.numbers(d.one("max-linear"), key: "max-linear").first ?? -.infinity
    eventX = try Self.sums(d.one("event-x"), from: 0, count: p, document: d, key: "event-x").0
    eventLinear = try d.sum(d.one("event-linear"), key: "event-linear")
    points = [:]
    let size = RiskSums.size(order: p)
    for fields in d.all("time") {
      guard fields.count >= 5, let exitCount = Int(fields[2]), let entryCount = Int(fields[3]),
        let eventCount = Int(fields[4])
      else {
        throw .malformed(source: d.source, line: 0, reason: "a 'time' record needs counts")
      }
      let key = Key(stratum: fields[0], time: try d.number(fields[1], key: "time"))
      let count = size + (entryCount > 0 ? size : 0) + (eventCount > 0 ? 1 + size : 0)
      let (sums, end) = try Self.sums(fields, from: 5, count: count, document: d, key: "time")
      guard end == fields.count else {
        throw .malformed(source: d.source, line: 0, reason: "a 'time' record is too long")
      }
      var point = TimePoint(order: p)
      point.exits = RiskSums(sums[0..<size], order: p)
      point.exitCount = exitCount
      var next = size
      if entryCount > 0 {
        point.entries = RiskSums(sums[next..<(next + size)], order: p)
        point.entryCount = entryCount
        next += size
      }
      if eventCount > 0 {
        point.eventCount = eventCount
        point.eventWeight = sums[next]
        point.eventRisk = RiskSums(sums[(next + 1)..<(next + 1 + size)], order: p)
      }
      points[key] = point
    }
  }
}

/// The centring pass of a distributed Cox fit: rows, total weight and the weighted sums of
/// each covariate, from which every partition's centre `c = sum w x / sum w` follows.
///
/// R's coxph centres each column by its weighted mean before the Newton iterations; the
/// distributed fit does the same with a centre every partition shares, so `exp(eta)` is well
/// scaled and the risk-set variances lose no digits to the columns' means.
public struct CovariateTotals: PartialStatistics, Equatable {
  public private(set) var header: PartialHeader
  public private(set) var columns: [String]
  public private(set) var rows: Int
  public private(set) var weight: ExactSum
  public private(set) var weightedX: [ExactSum]

  /// Totals of one partition's rows (`nil`: no usable rows).
  /// - Throws: ``PartialsError/mismatch(source:reason:)`` for a different covariate count.
  public init(header: PartialHeader, columns: [String], rows input: RiskSetRows?) throws {
    self.header = header
    self.columns = columns
    let p = columns.count
    rows = 0
    weight = ExactSum()
    weightedX = [ExactSum](repeating: ExactSum(), count: p)
    guard let input, input.count > 0 else { return }
    guard input.x.columns == p else {
      throw PartialsError.mismatch(
        source: header.partitions.joined(separator: ","),
        reason: "its design has \(input.x.columns) covariates, the state \(p)")
    }
    let n = input.count
    rows = n
    for i in 0..<n {
      let w = input.weights?[i] ?? 1
      weight.add(w)
      for j in 0..<p { weightedX[j].add(w * input.x.storage[i + j * n]) }
    }
  }

  public mutating func merge(_ other: CovariateTotals) throws(PartialsError) {
    let source = other.header.partitions.joined(separator: ",")
    try header.merge(other.header, source: source)
    // A partition without usable rows cannot name the columns: it adds only its name.
    if other.rows == 0, other.columns.isEmpty { return }
    if rows == 0, columns.isEmpty {
      let partitions = header.partitions
      self = other
      header.partitions = partitions
      return
    }
    guard other.columns == columns else {
      throw .mismatch(source: source, reason: "columns \(other.columns) beside \(columns)")
    }
    rows += other.rows
    weight.merge(other.weight)
    for j in weightedX.indices { weightedX[j].merge(other.weightedX[j]) }
  }

  /// The weighted column means (0 when the total weight is 0).
  public var means: [Double] {
    let total = weight.value
    return weightedX.map { total > 0 ? $0.value / total : 0 }
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("columns", columns)
    d.append("rows", [String(rows)])
    d.append("weight", sum: weight)
    for j in weightedX.indices { d.append("weighted-x", [String(j)], sum: weightedX[j]) }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    columns = try d.one("columns")
    rows = try d.integer("rows")
    weight = try d.sum(d.one("weight"), key: "weight")
    let records = d.all("weighted-x")
    guard records.count == columns.count else {
      throw .malformed(source: d.source, line: 0, reason: "a sum for every column is needed")
    }
    var sums: [ExactSum] = []
    for fields in records { sums.append(try d.sum(fields.dropFirst(), key: "weighted-x")) }
    weightedX = sums
  }
}
