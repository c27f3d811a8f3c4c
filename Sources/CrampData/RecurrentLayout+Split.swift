extension RecurrentLayout {
  /// Name of the column ``splitIntervals(_:at:)`` adds: which piece between the cuts a row is.
  public static let intervalColumn = "interval"

  /// Counting-process rows split at the cut times, as R's
  /// `survSplit(Surv(start, stop, event) ~ ., data, cut = cuts, episode = "interval")`.
  ///
  /// A row `(start, stop]` with `start < c < stop` for a cut `c` becomes `(start, c]` with
  /// event 0 and `(c, stop]` with the row's event (repeatedly for several cuts). The added
  /// `interval` column (after `event`) is 1 + the number of cuts `<= start`: 1 before the
  /// first cut, 2 between the first and second, and so on. Other columns are copied.
  ///
  /// - Precondition: `cuts` are finite, positive and strictly increasing, and `table` has
  ///   numeric `start`, `stop` and `event` columns (the callers check both).
  public static func splitIntervals(_ table: Table, at cuts: [Double]) -> Table {
    guard let startColumn = table["start"], let stopColumn = table["stop"],
      let eventColumn = table["event"]
    else { return table }
    var source: [Int] = []
    var start: [Double] = []
    var stop: [Double] = []
    var event: [Double] = []
    var piece: [Double] = []
    for row in 0..<table.rowCount {
      var s = startColumn.numbers[row]
      let e = stopColumn.numbers[row]
      var index = cuts.prefix { $0 <= s }.count
      while index < cuts.count, cuts[index] < e {
        source.append(row)
        start.append(s)
        stop.append(cuts[index])
        event.append(0)
        piece.append(Double(index + 1))
        s = cuts[index]
        index += 1
      }
      source.append(row)
      start.append(s)
      stop.append(e)
      event.append(eventColumn.numbers[row])
      piece.append(Double(index + 1))
    }
    let noMissing = [Bool](repeating: false, count: source.count)
    func numeric(_ name: String, _ values: [Double]) -> Column {
      let allIntegral = values.allSatisfy { $0 == $0.rounded() }
      return Column(
        name: name, type: allIntegral ? .integer : .double, numbers: values, missing: noMissing)
    }
    var columns: [Column] = []
    for column in table.columns {
      switch column.name {
      case "start": columns.append(numeric("start", start))
      case "stop": columns.append(numeric("stop", stop))
      case "event":
        columns.append(numeric("event", event))
        columns.append(numeric(intervalColumn, piece))
      default:
        if column.type == .string {
          columns.append(
            Column(name: column.name, codes: source.map { column.codes[$0] }, levels: column.levels)
          )
        } else {
          columns.append(
            Column(
              name: column.name, type: column.type, numbers: source.map { column.numbers[$0] },
              missing: source.map { column.missing[$0] }))
        }
      }
    }
    return Table(
      source: table.source, columns: columns, lineNumbers: source.map { table.lineNumbers[$0] })
  }
}
