/// The first pass of a distributed fit: rows, dropped rows, the levels of every categorical
/// variable and the patients of each partition.
///
/// Factor levels must be agreed before any estimate is computed (a partition may lack a
/// level, and R's `factor` sorts the levels of the whole data), and a patient split across
/// partitions would break the per-patient sums of the robust variance: both are settled here.
public struct PartitionSchema: PartialStatistics, Equatable {
  /// How a variable's levels sort: text by code point, numbers by value (R's `factor`).
  public enum LevelKind: String, Sendable, Equatable {
    case text
    case number
  }

  /// Model, pass `schema`, state `-`, partitions.
  public private(set) var header: PartialHeader
  /// The model's settings (formula, references, missing policy, cluster), as the command
  /// line gave them: every partition must agree.
  public private(set) var settings: [String: [String]]
  /// Rows used (complete on the model's variables).
  public private(set) var rows: Int
  /// Rows dropped for a missing model variable.
  public private(set) var dropped: Int
  /// Dropped rows per variable.
  public private(set) var droppedByVariable: [String: Int]
  /// Levels seen per categorical variable, with how they sort.
  public private(set) var levels: [String: (kind: LevelKind, values: Set<String>)]
  /// Patients (cluster labels) per partition, when the model has a cluster column.
  public private(set) var patients: [String: [String]]
  /// Smallest values a model needs agreed over all partitions (a night-indexed diary's time
  /// origin, `night`), merged by minimum.
  public var minimums: [String: Double] = [:]
  /// Largest values agreed over all partitions (a survival status, whose 1/2 coding R judges
  /// over the whole column), merged by maximum.
  public var maximums: [String: Double] = [:]

  /// One partition's schema.
  public init(
    model: String, partition: String, settings: [String: [String]], rows: Int, dropped: Int,
    droppedByVariable: [String: Int], levels: [String: (kind: LevelKind, values: [String])],
    patients: [String]?
  ) {
    header = PartialHeader(model: model, pass: "schema", state: "-", partition: partition)
    self.settings = settings
    self.rows = rows
    self.dropped = dropped
    self.droppedByVariable = droppedByVariable
    self.levels = levels.mapValues { ($0.kind, Set($0.values)) }
    self.patients = patients.map { [partition: $0] } ?? [:]
  }

  public static func == (a: PartitionSchema, b: PartitionSchema) -> Bool {
    a.document == b.document
  }

  public mutating func merge(_ other: PartitionSchema) throws(PartialsError) {
    let source = other.header.partitions.joined(separator: ",")
    try header.merge(other.header, source: source)
    guard other.settings == settings else {
      throw .mismatch(
        source: source, reason: "its formula or options differ from the other partitions'")
    }
    rows += other.rows
    dropped += other.dropped
    minimums.merge(other.minimums, uniquingKeysWith: min)
    maximums.merge(other.maximums, uniquingKeysWith: max)
    droppedByVariable.merge(other.droppedByVariable, uniquingKeysWith: +)
    for (name, entry) in other.levels {
      if let mine = levels[name] {
        guard mine.kind == entry.kind else {
          throw .mismatch(
            source: source,
            reason: "'\(name)' is \(entry.kind == .text ? "text" : "numeric") there and "
              + "\(mine.kind == .text ? "text" : "numeric") elsewhere: the partitions' "
              + "schemas differ")
        }
        levels[name] = (mine.kind, mine.values.union(entry.values))
      } else {
        levels[name] = entry
      }
    }
    if !other.patients.isEmpty {
      var owner: [String: String] = [:]
      for (partition, ids) in patients { for id in ids { owner[id] = partition } }
      for (partition, ids) in other.patients.sorted(by: { $0.key < $1.key }) {
        for id in ids {
          if let first = owner[id] {
            throw .overlap(
              reason: "patient '\(id)' is in partitions '\(min(first, partition))' and "
                + "'\(max(first, partition))': partition the data by patient (whole patients "
                + "per partition), e.g. Spark's repartition(col(\"patient_id\"))")
          }
        }
        patients[partition] = ids
      }
    }
  }

  /// The agreed levels: each variable's levels sorted as R's `factor` sorts them.
  public var agreedLevels: [String: [String]] {
    levels.mapValues { entry in
      switch entry.kind {
      case .text: return entry.values.sorted()
      case .number:
        return entry.values.sorted { (Double($0) ?? .nan) < (Double($1) ?? .nan) }
      }
    }
  }

  /// The survival status coding over all partitions, as R's `Surv()` judges it on the whole
  /// column: `"1/2"` when the largest status is 2, else `"0/1"`; `nil` without a status.
  /// - Throws: ``PartialsError/mismatch(source:reason:)`` when 0 and 2 both occur.
  public func statusCoding() throws(PartialsError) -> String? {
    guard let low = minimums["status"], let high = maximums["status"] else { return nil }
    if high == 2, low == 0 {
      throw .mismatch(
        source: header.partitions.joined(separator: ","),
        reason: "the status column holds 0, 1 and 2: code it 0/1 or 1/2 (R's 2 = event)")
    }
    return high == 2 ? "1/2" : "0/1"
  }

  /// Number of distinct patients over all partitions.
  public var patientCount: Int { patients.values.reduce(0) { $0 + $1.count } }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("setting", lists: settings)
    d.append("rows", [String(rows)])
    d.append("dropped", [String(dropped)])
    d.append("dropped-by", counts: droppedByVariable)
    for (name, values) in agreedLevels.sorted(by: { $0.key < $1.key }) {
      d.append("levels", [name, levels[name]?.kind.rawValue ?? "text"] + values)
    }
    for partition in patients.keys.sorted() {
      d.append("patients", [partition] + (patients[partition] ?? []))
    }
    for name in minimums.keys.sorted() {
      d.append("minimum", [name, PartialDocument.format(minimums[name] ?? 0)])
    }
    for name in maximums.keys.sorted() {
      d.append("maximum", [name, PartialDocument.format(maximums[name] ?? 0)])
    }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    guard header.pass == "schema" else {
      throw .malformed(source: d.source, line: 0, reason: "not a schema pass")
    }
    settings = d.lists("setting")
    rows = try d.integer("rows")
    dropped = try d.integer("dropped")
    droppedByVariable = d.counts("dropped-by")
    levels = [:]
    for fields in d.all("levels") {
      guard fields.count >= 2, let kind = LevelKind(rawValue: fields[1]) else {
        throw .malformed(source: d.source, line: 0, reason: "a 'levels' record needs a kind")
      }
      levels[fields[0]] = (kind, Set(fields.dropFirst(2)))
    }
    patients = [:]
    for fields in d.all("patients") {
      guard let partition = fields.first else { continue }
      patients[partition] = Array(fields.dropFirst())
    }
    for fields in d.all("minimum") {
      guard fields.count == 2 else {
        throw .malformed(source: d.source, line: 0, reason: "a 'minimum' record needs a value")
      }
      minimums[fields[0]] = try d.number(fields[1], key: "minimum")
    }
    for fields in d.all("maximum") {
      guard fields.count == 2 else {
        throw .malformed(source: d.source, line: 0, reason: "a 'maximum' record needs a value")
      }
      maximums[fields[0]] = try d.number(fields[1], key: "maximum")
    }
  }
}

/// The meat of a cluster-robust variance, `sum_g U_g U_g'`, summed over partitions of whole
/// clusters: per-cluster score sums never leave their partition, only the `p x p` sum does.
public struct ClusterMeat: PartialStatistics, Equatable {
  public private(set) var header: PartialHeader
  /// Clusters summed.
  public private(set) var clusters: Int
  /// Upper triangle, row by row (`p (p + 1) / 2` sums).
  public private(set) var upper: [ExactSum]
  /// Matrix order `p`.
  public let order: Int

  /// One partition's meat from its `p x p` symmetric matrix (column-major).
  public init(header: PartialHeader, clusters: Int, order p: Int, matrix: [Double]) {
    self.header = header
    self.clusters = clusters
    order = p
    var upper: [ExactSum] = []
    for i in 0..<p { for j in i..<p { upper.append(ExactSum([matrix[j * p + i]])) } }
    self.upper = upper
  }

  /// One partition's meat from exact sums of its upper triangle, row by row (`p (p + 1) / 2`
  /// sums): a meat that depends only on the clusters' score sums, not on their order.
  /// - Throws: ``PartialsError/mismatch(source:reason:)`` when `upper` has another size.
  public init(header: PartialHeader, clusters: Int, order p: Int, upper: [ExactSum])
    throws(PartialsError)
  {
    guard upper.count == p * (p + 1) / 2 else {
      throw .mismatch(
        source: header.partitions.joined(separator: ","),
        reason: "\(upper.count) meat sums for \(p) columns")
    }
    self.header = header
    self.clusters = clusters
    order = p
    self.upper = upper
  }

  public mutating func merge(_ other: ClusterMeat) throws(PartialsError) {
    try header.merge(other.header, source: other.header.partitions.joined(separator: ","))
    guard other.order == order else {
      throw .mismatch(source: "", reason: "a \(other.order)-column meat beside \(order)")
    }
    clusters += other.clusters
    for k in upper.indices { upper[k].merge(other.upper[k]) }
  }

  /// The merged meat as a full symmetric matrix (column-major), each entry rounded once.
  public var matrix: [Double] {
    var m = [Double](repeating: 0, count: order * order)
    var k = 0
    for i in 0..<order {
      for j in i..<order {
        m[j * order + i] = upper[k].value
        m[i * order + j] = upper[k].value
        k += 1
      }
    }
    return m
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("clusters", [String(clusters)])
    d.append("order", [String(order)])
    var k = 0
    for i in 0..<order {
      for j in i..<order {
        d.append("meat", [String(i), String(j)], sum: upper[k])
        k += 1
      }
    }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    clusters = try d.integer("clusters")
    order = try d.integer("order")
    let records = d.all("meat")
    guard records.count == order * (order + 1) / 2 else {
      throw .malformed(source: d.source, line: 0, reason: "the meat needs every upper entry")
    }
    var upper: [ExactSum] = []
    for fields in records {
      upper.append(try d.sum(fields.dropFirst(2), key: "meat"))
    }
    self.upper = upper
  }
}
