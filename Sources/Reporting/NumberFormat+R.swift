#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// R's number printing: `format(x, digits = d)` on a vector, `round(x, d)`, `format.pval`
/// and the column rules of `printCoefmat`.
///
/// Every function reproduces R 4.2's `formatReal` (src/main/format.c): for each value the
/// fewest significant digits (at most `digits`) that show it to `digits` significant
/// digits, then one notation and one number of decimals for the whole vector: fixed when it
/// is no wider than scientific (`scipen = 0`), else scientific with a common mantissa
/// length. The digits themselves come from C's `%.*f` / `%.*e`, correctly rounded from the
/// binary value as R's `sprintf` calls are. The expected strings in the tests were printed
/// by R (`Tests/Reference/number_format.R`).
extension NumberFormat {
  /// R's `format(values, digits = digits)`: one notation and number of decimals for all.
  ///
  /// No padding (tables align the cells). `nil` gives `NA`, NaN `NaN`, infinities
  /// `Inf`/`-Inf`.
  public static func rFormat(_ values: [Double?], digits: Int = 7) -> [String] {
    let digits = min(15, max(1, digits))
    let finite = values.compactMap { $0 }.filter(\.isFinite)
    guard !finite.isEmpty else { return values.map(nonFinite) }
    var anyNegative = false
    var rgt = Int.min
    var mxsl = Int.min
    var mxns = Int.min
    var mxe = Int.min
    var mne = Int.max
    var mxl = Int.min
    for x in finite {
      let s = scientificParts(x, digits: digits)
      var left = s.kpower + 1
      if s.roundingWidens { left -= 1 }
      let sleft = (s.negative ? 1 : 0) + (left <= 0 ? 1 : left)
      if s.negative { anyNegative = true }
      rgt = max(rgt, s.nsig - left)
      mxl = max(mxl, left)
      mxsl = max(mxsl, sleft)
      mxns = max(mxns, s.nsig)
      mxe = max(mxe, s.kpower)
      mne = min(mne, s.kpower)
    }
    let neg = anyNegative ? 1 : 0
    if mxl < 0 { mxsl = 1 + neg }
    rgt = max(0, rgt)
    let fixedWidth = mxsl + rgt + (rgt != 0 ? 1 : 0)
    let exponentDigits = (mxe >= 100 || mne <= -99) ? 2 : 1
    let mantissaDecimals = mxns - 1
    let scientificWidth =
      neg + (mantissaDecimals > 0 ? 1 : 0) + mantissaDecimals + 4
      + exponentDigits
    let useFixed = fixedWidth <= scientificWidth
    return values.map { value in
      guard let value, value.isFinite else { return nonFinite(value) }
      return useFixed
        ? cFormat(value, conversion: "f", precision: rgt)
        : cFormat(value, conversion: "e", precision: mantissaDecimals)
    }
  }

  /// R's `round(x, decimals)` for the magnitudes tables print: the decimal nearest to the
  /// binary value (C's `%.*f`, as R 4's algorithm picks), so `round(0.15, 1)` is 0.1.
  public static func rRound(_ x: Double, decimals: Int) -> Double {
    guard x.isFinite, decimals < 300 else { return x }
    return Double(cFormat(x, conversion: "f", precision: max(0, decimals))) ?? x
  }

  /// R's `format.pval(p, digits = digits, eps = eps)`: values below `eps` as `<2e-16` (with a
  /// space, `< 2e-16`, when the other p-values print wider than 6 characters), values of
  /// 1e-4 and above (1e-3 with `digits` 1) formatted together, smaller ones together; `nil`
  /// or NaN is `NA`.
  public static func rFormatPValues(
    _ pValues: [Double?], digits: Int = 3, eps: Double = Double.ulpOfOne
  ) -> [String] {
    var out = [String](repeating: "NA", count: pValues.count)
    var fixedIndices: [Int] = []
    var smallIndices: [Int] = []
    var belowEps: [Int] = []
    for (i, p) in pValues.enumerated() {
      guard let p, !p.isNaN else { continue }
      if p < eps {
        belowEps.append(i)
        continue
      }
      let exponent = Int(log10(p).rounded(.down))
      if exponent >= -3 || (exponent == -4 && digits > 1) {
        fixedIndices.append(i)
      } else {
        smallIndices.append(i)
      }
    }
    for group in [fixedIndices, smallIndices] where !group.isEmpty {
      let texts = rFormat(group.map { pValues[$0] }, digits: digits)
      for (i, t) in zip(group, texts) { out[i] = t }
    }
    if !belowEps.isEmpty {
      var epsDigits = max(1, digits - 2)
      let others = fixedIndices + smallIndices
      let separator: String
      if others.isEmpty {
        separator = epsDigits == 1 ? "" : " "
      } else {
        let nc = others.map { out[$0].count }.max() ?? 0
        if epsDigits > 1, epsDigits + 6 > nc { epsDigits = max(1, nc - 7) }
        separator = epsDigits == 1 && nc <= 6 ? "" : " "
      }
      let text = "<" + separator + (rFormat([eps], digits: epsDigits).first ?? "")
      for i in belowEps { out[i] = text }
    }
    return out
  }

  /// `printCoefmat`'s coefficient block, one string array per input column.
  ///
  /// Estimates and standard errors (and, for Cox, `exp(coef)`) are rounded together to `max(1, digits - digmin)` decimals, `digmin` being
  /// `1 + floor(log10(.))` of the smallest non-zero magnitude, then formatted together with
  /// `digits`; a non-zero value that would print as zero is then reformatted on its own
  /// with `digits - 1` (so 3.2e-07 never shows as 0.0000).
  public static func rCoefficientColumns(_ columns: [[Double?]], digits: Int = 4) -> [[String]] {
    let all = columns.flatMap { $0 }
    let magnitudes = all.compactMap { $0 }.filter { $0.isFinite && $0 != 0 }.map { abs($0) }
    let digmin = magnitudes.min().map { 1 + Int(log10($0).rounded(.down)) } ?? 1
    let decimals = max(1, digits - digmin)
    let rounded = all.map { v in v.map { rRound($0, decimals: decimals) } }
    var texts = rFormat(rounded, digits: digits)
    let wrongZero = all.indices.filter { i in
      guard let v = all[i], v.isFinite else { return false }
      let shown = Double(texts[i]) ?? .nan
      return (v == 0) != (shown == 0)
    }
    if !wrongZero.isEmpty {
      let fixed = rFormat(wrongZero.map { all[$0] }, digits: max(1, digits - 1))
      for (i, t) in zip(wrongZero, fixed) { texts[i] = t }
    }
    var out: [[String]] = []
    var start = 0
    for column in columns {
      out.append(Array(texts[start..<(start + column.count)]))
      start += column.count
    }
    return out
  }

  /// `printCoefmat`'s test-statistic column: `format(round(x, digits - 1), digits = digits)`.
  public static func rStatisticColumn(_ values: [Double?], digits: Int = 4) -> [String] {
    let testDigits = max(1, min(5, digits - 1))
    return rFormat(values.map { v in v.map { rRound($0, decimals: testDigits) } }, digits: digits)
  }

  /// A ratio column (odds, hazard, rate ratios and their limits) as `print(matrix, digits)`
  /// prints one column, except that a ratio that is not exactly 1 (or 0) never prints as a
  /// plain 1 (or 0).
  ///
  /// When some cell would, the whole column takes the fewest extra significant digits that
  /// tell every such cell apart, so the column keeps one number of decimals: an odds ratio
  /// of 1.0000003 shows as `1.0000003`, not `1.000`.
  public static func rRatioColumn(_ values: [Double?], digits: Int = 4) -> [String] {
    func misleading(_ texts: [String]) -> Bool {
      zip(values, texts).contains { value, text in
        guard let value, value.isFinite, value != 0, value != 1, let shown = Double(text) else {
          return false
        }
        return shown == 0 || shown == 1
      }
    }
    var texts = rFormat(values, digits: digits)
    var d = digits
    while misleading(texts), d < 15 {
      d += 1
      texts = rFormat(values, digits: d)
    }
    return texts
  }

  private static func nonFinite(_ value: Double?) -> String {
    guard let value else { return "NA" }
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
    return fixed(value, digits: 0)
  }

  /// R's `scientific()` (format.c): sign, decimal exponent, significant digits needed (at
  /// most `digits`) and whether fixed notation shows one digit fewer left of the point.
  static func scientificParts(_ x: Double, digits: Int)
    -> (negative: Bool, kpower: Int, nsig: Int, roundingWidens: Bool)
  {
    guard x != 0 else { return (false, 0, 1, false) }
    let r = abs(x)
    var kp = Int(log10(r).rounded(.down)) - digits + 1
    // R scales in long double so that alpha has `digits` exact integer digits.
    #if arch(x86_64) || arch(i386)
      typealias Wide = Float80
    #else
      typealias Wide = Double
    #endif
    func power(_ n: Int) -> Wide {
      var p: Wide = 1
      for _ in 0..<abs(n) { p *= 10 }
      return p
    }
    var scaled = Wide(r)
    if kp > 0 { scaled /= power(kp) } else if kp < 0 { scaled *= power(-kp) }
    if scaled < power(digits - 1) {
      scaled *= 10
      kp -= 1
    }
    var alpha = Double(scaled.rounded(.toNearestOrEven))
    var nsig = digits
    for _ in 0..<digits {
      alpha /= 10
      if alpha == alpha.rounded(.down) { nsig -= 1 } else { break }
    }
    if nsig == 0 {
      nsig = 1
      kp += 1
    }
    let kpower = kp + digits - 1
    let maxPower = 22
    let rgt = min(maxPower, max(0, digits - kpower))
    let fuzz = 0.5 / pow10(rgt)
    let widens = kpower > 0 && kpower <= maxPower && r < pow10(kpower) - fuzz
    return (x < 0, kpower, nsig, widens)
  }

  /// C's `%.<precision>f` or `%.<precision>e`, as R's `sprintf` formats a cell.
  ///
  /// The process never calls `setlocale`, so C's numeric locale is "C"; any other decimal
  /// mark a host library might set is mapped back to `.` all the same.
  static func cFormat(_ x: Double, conversion: Character, precision: Int) -> String {
    let format = conversion == "e" ? "%.*e" : "%.*f"
    let size = 400 + precision
    var buffer = [CChar](repeating: 0, count: size)
    let written = buffer.withUnsafeMutableBufferPointer { pointer in
      withVaList([Int32(precision), x]) { arguments in
        vsnprintf(pointer.baseAddress, size, format, arguments)
      }
    }
    guard written > 0 else { return String(x) }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    var text = String(decoding: bytes, as: UTF8.self)
    if text.contains(",") { text = text.replacingAll(",", with: ".") }
    return text
  }
}
