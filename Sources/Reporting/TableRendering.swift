import CrampData

/// A data ``Table`` shown as a report table or as JSON records.
public enum TableRendering {
  /// Every row and column, values as they would be written to CSV (`NA` when missing).
  public static func dataTable(_ table: Table) -> DataTable {
    var out = DataTable(
      headers: table.columnNames,
      alignments: table.columns.map { $0.isNumeric && $0.type != .date ? .right : .left })
    for row in 0..<table.rowCount {
      out.append(table.columns.map { $0.text(at: row) })
    }
    return out
  }

  /// One JSON object per row with the column names as keys; numbers stay numbers, missing
  /// values are `null`, dates are ISO strings.
  public static func records(_ table: Table) -> JSONValue {
    .array(
      (0..<table.rowCount).map { row in
        var object: [String: JSONValue] = [:]
        for c in table.columns {
          if c.missing[row] {
            object[c.name] = .null
          } else {
            switch c.type {
            case .string, .date: object[c.name] = .string(c.text(at: row))
            case .boolean, .integer, .double: object[c.name] = .number(c.numbers[row])
            }
          }
        }
        return .object(object)
      })
  }
}
