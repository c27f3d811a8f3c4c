/// What a column has turned out to hold so far; it only ever widens.
enum CSVColumnKind: UInt8 {
  /// Every value so far was missing.
  case empty
  /// Booleans, integers or doubles (see ``CSVColumnFlags``), stored as doubles.
  case numeric
  /// ISO `YYYY-MM-DD` dates, stored as day numbers.
  case date
  /// Anything else; dictionary encoded.
  case string
}

/// What a numeric column has seen, to pick boolean, integer or double at the end.
enum CSVColumnFlags {
  /// A number other than a bare `0` or `1`.
  static let nonBit: UInt8 = 1
  /// A number with a decimal mark or exponent, or beyond 2^53.
  static let nonInteger: UInt8 = 2
  /// `true`/`false` in one of its accepted spellings.
  static let boolWord: UInt8 = 4
  /// A missing value (any kind of column).
  static let missing: UInt8 = 8
}

/// Per-column inference state behind raw pointers, so that the record loop reads and
/// writes it without copy-on-write checks.
final class CSVColumnState {
  let count: Int
  let kinds: UnsafeMutablePointer<CSVColumnKind>
  let flags: UnsafeMutablePointer<UInt8>

  init(count: Int) {
    self.count = count
    kinds = .allocate(capacity: max(count, 1))
    kinds.initialize(repeating: .empty, count: max(count, 1))
    flags = .allocate(capacity: max(count, 1))
    flags.initialize(repeating: 0, count: max(count, 1))
  }

  deinit {
    kinds.deallocate()
    flags.deallocate()
  }
}

/// Parses the records after the header into typed columns, in one pass.
///
/// Contract: `bytes` is the whole file (BOM already skipped by the caller's offset);
/// `dataStart` is the index of the first byte after the header record and
/// `dataStartLine` the physical line there. Every column's type is decided from the
/// whole column: values go straight into `Double` storage while a column stays
/// numeric or date; if a later value does not fit, the column becomes a string
/// column and its earlier rows are re-read from the buffer (fread's re-read, done
/// once per column at most). Nothing here traps on data: every index is checked
/// against the buffer's end and every failure is a ``CSVError``.
struct CSVParser {
  let bytes: UnsafeBufferPointer<UInt8>
  let source: String
  let delimiter: UInt8
  let decimalMark: UInt8
  let names: [String]
  let required: [Bool]
  /// Columns to type and store; the others are scanned and dropped.
  let keep: [Bool]
  let missingValues: CSVMissingValues
  let dataStart: Int
  let dataStartLine: Int

  let state: CSVColumnState
  private(set) var numbers: [[Double]]
  private(set) var codes: [[Int32]]
  private(set) var levelTables: [CSVLevelTable]
  private(set) var lineNumbers: [Int32] = []
  private(set) var interiorBlankLines = 0
  private(set) var firstInteriorBlankLine = 0

  /// Rows staged per column before they are appended to the column arrays.
  private static let chunkRows = 1024

  init(
    bytes: UnsafeBufferPointer<UInt8>, source: String, delimiter: UInt8, decimalMark: UInt8,
    names: [String], required: [Bool], keep: [Bool]? = nil, missingValues: CSVMissingValues,
    dataStart: Int, dataStartLine: Int
  ) {
    self.keep = keep ?? Array(repeating: true, count: names.count)
    self.bytes = bytes
    self.source = source
    self.delimiter = delimiter
    self.decimalMark = decimalMark
    self.names = names
    self.required = required
    self.missingValues = missingValues
    self.dataStart = dataStart
    self.dataStartLine = dataStartLine
    let n = names.count
    state = CSVColumnState(count: n)
    numbers = Array(repeating: [], count: n)
    codes = Array(repeating: [], count: n)
    levelTables = Array(repeating: CSVLevelTable(), count: n)
  }

  /// Reads every record; afterwards the column state describes the whole file.
  mutating func run() throws(CSVError) {
    let bytes = self.bytes
    let delimiter = self.delimiter
    let decimalMark = self.decimalMark
    let kinds = state.kinds
    let flags = state.flags
    let columnCount = names.count
    let end = bytes.count
    let estimate = estimatedRows()
    lineNumbers = CSVMemory.reservedArray(capacity: estimate)
    for c in 0..<columnCount where keep[c] {
      numbers[c] = CSVMemory.reservedArray(capacity: estimate)
    }
    let keep = self.keep

    let chunk = Self.chunkRows
    let stage = UnsafeMutablePointer<Double>.allocate(capacity: chunk &* max(columnCount, 1))
    defer { stage.deallocate() }
    // terminates[b] is 1 for the delimiter, CR and LF.
    let terminates = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    defer { terminates.deallocate() }
    terminates.initialize(repeating: 0, count: 256)
    terminates[Int(delimiter)] = 1
    terminates[Int(CSVByte.lineFeed)] = 1
    terminates[Int(CSVByte.carriageReturn)] = 1

    // A numeric-looking missing-value string (say "-99") must be caught before the
    // fused number scan accepts it.
    let fastNumbers = !missingValues.looksNumeric
    var position = dataStart
    var line = dataStartLine
    var row = 0
    var staged = 0
    var scratch: [UInt8] = []
    var blankRunEnd = -1

    while true {
      if columnCount > 1 {
        let before = line
        let skipped = CSVScanner.skipBlankLines(bytes, position: &position, line: &line)
        if position >= end { break }
        if skipped > 0 {
          if interiorBlankLines == 0 { firstInteriorBlankLine = before }
          interiorBlankLines &+= skipped
        }
      } else {
        // One column: a blank line is a missing value, unless only blank lines follow.
        if position >= end { break }
        let b = bytes[position]
        if b == CSVByte.lineFeed || b == CSVByte.carriageReturn {
          if position >= blankRunEnd {
            blankRunEnd = CSVScanner.endOfBlankRun(bytes, from: position)
          }
          if blankRunEnd >= end { break }
        }
      }

      let recordStart = position
      let recordLine = line
      lineNumbers.append(Int32(truncatingIfNeeded: recordLine))
      var column = 0
      while true {
        if column == columnCount {
          throw tooManyFields(recordStart: recordStart, recordLine: recordLine, from: position)
        }
        let stageIndex = column &* chunk &+ staged
        var done = false
        // Fused path: scan a number straight from the buffer; it is the field when
        // the scan stops on a terminator.
        if fastNumbers && kinds[column] == .numeric && keep[column] && position < end
          && bytes[position] != CSVByte.quote
        {
          // Most diary fields are short unsigned integers: read them here and call
          // the full scanner only for anything else.
          var i = position
          var digits: UInt64 = 0
          while i < end {
            let d = bytes[i] &- 0x30
            if d > 9 { break }
            digits = digits &* 10 &+ UInt64(d)
            i &+= 1
          }
          let length = i &- position
          let scanned: ScannedNumber
          if length > 0 && length < 16 && (i == end || terminates[Int(bytes[i])] != 0) {
            scanned = ScannedNumber(
              // At most 15 digits: exact, and the signed conversion is one instruction.
              value: Double(Int64(bitPattern: digits)), end: i,
              lexeme: length == 1 && digits <= 1 ? .bit : .integer)
          } else {
            scanned = NumberParser.scan(bytes, from: position, to: end, decimalMark: decimalMark)
          }
          let stop = scanned.end
          if scanned.lexeme != .invalid && (stop == end || terminates[Int(bytes[stop])] != 0) {
            if scanned.lexeme == .bit {
              done = true
            } else {
              let seen = flags[column]
              if seen & CSVColumnFlags.boolWord == 0 {
                flags[column] =
                  seen | CSVColumnFlags.nonBit
                  | (scanned.lexeme == .decimal ? CSVColumnFlags.nonInteger : 0)
                done = true
              }
            }
            if done {
              stage[stageIndex] = scanned.value
              position = stop
            }
          }
        }
        if !done && !keep[column] {
          // A dropped column: scan the field (quotes and line breaks still count), store nothing.
          do {
            _ = try CSVScanner.scanField(
              bytes, delimiter: delimiter, position: &position, line: &line, scratch: &scratch)
          } catch {
            throw error.located(source: source, column: names[column])
          }
          done = true
        }
        if !done {
          let fieldLine = line
          let slice: CSVFieldSlice
          do {
            slice = try CSVScanner.scanField(
              bytes, delimiter: delimiter, position: &position, line: &line, scratch: &scratch)
          } catch {
            throw error.located(source: source, column: names[column])
          }
          if slice.inScratch {
            try scratch.withUnsafeBufferPointer { (buffer) throws(CSVError) in
              try classify(
                buffer, slice, column: column, row: row, line: fieldLine,
                stage: stage + stageIndex)
            }
          } else {
            try classify(
              bytes, slice, column: column, row: row, line: fieldLine, stage: stage + stageIndex)
          }
        }
        // The field ends on a terminator or at the end of the buffer.
        if position >= end { break }
        let b = bytes[position]
        position &+= 1
        if b == delimiter {
          column &+= 1
          continue
        }
        if b == CSVByte.carriageReturn && position < end && bytes[position] == CSVByte.lineFeed {
          position &+= 1
        }
        line &+= 1
        break
      }
      if column &+ 1 != columnCount {
        throw CSVError.raggedRow(
          source: source, line: recordLine, expected: columnCount, found: column &+ 1,
          text: recordText(from: recordStart))
      }
      row &+= 1
      staged &+= 1
      if staged == chunk {
        flush(stage, rows: staged)
        staged = 0
      }
    }
    flush(stage, rows: staged)
  }

  /// Drops the parser's reference to a column's numbers so the result owns them alone.
  mutating func releaseNumbers(column c: Int) {
    numbers[c] = []
  }

  /// Moves `rows` staged values of every non-string column into its array.
  private mutating func flush(_ stage: UnsafeMutablePointer<Double>, rows: Int) {
    guard rows > 0 else { return }
    for c in 0..<names.count where keep[c] && state.kinds[c] != .string {
      numbers[c].append(
        contentsOf: UnsafeBufferPointer(start: stage + c &* Self.chunkRows, count: rows))
    }
  }

  /// Classifies one field that the fused number scan did not take, and stores it.
  private mutating func classify(
    _ buffer: UnsafeBufferPointer<UInt8>, _ slice: CSVFieldSlice, column c: Int, row: Int,
    line: Int, stage: UnsafeMutablePointer<Double>
  ) throws(CSVError) {
    let start = slice.start
    let end = slice.end
    if state.kinds[c] == .string {
      try appendCode(buffer, start, end, column: c, line: line)
      return
    }
    if missingValues.contains(buffer, from: start, to: end) {
      state.flags[c] |= CSVColumnFlags.missing
      stage.pointee = .nan
      return
    }
    let number = NumberParser.parse(buffer, from: start, to: end, decimalMark: decimalMark)
    let word = number == nil ? Self.booleanWord(buffer, from: start, to: end) : nil
    switch state.kinds[c] {
    case .numeric:
      if let number {
        if number.lexeme != .bit {
          if state.flags[c] & CSVColumnFlags.boolWord != 0 {
            return try widenToString(buffer, slice, column: c, row: row, line: line, expected: true)
          }
          state.flags[c] |=
            CSVColumnFlags.nonBit | (number.lexeme == .decimal ? CSVColumnFlags.nonInteger : 0)
        }
        stage.pointee = number.value
      } else if let word {
        if state.flags[c] & CSVColumnFlags.nonBit != 0 {
          return try widenToString(buffer, slice, column: c, row: row, line: line, expected: true)
        }
        state.flags[c] |= CSVColumnFlags.boolWord
        stage.pointee = word
      } else {
        try widenToString(buffer, slice, column: c, row: row, line: line, expected: false)
      }
    case .date:
      if let day = Self.isoDate(buffer, from: start, to: end) {
        stage.pointee = day
      } else {
        try widenToString(buffer, slice, column: c, row: row, line: line, expected: false)
      }
    case .empty:
      if let number {
        state.kinds[c] = .numeric
        state.flags[c] |=
          number.lexeme == .bit
          ? 0 : CSVColumnFlags.nonBit | (number.lexeme == .decimal ? CSVColumnFlags.nonInteger : 0)
        stage.pointee = number.value
      } else if let word {
        state.kinds[c] = .numeric
        state.flags[c] |= CSVColumnFlags.boolWord
        stage.pointee = word
      } else if !required[c], let day = Self.isoDate(buffer, from: start, to: end) {
        state.kinds[c] = .date
        stage.pointee = day
      } else {
        try widenToString(buffer, slice, column: c, row: row, line: line, expected: false)
      }
    case .string:
      break
    }
  }

  /// Turns column `c` into a string column at `row` and stores the current value.
  ///
  /// Rows `0..<row` are re-read from the buffer. `numericText` says the offending
  /// text was a number or boolean that merely clashed with the column so far.
  private mutating func widenToString(
    _ buffer: UnsafeBufferPointer<UInt8>, _ slice: CSVFieldSlice, column c: Int, row: Int,
    line: Int, expected numericText: Bool
  ) throws(CSVError) {
    if required[c] {
      let text = CSVByte.render(buffer, from: slice.start, to: slice.end)
      let expected = numericText ? "a number like the earlier values" : "a number"
      throw CSVError.unparsableValue(
        source: source, line: line, column: names[c], text: text, expected: expected)
    }
    let wasEmpty = state.kinds[c] == .empty
    state.kinds[c] = .string
    numbers[c] = []
    codes[c].reserveCapacity(max(lineNumbers.capacity, row &+ 1))
    if wasEmpty {
      codes[c].append(contentsOf: repeatElement(-1, count: row))
    } else {
      try rereadStrings(column: c, rows: row)
    }
    try appendCode(buffer, slice.start, slice.end, column: c, line: line)
  }

  /// Re-tokenizes the first `rows` records and dictionary-encodes column `c`.
  ///
  /// The record loop mirrors ``run()`` (same blank-line rules), so the rows line up.
  private mutating func rereadStrings(column c: Int, rows: Int) throws(CSVError) {
    let columnCount = names.count
    let end = bytes.count
    var position = dataStart
    var line = dataStartLine
    var scratch: [UInt8] = []
    var done = 0
    while done < rows && position < end {
      if columnCount > 1 {
        _ = CSVScanner.skipBlankLines(bytes, position: &position, line: &line)
        if position >= end { break }
      }
      var column = 0
      while true {
        let fieldLine = line
        let slice: CSVFieldSlice
        do {
          slice = try CSVScanner.scanField(
            bytes, delimiter: delimiter, position: &position, line: &line, scratch: &scratch)
        } catch {
          throw error.located(source: source, column: names[min(column, columnCount &- 1)])
        }
        if column == c {
          if slice.inScratch {
            try scratch.withUnsafeBufferPointer { (buffer) throws(CSVError) in
              try appendCode(buffer, slice.start, slice.end, column: c, line: fieldLine)
            }
          } else {
            try appendCode(bytes, slice.start, slice.end, column: c, line: fieldLine)
          }
        }
        let terminator = CSVScanner.endField(
          bytes, delimiter: delimiter, position: &position, line: &line)
        if terminator != .delimiter { break }
        column &+= 1
      }
      done &+= 1
    }
  }

  /// Appends the code of one string value (missing values get code -1).
  private mutating func appendCode(
    _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column c: Int, line: Int
  ) throws(CSVError) {
    if missingValues.contains(buffer, from: start, to: end) {
      codes[c].append(-1)
      return
    }
    guard let code = levelTables[c].code(buffer, from: start, to: end) else {
      throw CSVError.invalidUTF8(
        source: source, line: line, column: names[c],
        text: CSVByte.render(buffer, from: start, to: end))
    }
    codes[c].append(code)
  }

  /// Builds the error for a record with more fields than the header.
  private func tooManyFields(recordStart: Int, recordLine: Int, from position: Int) -> CSVError {
    var found = names.count
    var cursor = position
    var line = recordLine
    var scratch: [UInt8] = []
    while true {
      found &+= 1
      do {
        _ = try CSVScanner.scanField(
          bytes, delimiter: delimiter, position: &cursor, line: &line, scratch: &scratch)
      } catch {
        break
      }
      if CSVScanner.endField(bytes, delimiter: delimiter, position: &cursor, line: &line)
        != .delimiter
      {
        break
      }
    }
    return .raggedRow(
      source: source, line: recordLine, expected: names.count, found: found,
      text: recordText(from: recordStart))
  }

  /// The physical line starting at `start`, rendered for a message.
  private func recordText(from start: Int) -> String {
    CSVByte.render(bytes, from: start, to: CSVScanner.endOfLine(bytes, from: start))
  }

  /// An upper-leaning guess of the number of records, from the first 1,000 lines.
  private func estimatedRows() -> Int {
    let end = bytes.count
    let remaining = end &- dataStart
    guard remaining > 0 else { return 0 }
    var i = dataStart
    var lines = 0
    while i < end && lines < 1000 {
      if bytes[i] == CSVByte.lineFeed { lines &+= 1 }
      i &+= 1
    }
    guard lines > 0, i > dataStart else { return 1 }
    let perLine = Double(i &- dataStart) / Double(lines)
    let guess = Int(Double(remaining) / perLine * 1.05) &+ 16
    return min(guess, remaining / max(names.count, 1) &+ 1)
  }
}

extension CSVScanFailure {
  /// The public error for this failure in `source`, naming the column.
  func located(source: String, column: String?) -> CSVError {
    switch self {
    case .unexpectedQuote(let line):
      return .unexpectedQuote(source: source, line: line, column: column)
    case .unterminatedQuote(let line):
      return .unterminatedQuote(source: source, line: line)
    }
  }
}
