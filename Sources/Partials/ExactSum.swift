/// An exact sum of doubles, as a non-overlapping expansion (Shewchuk 1997; Python's
/// `math.fsum`).
///
/// Partial statistics of a distributed fit are added across partitions with this type, so
/// the merged value does not depend on the order or grouping in which partitions are
/// combined: ``value`` is the correctly rounded exact sum, and ``canonicalComponents`` a form
/// that depends on the exact sum alone (what the text format stores).
///
/// ```swift
/// var s = ExactSum()
/// s.add(1e16); s.add(1); s.add(-1e16)
/// s.value  // 1.0 (a plain sum gives 0)
/// ```
///
/// Infinite and NaN terms are kept apart and make ``value`` infinite or NaN as a plain sum
/// would.
public struct ExactSum: Sendable, Equatable {
  /// Non-overlapping components in increasing magnitude; their exact sum is the value.
  public private(set) var components: [Double] = []
  /// Plain sum of the non-finite terms (0 when there were none).
  private var nonFinite = 0.0

  /// An empty sum (zero).
  public init() {}

  /// A sum of the given terms.
  public init<S: Sequence>(_ terms: S) where S.Element == Double {
    for t in terms { add(t) }
  }

  /// Adds `x` exactly (Shewchuk's grow-expansion with two-sum steps).
  public mutating func add(_ x: Double) {
    guard x.isFinite else {
      nonFinite += x
      return
    }
    var x = x
    var kept = 0
    for j in components.indices {
      var y = components[j]
      if abs(x) < abs(y) { swap(&x, &y) }
      let high = x + y
      guard high.isFinite else {
        // Beyond the double range: no exact value to keep.
        nonFinite += high
        components = []
        return
      }
      let low = y - (high - x)
      if low != 0 {
        components[kept] = low
        kept += 1
      }
      x = high
    }
    components.removeSubrange(kept...)
    if x != 0 || components.isEmpty { components.append(x) }
  }

  /// Adds every component of `other` (exact: the sums add).
  public mutating func merge(_ other: ExactSum) {
    for c in other.components { add(c) }
    nonFinite += other.nonFinite
  }

  /// The exact sum rounded to the nearest double (ties to even), as `math.fsum`.
  public var value: Double {
    guard nonFinite == 0 else { return nonFinite }
    var n = components.count
    guard n > 0 else { return 0 }
    n -= 1
    var high = components[n]
    var low = 0.0
    while n > 0 {
      let x = high
      n -= 1
      let y = components[n]
      high = x + y
      low = y - (high - x)
      if low != 0 { break }
    }
    // A half-way case: the remaining components decide the direction.
    if n > 0, (low < 0 && components[n - 1] < 0) || (low > 0 && components[n - 1] > 0) {
      let y = low * 2
      let x = high + y
      if y == x - high { high = x }
    }
    return high
  }

  /// The greedy rounding of the exact sum: its nearest double, then the nearest double of
  /// what remains, and so on until nothing remains.
  ///
  /// Depends only on the exact value (and the non-finite part), not on how it was reached:
  /// two sums of the same terms in any order give the same list.
  public var canonicalComponents: [Double] {
    guard nonFinite == 0 else { return [nonFinite] }
    var rest = self
    var out: [Double] = []
    while true {
      let v = rest.value
      if v == 0 { break }
      out.append(v)
      rest.add(-v)
      if out.count > 64 { break }  // never reached: each step removes about 53 bits
    }
    return out.isEmpty ? [0] : out
  }

  /// The sum whose components are `components` (read back from the text format).
  public init(components: [Double]) {
    for c in components { add(c) }
  }
}
