/// Proleptic Gregorian day numbers (days since 1970-01-01) and their ISO text.
///
/// Uses the standard days-from-civil / civil-from-days arithmetic on 400-year eras.
enum CivilDay {
  /// The day number of `year`-`month`-`day`.
  static func dayNumber(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// (year, month, day) of a day number.
  static func civil(_ dayNumber: Int) -> (year: Int, month: Int, day: Int) {
    let z = dayNumber + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
  static func isoWeekday(_ dayNumber: Int) -> Int {
    let r = ((dayNumber % 7) + 7 + 3) % 7  // 0 = Monday
    return r + 1
  }

  /// Day of the year, 1 … 366.
  static func dayOfYear(_ dayNumber: Int) -> Int {
    dayNumber - self.dayNumber(year: civil(dayNumber).year, month: 1, day: 1) + 1
  }

  /// `YYYY-MM-DD` as ASCII bytes.
  static func isoBytes(_ dayNumber: Int) -> [UInt8] {
    let (y, m, d) = civil(dayNumber)
    let digits: [UInt8] = Array("0123456789".utf8)
    return [
      digits[(y / 1000) % 10], digits[(y / 100) % 10], digits[(y / 10) % 10], digits[y % 10],
      UInt8(ascii: "-"), digits[m / 10], digits[m % 10], UInt8(ascii: "-"),
      digits[d / 10], digits[d % 10],
    ]
  }

  /// `YYYY-MM-DD` as a String.
  static func iso(_ dayNumber: Int) -> String {
    String(decoding: isoBytes(dayNumber), as: UTF8.self)
  }
}
