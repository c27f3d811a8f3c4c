/// Byte constants and byte-level text helpers shared by the CSV reader.
enum CSVByte {
  static let quote: UInt8 = 0x22
  static let lineFeed: UInt8 = 0x0A
  static let carriageReturn: UInt8 = 0x0D
  static let comma: UInt8 = 0x2C
  static let semicolon: UInt8 = 0x3B
  static let tab: UInt8 = 0x09
  static let pipe: UInt8 = 0x7C
  static let period: UInt8 = 0x2E

  /// Index of the first byte of `bytes[start..<end]` that breaks UTF-8, or `nil`.
  ///
  /// Follows the well-formed byte sequences of Unicode Table 3-7 (no overlong forms,
  /// no surrogates, nothing above U+10FFFF).
  static func firstInvalidUTF8(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
  ) -> Int? {
    var i = start
    while i < end {
      let b0 = bytes[i]
      if b0 < 0x80 {
        i &+= 1
        continue
      }
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch b0 {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: return i
      }
      guard end &- i >= length else { return i }
      let b1 = bytes[i &+ 1]
      guard b1 >= low && b1 <= high else { return i }
      var k = 2
      while k < length {
        let b = bytes[i &+ k]
        guard b >= 0x80 && b <= 0xBF else { return i }
        k &+= 1
      }
      i &+= length
    }
    return nil
  }

  /// Renders bytes for a message: valid UTF-8 as text, other bytes and control
  /// characters as `\xHH` (so Latin-1 `café` shows as `caf\xE9`), cut at `limit` bytes.
  static func render(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, limit: Int = 200
  ) -> String {
    let stop = end &- start > limit ? start &+ limit : end
    var out = ""
    var i = start
    while i < stop {
      let bad = firstInvalidUTF8(bytes, from: i, to: stop) ?? stop
      if bad > i {
        let valid = UnsafeBufferPointer(rebasing: bytes[i..<bad])
        for scalar in String(decoding: valid, as: UTF8.self).unicodeScalars {
          if scalar.value < 0x20 || scalar.value == 0x7F {
            out += hex(UInt8(truncatingIfNeeded: scalar.value))
          } else {
            out.unicodeScalars.append(scalar)
          }
        }
      }
      if bad < stop {
        out += hex(bytes[bad])
        i = bad &+ 1
      } else {
        i = stop
      }
    }
    return stop < end ? out + "..." : out
  }

  /// Renders a whole byte array with ``render(_:from:to:limit:)``.
  static func render(_ bytes: [UInt8], limit: Int = 200) -> String {
    bytes.withUnsafeBufferPointer { render($0, from: 0, to: $0.count, limit: limit) }
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    let high = digits[Int(byte >> 4)]
    let low = digits[Int(byte & 0x0F)]
    return "\\x" + String(decoding: [high, low], as: UTF8.self)
  }
}
