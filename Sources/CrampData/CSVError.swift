/// Why a CSV file could not be read; every case says where.
///
/// Lines are physical and 1-based: the header is line 1 and every line break counts,
/// including breaks inside quoted fields. `column` is the header name when known.
/// ``description`` renders the `file:line: column 'x': ...` form used on stderr, and
/// ``exitCode`` the matching sysexits code.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The path does not exist.
  case fileNotFound(path: String)
  /// The path exists but could not be read (permissions, a directory, an I/O error).
  case unreadable(path: String, reason: String)
  /// No header line (empty file, or only a byte-order mark or blank lines).
  case empty(source: String)
  /// An option makes no sense (for example a delimiter that is a quote or a digit).
  case invalidOption(source: String, reason: String)
  /// `--decimal ,` together with a `,` delimiter: `1,5` could be one field or two.
  case ambiguousDecimal(source: String)
  /// A column named in ``CSVOptions/numericColumns`` is not in the header.
  case unknownColumn(source: String, name: String)
  /// A record with a different number of fields than the header.
  case raggedRow(source: String, line: Int, expected: Int, found: Int, text: String)
  /// A quoted field that is still open at the end of the file; `line` is where it starts.
  case unterminatedQuote(source: String, line: Int)
  /// A `"` inside an unquoted field, or text after a closing quote.
  case unexpectedQuote(source: String, line: Int, column: String?)
  /// Bytes that are not UTF-8; `text` shows them as `\xHH` escapes (`caf\xE9`).
  case invalidUTF8(source: String, line: Int, column: String?, text: String)
  /// A value that is not of the type the column must have.
  case unparsableValue(source: String, line: Int, column: String, text: String, expected: String)
  /// A rename (``CSVOptions/renames``) gives `column` the name `name`, which another
  /// column of the file already has.
  case mappingConflict(source: String, name: String, column: String)
  /// A value of a date column (``CSVOptions/dateColumns``) that is not a date in `expected`;
  /// `looksLike` lists the formats that read every value of the column (empty: none).
  case dateFormat(
    source: String, line: Int, column: String, text: String, expected: DateFormat,
    looksLike: [DateFormat])
  /// A value outside the yes/no-style coding of a binary column (`coding` as `yes/no`), or a
  /// second coding mixed into it.
  case binaryCoding(source: String, line: Int, column: String, text: String, coding: String)
  /// A UTF-16 file (it has a UTF-16 byte-order mark) with a broken surrogate pair on `line`.
  case invalidUTF16(source: String, line: Int)
  /// A file that looks like UTF-16 (every other byte zero) but has no byte-order mark.
  case utf16WithoutByteOrderMark(source: String, littleEndian: Bool)

  /// The sysexits(3) code for this error: 66 (`EX_NOINPUT`) for a missing file,
  /// 74 (`EX_IOERR`) for an unreadable one, 64 (`EX_USAGE`) for contradictory
  /// options and 65 (`EX_DATAERR`) for anything wrong with the data.
  public var exitCode: Int32 {
    switch self {
    case .fileNotFound: return 66
    case .unreadable: return 74
    case .invalidOption, .ambiguousDecimal: return 64
    case .empty, .unknownColumn, .raggedRow, .unterminatedQuote, .unexpectedQuote,
      .invalidUTF8, .unparsableValue, .mappingConflict, .dateFormat, .binaryCoding,
      .invalidUTF16, .utf16WithoutByteOrderMark:
      return 65
    }
  }

  /// The message, prefixed with `source:line:` (for example
  /// `diary.csv:17: column 'magnesium_mg': cannot read '4,5' as a number (use --decimal , ?)`).
  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): no such file"
    case .unreadable(let path, let reason):
      return "\(path): cannot read the file: \(reason)"
    case .empty(let source):
      return "\(source): the file is empty (a header line is required)"
    case .invalidOption(let source, let reason):
      return "\(source): \(reason)"
    case .ambiguousDecimal(let source):
      return "\(source): '--decimal ,' needs a delimiter other than ',' (for example ';')"
    case .unknownColumn(let source, let name):
      return "\(source): no column named '\(name)' in the header"
    case .raggedRow(let source, let line, let expected, let found, let text):
      return
        "\(source):\(line): expected \(expected) fields (as in the header) but found \(found): <<\(text)>>"
    case .unterminatedQuote(let source, let line):
      return "\(source):\(line): a quoted field starts here and is never closed"
    case .unexpectedQuote(let source, let line, let column):
      return "\(source):\(line): \(Self.columnPrefix(column))unexpected '\"'; "
        + "quote the whole field and write a quote inside it as \"\""
    case .invalidUTF8(let source, let line, let column, let text):
      return "\(source):\(line): \(Self.columnPrefix(column))'\(text)' is not valid UTF-8; "
        + "the file looks like Latin-1/cp1252: re-save it as UTF-8 (Excel: 'CSV UTF-8')"
    case .unparsableValue(let source, let line, let column, let text, let expected):
      return "\(source):\(line): column '\(column)': cannot read '\(text)' as \(expected)"
        + Self.decimalHint(text)
    case .mappingConflict(let source, let name, let column):
      return "\(source):1: column '\(column)': cannot be read as '\(name)': the file already has "
        + "a column '\(name)'; map that one, or rename one of them [mapping-conflict]"
    case .dateFormat(let source, let line, let column, let text, let expected, let looksLike):
      return "\(source):\(line): column '\(column)': '\(text)' is not a date written "
        + "\(expected.rawValue); " + Self.dateAdvice(expected: expected, looksLike: looksLike)
        + " [date-format]"
    case .binaryCoding(let source, let line, let column, let text, let coding):
      return "\(source):\(line): column '\(column)': '\(text)' does not belong to the column's "
        + "\(coding) coding; a binary column uses one coding (yes/no, Y/N, true/false or 1/0, "
        + "any case) and no third value [binary-coding]"
    case .invalidUTF16(let source, let line):
      return "\(source):\(line): broken UTF-16 (an unpaired surrogate); convert the file with "
        + "'iconv -f UTF-16 -t UTF-8' or re-save it as 'CSV UTF-8' [encoding]"
    case .utf16WithoutByteOrderMark(let source, let littleEndian):
      let name = littleEndian ? "UTF-16LE" : "UTF-16BE"
      return "\(source):1: the file looks like \(name) without a byte-order mark; convert it with "
        + "'iconv -f \(name) -t UTF-8 \(source) > diary-utf8.csv' [encoding]"
    }
  }

  /// What to pass instead, from the formats a date column's values look like.
  private static func dateAdvice(expected: DateFormat, looksLike: [DateFormat]) -> String {
    let others = looksLike.filter { $0 != expected }
    if others.contains(.iso) {
      return "the column's values look like YYYY-MM-DD: leave '--date-format' out"
    }
    if others.count == 1, let only = others.first {
      return "the column's values look like \(only.rawValue): pass '--date-format \(only.rawValue)'"
    }
    if others.contains(.dayMonthYear), others.contains(.monthDayYear) {
      return "the column's values fit both DD/MM/YYYY and MM/DD/YYYY (no day above 12 tells "
        + "them apart): pass '--date-format DD/MM/YYYY' or '--date-format MM/DD/YYYY', "
        + "whichever your file uses"
    }
    return "the column's values fit none of the formats crampstat reads ("
      + DateFormat.allCases.map(\.rawValue).joined(separator: ", ") + "; '--date-format')"
  }

  private static func columnPrefix(_ column: String?) -> String {
    column.map { "column '\($0)': " } ?? ""
  }

  /// Suggests `--decimal ,` when the text is a number written with a decimal comma.
  private static func decimalHint(_ text: String) -> String {
    let bytes = Array(text.utf8)
    guard bytes.contains(UInt8(ascii: ",")) else { return "" }
    let parses = bytes.withUnsafeBufferPointer {
      NumberParser.parse($0, from: 0, to: $0.count, decimalMark: UInt8(ascii: ",")) != nil
    }
    return parses ? " (use --decimal , ?)" : ""
  }
}

/// Something the reader fixed or guessed, reported with the result.
public struct CSVWarning: Sendable, Equatable, CustomStringConvertible {
  /// What kind of repair or guess this is.
  public enum Kind: String, Sendable, Equatable {
    /// A blank header name was replaced by `V<n>`.
    case blankHeader
    /// A repeated header name was made unique (`x`, `x.2`, ...).
    case duplicateHeader
    /// Trailing columns with a blank header and no values were dropped.
    case droppedEmptyColumns
    /// Blank lines between records were skipped.
    case blankLinesSkipped
    /// A text column holds numbers written with a decimal comma.
    case decimalCommaSuspected
  }

  /// Name of the source, as in ``Table/source``.
  public let source: String
  /// Physical line (1-based) the warning is about.
  public let line: Int
  /// Column name, when the warning is about one column.
  public let column: String?
  /// What kind of warning.
  public let kind: Kind
  /// Human-readable explanation.
  public let message: String

  /// Creates a warning.
  public init(source: String, line: Int, column: String?, kind: Kind, message: String) {
    self.source = source
    self.line = line
    self.column = column
    self.kind = kind
    self.message = message
  }

  /// `source:line: column 'x': message`.
  public var description: String {
    "\(source):\(line): " + (column.map { "column '\($0)': " } ?? "") + message
  }
}
