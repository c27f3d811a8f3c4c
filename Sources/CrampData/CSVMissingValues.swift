/// The set of missing-value strings, matched against byte slices.
struct CSVMissingValues {
  private let values: [[UInt8]]
  /// Bit `n` is set when some missing-value string has `n` bytes (`n < 64`).
  private let lengths: UInt64
  private let hasLong: Bool
  /// Some missing-value string would also read as a number.
  let looksNumeric: Bool

  init(_ strings: [String], decimalMark: UInt8) {
    values = strings.map { Array($0.utf8) }
    var lengths: UInt64 = 0
    var hasLong = false
    var looksNumeric = false
    for value in values {
      if value.count < 64 { lengths |= 1 << UInt64(value.count) } else { hasLong = true }
      value.withUnsafeBufferPointer { buffer in
        if NumberParser.parse(buffer, from: 0, to: buffer.count, decimalMark: decimalMark) != nil {
          looksNumeric = true
        }
      }
    }
    self.lengths = lengths
    self.hasLong = hasLong
    self.looksNumeric = looksNumeric
  }

  /// Whether `buffer[start..<end]` is one of the missing-value strings.
  @inline(__always)
  func contains(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
    let length = end &- start
    if length < 64 {
      if lengths & (1 << UInt64(length)) == 0 { return false }
    } else if !hasLong {
      return false
    }
    let slice = UnsafeBufferPointer(rebasing: buffer[start..<end])
    for value in values where value.count == length {
      if value.withUnsafeBufferPointer({ $0.elementsEqual(slice) }) { return true }
    }
    return false
  }
}
