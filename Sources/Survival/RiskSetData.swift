import LinearAlgebra
import Parallelism

/// Rows prepared once for the Cox risk-set kernel: a centred design and the sort orders.
///
/// Built once per fit and shared by every Newton iteration and by the residual pass, so the
/// O(n log n) sorts happen once and nothing per row is allocated inside the iterations.
struct RiskSetData: Sendable {
  /// Number of rows `n`.
  let count: Int
  /// Number of (non-aliased) columns `p`.
  let columns: Int
  /// The `n` x `p` column-major design with each column centred by its weighted mean, its rows
  /// in sweep order (row `k` is original row `byStop[k]`): the sweep reads it sequentially.
  ///
  /// Centring leaves
  /// the partial likelihood, score and information unchanged (risk-set means are shift
  /// invariant) but keeps `exp(eta)` and the risk-set sums well scaled, as R's coxfit6 does.
  /// R also rescales columns; Newton's method is invariant under that rescaling, so we don't.
  let sortedDesign: [Double]
  /// Position of each original row in the sweep order (the inverse of `byStop`).
  let position: [Int]
  /// Stop times, events, weights and offsets in sweep order.
  let sweepStop: [Double]
  let sweepEvent: [Bool]
  let sweepWeight: [Double]
  var sweepOffset: [Double]
  /// Sweep positions ordered by stratum, then start time descending; empty if right-censored.
  ///
  /// A row leaves the risk set at the first event time `t <= start`.
  let leaveOrder: [Int]
  /// Start times in sweep order, or `nil` for right-censored data.
  let sweepStart: [Double]?
  /// Weighted column means that were subtracted.
  let means: [Double]
  let stop: [Double]
  /// Entry times, or `nil` for right-censored data (every row at risk from the origin).
  let start: [Double]?
  let event: [Bool]
  let weight: [Double]
  let offset: [Double]
  /// Stratum of each row, `0..<stratumCount`, read through ``stratum(_:)``.
  ///
  /// Empty when there is a single stratum (saves `n` integers on unstratified fits).
  private let stratumCodes: [Int]
  /// The original stratum code of each stratum `0..<k` (ascending), `[0]` without strata.
  let stratumLevels: [Int]
  /// Row indices ordered by stratum (ascending), then stop time (descending), events before
  /// censored rows at the same stop time: the order of the backward sweep.
  let byStop: [Int]
  /// `[first, end)` ranges of each stratum in `byStop` (and `leaveOrder`).
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
    // Without strata no per-row codes are built (one range covers every row).
    let codes: (codes: [Int], levels: [Int]) =
      strata == nil ? ([], [0]) : try RiskSetData.stratumCodes(strata, count: n)
    count = n
    columns = p
    stop = y.stop
    start = y.start
    event = y.event
    weight = w
    self.offset = off
    stratumCodes = codes.levels.count > 1 ? codes.codes : []
    stratumLevels = codes.levels

    // Sweep order: stratum ascending, stop descending, events first, then row (stable radix
    // passes from the least significant key up).
    var order = Array(0..<n)
    if let (descending, span) = RiskSetData.descendingIntegerKeys(y.stop) {
      // Whole-number times in a small range (diary nights): one counting sort on
      // (stop descending, event first).
      var keys = [Int](repeating: 0, count: n)
      for i in 0..<n { keys[i] = 2 * descending[i] + (y.event[i] ? 0 : 1) }
      RiskSetData.countingSort(&order, keys: keys, bucketCount: 2 * span)
    } else {
      RiskSetData.radixSort(&order, keys: y.event.map { $0 ? 0 : 1 })
      RiskSetData.radixSort(&order, keys: y.stop.map { ~RiskSetData.orderedBits($0) })
    }
    if codes.levels.count > 1 {
      RiskSetData.countingSort(&order, keys: codes.codes, bucketCount: codes.levels.count)
    }
    byStop = order
    var inverse = [Int](repeating: 0, count: n)
    for (k, i) in order.enumerated() { inverse[i] = k }
    position = inverse
    if let startTimes = y.start {
      var starts = Array(0..<n)
      if let (descending, span) = RiskSetData.descendingIntegerKeys(startTimes) {
        RiskSetData.countingSort(&starts, keys: descending, bucketCount: span)
      } else {
        RiskSetData.radixSort(&starts, keys: startTimes.map { ~RiskSetData.orderedBits($0) })
      }
      if codes.levels.count > 1 {
        RiskSetData.countingSort(&starts, keys: codes.codes, bucketCount: codes.levels.count)
      }
      leaveOrder = starts.map { inverse[$0] }
      sweepStart = order.map { startTimes[$0] }
    } else {
      leaveOrder = []
      sweepStart = nil
    }
    sweepStop = order.map { y.stop[$0] }
    sweepEvent = order.map { y.event[$0] }
    // Default weights (all 1) and offsets (all 0) read the same in any order: share them.
    sweepWeight = weights == nil ? w : order.map { w[$0] }
    sweepOffset = offset == nil ? off : order.map { off[$0] }

    // Centre each column by its weighted mean (R's coxfit6 uses the case weights here), and lay
    // the rows out in sweep order.
    // The columns are independent: one per worker (a partition of the p columns into single
    // columns), each written in full, so no zero fill is needed.
    let totalWeight = w.reduce(0, +)
    var columnMeans = [Double](repeating: 0, count: p)
    let perColumn = RowPartition(rows: p, minimumChunkRows: 1, maximumChunks: p, alignment: 1)
    sortedDesign = [Double](unsafeUninitializedCapacity: n * p) { sorted, initialized in
      columnMeans.withUnsafeMutableBufferPointer { meanSlots in
        x.storage.withUnsafeBufferPointer { xs in
          order.withUnsafeBufferPointer { rowOf in
            perColumn.forEachChunk { _, columns in
              for j in columns {
                var sum = 0.0
                for i in 0..<n { sum += w[i] * xs[i + j * n] }
                let mean = totalWeight > 0 ? sum / totalWeight : 0
                meanSlots[j] = mean
                for k in 0..<n { sorted[k + j * n] = xs[rowOf[k] + j * n] - mean }
              }
            }
          }
        }
      }
      initialized = n * p
    }
    means = columnMeans
    let stratumOf = codes.codes
    var ranges = [Range<Int>]()
    if stratumOf.isEmpty {
      ranges = [0..<n]
    } else {
      var first = 0
      for position in 1...n
      where position == n || stratumOf[byStop[position]] != stratumOf[byStop[first]] {
        ranges.append(first..<position)
        first = position
      }
    }
    stratumRanges = ranges
  }

  /// Stratum (`0..<stratumCount`) of original row `i`.
  @inline(__always)
  func stratum(_ i: Int) -> Int { stratumCodes.isEmpty ? 0 : stratumCodes[i] }

  /// Centred covariate `j` of original row `i`.
  @inline(__always)
  func x(_ i: Int, _ j: Int) -> Double { sortedDesign[position[i] + j * count] }

  /// A key whose unsigned order is the numeric order of `value` (finite values).
  static func orderedBits(_ value: Double) -> UInt64 {
    let bits = (value == 0 ? 0.0 : value).bitPattern
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
  }

  /// `max - value` for whole-number values whose range is small (`< 4 n + 1024`), with the
  /// number of distinct keys; `nil` otherwise.
  static func descendingIntegerKeys(_ values: [Double]) -> (keys: [Int], span: Int)? {
    guard let low = values.min(), let high = values.max(),
      high - low < Double(4 * values.count + 1024)
    else { return nil }
    var keys = [Int](repeating: 0, count: values.count)
    for (i, value) in values.enumerated() {
      guard value == value.rounded() else { return nil }
      keys[i] = Int(high - value)
    }
    return (keys, Int(high - low) + 1)
  }

  /// Stable counting sort of `order` by `keys[order[k]]`, keys in `0..<bucketCount`.
  static func countingSort(_ order: inout [Int], keys: [Int], bucketCount: Int) {
    var starts = [Int](repeating: 0, count: bucketCount + 1)
    for i in order { starts[keys[i] + 1] += 1 }
    for b in 0..<bucketCount { starts[b + 1] += starts[b] }
    var sorted = [Int](repeating: 0, count: order.count)
    for i in order {
      sorted[starts[keys[i]]] = i
      starts[keys[i]] += 1
    }
    order = sorted
  }

  /// Stable LSD radix sort of `order` by `keys[order[k]]`, one pass per byte that is not the
  /// same for every row.
  static func radixSort(_ order: inout [Int], keys: [UInt64]) {
    let n = order.count
    guard n > 1 else { return }
    var current = order.map { keys[$0] }
    var nextKeys = current
    var nextOrder = order
    var counts = [Int](repeating: 0, count: 256)
    for shift in stride(from: UInt64(0), to: 64, by: 8) {
      for b in 0..<256 { counts[b] = 0 }
      for key in current { counts[Int((key >> shift) & 0xFF)] += 1 }
      if counts.contains(n) { continue }
      var total = 0
      for b in 0..<256 {
        let c = counts[b]
        counts[b] = total
        total += c
      }
      for k in 0..<n {
        let bucket = Int((current[k] >> shift) & 0xFF)
        let target = counts[bucket]
        counts[bucket] += 1
        nextKeys[target] = current[k]
        nextOrder[target] = order[k]
      }
      swap(&current, &nextKeys)
      swap(&order, &nextOrder)
    }
  }

  /// Maps arbitrary stratum codes to `0..<k` in increasing code order.
  static func stratumCodes(_ strata: [Int]?, count n: Int) throws -> (codes: [Int], levels: [Int]) {
    guard let strata else { return ([Int](repeating: 0, count: n), [0]) }
    guard strata.count == n else {
      throw SurvivalError.lengthMismatch(what: "strata", expected: n, actual: strata.count)
    }
    guard let low = strata.min(), let high = strata.max() else { return ([], []) }
    // Dense codes (ids, nights, small factors): a lookup table instead of hashing.
    let (span, overflow) = high.subtractingReportingOverflow(low)
    if !overflow && span < 4 * n + 1024 {
      var slot = [Int](repeating: -1, count: high - low + 1)
      for value in strata { slot[value - low] = 0 }
      var levels = [Int]()
      for k in slot.indices where slot[k] == 0 {
        slot[k] = levels.count
        levels.append(k + low)
      }
      return (strata.map { slot[$0 - low] }, levels)
    }
    let levels = Array(Set(strata)).sorted()
    var index = [Int: Int]()
    for (k, level) in levels.enumerated() { index[level] = k }
    return (strata.map { index[$0] ?? 0 }, levels)
  }
}

extension RiskSetData {
  /// No rows over `p` columns: the row state of a fit made from partial statistics, so its
  /// row-level members (residuals, concordance) see an empty data set.
  init(noRowsWithColumns p: Int) {
    count = 0
    columns = p
    sortedDesign = []
    position = []
    sweepStop = []
    sweepEvent = []
    sweepWeight = []
    sweepOffset = []
    leaveOrder = []
    sweepStart = nil
    means = [Double](repeating: 0, count: p)
    stop = []
    start = nil
    event = []
    weight = []
    offset = []
    stratumCodes = []
    stratumLevels = [0]
    byStop = []
    stratumRanges = []
  }
}
