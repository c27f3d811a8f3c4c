/// The header record after repairs.
struct CSVHeader {
  /// Unique, non-blank column names.
  var names: [String]
  /// Whether each name was blank in the file.
  var blank: [Bool]
  var warnings: [CSVWarning]
}

extension CSVReader {
  /// Reads the header record at `position` and makes its names usable.
  ///
  /// Blank names become `V<n>` (n = 1-based position, as R does) and a repeated name
  /// `x` becomes `x.2`, `x.3`, ... skipping names already taken; each repair is a
  /// warning on line `line`.
  static func readHeader(
    _ bytes: UnsafeBufferPointer<UInt8>, source: String, delimiter: UInt8,
    position: inout Int, line: inout Int
  ) throws(CSVError) -> CSVHeader {
    let headerLine = line
    var raw: [String] = []
    var scratch: [UInt8] = []
    while true {
      let fieldLine = line
      let slice: CSVFieldSlice
      do {
        slice = try CSVScanner.scanField(
          bytes, delimiter: delimiter, position: &position, line: &line, scratch: &scratch)
      } catch {
        throw error.located(source: source, column: nil)
      }
      let name: String? =
        slice.inScratch
        ? scratch.withUnsafeBufferPointer { Self.utf8String($0, from: slice.start, to: slice.end) }
        : Self.utf8String(bytes, from: slice.start, to: slice.end)
      guard let name else {
        let text =
          slice.inScratch
          ? CSVByte.render(scratch) : CSVByte.render(bytes, from: slice.start, to: slice.end)
        throw CSVError.invalidUTF8(source: source, line: fieldLine, column: nil, text: text)
      }
      raw.append(name)
      if CSVScanner.endField(bytes, delimiter: delimiter, position: &position, line: &line)
        != .delimiter
      {
        break
      }
    }

    var warnings: [CSVWarning] = []
    var taken = Set(raw.filter { !$0.isEmpty })
    var seen: Set<String> = []
    var names: [String] = []
    for (k, name) in raw.enumerated() {
      if name.isEmpty {
        let fresh = uniqueName("V\(k &+ 1)", taken: &taken, includingBase: true)
        warnings.append(
          CSVWarning(
            source: source, line: headerLine, column: fresh, kind: .blankHeader,
            message: "column \(k &+ 1) has no name; called it '\(fresh)'"))
        names.append(fresh)
      } else if seen.contains(name) {
        let fresh = uniqueName(name, taken: &taken, includingBase: false)
        warnings.append(
          CSVWarning(
            source: source, line: headerLine, column: fresh, kind: .duplicateHeader,
            message: "column \(k &+ 1) repeats the name '\(name)'; renamed it '\(fresh)'"))
        names.append(fresh)
      } else {
        seen.insert(name)
        names.append(name)
      }
    }
    return CSVHeader(names: names, blank: raw.map(\.isEmpty), warnings: warnings)
  }

  /// `base` if free (when `includingBase`), else the first free `base.2`, `base.3`, ...
  private static func uniqueName(_ base: String, taken: inout Set<String>, includingBase: Bool)
    -> String
  {
    if includingBase && !taken.contains(base) {
      taken.insert(base)
      return base
    }
    var k = 2
    while taken.contains("\(base).\(k)") { k &+= 1 }
    let name = "\(base).\(k)"
    taken.insert(name)
    return name
  }

  private static func utf8String(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int)
    -> String?
  {
    guard CSVByte.firstInvalidUTF8(bytes, from: start, to: end) == nil else { return nil }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
  }
}
