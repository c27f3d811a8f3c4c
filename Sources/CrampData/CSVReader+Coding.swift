/// The codings a binary value can be written in (compared ignoring case).
enum BinaryCoding: String, CaseIterable {
  case yesNo = "yes/no"
  case letters = "Y/N"
  case trueFalse = "true/false"
  case digits = "1/0"

  /// The coding of `text` and its value (no, N, false, 0 are 0), or `nil`.
  static func read(_ text: String) -> (coding: BinaryCoding, value: Double)? {
    switch text.lowercased() {
    case "yes": return (.yesNo, 1)
    case "no": return (.yesNo, 0)
    case "y": return (.letters, 1)
    case "n": return (.letters, 0)
    case "true": return (.trueFalse, 1)
    case "false": return (.trueFalse, 0)
    case "1": return (.digits, 1)
    case "0": return (.digits, 0)
    default: return nil
    }
  }
}

extension CSVReader {
  /// The header names after ``CSVOptions/renames``.
  ///
  /// - Throws: ``CSVError/mappingConflict(source:name:column:)`` when two columns would end
  ///   up with one name.
  static func renamed(_ names: [String], renames: [String: String], source: String)
    throws(CSVError) -> [String]
  {
    guard !renames.isEmpty else { return names }
    let out = names.map { renames[$0] ?? $0 }
    var seen: [String: Int] = [:]
    for (k, name) in out.enumerated() {
      if let j = seen[name] {
        let moved = renames[names[k]] != nil ? names[k] : names[j]
        throw CSVError.mappingConflict(source: source, name: name, column: moved)
      }
      seen[name] = k
    }
    return out
  }

  /// Applies the date format and the yes/no codings of `options` to typed columns.
  ///
  /// Works on levels, not rows, for text columns (one parse per distinct value), so the cost
  /// is one pass over the codes of each converted column.
  static func recode(
    _ columns: [Column], lineNumbers: [Int32], source: String, options: CSVOptions
  ) throws(CSVError) -> [Column] {
    var out = columns
    for (k, column) in columns.enumerated() {
      if options.dateColumns.contains(column.name) {
        out[k] = try requiredDates(column, lineNumbers: lineNumbers, source: source, options)
      } else if options.dateFormat != .iso && options.dateFormat != .compact,
        column.type == .string, !column.levels.isEmpty,
        let days = dayNumbers(column.levels, options.dateFormat)
      {
        out[k] = fromLevels(column, values: days, type: .date)
      } else if options.binaryWords, column.type == .string {
        out[k] = try binary(
          column, strict: options.binaryColumns.contains(column.name), lineNumbers: lineNumbers,
          source: source)
      }
    }
    return out
  }

  /// A date column in `options.dateFormat`, or the error that says what it looks like.
  private static func requiredDates(
    _ column: Column, lineNumbers: [Int32], source: String, _ options: CSVOptions
  ) throws(CSVError) -> Column {
    let format = options.dateFormat
    // The common case, ISO dates read as dates, costs nothing (no pass over the rows).
    if column.type == .date && format == .iso { return column }
    let present = (0..<column.count).filter { !column.missing[$0] }
    guard !present.isEmpty else { return column }
    // Distinct texts in order of first appearance, with the first row of each.
    var texts: [String] = []
    var rows: [Int] = []
    if column.type == .string {
      var firstRow = [Int](repeating: -1, count: column.levels.count)
      for row in present where firstRow[Int(column.codes[row])] < 0 {
        firstRow[Int(column.codes[row])] = row
      }
      for (level, row) in firstRow.enumerated() where row >= 0 {
        texts.append(column.levels[level])
        rows.append(row)
      }
    } else {
      var seen: Set<Double> = []
      for row in present where seen.insert(column.numbers[row]).inserted {
        texts.append(column.text(at: row) ?? "")
        rows.append(row)
      }
    }
    if column.type == .date || texts.contains(where: { format.parse($0) == nil }) {
      let sniffed = DateFormat.sniff(texts)
      let bad = texts.firstIndex { format.parse($0) == nil } ?? 0
      let at = sniffed.decisive.map { rows[$0] } ?? rows[bad]
      throw CSVError.dateFormat(
        source: source, line: Int(lineNumbers[at]), column: column.name,
        text: texts[sniffed.decisive ?? bad], expected: format, looksLike: sniffed.formats)
    }
    if column.type == .string {
      return fromLevels(column, values: dayNumbers(column.levels, format) ?? [], type: .date)
    }
    let numbers = (0..<column.count).map { row -> Double in
      guard !column.missing[row], let text = column.text(at: row), let date = format.parse(text)
      else { return .nan }
      return Double(date.dayNumber)
    }
    return Column(name: column.name, type: .date, numbers: numbers, missing: column.missing)
  }

  /// Day numbers of every level, or `nil` when one level is not a date in `format`.
  private static func dayNumbers(_ levels: [String], _ format: DateFormat) -> [Double]? {
    var out: [Double] = []
    out.reserveCapacity(levels.count)
    for level in levels {
      guard let date = format.parse(level) else { return nil }
      out.append(Double(date.dayNumber))
    }
    return out
  }

  /// A numeric column holding `values[level]` on each row of a text column.
  private static func fromLevels(_ column: Column, values: [Double], type: ColumnType) -> Column {
    let numbers = column.codes.map { $0 < 0 ? Double.nan : values[Int($0)] }
    return Column(name: column.name, type: type, numbers: numbers, missing: column.missing)
  }

  /// A yes/no-style text column as a boolean one, the column unchanged when it is a factor,
  /// or the error naming the first value that breaks the column's coding.
  private static func binary(
    _ column: Column, strict: Bool, lineNumbers: [Int32], source: String
  ) throws(CSVError) -> Column {
    let read = column.levels.map(BinaryCoding.read)
    guard let firstCoded = read.firstIndex(where: { $0 != nil }), let coding = read[firstCoded]
    else { return column }
    let offender = read.firstIndex { $0 == nil || $0?.coding != coding.coding }
    guard let offender else {
      return fromLevels(column, values: read.map { $0?.value ?? .nan }, type: .boolean)
    }
    // A text column with other values is a factor, unless it must be binary or every value is
    // a binary word (then two codings are mixed).
    let allWords = !read.contains { $0 == nil }
    guard strict || allWords else { return column }
    let row = column.codes.firstIndex(of: Int32(truncatingIfNeeded: offender)) ?? 0
    throw CSVError.binaryCoding(
      source: source, line: Int(lineNumbers[row]), column: column.name,
      text: column.levels[offender], coding: coding.coding.rawValue)
  }
}
