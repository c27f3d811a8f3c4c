extension WideDiaryShape {
  /// The night-level diary of a wide table (`crampstat layout --from wide`).
  ///
  /// One row per patient row and night column, patient by patient and, within a patient,
  /// nights in increasing order. The id columns are repeated on every row; the night column
  /// is `night` (the number in the column name, `night_3` is 3: the layout's origin is the
  /// smallest night) or `date` (the date in the name); the value is `valueName`. Each row
  /// keeps the file line of its patient, so later messages point into the wide file.
  ///
  /// - Throws: ``CSVError/unparsableValue(source:line:column:text:expected:)`` for a value
  ///   that is not 0/1, a number or missing, and ``CSVError/mappingConflict(source:name:column:)``
  ///   when an id column already has the night or value column's name.
  /// - Complexity: O(rows × night columns).
  public func reshape(_ table: Table, valueName: String = "cramp") throws(CSVError) -> Table {
    let keyName = datedColumns ? "date" : "night"
    for name in [keyName, valueName] where idColumns.contains(name) {
      throw CSVError.mappingConflict(source: table.source, name: name, column: name)
    }
    var nights: [(column: Column, key: Double)] = []
    for name in nightColumns {
      guard let column = table[name] else { continue }
      let key: Double?
      if datedColumns {
        key = DateFormat.allCases.lazy.compactMap { $0.parse(name) }.first.map {
          Double($0.dayNumber)
        }
      } else {
        key = Double(String(name.reversed().prefix { $0.isASCII && $0.isNumber }.reversed()))
      }
      guard let key else { continue }
      if column.type == .string, let row = Self.firstText(column) {
        throw CSVError.unparsableValue(
          source: table.source, line: Int(table.lineNumbers[row]), column: name,
          text: column.text(at: row) ?? "", expected: "0/1 or yes/no")
      }
      nights.append((column, key))
    }
    nights.sort { $0.key < $1.key }
    let rows = table.rowCount
    let count = rows * nights.count
    var lines: [Int32] = []
    lines.reserveCapacity(count)
    var keys: [Double] = []
    keys.reserveCapacity(count)
    var values: [Double] = []
    values.reserveCapacity(count)
    var missing: [Bool] = []
    missing.reserveCapacity(count)
    for row in 0..<rows {
      for night in nights {
        lines.append(table.lineNumbers[row])
        keys.append(night.key)
        let absent = night.column.missing[row] || night.column.type == .string
        values.append(absent ? .nan : night.column.numbers[row])
        missing.append(absent)
      }
    }
    let numeric = nights.map(\.column).filter { $0.type != .string }
    let valueType: ColumnType =
      numeric.allSatisfy { $0.type == .boolean }
      ? .boolean : numeric.allSatisfy { $0.type != .double } ? .integer : .double
    var columns = idColumns.compactMap { table[$0] }.map { repeated($0, times: nights.count) }
    columns.append(
      Column(
        name: keyName, type: datedColumns ? .date : .integer, numbers: keys,
        missing: Array(repeating: false, count: count)))
    columns.append(Column(name: valueName, type: valueType, numbers: values, missing: missing))
    return Table(source: table.source, columns: columns, lineNumbers: lines)
  }

  /// The first row of a text night column whose value is neither a number nor a yes/no word
  /// (else the first row with a value), or `nil` when the column is empty.
  private static func firstText(_ column: Column) -> Int? {
    let odd = column.levels.map { BinaryCoding.read($0) == nil && Double($0) == nil }
    return column.codes.firstIndex { $0 >= 0 && odd[Int($0)] }
      ?? column.missing.firstIndex(of: false)
  }

  /// Each value of `column` repeated `times` times in a row.
  private func repeated(_ column: Column, times: Int) -> Column {
    if column.type == .string {
      return Column(
        name: column.name, codes: column.codes.flatMap { repeatElement($0, count: times) },
        levels: column.levels)
    }
    return Column(
      name: column.name, type: column.type,
      numbers: column.numbers.flatMap { repeatElement($0, count: times) },
      missing: column.missing.flatMap { repeatElement($0, count: times) })
  }
}
