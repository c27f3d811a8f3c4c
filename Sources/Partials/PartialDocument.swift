/// The versioned text format of partial statistics and fit states.
///
/// A document is UTF-8 text, one record per line, fields separated by tabs; the first line
/// is `crampstat-partial<TAB>1` (statistics) or `crampstat-state<TAB>1` (the state a pass is
/// run at). Fields escape backslash, tab, line feed and carriage return as `\\`, `\t`, `\n`,
/// `\r`, so level names and formulas travel unchanged. Numbers are written in Swift's
/// shortest round-trip form (`0.1`, `1e-05`), which reads back to the same bits; an exact sum
/// is its ``ExactSum/canonicalComponents``, one field each. Records are
/// `key<TAB>field<TAB>...`; the order of keys is fixed by the writer, and readers look keys
/// up by name, so later versions may add keys.
public struct PartialDocument: Sendable, Equatable {
  /// The kind of document, from its first line.
  public enum Kind: String, Sendable, Equatable {
    /// Additive statistics of one partition, or of several combined.
    case statistics = "crampstat-partial"
    /// The state a pass is run at (formula, agreed levels, current estimate).
    case state = "crampstat-state"
  }

  /// The format version this code writes and reads.
  public static let version = 1

  /// Statistics or state.
  public var kind: Kind
  /// The records after the first line: each a key and its fields.
  public private(set) var records: [(key: String, fields: [String])] = []
  /// Where the document came from, for messages.
  public var source: String

  /// An empty document of `kind`.
  public init(kind: Kind, source: String = "") {
    self.kind = kind
    self.source = source
  }

  public static func == (a: PartialDocument, b: PartialDocument) -> Bool {
    a.kind == b.kind && a.records.count == b.records.count
      && zip(a.records, b.records).allSatisfy { $0.key == $1.key && $0.fields == $1.fields }
  }

  // MARK: Writing

  /// Appends a record of text fields.
  public mutating func append(_ key: String, _ fields: [String]) {
    records.append((key, fields))
  }

  /// Appends a record of numbers (shortest round-trip text).
  public mutating func append(_ key: String, numbers: [Double]) {
    records.append((key, numbers.map(Self.format)))
  }

  /// Appends a record of leading text fields followed by an exact sum's components.
  public mutating func append(_ key: String, _ prefix: [String] = [], sum: ExactSum) {
    records.append((key, prefix + sum.canonicalComponents.map(Self.format)))
  }

  /// The document as text, ending with a newline.
  public var encoded: String {
    var out = "\(kind.rawValue)\t\(Self.version)\n"
    for record in records {
      out += ([Self.escape(record.key)] + record.fields.map(Self.escape)).joined(separator: "\t")
      out += "\n"
    }
    return out
  }

  /// Shortest text that reads back to the same double (`inf`, `-inf`, `nan` for the others).
  public static func format(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return "\(x)"
  }

  static func escape(_ field: String) -> String {
    guard field.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    else { return field }
    var out = ""
    for c in field {
      switch c {
      case "\\": out += "\\\\"
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default: out.append(c)
      }
    }
    return out
  }

  // MARK: Reading

  /// Parses a document; `source` names it in errors.
  /// - Throws: ``PartialsError/malformed(source:line:reason:)`` for a wrong first line, an
  ///   unknown version, or a bad escape.
  public init(text: String, source: String) throws(PartialsError) {
    self.source = source
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    guard let first = lines.first else {
      throw .malformed(source: source, line: 1, reason: "the input is empty")
    }
    let head = first.split(separator: "\t", omittingEmptySubsequences: false)
    guard head.count == 2, let kind = Kind(rawValue: String(head[0])) else {
      throw .malformed(
        source: source, line: 1,
        reason: "the first line must be 'crampstat-partial<TAB>1' or 'crampstat-state<TAB>1'")
    }
    guard Int(head[1]) == Self.version else {
      throw .malformed(
        source: source, line: 1,
        reason: "format version \(head[1]); this crampstat reads version \(Self.version)")
    }
    self.kind = kind
    for (index, line) in lines.enumerated().dropFirst() {
      let parts = try line.split(separator: "\t", omittingEmptySubsequences: false).map {
        (part) throws(PartialsError) in
        try Self.unescape(part, source: source, line: index + 1)
      }
      guard let key = parts.first, !key.isEmpty else {
        throw .malformed(source: source, line: index + 1, reason: "a record without a key")
      }
      records.append((key, Array(parts.dropFirst())))
    }
  }

  static func unescape(_ field: Substring, source: String, line: Int) throws(PartialsError)
    -> String
  {
    guard field.contains("\\") else { return String(field) }
    var out = ""
    var escaped = false
    for c in field {
      if escaped {
        switch c {
        case "\\": out += "\\"
        case "t": out += "\t"
        case "n": out += "\n"
        case "r": out += "\r"
        default:
          throw .malformed(source: source, line: line, reason: "unknown escape '\\\(c)'")
        }
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else {
        out.append(c)
      }
    }
    if escaped { throw .malformed(source: source, line: line, reason: "a trailing backslash") }
    return out
  }

  /// The fields of every record with `key`, in order.
  public func all(_ key: String) -> [[String]] {
    records.filter { $0.key == key }.map(\.fields)
  }

  /// The fields of the one record with `key`.
  /// - Throws: ``PartialsError/malformed(source:line:reason:)`` when it is missing.
  public func one(_ key: String) throws(PartialsError) -> [String] {
    guard let record = records.first(where: { $0.key == key }) else {
      throw .malformed(source: source, line: 0, reason: "no '\(key)' record")
    }
    return record.fields
  }

  /// The first field of the record with `key`, or `nil` when there is none.
  public func value(_ key: String) -> String? {
    records.first { $0.key == key }?.fields.first
  }

  /// Records `key<TAB>name<TAB>value...` as a dictionary of lists (the `setting` and
  /// `levels` records of states).
  public func lists(_ key: String) -> [String: [String]] {
    var out: [String: [String]] = [:]
    for fields in all(key) {
      guard let name = fields.first else { continue }
      out[name] = Array(fields.dropFirst())
    }
    return out
  }

  /// Records `key<TAB>name<TAB>count` as a dictionary (`dropped-by`).
  public func counts(_ key: String) -> [String: Int] {
    var out: [String: Int] = [:]
    for fields in all(key) where fields.count == 2 { out[fields[0]] = Int(fields[1]) ?? 0 }
    return out
  }

  /// Appends one record per entry of `lists`, sorted by name (read back by ``lists(_:)``).
  public mutating func append(_ key: String, lists: [String: [String]]) {
    for name in lists.keys.sorted() { append(key, [name] + (lists[name] ?? [])) }
  }

  /// Appends one record per entry of `counts`, sorted by name (read back by ``counts(_:)``).
  public mutating func append(_ key: String, counts: [String: Int]) {
    for name in counts.keys.sorted() { append(key, [name, String(counts[name] ?? 0)]) }
  }

  /// Reads a number written by ``format(_:)``.
  public func number(_ text: String, key: String) throws(PartialsError) -> Double {
    switch text {
    case "nan": return .nan
    case "inf": return .infinity
    case "-inf": return -.infinity
    default:
      guard let x = Double(text) else {
        throw .malformed(source: source, line: 0, reason: "'\(text)' in '\(key)' is not a number")
      }
      return x
    }
  }

  /// Reads fields as numbers.
  public func numbers(_ fields: some Collection<String>, key: String) throws(PartialsError)
    -> [Double]
  {
    var out: [Double] = []
    out.reserveCapacity(fields.count)
    for f in fields { out.append(try number(f, key: key)) }
    return out
  }

  /// Reads fields as an exact sum's components.
  public func sum(_ fields: some Collection<String>, key: String) throws(PartialsError)
    -> ExactSum
  {
    ExactSum(components: try numbers(fields, key: key))
  }

  /// Reads the first field of `key` as an integer.
  public func integer(_ key: String) throws(PartialsError) -> Int {
    guard let text = try one(key).first, let n = Int(text) else {
      throw .malformed(source: source, line: 0, reason: "'\(key)' needs an integer")
    }
    return n
  }

  /// A 64-bit FNV-1a digest of the encoded text, in hex: names the state a pass ran at, so
  /// statistics computed at different estimates are never combined.
  public var digest: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in encoded.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
