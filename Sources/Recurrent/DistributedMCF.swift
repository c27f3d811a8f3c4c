import CrampData
import Distributions
import Foundation
import LinearAlgebra
import Partials

/// The counts of a mean cumulative function over one partition's AG layout, per group.
///
/// Entries at each `start`, exits at each `stop` and events at each `stop` (all integers, so
/// exact in any order). With them the solver finds every group's and the pooled event
/// times, events `d_j` and numbers at risk `Y_j = #(stop >= t_j) - #(start >= t_j)`.
/// `O(groups x distinct times)`, never `O(rows)`.
public struct MCFCounts: PartialStatistics, Equatable {
  struct Group: Equatable {
    var key: [String]
    var patients: Int
    var starts: [Double: Int]
    var stops: [Double: Int]
    var events: [Double: Int]
  }

  public private(set) var header: PartialHeader
  var groups: [String: Group]

  /// One partition's counts from its layout (`nil`: no rows) grouped by `covariates`.
  public init(header: PartialHeader, layout: Table?, covariates: [String]) throws {
    self.header = header
    groups = [:]
    guard let layout, layout.rowCount > 0 else { return }
    let rows = try MCFRows(layout: layout, covariates: covariates)
    for (k, label) in rows.labels.enumerated() {
      var group = Group(
        key: (rows.keys[label] ?? []).flatMap { [PartialDocument.format($0.0), $0.1] },
        patients: 0, starts: [:], stops: [:], events: [:])
      var patients = Set<Int>()
      for (i, g) in rows.group.enumerated() where g == k {
        group.starts[rows.start[i], default: 0] += 1
        group.stops[rows.stop[i], default: 0] += 1
        if rows.event[i] { group.events[rows.stop[i], default: 0] += 1 }
        patients.insert(rows.patient[i])
      }
      group.patients = patients.count
      groups[label] = group
    }
  }

  public mutating func merge(_ other: MCFCounts) throws(PartialsError) {
    try header.merge(other.header, source: other.header.partitions.joined(separator: ","))
    for (label, group) in other.groups {
      guard var mine = groups[label] else {
        groups[label] = group
        continue
      }
      mine.patients += group.patients
      mine.starts.merge(group.starts, uniquingKeysWith: +)
      mine.stops.merge(group.stops, uniquingKeysWith: +)
      mine.events.merge(group.events, uniquingKeysWith: +)
      groups[label] = mine
    }
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    for label in groups.keys.sorted() {
      guard let g = groups[label] else { continue }
      d.append("group", [label, String(g.patients)] + g.key)
      let times = Set(g.starts.keys).union(g.stops.keys).sorted()
      for t in times {
        d.append(
          "time",
          [
            label, PartialDocument.format(t), String(g.starts[t] ?? 0), String(g.stops[t] ?? 0),
            String(g.events[t] ?? 0),
          ])
      }
    }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    groups = [:]
    for f in d.all("group") {
      guard f.count >= 2, let patients = Int(f[1]) else {
        throw .malformed(source: d.source, line: 0, reason: "a 'group' record needs counts")
      }
      groups[f[0]] = Group(
        key: Array(f.dropFirst(2)), patients: patients, starts: [:], stops: [:], events: [:])
    }
    for f in d.all("time") {
      guard f.count == 5, groups[f[0]] != nil, let s = Int(f[2]), let e = Int(f[3]),
        let v = Int(f[4])
      else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'time' record")
      }
      let t = try d.number(f[1], key: "time")
      if s > 0 { groups[f[0]]?.starts[t] = s }
      if e > 0 { groups[f[0]]?.stops[t] = e }
      if v > 0 { groups[f[0]]?.events[t] = v }
    }
  }
}

/// One partition's layout rows as the MCF reads them.
struct MCFRows {
  var start: [Double]
  var stop: [Double]
  var event: [Bool]
  var patient: [Int]
  var group: [Int]
  var labels: [String]
  var keys: [String: [(Double, String)]]

  init(layout: Table, covariates: [String]) throws {
    guard let startColumn = layout["start"], let stopColumn = layout["stop"],
      let eventColumn = layout["event"], let patientColumn = layout["patient_id"]
    else { throw RecurrentError.fit("MCF needs an AG layout") }
    let g = MeanCumulativeFunction.grouping(layout, covariates: covariates)
    start = g.rows.map { startColumn.numbers[$0] }
    stop = g.rows.map { stopColumn.numbers[$0] }
    event = g.rows.map { eventColumn.numbers[$0] == 1 }
    patient = MeanCumulativeFunction.patientCodes(patientColumn, rows: g.rows)
    group = g.group
    labels = g.labels
    keys = g.keys
  }
}

/// The influence pass of a distributed MCF: per group the Lawless-Nadeau variance
/// increments at the group's event times, and the meat `sum_i r_i r_i'` of the robust score
/// test, both summed over whole patients (exact sums).
public struct MCFInfluence: PartialStatistics, Equatable {
  public private(set) var header: PartialHeader
  var increments: [[ExactSum]]
  var meat: [ExactSum]

  init(header: PartialHeader, increments: [[ExactSum]], meat: [ExactSum]) {
    self.header = header
    self.increments = increments
    self.meat = meat
  }

  public mutating func merge(_ other: MCFInfluence) throws(PartialsError) {
    try header.merge(other.header, source: other.header.partitions.joined(separator: ","))
    guard other.increments.map(\.count) == increments.map(\.count),
      other.meat.count == meat.count
    else {
      throw .mismatch(source: "", reason: "influence statistics of another shape")
    }
    for g in increments.indices {
      for j in increments[g].indices { increments[g][j].merge(other.increments[g][j]) }
    }
    for k in meat.indices { meat[k].merge(other.meat[k]) }
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("shape", [String(meat.count)] + increments.map { String($0.count) })
    for (g, sums) in increments.enumerated() {
      for (j, sum) in sums.enumerated() { d.append("increment", [String(g), String(j)], sum: sum) }
    }
    for (k, sum) in meat.enumerated() { d.append("meat", [String(k)], sum: sum) }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    let shape = try d.one("shape").compactMap(Int.init)
    guard let meatCount = shape.first else {
      throw .malformed(source: d.source, line: 0, reason: "a bad 'shape' record")
    }
    increments = shape.dropFirst().map { [ExactSum](repeating: ExactSum(), count: $0) }
    meat = [ExactSum](repeating: ExactSum(), count: meatCount)
    for f in d.all("increment") {
      guard f.count >= 2, let g = Int(f[0]), let j = Int(f[1]), increments.indices.contains(g),
        increments[g].indices.contains(j)
      else { throw .malformed(source: d.source, line: 0, reason: "a bad 'increment' record") }
      increments[g][j] = try d.sum(f.dropFirst(2), key: "increment")
    }
    for f in d.all("meat") {
      guard let k = Int(f.first ?? ""), meat.indices.contains(k) else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'meat' record")
      }
      meat[k] = try d.sum(f.dropFirst(1), key: "meat")
    }
  }
}

/// A mean cumulative function over partitions of whole patients (``MeanCumulativeFunction``
/// with the same labels, steps, Lawless-Nadeau SEs and robust comparison): passes `schema`
/// (patients, the night origin), `counts` (``MCFCounts``) and `influence`
/// (``MCFInfluence``, computed at the event grids the state broadcasts).
public struct DistributedMCF: Sendable, Equatable {
  public enum Pass: String, Sendable, Equatable {
    case counts
    case influence
  }

  struct Grid: Equatable, Sendable {
    var label: String
    var patients: Int
    var times: [Double]
    var atRisk: [Int]
    var events: [Int]
  }

  public var settings: [String: [String]]
  public var pass: Pass = .counts
  var groups: [Grid] = []
  var pooled = Grid(label: "", patients: 0, times: [], atRisk: [], events: [])
  /// `Y_gj` and `d_gj` of groups `1..<k` at the pooled times.
  var groupAtRisk: [[Double]] = []
  var groupEvents: [[Double]] = []

  /// The state after the schema pass (its agreed origin fixed in the settings).
  public init(schema: PartitionSchema) throws {
    settings = RecurrentPartition.withOrigin(schema.settings, origin: schema.minimums["night"])
    guard schema.rows > 0 else { throw RecurrentError.fit("MCF: no rows") }
  }

  public func header(partition: String) -> PartialHeader {
    PartialHeader(model: "mcf", pass: pass.rawValue, state: document.digest, partition: partition)
  }

  /// One partition's statistics for this state's pass, from its diary rows.
  public func statistics(partition: String, diary: Table) throws -> PartialDocument {
    let layout = try RecurrentPartition.layout(diary: diary, settings: settings)
    let covariates = layout.covariates
    switch pass {
    case .counts:
      return try MCFCounts(
        header: header(partition: partition), layout: layout.table, covariates: covariates
      ).document
    case .influence:
      var increments = groups.map { [ExactSum](repeating: ExactSum(), count: $0.times.count) }
      let components = groups.count - 1
      var meat = [ExactSum](
        repeating: ExactSum(), count: max(0, components * (components + 1) / 2))
      if layout.table.rowCount > 0 {
        let rows = try MCFRows(layout: layout.table, covariates: covariates)
        let index = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1.label, $0) })
        let group = try rows.group.map { local -> Int in
          guard let g = index[rows.labels[local]] else {
            throw PartialsError.mismatch(
              source: partition, reason: "group '\(rows.labels[local])' was not counted")
          }
          return g
        }
        for (g, grid) in groups.enumerated() {
          let members = group.indices.filter { group[$0] == g }
          let sums = MeanCumulativeFunction.influenceIncrements(
            rows: members,
            grid: EventGrid(times: grid.times, atRisk: grid.atRisk, events: grid.events),
            start: rows.start, stop: rows.stop, event: rows.event, patient: rows.patient)
          increments[g] = sums.map { ExactSum([$0]) }
        }
        if components > 0 {
          let residuals = MeanCumulativeFunction.scoreResiduals(
            rows: Array(group.indices),
            pooled: EventGrid(times: pooled.times, atRisk: pooled.atRisk, events: pooled.events),
            atRisk: groupAtRisk, start: rows.start, stop: rows.stop, event: rows.event,
            patient: rows.patient, group: group)
          let v = try BLAS.syrk(residuals)
          var k = 0
          for i in 0..<components {
            for j in i..<components {
              meat[k] = ExactSum([v[i, j]])
              k += 1
            }
          }
        }
      }
      return MCFInfluence(
        header: header(partition: partition), increments: increments, meat: meat
      ).document
    }
  }

  public enum Step: Sendable {
    case pass(DistributedMCF)
    case fit(MeanCumulativeFunction, TieSummary)
  }

  /// The exact sum of one pass's documents.
  public static func combine(_ documents: [PartialDocument]) throws(PartialsError)
    -> PartialDocument
  {
    try combinedDocument(
      documents,
      passes: [
        "schema": PartitionSchema.self, "counts": MCFCounts.self, "influence": MCFInfluence.self,
      ])
  }

  /// The next state or the estimate from one pass's merged statistics.
  public func advance(with merged: PartialDocument, confidenceLevel: Double) throws -> Step {
    let header = try PartialHeader(document: merged)
    guard header.pass == pass.rawValue else {
      throw PartialsError.mismatch(
        source: merged.source, reason: "'\(header.pass)' statistics for a '\(pass)' pass")
    }
    switch pass {
    case .counts:
      return .pass(try next(counts: try MCFCounts(document: merged)))
    case .influence:
      return try finish(with: try MCFInfluence(document: merged), level: confidenceLevel)
    }
  }

  /// `Y(t) = #(stop >= t) - #(start >= t)` at each of `times`.
  static func atRisk(
    _ times: [Double], starts: [Double: Int], stops: [Double: Int]
  ) -> [Int] {
    func atOrAfter(_ counts: [Double: Int]) -> (Double) -> Int {
      let keys = counts.keys.sorted()
      var suffix = [Int](repeating: 0, count: keys.count + 1)
      for i in stride(from: keys.count - 1, through: 0, by: -1) {
        suffix[i] = suffix[i + 1] + (counts[keys[i]] ?? 0)
      }
      return { t in suffix[EventGrid.lowerBound(keys, t)] }
    }
    let stopsAfter = atOrAfter(stops)
    let startsAfter = atOrAfter(starts)
    return times.map { stopsAfter($0) - startsAfter($0) }
  }

  func next(counts: MCFCounts) throws -> DistributedMCF {
    var next = self
    let keys = counts.groups.mapValues { g -> [(Double, String)] in
      stride(from: 0, to: g.key.count - 1, by: 2).map { (Double(g.key[$0]) ?? .nan, g.key[$0 + 1]) }
    }
    let labels = counts.groups.keys.sorted {
      MeanCumulativeFunction.Grouping.precedes($0, $1, keys: keys)
    }
    guard !labels.isEmpty else { throw RecurrentError.fit("MCF: no rows") }
    var allStarts: [Double: Int] = [:]
    var allStops: [Double: Int] = [:]
    var allEvents: [Double: Int] = [:]
    next.groups = labels.compactMap { label in
      guard let g = counts.groups[label] else { return nil }
      allStarts.merge(g.starts, uniquingKeysWith: +)
      allStops.merge(g.stops, uniquingKeysWith: +)
      allEvents.merge(g.events, uniquingKeysWith: +)
      let times = g.events.keys.sorted()
      return Grid(
        label: label, patients: g.patients, times: times,
        atRisk: Self.atRisk(times, starts: g.starts, stops: g.stops),
        events: times.map { g.events[$0] ?? 0 })
    }
    let times = allEvents.keys.sorted()
    next.pooled = Grid(
      label: "", patients: 0, times: times,
      atRisk: Self.atRisk(times, starts: allStarts, stops: allStops),
      events: times.map { allEvents[$0] ?? 0 })
    next.groupAtRisk = labels.dropFirst().map { label in
      let g = counts.groups[label]
      return Self.atRisk(times, starts: g?.starts ?? [:], stops: g?.stops ?? [:]).map(Double.init)
    }
    next.groupEvents = labels.dropFirst().map { label in
      times.map { Double(counts.groups[label]?.events[$0] ?? 0) }
    }
    next.pass = .influence
    return next
  }

  func finish(with influence: MCFInfluence, level: Double) throws -> Step {
    guard influence.increments.count == groups.count else {
      throw PartialsError.mismatch(source: "", reason: "influence of another grouping")
    }
    let z = Normal.quantile(1 - (1 - level) / 2)
    var fitted: [MeanCumulativeFunction.Group] = []
    for (g, grid) in groups.enumerated() {
      guard !grid.times.isEmpty || grid.patients > 0 else {
        throw RecurrentError.fit("MCF: group '\(grid.label)' has no rows")
      }
      let variance = MeanCumulativeFunction.runningVariance(influence.increments[g].map(\.value))
      let steps = MeanCumulativeFunction.steps(
        grid: EventGrid(times: grid.times, atRisk: grid.atRisk, events: grid.events),
        variance: variance, quantile: z)
      fitted.append(
        MeanCumulativeFunction.Group(
          label: grid.label, patients: grid.patients, events: grid.events.reduce(0, +),
          steps: steps))
    }
    var comparison: MeanCumulativeFunction.Comparison?
    if groups.count > 1 {
      let pooledGrid = EventGrid(times: pooled.times, atRisk: pooled.atRisk, events: pooled.events)
      let score = MeanCumulativeFunction.scoreVector(
        pooled: pooledGrid, atRisk: groupAtRisk, events: groupEvents)
      comparison = try MeanCumulativeFunction.comparison(
        score: score,
        meat: Matrix.symmetric(upperRows: influence.meat.map(\.value), order: score.count))
    }
    return .fit(
      MeanCumulativeFunction(groups: fitted, comparison: comparison, confidenceLevel: level),
      TieSummary(eventCounts: pooled.events))
  }

  // MARK: The state document

  public var document: PartialDocument {
    var d = PartialDocument(kind: .state)
    d.append("model", ["mcf"])
    d.append("setting", lists: settings)
    d.append("pass", [pass.rawValue])
    for grid in [pooled] + groups {
      d.append("grid", [grid.label, String(grid.patients)])
      d.append("times", numbers: grid.times)
      d.append("at-risk", grid.atRisk.map(String.init))
      d.append("events", grid.events.map(String.init))
    }
    for row in groupAtRisk { d.append("group-at-risk", numbers: row) }
    for row in groupEvents { d.append("group-events", numbers: row) }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    guard d.kind == .state, d.value("model") == "mcf" else {
      throw .malformed(source: d.source, line: 1, reason: "not an mcf state")
    }
    settings = d.lists("setting")
    guard let pass = Pass(rawValue: try d.one("pass").first ?? "") else {
      throw .malformed(source: d.source, line: 0, reason: "unknown pass")
    }
    self.pass = pass
    let heads = d.all("grid")
    let times = d.all("times")
    let atRisk = d.all("at-risk")
    let events = d.all("events")
    guard heads.count == times.count, times.count == atRisk.count, atRisk.count == events.count
    else { throw .malformed(source: d.source, line: 0, reason: "incomplete MCF grids") }
    var grids: [Grid] = []
    for k in heads.indices {
      guard heads[k].count == 2, let patients = Int(heads[k][1]) else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'grid' record")
      }
      let t = try d.numbers(times[k], key: "times")
      let r = atRisk[k].compactMap(Int.init)
      let e = events[k].compactMap(Int.init)
      guard r.count == t.count, e.count == t.count else {
        throw .malformed(source: d.source, line: 0, reason: "a grid of uneven lengths")
      }
      grids.append(Grid(label: heads[k][0], patients: patients, times: t, atRisk: r, events: e))
    }
    if let first = grids.first {
      pooled = first
      groups = Array(grids.dropFirst())
    }
    groupAtRisk = try d.all("group-at-risk").map { (f) throws(PartialsError) in
      try d.numbers(f, key: "group-at-risk")
    }
    groupEvents = try d.all("group-events").map { (f) throws(PartialsError) in
      try d.numbers(f, key: "group-events")
    }
  }
}
