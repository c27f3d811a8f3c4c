import CrampData

extension MeanCumulativeFunction {
  /// The groups of a layout by the combinations of `covariates`' values.
  struct Grouping {
    /// Rows with every grouping value present, and each one's group (index into `labels`).
    var rows: [Int]
    var group: [Int]
    /// Labels as R's strata (`sex=F, trimester=2`, or `all`), in report order.
    var labels: [String]
    /// Each label's sort key: per column, the number (NaN for text) and the text.
    var keys: [String: [(Double, String)]]

    /// Whether label `a` sorts before `b`: column by column, numbers by value, else text.
    static func precedes(
      _ a: String, _ b: String, keys: [String: [(Double, String)]]
    ) -> Bool {
      for (x, y) in zip(keys[a] ?? [], keys[b] ?? []) where x.1 != y.1 {
        if !x.0.isNaN, !y.0.isNaN { return x.0 < y.0 }
        return x.1 < y.1
      }
      return a < b
    }
  }

  /// Groups the rows of `table` by the combinations of the `covariates` columns; rows with
  /// a missing grouping value are left out.
  static func grouping(_ table: Table, covariates: [String]) -> Grouping {
    let columns = covariates.compactMap { table[$0] }
    var keys: [String: [(Double, String)]] = [:]
    var codeOf: [String: Int] = [:]
    var rowGroup: [Int] = []
    var rows: [Int] = []
    for row in 0..<table.rowCount {
      var parts: [(Double, String)] = []
      for column in columns {
        guard let text = column.text(at: row) else { break }
        parts.append((column.isNumeric ? column.numbers[row] : .nan, text))
      }
      guard parts.count == columns.count else { continue }
      let label =
        columns.isEmpty
        ? "all" : zip(columns, parts).map { "\($0.name)=\($1.1)" }.joined(separator: ", ")
      if codeOf[label] == nil {
        codeOf[label] = codeOf.count
        keys[label] = parts
      }
      rows.append(row)
      rowGroup.append(codeOf[label] ?? 0)
    }
    let labels = codeOf.keys.sorted { Grouping.precedes($0, $1, keys: keys) }
    var remap = [Int](repeating: 0, count: labels.count)
    for (k, label) in labels.enumerated() { remap[codeOf[label] ?? 0] = k }
    return Grouping(
      rows: rows, group: rowGroup.map { remap[$0] }, labels: labels, keys: keys)
  }

  /// Patient codes of a layout's `patient_id` column (text codes or the number's bits).
  static func patientCodes(_ column: Column, rows: [Int]) -> [Int] {
    column.type == .string
      ? rows.map { Int(column.codes[$0]) }
      : rows.map { Int(truncatingIfNeeded: column.numbers[$0].bitPattern) }
  }

  /// Estimates the MCF of an AG layout by the groups its formula names (`~ sex`, `~ 1`).
  ///
  /// Groups are the combinations of the formula's columns (labels as R's strata,
  /// `sex=F, trimester=2`), ordered by each column's values (numeric order for numbers).
  /// Rows with a missing grouping value are left out.
  /// - Throws: ``RecurrentError`` when the design is not an MCF design or a group is empty.
  public static func estimate(
    _ design: RecurrentDesign, confidenceLevel: Double = 0.95
  ) throws(RecurrentError) -> MeanCumulativeFunction {
    let table = design.layout
    guard let startColumn = table["start"], let stopColumn = table["stop"],
      let eventColumn = table["event"], let patientColumn = table["patient_id"]
    else { throw .fit("MCF needs an AG layout") }
    let g = grouping(table, covariates: design.covariates)
    let rows = g.rows
    return try estimate(
      start: rows.map { startColumn.numbers[$0] }, stop: rows.map { stopColumn.numbers[$0] },
      event: rows.map { eventColumn.numbers[$0] == 1 },
      patient: patientCodes(patientColumn, rows: rows), group: g.group, groupLabels: g.labels,
      confidenceLevel: confidenceLevel)
  }
}
