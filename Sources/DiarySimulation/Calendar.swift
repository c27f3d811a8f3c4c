/// Per-day lookups for a contiguous range of day numbers: ISO date bytes, weekday, day of
/// year and the seasonal log-rate term, computed once per run instead of once per row.
final class CalendarTable: Sendable {
  let firstDay: Int
  let count: Int
  /// 10 ASCII bytes per day.
  let dateBytes: [UInt8]
  let weekday: [UInt8]
  let dayOfYear: [Int16]
  /// A·cos(2π(doy − peak)/365.25).
  let season: [Double]

  init(firstDay: Int, count: Int, parameters: ModelParameters) {
    self.firstDay = firstDay
    self.count = count
    var dates: [UInt8] = []
    dates.reserveCapacity(count * 10)
    var weekday: [UInt8] = []
    var dayOfYear: [Int16] = []
    var season: [Double] = []
    let twoPi = 6.283_185_307_179_586_476_93
    for day in firstDay..<(firstDay + count) {
      dates += CivilDay.isoBytes(day)
      weekday.append(UInt8(CivilDay.isoWeekday(day)))
      let doy = CivilDay.dayOfYear(day)
      dayOfYear.append(Int16(doy))
      season.append(
        parameters.seasonAmplitude
          * PortableMath.cos(twoPi * (Double(doy) - parameters.seasonPeakDoy) / 365.25))
    }
    self.dateBytes = dates
    self.weekday = weekday
    self.dayOfYear = dayOfYear
    self.season = season
  }
}
