import Partials

/// The counts of a Kaplan-Meier fit over one partition, per group: what
/// `crampstat partial km` writes and `combine` adds (one pass, no iteration).
///
/// Per group: its label and sort key, rows, the weight at risk from the start, and per
/// distinct time the event count and weight, the censored weight and the weight entering
/// (counting-process rows). Case weights are 1, so every count is an integer and the sums
/// are exact in any order. `O(groups x distinct times)`, never `O(rows)`.
public struct KaplanMeierCounts: PartialStatistics, Equatable {
  struct Group: Equatable {
    var key: [String]
    var records: Int
    var initial: Double
    var exits: [Double: KaplanMeierTable.Exit]
    var entries: [Double: Double]
  }

  public private(set) var header: PartialHeader
  /// The model formula (every partition's must agree).
  public private(set) var formula: String
  var groups: [String: Group]

  /// One partition's counts: `y` and its rows' group codes, labels and sort keys (from
  /// `PartitionDesign.groups`); `y` `nil` for a partition without usable rows.
  public init(
    header: PartialHeader, formula: String, y: SurvivalResponse?, codes: [Int],
    labels: [String], keys: [PartitionDesign.GroupKey]
  ) {
    self.header = header
    self.formula = formula
    groups = [:]
    guard let y else { return }
    var members = [[Int]](repeating: [], count: labels.count)
    for (row, code) in codes.enumerated() { members[code].append(row) }
    let ones = [Double](repeating: 1, count: y.count)
    for (k, rows) in members.enumerated() where !rows.isEmpty {
      let table = KaplanMeierTable(rows: rows, y: y, weights: ones)
      groups[labels[k]] = Group(
        key: keys[k].flatMap { [PartialDocument.format($0.number), $0.text] },
        records: table.records, initial: table.initialWeight,
        exits: Dictionary(uniqueKeysWithValues: table.exits.map { ($0.time, $0) }),
        entries: Dictionary(uniqueKeysWithValues: table.entries.map { ($0.time, $0.weight) }))
    }
  }

  public mutating func merge(_ other: KaplanMeierCounts) throws(PartialsError) {
    try header.merge(other.header, source: other.header.partitions.joined(separator: ","))
    guard other.formula == formula else {
      throw .mismatch(source: "", reason: "formula '\(other.formula)' beside '\(formula)'")
    }
    for (label, group) in other.groups {
      guard var mine = groups[label] else {
        groups[label] = group
        continue
      }
      mine.records += group.records
      mine.initial += group.initial
      for (time, exit) in group.exits {
        if var e = mine.exits[time] {
          e.eventWeight += exit.eventWeight
          e.eventCount += exit.eventCount
          e.censorWeight += exit.censorWeight
          mine.exits[time] = e
        } else {
          mine.exits[time] = exit
        }
      }
      for (time, weight) in group.entries { mine.entries[time, default: 0] += weight }
      groups[label] = mine
    }
  }

  /// The groups in R's order with their tables, for ``KaplanMeier/fit(tables:)``.
  public var tables: [(label: String, table: KaplanMeierTable)] {
    func key(_ label: String) -> PartitionDesign.GroupKey {
      let fields = groups[label]?.key ?? []
      return stride(from: 0, to: fields.count - 1, by: 2).map {
        (Double(fields[$0]) ?? .nan, fields[$0 + 1])
      }
    }
    let order = groups.keys.sorted { a, b in
      let (x, y) = (key(a), key(b))
      if PartitionDesign.groupPrecedes(x, y) { return true }
      if PartitionDesign.groupPrecedes(y, x) { return false }
      return a < b
    }
    return order.compactMap { label in
      guard let g = groups[label] else { return nil }
      return (
        label,
        KaplanMeierTable(
          records: g.records, initialWeight: g.initial,
          exits: g.exits.keys.sorted().compactMap { g.exits[$0] },
          entries: g.entries.keys.sorted().map {
            KaplanMeierTable.Entry(time: $0, weight: g.entries[$0] ?? 0)
          })
      )
    }
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("formula", [formula])
    for label in groups.keys.sorted() {
      guard let g = groups[label] else { continue }
      d.append(
        "group", [label, String(g.records), PartialDocument.format(g.initial)] + g.key)
      for time in g.exits.keys.sorted() {
        guard let e = g.exits[time] else { continue }
        d.append(
          "exit",
          [
            label, PartialDocument.format(time), PartialDocument.format(e.eventWeight),
            String(e.eventCount), PartialDocument.format(e.censorWeight),
          ])
      }
      for time in g.entries.keys.sorted() {
        d.append(
          "entry",
          [label, PartialDocument.format(time), PartialDocument.format(g.entries[time] ?? 0)])
      }
    }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    formula = try d.one("formula").first ?? ""
    groups = [:]
    for f in d.all("group") {
      guard f.count >= 3, let records = Int(f[1]) else {
        throw .malformed(source: d.source, line: 0, reason: "a 'group' record needs counts")
      }
      groups[f[0]] = Group(
        key: Array(f.dropFirst(3)), records: records,
        initial: try d.number(f[2], key: "group"), exits: [:], entries: [:])
    }
    for f in d.all("exit") {
      guard f.count == 5, let count = Int(f[3]), groups[f[0]] != nil else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'exit' record")
      }
      let time = try d.number(f[1], key: "exit")
      groups[f[0]]?.exits[time] = KaplanMeierTable.Exit(
        time: time, eventWeight: try d.number(f[2], key: "exit"), eventCount: count,
        censorWeight: try d.number(f[4], key: "exit"))
    }
    for f in d.all("entry") {
      guard f.count == 3, groups[f[0]] != nil else {
        throw .malformed(source: d.source, line: 0, reason: "a bad 'entry' record")
      }
      groups[f[0]]?.entries[try d.number(f[1], key: "entry")] = try d.number(f[2], key: "entry")
    }
  }
}
