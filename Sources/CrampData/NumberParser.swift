import Glibc

/// What a numeric token looked like, narrowest first.
enum NumberLexeme: UInt8 {
  /// The token failed the grammar.
  case invalid = 0
  /// Exactly `0` or `1` (a boolean candidate).
  case bit = 1
  /// Optional sign and digits, magnitude at most 2^53.
  case integer = 2
  /// Any other token of the decimal grammar.
  case decimal = 3
}

/// The outcome of scanning one token with ``NumberParser``.
struct ScannedNumber {
  /// The value (meaningless when `lexeme` is `.invalid`).
  var value: Double
  /// Index one past the last byte the grammar consumed.
  var end: Int
  /// The narrowest class the token belongs to.
  var lexeme: NumberLexeme
}

/// A locale-independent decimal parser over raw bytes.
///
/// Grammar (checked before any conversion, so `nan`, `inf`, hex, `1_000` and
/// spaces never reach a converter):
///
///     [+-]? ( digits ( P digits? )? | P digits ) ( [eE] [+-]? digits )?
///
/// where `P` is the decimal mark (`.` by default, `,` with `--decimal ,`).
///
/// Conversion: up to 19 significant digits are accumulated exactly in a `UInt64`.
/// When that mantissa is at most 2^53 and the power of ten is at most 10^22 in
/// magnitude, both are exact doubles and one IEEE multiplication or division gives
/// the correctly rounded result (Clinger's fast path). Everything else (long
/// mantissas, large exponents) goes to `strtod` under a thread-local C locale set
/// with `uselocale`, which is correctly rounded in glibc and never reads the
/// process locale; `setlocale` is never called.
enum NumberParser {
  /// The powers of ten that a `Double` holds exactly, 10^0 through 10^22.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// 2^53: the largest integer below which every integer is an exact `Double`.
  static let maxExactInteger: UInt64 = 1 << 53

  /// Scans the longest prefix of `bytes[start..<limit]` that the grammar accepts.
  ///
  /// The scan stops at the first byte that cannot continue a number; callers check
  /// that it stopped at the end of the field. A token that starts like a number but
  /// breaks the grammar (`1e`, `.`, `-`) is `.invalid`.
  ///
  /// - Parameters:
  ///   - bytes: The buffer; only indices in `start..<limit` are read.
  ///   - decimalMark: `UInt8(ascii: ".")` or `UInt8(ascii: ",")`.
  @inline(__always)
  static func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int, decimalMark: UInt8
  ) -> ScannedNumber {
    var i = start
    var negative = false
    if i < limit {
      let c = bytes[i]
      if c == 0x2D {
        negative = true
        i &+= 1
      } else if c == 0x2B {
        i &+= 1
      }
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var truncated = false
    var exponent = 0

    let integerStart = i
    while i < limit {
      let d = bytes[i] &- 0x30
      if d > 9 { break }
      if significant < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
        if mantissa != 0 { significant &+= 1 }
      } else {
        exponent &+= 1
        if d != 0 { truncated = true }
      }
      i &+= 1
    }
    let integerDigits = i &- integerStart

    var sawPoint = false
    var fractionDigits = 0
    if i < limit && bytes[i] == decimalMark {
      sawPoint = true
      i &+= 1
      let fractionStart = i
      while i < limit {
        let d = bytes[i] &- 0x30
        if d > 9 { break }
        if significant < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          if mantissa != 0 { significant &+= 1 }
          exponent &-= 1
        } else if d != 0 {
          truncated = true
        }
        i &+= 1
      }
      fractionDigits = i &- fractionStart
    }
    if integerDigits == 0 && fractionDigits == 0 {
      return ScannedNumber(value: 0, end: i, lexeme: .invalid)
    }

    var sawExponent = false
    if i < limit && bytes[i] | 0x20 == 0x65 {
      var j = i &+ 1
      var exponentNegative = false
      if j < limit {
        let c = bytes[j]
        if c == 0x2D {
          exponentNegative = true
          j &+= 1
        } else if c == 0x2B {
          j &+= 1
        }
      }
      let digitsStart = j
      var written = 0
      while j < limit {
        let d = bytes[j] &- 0x30
        if d > 9 { break }
        // Saturate: anything past 10^±100000 is zero or infinity anyway.
        if written < 100_000 { written = written &* 10 &+ Int(d) }
        j &+= 1
      }
      if j == digitsStart {
        return ScannedNumber(value: 0, end: j, lexeme: .invalid)
      }
      sawExponent = true
      exponent &+= exponentNegative ? -written : written
      i = j
    }

    if !sawPoint && !sawExponent && !truncated && exponent == 0
      && mantissa <= maxExactInteger
    {
      let magnitude = Double(mantissa)
      let isBit = i &- start == 1 && mantissa <= 1
      return ScannedNumber(
        value: negative ? -magnitude : magnitude, end: i, lexeme: isBit ? .bit : .integer)
    }

    let magnitude: Double
    if mantissa == 0 {
      magnitude = 0
    } else if !truncated && mantissa <= maxExactInteger && exponent >= -22 && exponent <= 22 {
      magnitude =
        exponent < 0
        ? Double(mantissa) / powersOfTen[-exponent] : Double(mantissa) * powersOfTen[exponent]
    } else {
      magnitude = slowPath(bytes, from: start, to: i, decimalMark: decimalMark).magnitude
    }
    return ScannedNumber(value: negative ? -magnitude : magnitude, end: i, lexeme: .decimal)
  }

  /// Parses `bytes[start..<end]` as a whole: the value, or `nil` if the slice is not
  /// exactly one token of the grammar.
  static func parse(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, decimalMark: UInt8
  ) -> ScannedNumber? {
    let scanned = scan(bytes, from: start, to: end, decimalMark: decimalMark)
    return scanned.lexeme != .invalid && scanned.end == end ? scanned : nil
  }

  /// Converts a token that has already passed the grammar with `strtod` in the C locale.
  @inline(never)
  private static func slowPath(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, decimalMark: UInt8
  ) -> Double {
    let count = end &- start
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count &+ 1) { buffer in
      var k = 0
      var i = start
      while i < end && k < count {
        let b = bytes[i]
        buffer[k] = CChar(bitPattern: b == decimalMark ? 0x2E : b)
        k &+= 1
        i &+= 1
      }
      buffer[k] = 0
      guard let text = buffer.baseAddress else { return .nan }
      let previous = uselocale(CLocale.numeric)
      defer { uselocale(previous) }
      return strtod(text, nil)
    }
  }
}

/// The POSIX locale, created once, for `strtod` via `uselocale` (thread-local).
private enum CLocale {
  // `locale_t` is a C pointer; it is created once and only ever read.
  nonisolated(unsafe) static let numeric: locale_t? = newlocale(LC_NUMERIC_MASK, "C", nil)
}
