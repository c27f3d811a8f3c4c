/// The type a CSV column was inferred to have, from the whole column.
///
/// Inference ladder (narrowest first): boolean < integer < double < date < string.
/// `boolean` accepts `0/1` only when the header is never anything else; `true/false`
/// (any case) is boolean too. A column whose every value is missing is `string`.
public enum ColumnType: String, Sendable, Codable, CaseIterable {
  case boolean
  case integer
  case double
  case date
  case string
}

/// One column of a ``Table``, stored contiguously.
///
/// - Numeric types (`boolean`, `integer`, `double`, `date`) keep their values in
///   ``numbers`` (booleans as 0/1, dates as days since 1970-01-01); a missing value
///   is `.nan` there and `true` in ``missing``.
/// - `string` columns are dictionary encoded: ``codes`` indexes ``levels`` (levels in
///   order of first appearance), and a missing value has code `-1`.
public struct Column: Sendable, Equatable {
  /// Header name (made unique by the reader; see ``CSVWarning``).
  public let name: String
  /// Inferred or declared type.
  public let type: ColumnType
  /// Values for numeric types; empty for `string`.
  public let numbers: [Double]
  /// Codes into ``levels`` for `string`; empty for numeric types.
  public let codes: [Int32]
  /// Distinct strings in order of first appearance; empty for numeric types.
  public let levels: [String]
  /// `true` where the value is missing (one entry per row).
  public let missing: [Bool]

  /// Creates a numeric column (`boolean`, `integer`, `double` or `date`).
  public init(name: String, type: ColumnType, numbers: [Double], missing: [Bool]) {
    precondition(type != .string && numbers.count == missing.count)
    self.name = name
    self.type = type
    self.numbers = numbers
    self.codes = []
    self.levels = []
    self.missing = missing
  }

  /// Creates a dictionary-encoded string column; code `-1` means missing.
  public init(name: String, codes: [Int32], levels: [String]) {
    self.name = name
    self.type = .string
    self.numbers = []
    self.codes = codes
    self.levels = levels
    self.missing = codes.map { $0 < 0 }
  }

  /// Number of rows.
  public var count: Int { missing.count }

  /// Columns are equal when names, types, levels, missing masks and every non-missing value
  /// agree (the NaN placeholders of missing values are not compared).
  public static func == (lhs: Column, rhs: Column) -> Bool {
    guard lhs.name == rhs.name, lhs.type == rhs.type, lhs.missing == rhs.missing,
      lhs.codes == rhs.codes, lhs.levels == rhs.levels, lhs.numbers.count == rhs.numbers.count
    else { return false }
    for i in lhs.numbers.indices where !lhs.missing[i] && lhs.numbers[i] != rhs.numbers[i] {
      return false
    }
    return true
  }

  /// Number of missing values.
  public var missingCount: Int { missing.reduce(0) { $0 + ($1 ? 1 : 0) } }

  /// Whether the column holds numbers (including booleans and dates as day numbers).
  public var isNumeric: Bool { type != .string }

  /// The value at `row` as text, as it would be written back to CSV (`nil` if missing).
  public func text(at row: Int) -> String? {
    if missing[row] { return nil }
    switch type {
    case .string: return levels[Int(codes[row])]
    case .date: return CivilDate(dayNumber: Int(numbers[row])).description
    case .boolean, .integer: return String(Int64(numbers[row]))
    case .double: return String(numbers[row])
    }
  }
}
