/// Writes a ``Table`` as RFC 4180 CSV bytes.
///
/// Numbers are written in the shortest form that reads back to the same double (integers
/// without a fraction), dates as ISO `YYYY-MM-DD`, missing values as empty fields; fields
/// containing the delimiter, a quote, CR or LF are quoted with `""` escapes. Lines end in `\n`.
public enum TableCSVEncoder {
  /// The CSV text of `table` as UTF-8 bytes.
  public static func encode(_ table: Table, delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(table.rowCount * table.columns.count * 6 + 64)
    for (j, c) in table.columns.enumerated() {
      if j > 0 { out.append(delimiter) }
      appendField(c.name, to: &out, delimiter: delimiter)
    }
    out.append(0x0A)
    // Render each string level once.
    let levelBytes: [[[UInt8]]] = table.columns.map { c in
      c.levels.map { level in
        var b: [UInt8] = []
        appendField(level, to: &b, delimiter: delimiter)
        return b
      }
    }
    for row in 0..<table.rowCount {
      for (j, c) in table.columns.enumerated() {
        if j > 0 { out.append(delimiter) }
        if c.missing[row] { continue }
        switch c.type {
        case .string: out += levelBytes[j][Int(c.codes[row])]
        case .date: out += Array(CivilDate(dayNumber: Int(c.numbers[row])).description.utf8)
        case .boolean, .integer, .double: appendNumber(c.numbers[row], to: &out)
        }
      }
      out.append(0x0A)
    }
    return out
  }

  static func appendNumber(_ v: Double, to out: inout [UInt8]) {
    if v == v.rounded(), abs(v) < 9.0e15 {
      out += Array(String(Int64(v)).utf8)
    } else {
      out += Array(String(v).utf8)
    }
  }

  static func appendField(_ text: String, to out: inout [UInt8], delimiter: UInt8) {
    let bytes = Array(text.utf8)
    let needsQuotes = bytes.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    guard needsQuotes else {
      out += bytes
      return
    }
    out.append(0x22)
    for b in bytes {
      if b == 0x22 { out.append(0x22) }
      out.append(b)
    }
    out.append(0x22)
  }
}
