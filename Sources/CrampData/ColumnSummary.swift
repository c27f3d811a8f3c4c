/// Summary of one column for `crampstat describe`.
public struct ColumnSummary: Sendable, Equatable {
  public var name: String
  public var type: ColumnType
  public var count: Int
  public var missing: Int
  /// Minimum, median and maximum of the non-missing values (numeric and date columns).
  public var minimum: Double?
  public var median: Double?
  public var maximum: Double?
  /// Number of distinct non-missing values.
  public var distinct: Int
  /// Level counts, most frequent first then by level text (string and boolean columns);
  /// at most `levelLimit` entries.
  public var levels: [(level: String, count: Int)]

  public static func == (lhs: ColumnSummary, rhs: ColumnSummary) -> Bool {
    lhs.name == rhs.name && lhs.type == rhs.type && lhs.count == rhs.count
      && lhs.missing == rhs.missing && lhs.minimum == rhs.minimum && lhs.median == rhs.median
      && lhs.maximum == rhs.maximum && lhs.distinct == rhs.distinct
      && lhs.levels.map(\.level) == rhs.levels.map(\.level)
      && lhs.levels.map(\.count) == rhs.levels.map(\.count)
  }

  /// Summarises `column`.
  ///
  /// The median is the midpoint of the two middle values for an even count (R's `median`).
  public init(_ column: Column, levelLimit: Int = 10) {
    name = column.name
    type = column.type
    count = column.count
    missing = column.missingCount
    levels = []
    if column.type == .string {
      var counts = [Int](repeating: 0, count: column.levels.count)
      for code in column.codes where code >= 0 { counts[Int(code)] += 1 }
      distinct = counts.filter { $0 > 0 }.count
      let order = counts.indices.filter { counts[$0] > 0 }.sorted {
        counts[$0] != counts[$1] ? counts[$0] > counts[$1] : column.levels[$0] < column.levels[$1]
      }
      levels = order.prefix(levelLimit).map { (column.levels[$0], counts[$0]) }
      return
    }
    var values: [Double] = []
    values.reserveCapacity(column.count - missing)
    for (v, m) in zip(column.numbers, column.missing) where !m { values.append(v) }
    values.sort()
    distinct = values.isEmpty ? 0 : 1 + zip(values, values.dropFirst()).filter { $0 != $1 }.count
    if let first = values.first, let last = values.last {
      minimum = first
      maximum = last
      let mid = values.count / 2
      median = values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
    }
    if column.type == .boolean {
      let ones = values.filter { $0 == 1 }.count
      levels = [("0", values.count - ones), ("1", ones)].filter { $0.1 > 0 }
    }
  }
}

/// Diary-level facts for `crampstat describe` on a night-level file.
public struct DiarySummary: Sendable, Equatable {
  public var patients: Int
  public var patientNights: Int
  public var nightsPerPatientMin: Int
  public var nightsPerPatientMedian: Double
  public var nightsPerPatientMax: Int
  /// Rows with `cramp` = 1.
  public var nightsWithCramp: Int
  /// Rows where `cramp` is known (0 or 1).
  public var nightsObserved: Int
  /// Patients with at least one cramp night.
  public var patientsWithCramp: Int

  /// Summarises a night-level table, or returns `nil` when it lacks `patient_id`.
  public init?(_ table: Table) {
    guard let idColumn = table["patient_id"] else { return nil }
    let keys = PatientKeys(idColumn)
    let cramp = table["cramp"].map { NumericView($0).values }
    var nights: [Int64: Int] = [:]
    var withCramp = Set<Int64>()
    var crampNights = 0
    var observed = 0
    for row in 0..<table.rowCount {
      guard let key = keys.key(row) else { continue }
      nights[key, default: 0] += 1
      if let c = cramp?[row], !c.isNaN {
        observed += 1
        if c == 1 {
          crampNights += 1
          withCramp.insert(key)
        }
      }
    }
    let perPatient = nights.values.sorted()
    patients = perPatient.count
    patientNights = perPatient.reduce(0, +)
    nightsPerPatientMin = perPatient.first ?? 0
    nightsPerPatientMax = perPatient.last ?? 0
    if perPatient.isEmpty {
      nightsPerPatientMedian = .nan
    } else {
      let mid = perPatient.count / 2
      nightsPerPatientMedian =
        perPatient.count % 2 == 1
        ? Double(perPatient[mid]) : Double(perPatient[mid - 1] + perPatient[mid]) / 2
    }
    nightsWithCramp = crampNights
    nightsObserved = observed
    patientsWithCramp = withCramp.count
  }
}
