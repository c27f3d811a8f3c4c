/// How the dates of a diary's `date` column are written (`--date-format`).
///
/// Day and month may have one or two digits in the day-first and month-first forms, whose
/// separator may be `/`, `-` or `.` (`18/12/2024`, `18.12.2024`); the year always has four
/// digits. `YYYYMMDD` is eight digits with no separator, which the CSV reader first sees as
/// an integer.
public enum DateFormat: String, Sendable, Equatable, CaseIterable {
  /// ISO 8601 `YYYY-MM-DD` (the default).
  case iso = "YYYY-MM-DD"
  /// Day first: `DD/MM/YYYY` (Europe, most of the world).
  case dayMonthYear = "DD/MM/YYYY"
  /// Month first: `MM/DD/YYYY` (United States).
  case monthDayYear = "MM/DD/YYYY"
  /// Eight digits, no separator: `YYYYMMDD`.
  case compact = "YYYYMMDD"

  /// The date `text` stands for in this format, or `nil` when it does not fit or is not a
  /// calendar day.
  public func parse(_ text: String) -> CivilDate? {
    switch self {
    case .iso:
      guard let p = Self.parts(text), p.separator == "-", p.first.count == 4 else { return nil }
      return Self.date(p.first, p.second, p.third)
    case .dayMonthYear:
      guard let p = Self.parts(text), p.third.count == 4, p.first.count <= 2 else { return nil }
      return Self.date(p.third, p.second, p.first)
    case .monthDayYear:
      guard let p = Self.parts(text), p.third.count == 4, p.first.count <= 2 else { return nil }
      return Self.date(p.third, p.first, p.second)
    case .compact:
      let digits = Array(text.utf8)
      guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        return nil
      }
      let s = Array(text)
      return Self.date(String(s[0..<4]), String(s[4..<6]), String(s[6..<8]))
    }
  }

  /// What the values of a date column look like, for an error message: the formats every
  /// value fits, narrowed by the first value that only one of them can read (a day above 12).
  ///
  /// - Returns: the formats that read every value (most likely first), and the index of the
  ///   first value that tells day-first from month-first apart, if any.
  public static func sniff(_ values: [String]) -> (formats: [DateFormat], decisive: Int?) {
    var candidates = DateFormat.allCases
    var decisive: Int?
    for (k, value) in values.enumerated() {
      let before = candidates.count
      candidates = candidates.filter { $0.parse(value) != nil }
      if candidates.isEmpty { return ([], nil) }
      if decisive == nil, before > candidates.count,
        candidates.contains(.dayMonthYear) != candidates.contains(.monthDayYear)
      {
        decisive = k
      }
    }
    return (candidates, decisive)
  }

  /// Splits `a?b?c` on its one kind of separator (`/`, `-` or `.`); each part all digits.
  private static func parts(_ text: String)
    -> (first: String, second: String, third: String, separator: Character)?
  {
    guard let separator = text.first(where: { $0 == "/" || $0 == "-" || $0 == "." }) else {
      return nil
    }
    let pieces = text.split(separator: separator, omittingEmptySubsequences: false)
    guard pieces.count == 3,
      pieces.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
    else { return nil }
    return (String(pieces[0]), String(pieces[1]), String(pieces[2]), separator)
  }

  private static func date(_ year: String, _ month: String, _ day: String) -> CivilDate? {
    guard month.count <= 2, day.count <= 2, let y = Int(year), let m = Int(month),
      let d = Int(day)
    else { return nil }
    return CivilDate(year: y, month: m, day: d)
  }
}
