/// Checks diary tables against the rules of the night-level and patient-level layouts.
///
/// Every violation is reported, each with the physical line of its row
/// (``Table/lineNumbers``), the column and a stable rule id. The validator never stops at
/// the first problem and never modifies its input.
public enum DiaryValidator {
  /// Validates a table in the given layout; `patients` (a patient-level table) enables the
  /// cross-file check that every patient in a night file is known.
  public static func validate(
    _ table: Table, layout: DiaryLayout, patients: Table? = nil
  ) -> [DiaryFinding] {
    var findings = valueFindings(table)
    switch layout {
    case .nights: findings += nightFindings(table, patients: patients)
    case .patients: findings += patientFindings(table)
    }
    return findings.sorted {
      ($0.line, $0.column ?? "", $0.rule) < ($1.line, $1.column ?? "", $1.rule)
    }
  }

  // MARK: Per-value rules

  /// Binary, range, non-negative and numeric-type rules on single values.
  static func valueFindings(_ table: Table) -> [DiaryFinding] {
    var out: [DiaryFinding] = []
    for column in table.columns {
      let name = column.name
      let binary = DiaryColumnRules.binary.contains(name)
      let range = DiaryColumnRules.ranges[name]
      let nonNegative = DiaryColumnRules.nonNegative[name]
      guard binary || range != nil || nonNegative != nil else { continue }
      let view = NumericView(column)
      for row in 0..<table.rowCount {
        let line = Int(table.lineNumbers[row])
        func report(_ rule: String, _ message: String) {
          out.append(
            DiaryFinding(
              .error, source: table.source, line: line, column: name, rule: rule, message: message))
        }
        if let text = view.unparsableText(at: row) {
          report("not-a-number", "cannot read '\(text)' as a number")
          continue
        }
        let v = view.values[row]
        if v.isNaN { continue }
        let shown = format(v)
        if binary, v != 0, v != 1 {
          report("not-binary", "must be 0 or 1 (found \(shown))")
        }
        if let range {
          if v < range.low || v > range.high {
            report(
              "out-of-range",
              "must be between \(format(range.low)) and \(format(range.high)) (found \(shown))")
          } else if range.integer, v != v.rounded() {
            report("not-integer", "must be a whole number (found \(shown))")
          }
        }
        if let integer = nonNegative {
          if v < 0 {
            report(
              "negative", "\(DiaryColumnRules.describe(name)) cannot be negative (found \(shown))")
          } else if integer, v != v.rounded() {
            report("not-integer", "must be a whole number (found \(shown))")
          }
        }
      }
    }
    return out
  }

  // MARK: Night-level layout

  static func nightFindings(_ table: Table, patients: Table?) -> [DiaryFinding] {
    var out: [DiaryFinding] = []
    let source = table.source
    func add(
      _ severity: DiaryFinding.Severity, _ row: Int?, _ column: String?, _ rule: String,
      _ message: String
    ) {
      let line = row.map { Int(table.lineNumbers[$0]) } ?? 1
      out.append(
        DiaryFinding(
          severity, source: source, line: line, column: column, rule: rule, message: message))
    }
    guard let idColumn = table["patient_id"] else {
      add(
        .error, nil, "patient_id", "missing-column",
        "the night-level layout needs a 'patient_id' column")
      return out
    }
    let nightColumn = table["night"]
    let dateColumn = table["date"]
    guard nightColumn != nil || dateColumn != nil else {
      add(
        .error, nil, nil, "missing-column",
        "the night-level layout needs a 'night' or 'date' column")
      return out
    }
    if table["cramp"] == nil {
      add(
        .error, nil, "cramp", "missing-column",
        "the night-level layout needs a 'cramp' column (0/1)")
    }
    let ids = PatientKeys(idColumn)
    let nightName = nightColumn != nil ? "night" : "date"
    let nights = NumericView(nightColumn ?? dateColumn ?? idColumn).values
    let dates = dateColumn.map { NumericView($0).values }
    let cramp = table["cramp"].map { NumericView($0).values }
    let count = table["cramp_count"].map { NumericView($0).values }
    let observed = table["observed"].map { NumericView($0).values }
    let trimester = table["trimester"].map { NumericView($0).values }
    let gestWeek = table["gest_week"].map { NumericView($0).values }
    let age = table["age"].map { NumericView($0).values }
    let over50 = table["age_over_50"].map { NumericView($0).values }
    let start = table["start"].map { NumericView($0).values }
    let stop = table["stop"].map { NumericView($0).values }
    let sex = table["sex"]
    let marks = ["severity", "duration_min", "sleep_disturbance", "woke_up"].compactMap { name in
      table[name].map { (name, NumericView($0).values) }
    }
    let knownPatients: Set<String>? = patients.flatMap { p in
      p["patient_id"].map { c in Set((0..<c.count).compactMap { c.text(at: $0) }) }
    }

    struct PatientState {
      var firstRow: Int
      var lastNight: Double
      var lastRow: Int
      var trimester: Double = 0
      var gestWeek: Double = .nan
      var dateOffset: Double = .nan
      var sexCode: Int32 = -2
    }
    var state: [Int64: PatientState] = [:]
    var seen = Set<PatientNight>()
    seen.reserveCapacity(table.rowCount)
    var reportedUnknown = Set<Int64>()

    for row in 0..<table.rowCount {
      guard let key = ids.key(row) else {
        add(.error, row, "patient_id", "missing-patient-id", "patient_id is empty")
        continue
      }
      let night = nights[row]
      if night.isNaN {
        add(.error, row, nightName, "missing-night", "\(nightName) is empty")
        continue
      }
      if let knownPatients, !reportedUnknown.contains(key), let id = idColumn.text(at: row),
        !knownPatients.contains(id)
      {
        reportedUnknown.insert(key)
        add(
          .error, row, "patient_id", "unknown-patient", "patient '\(id)' is not in the patient file"
        )
      }
      let pn = PatientNight(patient: key, night: night)
      var s = state[key] ?? PatientState(firstRow: row, lastNight: -.infinity, lastRow: -1)
      if !seen.insert(pn).inserted {
        add(
          .error, row, nightName, "duplicate-patient-night",
          "patient '\(ids.label(row))' has \(nightName) \(format(night)) twice")
      } else if night < s.lastNight {
        add(
          .error, row, nightName, "nights-out-of-order",
          "\(nightName) \(format(night)) comes after \(format(s.lastNight)) (line \(table.lineNumbers[s.lastRow])) for patient '\(ids.label(row))'"
        )
      }
      if let dates, nightColumn != nil, !dates[row].isNaN {
        let offset = dates[row] - night
        if s.dateOffset.isNaN {
          s.dateOffset = offset
        } else if offset != s.dateOffset {
          add(
            .error, row, "date", "date-night-mismatch",
            "date does not advance with night for patient '\(ids.label(row))'")
        }
      }
      // Outcome consistency.
      let c = cramp?[row] ?? .nan
      let o = observed?[row] ?? 1
      if o == 0 {
        if !c.isNaN {
          add(
            .error, row, "cramp", "outcome-on-unobserved-night",
            "cramp is recorded on a night marked observed = 0")
        }
      } else if cramp != nil, c.isNaN {
        add(
          .warning, row, "cramp", "cramp-missing",
          "cramp is empty on an observed night (treated as a missing diary night)")
      }
      if let count, !count[row].isNaN, !c.isNaN {
        if c == 0, count[row] > 0 {
          add(
            .error, row, "cramp_count", "count-without-cramp",
            "cramp = 0 but cramp_count = \(format(count[row]))")
        } else if c == 1, count[row] == 0 {
          add(.error, row, "cramp_count", "cramp-without-count", "cramp = 1 but cramp_count = 0")
        }
      }
      if c == 0 {
        for (name, values) in marks where !values[row].isNaN {
          add(
            .warning, row, name, "mark-without-cramp", "\(name) is given on a night with cramp = 0")
        }
      }
      // Pregnancy runs forward: trimester and gestational week never decrease within a
      // pregnancy (a return to 0 is delivery or loss).
      if let trimester, !trimester[row].isNaN {
        let t = trimester[row]
        if t > 0, s.trimester > 0, t < s.trimester {
          add(
            .error, row, "trimester", "trimester-backwards",
            "trimester goes from \(format(s.trimester)) back to \(format(t)) for patient '\(ids.label(row))'"
          )
        }
        s.trimester = t
      }
      if let gestWeek {
        let g = gestWeek[row]
        if !g.isNaN, !s.gestWeek.isNaN, g < s.gestWeek, (trimester?[row] ?? 1) > 0 {
          add(
            .error, row, "gest_week", "gestational-week-backwards",
            "gest_week goes from \(format(s.gestWeek)) back to \(format(g))")
        }
        if !g.isNaN { s.gestWeek = g }
      }
      if let age, let over50, !age[row].isNaN, !over50[row].isNaN {
        let a = age[row]
        let f = over50[row]
        if (f == 1 && a < 50) || (f == 0 && a > 50) {
          add(
            .warning, row, "age_over_50", "age-flag-mismatch",
            "age_over_50 = \(format(f)) but age = \(format(a))")
        }
      }
      if let start, let stop, !start[row].isNaN, !stop[row].isNaN, stop[row] <= start[row] {
        add(
          .error, row, "stop", "empty-interval",
          "stop (\(format(stop[row]))) must be greater than start (\(format(start[row])))")
      }
      if let sex {
        let code =
          sex.type == .string
          ? sex.codes[row] : Int32(sex.numbers[row].isNaN ? -1 : sex.numbers[row])
        if code >= 0 {
          if s.sexCode == -2 {
            s.sexCode = code
          } else if s.sexCode != code {
            add(
              .warning, row, "sex", "sex-changes",
              "sex differs from earlier rows of patient '\(ids.label(row))'")
            s.sexCode = code
          }
        }
      }
      if night > s.lastNight {
        s.lastNight = night
        s.lastRow = row
      } else if s.lastRow < 0 {
        s.lastRow = row
      }
      state[key] = s
    }
    return out
  }

  // MARK: Patient-level layout

  static func patientFindings(_ table: Table) -> [DiaryFinding] {
    var out: [DiaryFinding] = []
    guard let idColumn = table["patient_id"] else {
      out.append(
        DiaryFinding(
          .error, source: table.source, line: 1, column: "patient_id", rule: "missing-column",
          message: "the patient-level layout needs a 'patient_id' column"))
      return out
    }
    let ids = PatientKeys(idColumn)
    var firstLine: [Int64: Int32] = [:]
    for row in 0..<table.rowCount {
      let line = Int(table.lineNumbers[row])
      guard let key = ids.key(row) else {
        out.append(
          DiaryFinding(
            .error, source: table.source, line: line, column: "patient_id",
            rule: "missing-patient-id", message: "patient_id is empty"))
        continue
      }
      if let first = firstLine[key] {
        out.append(
          DiaryFinding(
            .error, source: table.source, line: line, column: "patient_id",
            rule: "duplicate-patient",
            message: "patient '\(ids.label(row))' already appears on line \(first)"))
      } else {
        firstLine[key] = table.lineNumbers[row]
      }
    }
    for (startName, stopName) in DiaryValidator.exposureWindows {
      guard let a = table[startName].map({ NumericView($0).values }),
        let b = table[stopName].map({ NumericView($0).values })
      else { continue }
      for row in 0..<table.rowCount where !a[row].isNaN && !b[row].isNaN && b[row] < a[row] {
        out.append(
          DiaryFinding(
            .error, source: table.source, line: Int(table.lineNumbers[row]), column: stopName,
            rule: "exposure-ends-before-start",
            message: "\(stopName) (\(format(b[row]))) is before \(startName) (\(format(a[row])))"))
      }
    }
    return out
  }

  static let exposureWindows = [
    ("thiazide_start", "thiazide_stop"), ("ksparing_start", "ksparing_stop"),
    ("loop_start", "loop_stop"), ("statin_start", "statin_stop"), ("laba_start", "laba_stop"),
  ]

  /// Shortest text for a number: integers without a fraction.
  static func format(_ v: Double) -> String {
    if v.isInfinite { return v > 0 ? "Inf" : "-Inf" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return String(v)
  }
}

/// A (patient, night) pair for duplicate detection.
struct PatientNight: Hashable {
  var patient: Int64
  var night: Double
}

/// Integer keys for patient ids of either a string or a numeric column.
public struct PatientKeys: Sendable {
  let column: Column

  /// Keys for the ids in `column`.
  public init(_ column: Column) { self.column = column }

  /// A key equal for equal ids, `nil` when the id is missing.
  public func key(_ row: Int) -> Int64? {
    if column.missing[row] { return nil }
    if column.type == .string { return Int64(column.codes[row]) }
    return Int64(bitPattern: column.numbers[row].bitPattern)
  }

  /// The id as text, for messages.
  public func label(_ row: Int) -> String { column.text(at: row) ?? "NA" }
}
