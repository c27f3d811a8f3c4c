/// The Fine-Gray counting-process data of survival's `finegray()`: fit a weighted Cox model
/// on it (`coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt)`) to estimate
/// subdistribution hazard ratios of one cause.
///
/// Subjects censored or failing from the cause keep one row `(0, T]` (status 1 for the
/// cause). A subject failing from a competing cause at `T` stays in the risk set after `T`
/// with weight `G(t) / G(T)`, `G` the Kaplan-Meier of the censoring distribution (an event
/// and a censoring at the same time: the event comes first, as finegray's `- 0.2`): its row
/// is extended to the end of the censoring interval holding `T` with weight 1, then one row
/// per later censoring interval that contains an event of the cause, weighted by `G` at the
/// interval's start over `G` at the start of `T`'s interval. Intervals end at the censoring
/// times and at the largest time.
///
/// Reference: Fine & Gray (1999) JASA 94:496-509; Geskus (2011) Biometrics 67:39-49;
/// Therneau, Crowson & Atkinson, "Multi-state models and competing risks" (survival vignette).
public struct FineGrayData: Sendable, Equatable {
  /// Row of the input each output row comes from (0-based).
  public var row: [Int]
  public var start: [Double]
  public var stop: [Double]
  /// 1 for an event of the cause of interest at `stop`.
  public var status: [Bool]
  public var weight: [Double]

  /// Expands `time`/`status` (0 censored, `k` cause `k`) for `cause`; times must be `> 0`.
  ///
  /// - Returns: `nil` when `cause` has no event.
  public static func expand(time: [Double], status: [Int], cause: Int) -> FineGrayData? {
    let n = time.count
    let causeTimes = Set(time.indices.filter { status[$0] == cause }.map { time[$0] }).sorted()
    guard !causeTimes.isEmpty, let maxTime = time.max() else { return nil }
    // Censoring Kaplan-Meier: at a tied time events leave before the censored are counted.
    // One pass over the times in decreasing order counts who is at risk for censoring.
    let order = time.indices.sorted { time[$0] < time[$1] }
    var cutTimes: [Double] = []
    var cutProbability: [Double] = [1]  // G at the start of each interval
    var g = 1.0
    var position = 0
    while position < n {
      let t = time[order[position]]
      var censored = 0
      var end = position
      while end < n, time[order[end]] == t {
        if status[order[end]] == 0 { censored += 1 }
        end += 1
      }
      if censored > 0 {
        // At risk: everyone with a later time, plus the censored at t.
        let atRisk = (n - end) + censored
        g *= 1 - Double(censored) / Double(atRisk)
        cutTimes.append(t)
        cutProbability.append(g)
      }
      position = end
    }
    cutTimes.append(maxTime)
    let cuts = cutTimes.count
    // keep[j]: interval j = (cutTimes[j - 1], cutTimes[j]] (j = 0 from the origin) holds an
    // event of the cause.
    var keep = [Bool](repeating: false, count: cuts)
    for t in causeTimes {
      if let j = lowerBound(cutTimes, t) { keep[j] = true }
    }
    keep[0] = true
    var out = FineGrayData(row: [], start: [], stop: [], status: [], weight: [])
    for i in 0..<n {
      let competing = status[i] != 0 && status[i] != cause
      guard competing, let j = lowerBound(cutTimes, time[i]) else {
        out.append(row: i, start: 0, stop: time[i], status: status[i] == cause, weight: 1)
        continue
      }
      out.append(row: i, start: 0, stop: cutTimes[j], status: false, weight: 1)
      let base = cutProbability[j]
      for later in (j + 1)..<max(j + 1, cuts) where keep[later] {
        out.append(
          row: i, start: cutTimes[later - 1], stop: cutTimes[later], status: false,
          weight: cutProbability[later] / base)
      }
    }
    return out
  }

  /// The first index `j` of ascending `values` with `values[j] >= x`, `nil` if none.
  static func lowerBound(_ values: [Double], _ x: Double) -> Int? {
    var (low, high) = (0, values.count)
    while low < high {
      let middle = (low + high) / 2
      if values[middle] < x { low = middle + 1 } else { high = middle }
    }
    return low < values.count ? low : nil
  }

  mutating func append(row: Int, start: Double, stop: Double, status: Bool, weight: Double) {
    self.row.append(row)
    self.start.append(start)
    self.stop.append(stop)
    self.status.append(status)
    self.weight.append(weight)
  }
}
