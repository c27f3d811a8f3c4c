extension CSVReader {
  /// The file as UTF-8 when it is UTF-16 with a byte-order mark (`FF FE` little-endian,
  /// `FE FF` big-endian), else `nil` (the bytes are read as they are).
  ///
  /// Excel's "Unicode Text" and many Windows tools write UTF-16. Transcoding keeps every
  /// character and line break, so line numbers in later messages match the file.
  ///
  /// - Throws: ``CSVError/invalidUTF16(source:line:)`` for an unpaired surrogate, and
  ///   ``CSVError/utf16WithoutByteOrderMark(source:littleEndian:)`` when the first bytes
  ///   alternate with zero bytes but no mark says which order they are in.
  static func utf8FromUTF16(_ bytes: UnsafeBufferPointer<UInt8>, source: String)
    throws(CSVError) -> [UInt8]?
  {
    guard bytes.count >= 2 else { return nil }
    let littleEndian: Bool
    switch (bytes[0], bytes[1]) {
    case (0xFF, 0xFE): littleEndian = true
    case (0xFE, 0xFF): littleEndian = false
    default:
      if let order = zeroByteOrder(bytes) {
        throw CSVError.utf16WithoutByteOrderMark(source: source, littleEndian: order)
      }
      return nil
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count / 2 &+ 16)
    var line = 1
    var i = 2
    func unit(_ k: Int) -> UInt32 {
      littleEndian
        ? UInt32(bytes[k]) | UInt32(bytes[k &+ 1]) << 8
        : UInt32(bytes[k]) << 8 | UInt32(bytes[k &+ 1])
    }
    while i &+ 1 < bytes.count {
      var scalar = unit(i)
      i &+= 2
      if scalar >= 0xD800 && scalar <= 0xDBFF {
        guard i &+ 1 < bytes.count else { throw CSVError.invalidUTF16(source: source, line: line) }
        let low = unit(i)
        guard low >= 0xDC00 && low <= 0xDFFF else {
          throw CSVError.invalidUTF16(source: source, line: line)
        }
        i &+= 2
        scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
      } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
        throw CSVError.invalidUTF16(source: source, line: line)
      }
      if scalar == 0x0A { line &+= 1 }
      appendUTF8(scalar, to: &out)
    }
    if i < bytes.count { throw CSVError.invalidUTF16(source: source, line: line) }
    return out
  }

  /// `true` (little-endian) or `false` (big-endian) when the first bytes look like UTF-16
  /// ASCII text: one zero byte in every pair, always on the same side; `nil` otherwise.
  private static func zeroByteOrder(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
    let pairs = min(bytes.count / 2, 100)
    guard pairs >= 2 else { return nil }
    var highZero = 0
    var lowZero = 0
    for k in 0..<pairs {
      let a = bytes[2 &* k]
      let b = bytes[2 &* k &+ 1]
      if a != 0 && b == 0 { highZero &+= 1 }
      if a == 0 && b != 0 { lowZero &+= 1 }
    }
    if highZero == pairs { return true }
    if lowZero == pairs { return false }
    return nil
  }

  private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
      out.append(UInt8(scalar))
    case 0x80..<0x800:
      out.append(UInt8(0xC0 | scalar >> 6))
      out.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
      out.append(UInt8(0xE0 | scalar >> 12))
      out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
      out.append(UInt8(0x80 | scalar & 0x3F))
    default:
      out.append(UInt8(0xF0 | scalar >> 18))
      out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
      out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
      out.append(UInt8(0x80 | scalar & 0x3F))
    }
  }
}
