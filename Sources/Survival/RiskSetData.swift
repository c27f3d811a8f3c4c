import LinearAlgebra

/// Rows prepared once for the Cox risk-set kernel: a centred design and the sort orders.
///
/// Built once per fit and shared by every Newton iteration and by the residual pass, so the
/// O(n log n) sorts happen once and nothing per row is allocated inside the iterations.
struct RiskSetData: Sendable {
  /// Number of rows `n`.
  let count: Int
  /// Number of (non-aliased) columns `p`.
  let columns: Int
  /// The `n` x `p` column-major design with each column centred by its weighted mean.
  ///
  /// Centring leaves
  /// the partial likelihood, score and information unchanged (risk-set means are shift
  /// invariant) but keeps `exp(eta)` and the risk-set sums well scaled, as R's coxfit6 does.
  /// R also rescales columns; Newton's method is invariant under that rescaling, so we don't.
  let design: [Double]
  /// Weighted column means that were subtracted.
  let means: [Double]
  let stop: [Double]
  /// Entry times, or `nil` for right-censored data (every row at risk from the origin).
  let start: [Double]?
  let event: [Bool]
  let weight: [Double]
  var offset: [Double]
  /// Stratum of each row, `0..<stratumCount`.
  let stratum: [Int]
  /// The original stratum code of each stratum `0..<k` (ascending), `[0]` without strata.
  let stratumLevels: [Int]
  /// Row indices ordered by stratum (ascending), then stop time (descending), events before
  /// censored rows at the same stop time: the order of the backward sweep.
  let byStop: [Int]
  /// Row indices ordered by stratum, then start time (descending); empty if right-censored.
  ///
  /// A row leaves the risk set at the first event time `t <= start`.
  let byStart: [Int]
  /// `[first, end)` ranges of each stratum in `byStop` (and `byStart`).
  let stratumRanges: [Range<Int>]

  /// Checks lengths and values and builds the sort orders.
  ///
  /// - Parameters:
  ///   - x: `n` x `p` design (column-major, `Matrix`), already reduced to non-aliased columns.
  ///   - strata: any integer codes, one per row, or `nil` for a single stratum.
  /// - Throws: `SurvivalError` for mismatched lengths, non-finite or negative values.
  init(
    response y: SurvivalResponse, x: Matrix, strata: [Int]?, weights: [Double]?,
    offset: [Double]?
  ) throws {
    let n = y.count
    guard n > 0 else { throw SurvivalError.noObservations }
    guard x.rows == n else {
      throw SurvivalError.lengthMismatch(what: "design matrix", expected: n, actual: x.rows)
    }
    let w = weights ?? [Double](repeating: 1, count: n)
    let off = offset ?? [Double](repeating: 0, count: n)
    guard w.count == n else {
      throw SurvivalError.lengthMismatch(what: "weights", expected: n, actual: w.count)
    }
    guard off.count == n else {
      throw SurvivalError.lengthMismatch(what: "offset", expected: n, actual: off.count)
    }
    for i in 0..<n {
      guard w[i].isFinite else { throw SurvivalError.nonFinite(what: "weight", row: i) }
      guard w[i] >= 0 else { throw SurvivalError.negativeWeight(row: i, value: w[i]) }
      guard off[i].isFinite else { throw SurvivalError.nonFinite(what: "offset", row: i) }
    }
    let p = x.columns
    for j in 0..<p {
      for i in 0..<n where !x.storage[i + j * n].isFinite {
        throw SurvivalError.nonFinite(what: "covariate column \(j + 1)", row: i)
      }
    }
    let codes = try RiskSetData.stratumCodes(strata, count: n)
    count = n
    columns = p
    stop = y.stop
    start = y.start
    event = y.event
    weight = w
    self.offset = off
    stratum = codes.codes
    stratumLevels = codes.levels

    // Centre each column by its weighted mean (R's coxfit6 uses the case weights here).
    let totalWeight = w.reduce(0, +)
    var centred = x.storage
    var columnMeans = [Double](repeating: 0, count: p)
    for j in 0..<p {
      var sum = 0.0
      for i in 0..<n { sum += w[i] * centred[i + j * n] }
      let mean = totalWeight > 0 ? sum / totalWeight : 0
      columnMeans[j] = mean
      for i in 0..<n { centred[i + j * n] -= mean }
    }
    design = centred
    means = columnMeans

    let stopTimes = y.stop
    let events = y.event
    let stratumOf = codes.codes
    byStop = (0..<n).sorted { a, b in
      if stratumOf[a] != stratumOf[b] { return stratumOf[a] < stratumOf[b] }
      if stopTimes[a] != stopTimes[b] { return stopTimes[a] > stopTimes[b] }
      if events[a] != events[b] { return events[a] }
      return a < b
    }
    if let startTimes = y.start {
      byStart = (0..<n).sorted { a, b in
        if stratumOf[a] != stratumOf[b] { return stratumOf[a] < stratumOf[b] }
        if startTimes[a] != startTimes[b] { return startTimes[a] > startTimes[b] }
        return a < b
      }
    } else {
      byStart = []
    }
    var ranges = [Range<Int>]()
    var first = 0
    for position in 1...n
    where position == n || stratumOf[byStop[position]] != stratumOf[byStop[first]] {
      ranges.append(first..<position)
      first = position
    }
    stratumRanges = ranges
  }

  /// Maps arbitrary stratum codes to `0..<k` in increasing code order.
  static func stratumCodes(_ strata: [Int]?, count n: Int) throws -> (codes: [Int], levels: [Int]) {
    guard let strata else { return ([Int](repeating: 0, count: n), [0]) }
    guard strata.count == n else {
      throw SurvivalError.lengthMismatch(what: "strata", expected: n, actual: strata.count)
    }
    let levels = Array(Set(strata)).sorted()
    var index = [Int: Int]()
    for (k, level) in levels.enumerated() { index[level] = k }
    return (strata.map { index[$0] ?? 0 }, levels)
  }
}
