import CrampData

/// Adds baseline columns of a one-row-per-patient table to a diary (a left join on the id).
public enum PatientJoin {
  /// The diary with every column of `patients` it does not already have, matched on `key`.
  ///
  /// Diary rows whose patient is not in `patients` get missing values; a patient listed twice
  /// uses the first row.
  /// - Throws: ``RecurrentError/formula(_:)`` when either table lacks the key column.
  public static func join(
    diary: Table, patients: Table, key: String = "patient_id"
  ) throws(RecurrentError) -> Table {
    guard let diaryKey = diary[key], let patientKey = patients[key] else {
      throw .formula("both the diary and the patient file need a '\(key)' column")
    }
    var rowOf: [String: Int] = [:]
    for row in 0..<patients.rowCount {
      if let id = patientKey.text(at: row), rowOf[id] == nil { rowOf[id] = row }
    }
    // The diary's ids as text once per distinct code (string columns) or per row.
    var match = [Int](repeating: -1, count: diary.rowCount)
    if diaryKey.type == .string {
      let byCode = diaryKey.levels.map { rowOf[$0] ?? -1 }
      for row in 0..<diary.rowCount where diaryKey.codes[row] >= 0 {
        match[row] = byCode[Int(diaryKey.codes[row])]
      }
    } else {
      for row in 0..<diary.rowCount {
        if let id = diaryKey.text(at: row) { match[row] = rowOf[id] ?? -1 }
      }
    }
    var columns = diary.columns
    let existing = Set(diary.columnNames)
    for column in patients.columns where !existing.contains(column.name) {
      if column.type == .string {
        columns.append(
          Column(
            name: column.name, codes: match.map { $0 < 0 ? -1 : column.codes[$0] },
            levels: column.levels))
      } else {
        columns.append(
          Column(
            name: column.name, type: column.type,
            numbers: match.map { $0 < 0 ? .nan : column.numbers[$0] },
            missing: match.map { $0 < 0 || column.missing[$0] }))
      }
    }
    return Table(source: diary.source, columns: columns, lineNumbers: diary.lineNumbers)
  }
}
