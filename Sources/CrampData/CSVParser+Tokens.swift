/// Recognizers for the non-numeric tokens of the type ladder.
extension CSVParser {
  /// `1`/`0` for `true`/`false` in the spellings `true`, `TRUE`, `True` (and the
  /// same for false); `nil` for anything else.
  static func booleanWord(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int)
    -> Double?
  {
    let word = UnsafeBufferPointer(rebasing: buffer[start..<end])
    switch end &- start {
    case 4:
      return word.elementsEqual("true".utf8) || word.elementsEqual("TRUE".utf8)
        || word.elementsEqual("True".utf8) ? 1 : nil
    case 5:
      return word.elementsEqual("false".utf8) || word.elementsEqual("FALSE".utf8)
        || word.elementsEqual("False".utf8) ? 0 : nil
    default:
      return nil
    }
  }

  /// The day number of an ISO `YYYY-MM-DD` date that exists in the calendar.
  static func isoDate(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int)
    -> Double?
  {
    guard end &- start == 10, buffer[start &+ 4] == 0x2D, buffer[start &+ 7] == 0x2D else {
      return nil
    }
    func digits(_ offset: Int, _ count: Int) -> Int? {
      var value = 0
      for k in offset..<(offset &+ count) {
        let d = buffer[start &+ k] &- 0x30
        guard d <= 9 else { return nil }
        value = value &* 10 &+ Int(d)
      }
      return value
    }
    guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
      let date = CivilDate(year: year, month: month, day: day)
    else { return nil }
    return Double(date.dayNumber)
  }
}
