import Foundation
import LinearAlgebra
import Parallelism

/// Discrimination and calibration summaries of fitted probabilities.
enum Discrimination {
  /// AUC with DeLong's variance and a normal interval clipped to [0, 1], as
  /// `pROC::ci.auc(roc(y, p, direction = "<"), method = "delong")`.
  ///
  /// Placements: for case `i`, `V_i` = share of controls scored below it (ties 1/2); for
  /// control `j`, `W_j` = share of cases scored above it. AUC = mean(V) = mean(W);
  /// variance = var(V)/m + var(W)/n with `m` cases and `n` controls. Both placements come
  /// from one merge walk over the sorted case and control scores. `nil` with fewer than two
  /// cases or controls (pROC returns NA).
  static func delongAUC(y: [Double], predicted: [Double], confidenceLevel: Double)
    -> AreaUnderCurve?
  {
    let split = sortedByOutcome(y: y, predicted: predicted)
    return delongAUC(cases: split.cases, controls: split.controls, confidenceLevel: confidenceLevel)
  }

  /// The fitted values of the cases (`y = 1`) and of the controls, each sorted ascending.
  ///
  /// The two arrays are filled without a zero fill and sorted in place, each with its own
  /// scratch buffer (the sorts may run at once): four length-n buffers at the peak, not five.
  static func sortedByOutcome(y: [Double], predicted: [Double]) -> (
    cases: [Double], controls: [Double]
  ) {
    let count = min(y.count, predicted.count)
    let caseCount = y[..<count].reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
    var controls: [Double] = []
    var cases = [Double](unsafeUninitializedCapacity: caseCount) { caseBuffer, caseFilled in
      controls = [Double](unsafeUninitializedCapacity: count - caseCount) {
        controlBuffer, controlFilled in
        var c = 0
        var k = 0
        for i in 0..<count {
          if y[i] == 1 {
            caseBuffer[c] = predicted[i]
            c += 1
          } else {
            controlBuffer[k] = predicted[i]
            k += 1
          }
        }
        controlFilled = k
      }
      caseFilled = caseCount
    }
    // The two sorts are independent: on two threads when allowed (each its own scratch).
    let sorted = Concurrently.pair(
      {
        var spare: [UInt64] = []
        var values = cases
        cases = []
        sortAscending(&values, spare: &spare)
        return values
      },
      {
        var spare: [UInt64] = []
        var values = controls
        controls = []
        sortAscending(&values, spare: &spare)
        return values
      })
    return sorted
  }

  /// Sorts fitted probabilities ascending.
  ///
  /// For finite values `>= 0` (fitted probabilities always are) the IEEE bit patterns order
  /// as the numbers do, so a least-significant-digit radix sort on them (six passes of 11
  /// bits) gives the sorted array in O(n), several times faster than a comparison sort on
  /// millions of rows. Anything else (a negative, NaN or infinite value) falls back to
  /// `sorted()`.
  static func sortedAscending(_ values: [Double]) -> [Double] {
    var result = values
    var spare: [UInt64] = []
    sortAscending(&result, spare: &spare)
    return result
  }

  /// ``sortedAscending(_:)`` in place; `spare` is scratch space, grown when too small and
  /// reusable by the next call.
  ///
  /// One read of the keys counts all six digits; each pass that is not skipped (every key
  /// with the same digit) moves the keys between `values` and `spare`, and an odd number of
  /// moves ends with one copy back.
  static func sortAscending(_ values: inout [Double], spare: inout [UInt64]) {
    let n = values.count
    guard n > 4096, values.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
      values.sort()
      return
    }
    if spare.count < n {
      spare = [UInt64](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
    }
    let bits = 11
    let radix = 1 << bits
    let passes = 6
    let mask = UInt64(radix - 1)
    var counts = [Int](repeating: 0, count: radix * passes)
    values.withUnsafeMutableBufferPointer { valueBuffer in
      spare.withUnsafeMutableBufferPointer { spareBuffer in
        counts.withUnsafeMutableBufferPointer { count in
          guard let valueBase = valueBuffer.baseAddress, let spareBase = spareBuffer.baseAddress,
            let countBase = count.baseAddress
          else { return }
          let keys = UnsafeMutableRawPointer(valueBase).assumingMemoryBound(to: UInt64.self)
          for i in 0..<n {
            let key = keys[i]
            for pass in 0..<passes {
              countBase[pass * radix + Int((key >> UInt64(pass * bits)) & mask)] += 1
            }
          }
          var source = keys
          var target = spareBase
          for pass in 0..<passes {
            let digits = countBase + pass * radix
            // Skip a pass where every key has the same digit.
            if (0..<radix).contains(where: { digits[$0] == n }) { continue }
            var total = 0
            for digit in 0..<radix {
              let c = digits[digit]
              digits[digit] = total
              total += c
            }
            let shift = UInt64(pass * bits)
            for i in 0..<n {
              let key = source[i]
              let digit = Int((key >> shift) & mask)
              target[digits[digit]] = key
              digits[digit] += 1
            }
            swap(&source, &target)
          }
          if source != keys { keys.update(from: source, count: n) }
        }
      }
    }
  }

  /// The `k`-th smallest (0-based) of the union of two ascending arrays, in O(log n): the
  /// element `merged(a, b)[k]` would hold, without building it.
  static func orderStatistic(_ k: Int, of a: [Double], _ b: [Double]) -> Double {
    let t = k + 1
    // Smallest count i taken from a such that the (t - i) taken from b end no higher than
    // a[i]; the k-th value is then the larger of the two last elements taken.
    var lo = max(0, t - b.count)
    var hi = min(t, a.count)
    while lo < hi {
      let i = (lo + hi) / 2
      let j = t - i
      if j == 0 || b[j - 1] <= a[i] { hi = i } else { lo = i + 1 }
    }
    let i = lo
    let j = t - i
    if i == 0 { return b[j - 1] }
    if j == 0 { return a[i - 1] }
    return max(a[i - 1], b[j - 1])
  }

  /// Merges two ascending arrays into one ascending array (O(n)).
  static func merged(_ a: [Double], _ b: [Double]) -> [Double] {
    var result = [Double]()
    result.reserveCapacity(a.count + b.count)
    var i = 0
    var j = 0
    while i < a.count, j < b.count {
      if a[i] <= b[j] {
        result.append(a[i])
        i += 1
      } else {
        result.append(b[j])
        j += 1
      }
    }
    result.append(contentsOf: a[i...])
    result.append(contentsOf: b[j...])
    return result
  }

  /// ``delongAUC(y:predicted:confidenceLevel:)`` on already split and sorted scores.
  static func delongAUC(cases: [Double], controls: [Double], confidenceLevel: Double)
    -> AreaUnderCurve?
  {
    let m = cases.count
    let n = controls.count
    guard m > 1, n > 1 else { return nil }
    // For each case: controls below + half of controls equal.
    var caseSum = 0.0
    var caseSquares = 0.0
    var lower = 0
    var upper = 0
    for value in cases {
      while lower < n, controls[lower] < value { lower += 1 }
      upper = max(upper, lower)
      while upper < n, controls[upper] <= value { upper += 1 }
      let v = (Double(lower) + 0.5 * Double(upper - lower)) / Double(n)
      caseSum += v
      caseSquares += v * v
    }
    var controlSum = 0.0
    var controlSquares = 0.0
    lower = 0
    upper = 0
    for value in controls {
      while lower < m, cases[lower] < value { lower += 1 }
      upper = max(upper, lower)
      while upper < m, cases[upper] <= value { upper += 1 }
      // Cases above the control + half of those equal.
      let w = (Double(m - upper) + 0.5 * Double(upper - lower)) / Double(m)
      controlSum += w
      controlSquares += w * w
    }
    let auc = caseSum / Double(m)
    let varCases = (caseSquares - Double(m) * auc * auc) / Double(m - 1)
    let meanControls = controlSum / Double(n)
    let varControls = (controlSquares - Double(n) * meanControls * meanControls) / Double(n - 1)
    let variance = max(0, varCases / Double(m) + varControls / Double(n))
    let z = normalQuantile(1 - (1 - confidenceLevel) / 2)
    let half = z * variance.squareRoot()
    return AreaUnderCurve(
      estimate: auc, variance: variance, confLow: max(0, auc - half), confHigh: min(1, auc + half))
  }

  /// Hosmer-Lemeshow test with the grouping of `ResourceSelection::hoslem.test`.
  ///
  /// Breaks are the distinct type-7 quantiles of the fitted values at 0, 1/g, ..., 1; a value
  /// falls in group `k` when `break[k] < p <= break[k+1]`, the lowest break included.
  /// Statistic `sum over groups and both outcomes of (O - E)^2 / E`, df = (groups used) - 2:
  /// when tied fitted values merge deciles, the df follows the groups that remain (as Stata's
  /// `estat gof` reports them; hoslem.test keeps `g - 2` whatever remains, which overstates
  /// the df and so understates misfit). The test is `nil` when a group expects zero of an
  /// outcome or is empty (statistic NaN in R), or fewer than 3 groups remain. `sorted`, when given, must
  /// be `predicted` sorted ascending (it saves the sort).
  static func hosmerLemeshow(
    y: [Double], predicted: [Double], sorted given: [Double]? = nil, groups g: Int
  ) -> HosmerLemeshow {
    let sorted = given ?? predicted.sorted()
    return hosmerLemeshow(y: y, predicted: predicted, count: sorted.count, groups: g) {
      sorted[$0]
    }
  }

  /// ``hosmerLemeshow(y:predicted:sorted:groups:)`` with the quantiles read from the sorted
  /// fitted values of the cases and of the controls (as ``sortedByOutcome(y:predicted:)``
  /// returns them), without merging them into a third array.
  static func hosmerLemeshow(
    y: [Double], predicted: [Double], sortedCases: [Double], sortedControls: [Double],
    groups g: Int
  ) -> HosmerLemeshow {
    hosmerLemeshow(
      y: y, predicted: predicted, count: sortedCases.count + sortedControls.count, groups: g
    ) { orderStatistic($0, of: sortedCases, sortedControls) }
  }

  /// The test given `count` fitted values and their `k`-th smallest (0-based).
  private static func hosmerLemeshow(
    y: [Double], predicted: [Double], count n: Int, groups g: Int,
    orderStatistic sorted: (Int) -> Double
  ) -> HosmerLemeshow {
    var breaks: [Double] = []
    for k in 0...g {
      // R's quantile type 7: h = (n - 1) q, interpolate between floor and ceiling.
      let h = Double(n - 1) * Double(k) / Double(g)
      let low = Int(h.rounded(.down))
      let high = min(n - 1, low + 1)
      let lowValue = sorted(low)
      let value = lowValue + (h - Double(low)) * (sorted(high) - lowValue)
      if breaks.last != value { breaks.append(value) }
    }
    let groupCount = max(1, breaks.count - 1)
    var count = [Int](repeating: 0, count: groupCount)
    var observed = [Double](repeating: 0, count: groupCount)
    var expected = [Double](repeating: 0, count: groupCount)
    var low = [Double](repeating: .infinity, count: groupCount)
    var high = [Double](repeating: -.infinity, count: groupCount)
    for (value, outcome) in zip(predicted, y) {
      // First break >= value, minus one; the lowest value goes to group 0.
      var lo = 1
      var hi = breaks.count - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if breaks[mid] >= value { hi = mid } else { lo = mid + 1 }
      }
      let k = min(groupCount - 1, max(0, lo - 1))
      count[k] += 1
      observed[k] += outcome
      expected[k] += value
      low[k] = min(low[k], value)
      high[k] = max(high[k], value)
    }
    var statistic = 0.0
    var groups: [CalibrationGroup] = []
    for k in 0..<groupCount {
      guard count[k] > 0 else {
        // An empty interval between interpolated quantiles: R's xtabs keeps it with
        // expected 0, so the statistic is 0/0 = NaN there; the calibration table omits it.
        statistic = .nan
        continue
      }
      let total = Double(count[k])
      let o1 = observed[k]
      let e1 = expected[k]
      statistic += (o1 - e1) * (o1 - e1) / e1
      statistic += ((total - o1) - (total - e1)) * ((total - o1) - (total - e1)) / (total - e1)
      groups.append(
        CalibrationGroup(
          count: count[k], lowerProbability: low[k], upperProbability: high[k],
          meanPredicted: e1 / total, observedEvents: o1, expectedEvents: e1))
    }
    let degreesOfFreedom = groupCount - 2
    let test =
      statistic.isFinite && degreesOfFreedom > 0
      ? ChiSquaredTest(statistic: statistic, degreesOfFreedom: degreesOfFreedom) : nil
    return HosmerLemeshow(test: test, groups: groups)
  }
}
