/// Locale-independent number formatting for reports.
///
/// Nothing here reads the C locale: decimal separators are always `.`.
public enum NumberFormat {
  /// Fixed-point with `digits` decimals, rounding half away from zero; `NA` for nil or NaN.
  public static func fixed(_ value: Double?, digits: Int) -> String {
    guard let value, !value.isNaN else { return "NA" }
    if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
    let scale = pow10(digits)
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    if scaled >= 9.0e15 { return String(value) }
    let whole = Int64(scaled)
    let divisor = Int64(scale)
    var intPart = String(whole / divisor)
    if digits > 0 {
      let frac = String(whole % divisor)
      intPart += "." + String(repeating: "0", count: digits - frac.count) + frac
    }
    let isNegativeZero = whole == 0
    return (value < 0 && !isNegativeZero ? "-" : "") + intPart
  }

  /// R-like `signif`: `digits` significant digits, switching to scientific for very
  /// small or large magnitudes (as `format(x, digits = d)` does).
  public static func significant(_ value: Double?, digits: Int = 4) -> String {
    guard let value, !value.isNaN else { return "NA" }
    if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
    if value == 0 { return "0" }
    let magnitude = Int((log10Floor(abs(value))))
    if magnitude < -4 || magnitude >= 15 {
      return scientific(value, digits: digits)
    }
    let decimals = max(0, digits - 1 - magnitude)
    var s = fixed(value, digits: decimals)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }

  /// Scientific notation with `digits` significant digits, like `1.23e-05`.
  public static func scientific(_ value: Double, digits: Int) -> String {
    guard value.isFinite, value != 0 else { return fixed(value, digits: 0) }
    var exponent = Int(log10Floor(abs(value)))
    var mantissa = value / pow10(exponent)
    let rounded = (mantissa * pow10(digits - 1)).rounded(.toNearestOrAwayFromZero)
    mantissa = rounded / pow10(digits - 1)
    if abs(mantissa) >= 10 {
      mantissa /= 10
      exponent += 1
    }
    var m = fixed(mantissa, digits: digits - 1)
    if m.contains(".") {
      while m.hasSuffix("0") { m.removeLast() }
      if m.hasSuffix(".") { m.removeLast() }
    }
    let e = String(abs(exponent))
    return m + "e" + (exponent < 0 ? "-" : "+") + (e.count < 2 ? "0" + e : e)
  }

  /// One p-value as R's `format.pval(p, digits = 3)`: `<2e-16` below machine epsilon.
  public static func pValue(_ p: Double?) -> String {
    rFormatPValues([p]).first ?? "NA"
  }

  /// An integer with no grouping.
  public static func integer(_ value: Int) -> String { String(value) }

  static func pow10(_ n: Int) -> Double {
    var r = 1.0
    if n >= 0 {
      for _ in 0..<n { r *= 10 }
    } else {
      for _ in 0..<(-n) { r /= 10 }
    }
    return r
  }

  /// floor(log10(x)) for positive finite x, exact at powers of ten.
  static func log10Floor(_ x: Double) -> Double {
    var e = 0
    var v = x
    while v >= 10 {
      v /= 10
      e += 1
    }
    while v < 1 {
      v *= 10
      e -= 1
    }
    return Double(e)
  }
}
