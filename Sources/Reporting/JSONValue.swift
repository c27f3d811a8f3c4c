/// A JSON document built in memory and rendered deterministically.
///
/// Objects keep their keys sorted on output (byte order of the UTF-8 key), doubles are
/// printed in the shortest form that round-trips, and non-finite doubles become `null`
/// because JSON has no NaN or infinity. Output always ends lines with `\n`.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// A number, or `null` when `value` is `nil` or not finite.
  public static func number(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    return .number(value)
  }

  /// A string, or `null` when `value` is `nil`.
  public static func string(_ value: String?) -> JSONValue {
    guard let value else { return .null }
    return .string(value)
  }

  /// Renders with `indentWidth`-space indentation and sorted keys, followed by a newline.
  ///
  /// With `indentWidth` 1 the text equals Python's
  /// `json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)`, the canonical form
  /// `nbformat.writes` produces for notebooks.
  public func rendered(indentWidth: Int = 2) -> String {
    var out = ""
    write(to: &out, indent: 0, step: indentWidth)
    out += "\n"
    return out
  }

  private func write(to out: inout String, indent: Int, step: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .number(let d): out += JSONValue.format(d)
    case .string(let s): JSONValue.writeEscaped(s, to: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += String(repeating: " ", count: indent + step)
        item.write(to: &out, indent: indent + step, step: step)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{\n"
      let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      for (i, key) in keys.enumerated() {
        out += String(repeating: " ", count: indent + step)
        JSONValue.writeEscaped(key, to: &out)
        out += ": "
        members[key, default: .null].write(to: &out, indent: indent + step, step: step)
        out += i + 1 < keys.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    }
  }

  /// Shortest round-trip decimal form of a finite double; integral values keep no fraction.
  public static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return String(d)
  }

  static func writeEscaped(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
