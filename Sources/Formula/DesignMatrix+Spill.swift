import Glibc

extension DesignMatrix {
  /// A design written to a file and read back, bit for bit, so that later passes of a
  /// bounded-memory fit (`--stream`) read binary columns instead of parsing the text again.
  ///
  /// Layout: eight little-endian `Int64` counts (rows, columns, response, offset, cluster
  /// labels, label bytes, dropped rows, name bytes), one kind byte per column and for the
  /// response (1: every value is 0.0 or 1.0, stored as one byte each; 0: doubles), the
  /// columns in order, the response and the offset (`n` doubles, when present), the source line and
  /// cluster code of each row (`n` `Int32` each), the cluster labels and the column names
  /// (NUL-separated UTF-8). Designs with a survival outcome, strata or splines are not spilled
  /// (``spillable``).
  public var spillable: Bool { survival == nil && strata == nil && splineBases.isEmpty }

  /// Writes the design to `path` (created or replaced, mode 0600).
  /// - Throws: ``SpillError`` when the file cannot be written (disk full, permissions).
  public func spill(to path: String) throws(SpillError) {
    precondition(spillable, "spill: a survival, strata or spline design")
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw SpillError(path: path, errno: errno) }
    defer { close(descriptor) }
    let labels = Array((clusters?.labels ?? []).joined(separator: "\u{0}").utf8)
    let names = Array(columnNames.joined(separator: "\u{0}").utf8)
    let counts: [Int64] = [
      Int64(rowCount), Int64(columnCount), response == nil ? 0 : 1, offset == nil ? 0 : 1,
      Int64(clusters?.labels.count ?? -1), Int64(labels.count), Int64(droppedRowCount),
      Int64(names.count),
    ]
    func put<T>(_ array: [T]) throws(SpillError) {
      let ok = array.withUnsafeBytes { bytes -> Bool in
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
          let written = write(descriptor, base + offset, bytes.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            return false
          }
          offset += written
        }
        return true
      }
      if !ok { throw SpillError(path: path, errno: errno) }
    }
    try put(counts.map(\.littleEndian))
    // Each column (and the response) as 8-byte doubles, or, when every value is exactly 0.0
    // or 1.0 (dummies, 0/1 covariates, the intercept), one byte per value: a third of the
    // bytes for a typical diary design, read back to the same bits.
    let n = rowCount
    var kinds = [UInt8](repeating: 0, count: columnCount + 1)
    for j in 0..<columnCount where Self.isBinary(values[(j * n)..<((j + 1) * n)]) {
      kinds[j] = 1
    }
    if let response, Self.isBinary(response[...]) { kinds[columnCount] = 1 }
    try put(kinds)
    for j in 0..<columnCount {
      let column = values[(j * n)..<((j + 1) * n)]
      if kinds[j] == 1 {
        try put(column.map { $0 == 1 ? UInt8(1) : 0 })
      } else {
        try put(Array(column))
      }
    }
    if let response {
      if kinds[columnCount] == 1 {
        try put(response.map { $0 == 1 ? UInt8(1) : 0 })
      } else {
        try put(response)
      }
    }
    if let offset { try put(offset) }
    try put(lineNumbers)
    if let clusters { try put(clusters.codes) }
    try put(labels)
    try put(names)
  }

  /// Reads a design written by ``spill(to:)``; `formula` is the one it was built from.
  /// - Throws: ``SpillError`` when the file cannot be read or is not a whole spill.
  public init(spilledAt path: String, formula: Formula, source: String) throws(SpillError) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SpillError(path: path, errno: errno) }
    defer { close(descriptor) }
    var position: off_t = 0
    // Reads `count` plain values (doubles and integers) at the current position.
    func take<T: BitwiseCopyable>(_ count: Int, of: T.Type) throws(SpillError) -> [T] {
      guard count >= 0 else { throw SpillError(path: path, errno: EINVAL) }
      let bytes = count * MemoryLayout<T>.stride
      guard bytes > 0 else { return [] }
      var complete = false
      let result = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        guard let base = UnsafeMutableRawPointer(buffer.baseAddress) else { return }
        var done = 0
        while done < bytes {
          let got = pread(descriptor, base + done, bytes - done, position + off_t(done))
          if got < 0, errno == EINTR { continue }
          if got <= 0 { break }
          done += got
        }
        complete = done == bytes
        initialized = complete ? count : 0
      }
      guard complete else { throw SpillError(path: path, errno: EIO) }
      position += off_t(bytes)
      return result
    }
    let counts = try take(8, of: Int64.self).map { Int(Int64(littleEndian: $0)) }
    let (n, p) = (counts[0], counts[1])
    guard n >= 0, p >= 0, n.multipliedReportingOverflow(by: p).overflow == false else {
      throw SpillError(path: path, errno: EINVAL)
    }
    let kinds = try take(p + 1, of: UInt8.self)
    func column(_ kind: UInt8) throws(SpillError) -> [Double] {
      kind == 1
        ? try take(n, of: UInt8.self).map { $0 == 1 ? 1.0 : 0.0 } : try take(n, of: Double.self)
    }
    var values: [Double] = []
    values.reserveCapacity(n * p)
    for j in 0..<p { values += try column(kinds[j]) }
    let response = counts[2] == 1 ? try column(kinds[p]) : nil
    let offset = counts[3] == 1 ? try take(n, of: Double.self) : nil
    let lines = try take(n, of: Int32.self)
    let codes = counts[4] >= 0 ? try take(n, of: Int32.self) : nil
    let labelBytes = try take(counts[5], of: UInt8.self)
    let nameBytes = try take(counts[7], of: UInt8.self)
    func split(_ bytes: [UInt8]) -> [String] {
      bytes.split(separator: 0, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    let labels = counts[4] > 0 ? split(labelBytes) : []
    let names = p > 0 ? split(nameBytes) : []
    guard names.count == p, labels.count == max(0, counts[4]) else {
      throw SpillError(path: path, errno: EINVAL)
    }
    self.init(
      formula: formula, source: source, rowCount: n, columnCount: p, values: values,
      columnNames: names, columnTerms: [Int?](repeating: nil, count: p), response: response,
      survival: nil, offset: offset,
      clusters: codes.map { Grouping(codes: $0, labels: labels) }, strata: nil,
      rowsUsed: [], lineNumbers: lines, droppedRowCount: counts[6], droppedByVariable: [:],
      categoricalLevels: [:])
  }
}

extension DesignMatrix {
  /// Whether every value is exactly `+0.0` or `1.0` (bit patterns, so `-0.0` and NaN are not).
  static func isBinary(_ values: ArraySlice<Double>) -> Bool {
    let one = (1.0).bitPattern
    return values.allSatisfy { $0.bitPattern == 0 || $0.bitPattern == one }
  }
}

/// A spill file that could not be written or read back.
public struct SpillError: Error, Sendable, Equatable, CustomStringConvertible {
  public let path: String
  public let errno: Int32

  public var description: String {
    "\(path): cannot spill the design (\(String(cString: strerror(errno))))"
  }
}
