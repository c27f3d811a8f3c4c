/// A column seen as numbers, whatever type the reader inferred.
///
/// Numeric columns are used as they are. A `string` column (for example `severity` with one
/// `UNK` in it) is converted level by level: levels that read as plain decimal numbers keep
/// their value, the others are flagged as unparsable so a check can point at each such row.
struct NumericView {
  /// Values per row; `.nan` where missing or unparsable.
  let values: [Double]
  /// Per level of a string column: `true` when the level is not a number.
  let badLevel: [Bool]
  let column: Column

  init(_ column: Column) {
    self.column = column
    if column.type != .string {
      values = column.numbers
      badLevel = []
      return
    }
    var levelValues = [Double](repeating: .nan, count: column.levels.count)
    var bad = [Bool](repeating: false, count: column.levels.count)
    for (i, level) in column.levels.enumerated() {
      if let v = NumericView.parse(level) { levelValues[i] = v } else { bad[i] = true }
    }
    values = column.codes.map { $0 < 0 ? .nan : levelValues[Int($0)] }
    badLevel = bad
  }

  /// The offending text when `row` holds a value that is not a number.
  func unparsableText(at row: Int) -> String? {
    guard column.type == .string else { return nil }
    let code = column.codes[row]
    guard code >= 0, badLevel[Int(code)] else { return nil }
    return column.levels[Int(code)]
  }

  /// Strict decimal grammar `[+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?`; also `true`/`false`.
  static func parse(_ text: String) -> Double? {
    switch text {
    case "true", "TRUE", "True": return 1
    case "false", "FALSE", "False": return 0
    default: break
    }
    var digits = 0
    var sawExponent = false
    var previous: UInt8 = 0
    for (i, byte) in text.utf8.enumerated() {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
      case UInt8(ascii: "+"), UInt8(ascii: "-"):
        guard i == 0 || previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else {
          return nil
        }
      case UInt8(ascii: "."): if sawExponent { return nil }
      case UInt8(ascii: "e"), UInt8(ascii: "E"):
        if sawExponent || digits == 0 { return nil }
        sawExponent = true
      default: return nil
      }
      previous = byte
    }
    guard digits > 0 else { return nil }
    return Double(text)
  }
}
