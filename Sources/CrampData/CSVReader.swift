/// What ``CSVReader`` returns: the table, the repairs it made, and the delimiter used.
public struct CSVResult: Sendable, Equatable {
  /// The columns, typed from their whole content.
  public let table: Table
  /// Repairs and guesses (renamed headers, dropped empty columns, ...), in file order.
  public let warnings: [CSVWarning]
  /// The delimiter that was given or sniffed.
  public let delimiter: UInt8
  /// Every column name of the file's header (after renaming), including columns that
  /// ``CSVOptions/columns`` left out of ``table``.
  public let header: [String]
  /// The header as the file has it, before ``CSVOptions/renames`` (after the repairs of
  /// blank and repeated names).
  public let fileHeader: [String]

  /// Creates a result.
  public init(
    table: Table, warnings: [CSVWarning], delimiter: UInt8, header: [String]? = nil,
    fileHeader: [String]? = nil
  ) {
    self.table = table
    self.warnings = warnings
    self.delimiter = delimiter
    self.header = header ?? table.columnNames
    self.fileHeader = fileHeader ?? self.header
  }
}

/// Reads delimited text (RFC 4180 CSV and its Excel/REDCap variants) into a ``Table``.
///
/// The reader works on bytes: the file is read into one buffer, one state machine
/// splits it, numbers are converted straight from the bytes (see ``CSVOptions``),
/// and strings are dictionary encoded, so a `String` is only made per header name and
/// per distinct value.
///
/// - Quoting: fields may be quoted; `""` is a quote inside a quoted field, which may
///   hold delimiters and line breaks (kept as content, CRLF included).
/// - Line breaks: LF, CRLF or a lone CR; the last record may lack one; blank lines
///   at the end are ignored, blank lines between records are skipped with a warning
///   (with a single column they are missing values).
/// - A UTF-8 byte-order mark is dropped. UTF-16 with a byte-order mark (`FF FE`, `FE FF`)
///   is transcoded to UTF-8 first. Other bytes must be UTF-8.
/// - ``CSVOptions/renames`` renames header names; ``CSVOptions/dateColumns`` and
///   ``CSVOptions/binaryWords`` read other date formats and yes/no codings (see
///   ``CSVOptions``).
/// - The first record is the header. Blank names become `V<n>` and repeated names
///   `x.2`, `x.3`, ... (with warnings).
/// - Types come from the whole column: boolean (`0`/`1`, `true`/`false`) < integer
///   (up to 2^53) < double < ISO date < string. Missing-value strings are missing in
///   any type; a column with no values is a string column.
public enum CSVReader {
  /// Reads the CSV file at `path`.
  ///
  /// - Parameters:
  ///   - path: File to read, or `-` for standard input (read once; a second read of `-` in
  ///     the same process sees the same bytes); it is also the source name in messages
  ///     (`<stdin>` for `-`).
  ///   - options: Delimiter, decimal mark, missing values, numeric columns.
  /// - Returns: The table, warnings and the delimiter used.
  /// - Throws: ``CSVError/fileNotFound(path:)``, ``CSVError/unreadable(path:reason:)``,
  ///   or any data error described on ``read(bytes:source:options:)``.
  /// - Complexity: O(file size), plus one re-read of the rows before the point where
  ///   a numeric or date column turns out to hold text.
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws(CSVError)
    -> CSVResult
  {
    try CSVFile.withContents(of: path) { (buffer) throws(CSVError) in
      try read(buffer: buffer, source: CSVFile.displayName(path), options: options)
    }
  }

  /// Reads CSV text held in memory.
  ///
  /// - Parameters:
  ///   - bytes: The file's bytes (UTF-8, optionally with a byte-order mark).
  ///   - source: Name used in messages and stored in ``Table/source``.
  ///   - options: Delimiter, decimal mark, missing values, numeric columns.
  /// - Throws: ``CSVError/empty(source:)``, ``CSVError/raggedRow(source:line:expected:found:text:)``,
  ///   ``CSVError/unterminatedQuote(source:line:)``, ``CSVError/unexpectedQuote(source:line:column:)``,
  ///   ``CSVError/invalidUTF8(source:line:column:text:)``,
  ///   ``CSVError/unparsableValue(source:line:column:text:expected:)`` (numeric columns only),
  ///   ``CSVError/unknownColumn(source:name:)``, ``CSVError/ambiguousDecimal(source:)``,
  ///   ``CSVError/invalidOption(source:reason:)``.
  public static func read(bytes: [UInt8], source: String, options: CSVOptions = CSVOptions())
    throws(CSVError) -> CSVResult
  {
    try bytes.withUnsafeBufferPointer { (buffer) throws(CSVError) in
      try read(buffer: buffer, source: source, options: options)
    }
  }

  /// Reads CSV text from memory the caller owns (for example an `mmap`ed file).
  ///
  /// Same behaviour as ``read(bytes:source:options:)``; the buffer is only read
  /// during the call.
  public static func read(
    buffer: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions = CSVOptions()
  ) throws(CSVError) -> CSVResult {
    try read(buffer: buffer, source: source, options: options, firstDataLine: nil)
  }

  /// Reads a header followed by one block of a larger file (``CSVBlockPlan``): the data
  /// lines are numbered from `firstDataLine`, the line the block starts at in the file, so
  /// messages and ``Table/lineNumbers`` name the file's own lines.
  public static func read(
    buffer: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions,
    firstDataLine: Int?
  ) throws(CSVError) -> CSVResult {
    let decimalMark = options.decimalComma ? CSVByte.comma : CSVByte.period
    try validate(options, source: source)
    if let utf8 = try utf8FromUTF16(buffer, source: source) {
      return try read(bytes: utf8, source: source, options: options)
    }

    var start = 0
    if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
      start = 3
    }
    var position = start
    var line = 1
    _ = CSVScanner.skipBlankLines(buffer, position: &position, line: &line)
    guard position < buffer.count else { throw CSVError.empty(source: source) }

    let delimiter =
      options.delimiter
      ?? sniffDelimiter(
        buffer, from: position,
        candidates: options.decimalComma
          ? [CSVByte.semicolon, CSVByte.tab, CSVByte.pipe]
          : [CSVByte.comma, CSVByte.semicolon, CSVByte.tab, CSVByte.pipe])

    var header = try readHeader(
      buffer, source: source, delimiter: delimiter, position: &position, line: &line)
    if let firstDataLine { line = firstDataLine }
    let fileHeader = header.names
    header.names = try renamed(header.names, renames: options.renames, source: source)
    var warnings = header.warnings

    for name in options.numericColumns.sorted() where !header.names.contains(name) {
      throw CSVError.unknownColumn(source: source, name: name)
    }
    var parser = CSVParser(
      bytes: buffer, source: source, delimiter: delimiter, decimalMark: decimalMark,
      names: header.names, required: header.names.map { options.numericColumns.contains($0) },
      keep: options.columns.map { wanted in header.names.map { wanted.contains($0) } },
      missingValues: CSVMissingValues(options.naStrings, decimalMark: decimalMark),
      dataStart: position, dataStartLine: line)
    try parser.run()

    if parser.interiorBlankLines > 0 {
      warnings.append(
        CSVWarning(
          source: source, line: parser.firstInteriorBlankLine, column: nil,
          kind: .blankLinesSkipped,
          message: "skipped \(parser.interiorBlankLines) blank line(s) between records"))
    }
    var columns = finishColumns(&parser)
    if options.dropEmptyTrailingColumns {
      let blank = zip(header.blank, parser.keep).filter(\.1).map(\.0)
      dropEmptyTrailingColumns(&columns, blank: blank, source: source, warnings: &warnings)
    }
    columns = try recode(
      columns, lineNumbers: parser.lineNumbers, source: source, options: options)
    if !options.decimalComma && delimiter != CSVByte.comma {
      warnings += decimalCommaSuspects(columns, lineNumbers: parser.lineNumbers, source: source)
    }
    let table = Table(source: source, columns: columns, lineNumbers: parser.lineNumbers)
    return CSVResult(
      table: table, warnings: warnings, delimiter: delimiter, header: header.names,
      fileHeader: fileHeader)
  }

  private static func validate(_ options: CSVOptions, source: String) throws(CSVError) {
    guard let delimiter = options.delimiter else { return }
    if options.decimalComma && delimiter == CSVByte.comma {
      throw CSVError.ambiguousDecimal(source: source)
    }
    // The fused number scan relies on the delimiter never being part of a number.
    let forbidden = Array("\"\r\n0123456789+-.eE".utf8)
    if delimiter >= 0x80 || forbidden.contains(delimiter) {
      throw CSVError.invalidOption(
        source: source,
        reason: "the delimiter cannot be \(CSVByte.render([delimiter])) "
          + "(a quote, line break, digit, sign, '.', 'e' or non-ASCII byte)")
    }
  }

  /// Turns the parser's column state into typed columns.
  private static func finishColumns(_ parser: inout CSVParser) -> [Column] {
    let rows = parser.lineNumbers.count
    var columns: [Column] = []
    columns.reserveCapacity(parser.names.count)
    for c in 0..<parser.names.count where parser.keep[c] {
      let name = parser.names[c]
      switch parser.state.kinds[c] {
      case .empty:
        if parser.required[c] {
          columns.append(
            Column(
              name: name, type: .double, numbers: Array(repeating: .nan, count: rows),
              missing: Array(repeating: true, count: rows)))
        } else {
          columns.append(
            Column(name: name, codes: Array(repeating: -1, count: rows), levels: []))
        }
      case .numeric, .date:
        let flags = parser.state.flags[c]
        let type: ColumnType
        if parser.state.kinds[c] == .date {
          type = .date
        } else if flags & CSVColumnFlags.nonBit == 0 {
          type = .boolean
        } else if flags & CSVColumnFlags.nonInteger == 0 {
          type = .integer
        } else {
          type = .double
        }
        let values = parser.numbers[c]
        parser.releaseNumbers(column: c)
        // Only the slow path stores missing values, and it flags the column.
        let missing =
          flags & CSVColumnFlags.missing == 0
          ? CSVMemory.filledArray(false, count: values.count) : values.map { $0.isNaN }
        columns.append(Column(name: name, type: type, numbers: values, missing: missing))
      case .string:
        columns.append(
          Column(name: name, codes: parser.codes[c], levels: parser.levelTables[c].levels()))
      }
    }
    return columns
  }

  private static func dropEmptyTrailingColumns(
    _ columns: inout [Column], blank: [Bool], source: String, warnings: inout [CSVWarning]
  ) {
    var keep = columns.count
    while keep > 1 && blank[keep &- 1] {
      let column = columns[keep &- 1]
      let noValues =
        column.type == .string && column.levels.allSatisfy { $0.isEmpty }
        || column.missingCount == column.count
      guard noValues else { break }
      keep &-= 1
    }
    guard keep < columns.count else { return }
    let dropped = columns.count &- keep
    columns.removeLast(dropped)
    warnings.append(
      CSVWarning(
        source: source, line: 1, column: nil, kind: .droppedEmptyColumns,
        message: "dropped \(dropped) trailing column(s) with a blank header and no values"))
  }

  /// Warns about text columns whose every value is a number written with a decimal comma.
  private static func decimalCommaSuspects(
    _ columns: [Column], lineNumbers: [Int32], source: String
  ) -> [CSVWarning] {
    var warnings: [CSVWarning] = []
    for column in columns where column.type == .string && !column.levels.isEmpty {
      var commaLevel: Int?
      var allNumbers = true
      for (k, level) in column.levels.enumerated() {
        let bytes = Array(level.utf8)
        let parses = bytes.withUnsafeBufferPointer {
          NumberParser.parse($0, from: 0, to: $0.count, decimalMark: CSVByte.comma) != nil
        }
        if !parses {
          allNumbers = false
          break
        }
        if commaLevel == nil && bytes.contains(CSVByte.comma) { commaLevel = k }
      }
      guard allNumbers, let level = commaLevel,
        let row = column.codes.firstIndex(of: Int32(truncatingIfNeeded: level))
      else { continue }
      warnings.append(
        CSVWarning(
          source: source, line: Int(lineNumbers[row]), column: column.name,
          kind: .decimalCommaSuspected,
          message: "'\(column.levels[level])' looks like a number with a decimal comma; "
            + "the column was read as text (use --decimal , to read numbers)"))
    }
    return warnings
  }

  /// Checks that `column` of `table` holds only numbers (or missing values).
  ///
  /// For tables read without ``CSVOptions/numericColumns``: a string column whose
  /// values are all numbers passes too, so the consumer can convert it.
  ///
  /// - Throws: ``CSVError/unknownColumn(source:name:)``, or
  ///   ``CSVError/unparsableValue(source:line:column:text:expected:)`` at the first
  ///   offending row's physical line.
  public static func requireNumeric(_ table: Table, column name: String) throws(CSVError) {
    guard let column = table[name] else {
      throw CSVError.unknownColumn(source: table.source, name: name)
    }
    switch column.type {
    case .boolean, .integer, .double:
      return
    case .date, .string:
      for row in 0..<column.count where !column.missing[row] {
        let text = column.text(at: row) ?? ""
        if column.type == .string {
          let bytes = Array(text.utf8)
          let parses = bytes.withUnsafeBufferPointer {
            NumberParser.parse($0, from: 0, to: $0.count, decimalMark: CSVByte.period) != nil
          }
          if parses { continue }
        }
        throw CSVError.unparsableValue(
          source: table.source, line: Int(table.lineNumbers[row]), column: name, text: text,
          expected: "a number")
      }
    }
  }
}
