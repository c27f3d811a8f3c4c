import Partials

/// The counts of a log-rank test over one partition: per stratum, group and distinct time,
/// the rows leaving the risk set and the events (`crampstat partial logrank`; one pass).
///
/// Counts are integers, so merged counts are exact in any order; the test is then computed
/// by ``LogRank/test(_:counts:groupLabels:rho:)`` exactly as on the whole data.
/// `O(strata x groups x distinct times)`.
public struct LogRankCounts: PartialStatistics, Equatable {
  struct Cell: Equatable {
    var exits = 0.0
    var events = 0.0
  }

  public private(set) var header: PartialHeader
  public private(set) var formula: String
  /// Per group label: its sort key (number text and text per variable) and row count.
  var groups: [String: (key: [String], count: Int)]
  /// Per stratum label, group label and time.
  var cells: [String: [String: [Double: Cell]]]

  public static func == (a: LogRankCounts, b: LogRankCounts) -> Bool {
    a.document == b.document
  }

  /// One partition's counts: rows' group codes (labels, keys from
  /// `PartitionDesign.groups`) and stratum labels (`""` without strata); `y` `nil` when the
  /// partition has no usable row.
  public init(
    header: PartialHeader, formula: String, y: SurvivalResponse?, codes: [Int],
    labels: [String], keys: [PartitionDesign.GroupKey], strata: [String]
  ) {
    self.header = header
    self.formula = formula
    groups = [:]
    cells = [:]
    guard let y else { return }
    for (k, label) in labels.enumerated() {
      groups[label] = (keys[k].flatMap { [PartialDocument.format($0.number), $0.text] }, 0)
    }
    for row in 0..<y.count {
      let label = labels[codes[row]]
      groups[label]?.count += 1
      var cell = cells[strata[row], default: [:]][label, default: [:]][y.stop[row]] ?? Cell()
      cell.exits += 1
      if y.event[row] { cell.events += 1 }
      cells[strata[row], default: [:]][label, default: [:]][y.stop[row]] = cell
    }
    groups = groups.filter { $0.value.count > 0 }
  }

  public mutating func merge(_ other: LogRankCounts) throws(PartialsError) {
    try header.merge(other.header, source: other.header.partitions.joined(separator: ","))
    guard other.formula == formula else {
      throw .mismatch(source: "", reason: "formula '\(other.formula)' beside '\(formula)'")
    }
    for (label, group) in other.groups {
      groups[label] = (group.key, (groups[label]?.count ?? 0) + group.count)
    }
    for (stratum, byGroup) in other.cells {
      for (group, byTime) in byGroup {
        for (time, cell) in byTime {
          var mine = cells[stratum, default: [:]][group, default: [:]][time] ?? Cell()
          mine.exits += cell.exits
          mine.events += cell.events
          cells[stratum, default: [:]][group, default: [:]][time] = mine
        }
      }
    }
  }

  /// Group labels in R's order (``PartitionDesign/groupPrecedes(_:_:)``).
  public var groupLabels: [String] {
    func key(_ label: String) -> PartitionDesign.GroupKey {
      let fields = groups[label]?.key ?? []
      return stride(from: 0, to: fields.count - 1, by: 2).map {
        (Double(fields[$0]) ?? .nan, fields[$0 + 1])
      }
    }
    return groups.keys.sorted { a, b in
      if PartitionDesign.groupPrecedes(key(a), key(b)) { return true }
      if PartitionDesign.groupPrecedes(key(b), key(a)) { return false }
      return a < b
    }
  }

  /// The test on the merged counts.
  public func test(rho: Double) throws -> LogRankResult {
    let labels = groupLabels
    let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    var strata: [LogRankTable.Stratum] = []
    for stratum in cells.keys.sorted() {
      guard let byGroup = cells[stratum] else { continue }
      let times = Set(byGroup.values.flatMap(\.keys)).sorted()
      let position = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($1, $0) })
      var table = LogRankTable.Stratum(
        times: times,
        exits: [[Double]](
          repeating: [Double](repeating: 0, count: labels.count), count: times.count),
        events: [[Double]](
          repeating: [Double](repeating: 0, count: labels.count), count: times.count))
      for (group, byTime) in byGroup {
        guard let g = index[group] else { continue }
        for (time, cell) in byTime {
          guard let t = position[time] else { continue }
          table.exits[t][g] = cell.exits
          table.events[t][g] = cell.events
        }
      }
      strata.append(table)
    }
    return try LogRank.test(
      LogRankTable(groups: labels.count, strata: strata),
      counts: labels.map { groups[$0]?.count ?? 0 }, groupLabels: labels, rho: rho)
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("formula", [formula])
    for label in groups.keys.sorted() {
      guard let g = groups[label] else { continue }
      d.append("group", [label, String(g.count)] + g.key)
    }
    for stratum in cells.keys.sorted() {
      for group in (cells[stratum] ?? [:]).keys.sorted() {
        let byTime = cells[stratum]?[group] ?? [:]
        for time in byTime.keys.sorted() {
          guard let c = byTime[time] else { continue }
          d.append(
            "cell",
            [
              stratum, group, PartialDocument.format(time), PartialDocument.format(c.exits),
              PartialDocument.format(c.events),
            ])
        }
      }
    }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    formula = try d.one("formula").first ?? ""
    groups = [:]
    cells = [:]
    for f in d.all("group") {
      guard f.count >= 2, let count = Int(f[1]) else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'group' record")
      }
      groups[f[0]] = (Array(f.dropFirst(2)), count)
    }
    for f in d.all("cell") {
      guard f.count == 5, groups[f[1]] != nil else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'cell' record")
      }
      cells[f[0], default: [:]][f[1], default: [:]][try d.number(f[2], key: "cell")] = Cell(
        exits: try d.number(f[3], key: "cell"), events: try d.number(f[4], key: "cell"))
    }
  }
}
