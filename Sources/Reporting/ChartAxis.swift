/// The mapping from data values to positions along one chart axis.
public enum ChartScale: Sendable, Equatable {
  /// Equal distances for equal differences.
  case linear
  /// Equal distances for equal ratios; only positive values can be placed.
  case logarithmic
}

/// One chart axis: its scale, its domain and its labelled tick values.
///
/// Tick choice follows Heckbert's "nice numbers" (steps of 1, 2, 2.5 or 5 times a power of
/// ten) on a linear scale, and 1, 2, 5 (or finer) times powers of ten on a log scale.
/// Labels come from ``NumberFormat`` with one number of decimals for the whole axis, so
/// they never depend on the locale and line up.
public struct ChartAxis: Sendable, Equatable {
  /// Linear or logarithmic.
  public var scale: ChartScale
  /// The value at the start (left or bottom) of the axis.
  public var lower: Double
  /// The value at the end (right or top) of the axis.
  public var upper: Double
  /// Tick values inside `lower...upper`, ascending.
  public var ticks: [Double]

  /// Creates an axis from explicit parts; ticks outside the domain or not finite are dropped.
  public init(scale: ChartScale = .linear, lower: Double, upper: Double, ticks: [Double]) {
    self.scale = scale
    let lo = Swift.min(lower, upper)
    let hi = Swift.max(lower, upper)
    self.lower = lo
    self.upper = hi
    let span = hi - lo
    let slack = span.isFinite ? span * 1e-9 : 0
    self.ticks = ticks.filter { $0.isFinite && $0 >= lo - slack && $0 <= hi + slack }.sorted()
  }

  /// A linear axis over the finite `values` widened to whole nice ticks at both ends.
  ///
  /// `including` values (say 0) are added to the data first. With no finite values the axis
  /// is 0...1; with all values equal it spans one unit of the value's magnitude around it.
  public static func linear(
    covering values: [Double], including: [Double] = [], targetTickCount: Int = 6
  ) -> ChartAxis {
    let finite = (values + including).filter(\.isFinite)
    guard var lo = finite.min(), var hi = finite.max() else {
      return ChartAxis(lower: 0, upper: 1, ticks: niceTicks(lower: 0, upper: 1, target: 6))
    }
    if lo == hi {
      let unit = lo == 0 ? 1 : NumberFormat.pow10(Int(NumberFormat.log10Floor(abs(lo))))
      lo -= unit
      hi += unit
    }
    let step = niceStep(span: hi - lo, target: targetTickCount)
    guard step > 0, step.isFinite else {
      return ChartAxis(lower: lo, upper: hi, ticks: [lo, hi])
    }
    let first = (lo / step + 1e-9).rounded(.down)
    let last = (hi / step - 1e-9).rounded(.up)
    let ticks = stride(from: first, through: last, by: 1).map { $0 * step }
    // min/max guard against the last bit of rounding in `k * step` (1e-7 is not exact).
    return ChartAxis(
      lower: Swift.min(first * step, lo), upper: Swift.max(last * step, hi), ticks: ticks)
  }

  /// A linear axis over exactly `lower...upper` with nice ticks inside it (survival 0...1).
  public static func linear(lower: Double, upper: Double, targetTickCount: Int = 6) -> ChartAxis {
    guard lower.isFinite, upper.isFinite, lower < upper else {
      return linear(covering: [lower, upper], targetTickCount: targetTickCount)
    }
    return ChartAxis(
      lower: lower, upper: upper,
      ticks: niceTicks(lower: lower, upper: upper, target: targetTickCount))
  }

  /// A log axis over the positive finite `values` (plus `including`, such as 1), padded by
  /// 4% of its span each side, with ticks from the coarsest of 10^k, {1, 2, 5}, {1, 2, 3, 5}
  /// and {1, 1.5, 2, 3, 5, 7} times 10^k that puts at least three ticks inside; falls back to
  /// linear nice ticks for very narrow ranges.
  public static func logarithmic(
    covering values: [Double], including: [Double] = [], targetTickCount: Int = 6
  ) -> ChartAxis {
    let positive = (values + including).filter { $0.isFinite && $0 > 0 }
    guard var lo = positive.min(), var hi = positive.max() else {
      return ChartAxis(scale: .logarithmic, lower: 0.5, upper: 2, ticks: [0.5, 1, 2])
    }
    if lo == hi {
      lo /= 2
      hi *= 2
    }
    let pad = (chartLog10(hi) - chartLog10(lo)) * 0.04
    let paddedLower = chartPow10(chartLog10(lo) - pad)
    let paddedUpper = chartPow10(chartLog10(hi) + pad)
    // Padding must not push an end to 0 or infinity (log10Floor would never return).
    if paddedLower > 0 && paddedLower.isFinite { lo = paddedLower }
    if paddedUpper > 0 && paddedUpper.isFinite { hi = paddedUpper }
    let target = Swift.max(2, targetTickCount)
    let mantissaSets: [[Double]] = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 1.5, 2, 3, 5, 7]]
    let firstDecade = Int(NumberFormat.log10Floor(lo))
    let lastDecade = Int(NumberFormat.log10Floor(hi))
    var best: [Double] = []
    for set in mantissaSets {
      var ticks: [Double] = []
      for decade in firstDecade...lastDecade {
        for m in set {
          let t = m * NumberFormat.pow10(decade)
          if t >= lo && t <= hi { ticks.append(t) }
        }
      }
      if ticks.count > target {
        if best.isEmpty {
          // Even whole decades are too many: keep every k-th one.
          let k = (ticks.count + target - 1) / target
          best = ticks.enumerated().filter { $0.offset % k == 0 }.map(\.element)
        }
        break
      }
      best = ticks
      if ticks.count >= 3 { break }
    }
    if best.count < 2 {
      best = niceTicks(lower: lo, upper: hi, target: Swift.min(target, 4))
    }
    return ChartAxis(scale: .logarithmic, lower: lo, upper: hi, ticks: best)
  }

  /// Where a value falls along the axis, 0 at ``lower`` and 1 at ``upper``.
  ///
  /// `nil` when the value cannot be placed (not finite, or not positive on a log scale).
  /// Values outside the domain give fractions outside 0...1.
  public func fraction(of value: Double) -> Double? {
    guard value.isFinite else { return nil }
    switch scale {
    case .linear:
      guard upper > lower else { return 0.5 }
      let f = (value - lower) / (upper - lower)
      return f.isFinite ? f : nil
    case .logarithmic:
      guard value > 0, lower > 0, upper > lower else { return value > 0 ? 0.5 : nil }
      return (chartLog10(value) - chartLog10(lower)) / (chartLog10(upper) - chartLog10(lower))
    }
  }

  /// The tick labels, formatted with a common number of decimals on a linear axis and with
  /// three significant digits on a log axis.
  public var tickLabels: [String] {
    switch scale {
    case .logarithmic:
      return ticks.map { NumberFormat.significant($0, digits: 3) }
    case .linear:
      let magnitude = ticks.map(abs).max() ?? 0
      let steps = zip(ticks.dropFirst(), ticks).map { $0 - $1 }.filter { $0 > 0 }
      let step = steps.min() ?? magnitude
      if magnitude >= 1e7 || (step > 0 && step < 1e-5) {
        return ticks.map { NumberFormat.significant($0, digits: 3) }
      }
      let digits = ChartAxis.decimals(for: step)
      return ticks.map { NumberFormat.fixed($0, digits: digits) }
    }
  }

  /// The decimals needed to show multiples of `step` exactly (at most 6).
  static func decimals(for step: Double) -> Int {
    guard step.isFinite, step > 0 else { return 0 }
    for d in 0...6 {
      let scaled = step * NumberFormat.pow10(d)
      if abs(scaled - scaled.rounded()) < 1e-6 * Swift.max(1, scaled) { return d }
    }
    return 6
  }

  /// Heckbert's nice step for a span split into about `target - 1` intervals.
  static func niceStep(span: Double, target: Int) -> Double {
    let intervals = Double(Swift.max(1, target - 1))
    let raw = span / intervals
    guard raw.isFinite, raw > 0 else { return 0 }
    let magnitude = NumberFormat.pow10(Int(NumberFormat.log10Floor(raw)))
    let residual = raw / magnitude
    let nice: Double
    if residual <= 1 {
      nice = 1
    } else if residual <= 2 {
      nice = 2
    } else if residual <= 2.5 {
      nice = 2.5
    } else if residual <= 5 {
      nice = 5
    } else {
      nice = 10
    }
    return nice * magnitude
  }

  /// Nice tick values inside `lower...upper` (not widened).
  static func niceTicks(lower: Double, upper: Double, target: Int) -> [Double] {
    let step = niceStep(span: upper - lower, target: target)
    guard step > 0, step.isFinite else { return [lower, upper].filter(\.isFinite) }
    let first = (lower / step - 1e-9).rounded(.up)
    let last = (upper / step + 1e-9).rounded(.down)
    guard first <= last, last - first < 1000 else { return [lower, upper] }
    return stride(from: first, through: last, by: 1).map { $0 * step }
  }
}

/// Base-10 logarithm without Foundation (exact enough for axis placement).
func chartLog10(_ x: Double) -> Double {
  guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
  // log10(x) = e + log10(m) with x = m * 10^e and m in [1, 10).
  let e = NumberFormat.log10Floor(x)
  let m = x / NumberFormat.pow10(Int(e))
  return e + naturalLog(m) / naturalLog10
}

/// 10 raised to a real power.
func chartPow10(_ y: Double) -> Double {
  guard y.isFinite else { return y > 0 ? .infinity : 0 }
  let whole = y.rounded(.down)
  return NumberFormat.pow10(Int(whole)) * exponential((y - whole) * naturalLog10)
}

private let naturalLog10 = 2.302585092994045684

/// ln(m) for m in [1, 10) by the atanh series: ln m = 2 atanh((m - 1) / (m + 1)).
private func naturalLog(_ m: Double) -> Double {
  let z = (m - 1) / (m + 1)
  let z2 = z * z
  var term = z
  var sum = 0.0
  var k = 1.0
  for _ in 0..<60 {
    sum += term / k
    term *= z2
    k += 2
    if abs(term) < 1e-18 { break }
  }
  return 2 * sum
}

/// e^x for x in [0, ln 10) by its Taylor series.
private func exponential(_ x: Double) -> Double {
  var term = 1.0
  var sum = 1.0
  for n in 1..<60 {
    term *= x / Double(n)
    sum += term
    if term < 1e-18 { break }
  }
  return sum
}
