/// Labelled horizontal bars with their values, such as cramp nights by severity.
///
/// ```
/// Cramp nights by severity
///  0 │██████████████████████▌ 182
///  1 │████▏ 34
/// ```
/// Bars start at zero and the longest fills the room left after labels and values.
/// Unicode bars use eighth blocks (`▏▎▍▌▋▊▉█`) so a bar's end has 1/8-column resolution;
/// ASCII bars are whole `#` cells, rounded. Negative values draw no bar and `NA` (not finite)
/// values draw `NA`; both keep their row. Labels are right-aligned when they are all numbers
/// (severity scores) and left-aligned otherwise.
public struct BarChart: Sendable {
  /// One bar.
  public struct Bar: Sendable, Equatable {
    /// Row label.
    public var label: String
    /// Bar length in data units.
    public var value: Double

    /// Creates a bar.
    public init(label: String, value: Double) {
      self.label = label
      self.value = value
    }
  }

  /// The bars, top to bottom.
  public var bars: [Bar]
  /// Chart title (first line), empty for none.
  public var title: String
  /// A note under the bars naming the values (say "cramp nights"), empty for none.
  public var valueTitle: String
  /// Decimals for value labels; `nil` shows integers as integers and others with three
  /// significant digits.
  public var valueDigits: Int?

  /// Creates a bar chart from `(label, value)` pairs.
  public init(
    bars: [(label: String, value: Double)], title: String = "", valueTitle: String = "",
    valueDigits: Int? = nil
  ) {
    self.bars = bars.map { Bar(label: $0.label, value: $0.value) }
    self.title = title
    self.valueTitle = valueTitle
    self.valueDigits = valueDigits
  }

  /// The chart as text, every line at most `style.width` columns, ending in a newline.
  public func render(style: ChartStyle) -> String {
    let glyphs = style.glyphs
    let clean = { ChartText.clean($0, unicode: style.unicode) }
    let labels = bars.map { clean($0.label) }
    let values = bars.map(\.value)
    let integral = values.allSatisfy { !$0.isFinite || ($0 == $0.rounded() && abs($0) < 1e15) }
    let valueTexts = values.map { v -> String in
      guard v.isFinite else { return "NA" }
      if let d = valueDigits { return NumberFormat.fixed(v, digits: d) }
      return integral ? String(Int64(v)) : NumberFormat.significant(v, digits: 3)
    }
    let numericLabels = !labels.isEmpty && labels.allSatisfy { Double($0.trimmingSpaces) != nil }
    let valueWidth = valueTexts.map(ChartText.width).max() ?? 0
    let wantedLabel = labels.map(ChartText.width).max() ?? 0
    let labelWidth = min(wantedLabel, max(4, style.width / 3))
    // label, space, axis, bar, space, value
    let barColumns = max(4, style.width - labelWidth - 2 - 1 - valueWidth)
    let longest = values.filter(\.isFinite).max() ?? 0

    var lines: [String] = []
    if !title.isEmpty { lines.append(clean(title)) }
    if bars.isEmpty { lines.append("(no data)") }
    for (index, value) in values.enumerated() {
      var label = ChartText.truncate(labels[index], to: labelWidth, ellipsis: glyphs.ellipsis)
      label =
        numericLabels ? ChartText.padLeft(label, labelWidth) : ChartText.padRight(label, labelWidth)
      let bar = BarChart.bar(
        value: value, maximum: longest, columns: barColumns, glyphs: glyphs)
      lines.append(label + " " + String(Character(glyphs.vertical)) + bar + " " + valueTexts[index])
    }
    if !valueTitle.isEmpty {
      lines.append(String(repeating: " ", count: labelWidth + 2) + clean(valueTitle))
    }
    return ChartText.finish(lines, width: style.width)
  }

  /// A bar of `value / maximum * columns` cells, in eighths with Unicode.
  static func bar(value: Double, maximum: Double, columns: Int, glyphs: ChartGlyphs) -> String {
    guard value.isFinite, value > 0, maximum.isFinite, maximum > 0 else { return "" }
    let cells = min(1, value / maximum) * Double(columns)
    var out = String.UnicodeScalarView()
    if glyphs.eighths.isEmpty {
      let whole = Int(cells.rounded())
      out.append(contentsOf: Array(repeating: glyphs.fullBlock, count: max(whole, 1)))
      return String(out)
    }
    let eighths = max(1, Int((cells * 8).rounded()))
    out.append(contentsOf: Array(repeating: glyphs.fullBlock, count: eighths / 8))
    if eighths % 8 > 0 { out.append(glyphs.eighths[eighths % 8 - 1]) }
    return String(out)
  }
}

/// A histogram drawn as horizontal bars, one per bin, labelled with its interval.
///
/// Bins are half-open, `[lower, upper)`, so integer data such as cramps per week get one
/// bin per value when the width is 1. Without a given width, the bin width is the nice
/// number (1, 2, 2.5 or 5 times a power of ten) nearest to giving Sturges' count of
/// `ceil(log2 n) + 1` bins; bins start at a multiple of the width. Values that are not
/// finite are skipped. When every value is a whole number and the bins are one unit wide,
/// each bin is labelled with its value (`3`) rather than its interval (`[3, 4)`).
public struct Histogram: Sendable {
  /// One bin: `[lower, upper)` and how many values fell in it.
  public struct Bin: Sendable, Equatable {
    /// Inclusive lower edge.
    public var lower: Double
    /// Exclusive upper edge.
    public var upper: Double
    /// Number of values in the bin.
    public var count: Int

    /// Creates a bin.
    public init(lower: Double, upper: Double, count: Int) {
      self.lower = lower
      self.upper = upper
      self.count = count
    }
  }

  /// The bins, ascending.
  public var bins: [Bin]
  /// Chart title (first line), empty for none.
  public var title: String
  /// A note under the bars naming the counts, empty for none.
  public var countTitle: String
  /// Whether the bins came from whole-number values, so unit bins can be labelled `3`.
  private var wholeNumbers = false

  /// The most bins computed from values; a smaller given width is widened to respect it.
  public static let maximumBins = 200

  /// Bins computed from `values`, with `binWidth` when given (and positive) or a nice width.
  public init(
    values: [Double], binWidth: Double? = nil, title: String = "", countTitle: String = ""
  ) {
    self.bins = Histogram.bins(for: values, binWidth: binWidth)
    self.title = title
    self.countTitle = countTitle
    wholeNumbers = values.allSatisfy { !$0.isFinite || ($0 == $0.rounded() && abs($0) < 1e15) }
  }

  /// A histogram of bins computed elsewhere.
  public init(bins: [Bin], title: String = "", countTitle: String = "") {
    self.bins = bins
    self.title = title
    self.countTitle = countTitle
  }

  /// Half-open bins of a nice width covering the finite values.
  public static func bins(for values: [Double], binWidth: Double? = nil) -> [Bin] {
    let finite = values.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max() else { return [] }
    var width: Double
    if let w = binWidth, w.isFinite, w > 0 {
      width = w
    } else if hi > lo {
      var sturges = 1
      while (1 << (sturges - 1)) < finite.count { sturges += 1 }
      width = ChartAxis.niceStep(span: hi - lo, target: sturges + 1)
    } else {
      width = lo == 0 ? 1 : NumberFormat.pow10(Int(NumberFormat.log10Floor(abs(lo))))
    }
    guard width > 0, width.isFinite, (hi - lo).isFinite else { return [] }
    while (hi - lo) / width >= Double(maximumBins) { width *= 2 }
    let start = (lo / width).rounded(.down)
    let count = Int((hi / width).rounded(.down) - start) + 1
    var counts = Array(repeating: 0, count: max(1, count))
    for v in finite {
      let index = Int((v / width).rounded(.down) - start)
      counts[min(max(0, index), counts.count - 1)] += 1
    }
    return counts.enumerated().map { i, n in
      Bin(lower: (start + Double(i)) * width, upper: (start + Double(i + 1)) * width, count: n)
    }
  }

  /// The histogram as text, every line at most `style.width` columns, ending in a newline.
  public func render(style: ChartStyle) -> String {
    let widths = bins.map { $0.upper - $0.lower }.filter { $0 > 0 && $0.isFinite }
    let digits = ChartAxis.decimals(for: widths.min() ?? 1)
    let edges = bins.flatMap { [$0.lower, $0.upper] }.filter(\.isFinite)
    let useSignificant = edges.contains { abs($0) >= 1e7 }
    let format = { (v: Double) -> String in
      useSignificant
        ? NumberFormat.significant(v, digits: 4) : NumberFormat.fixed(v, digits: digits)
    }
    let unitBins = bins.allSatisfy { $0.upper - $0.lower == 1 && $0.lower == $0.lower.rounded() }
    let bars = bins.map { bin in
      let label =
        wholeNumbers && unitBins
        ? String(Int64(bin.lower)) : "[\(format(bin.lower)), \(format(bin.upper)))"
      return (label: label, value: Double(bin.count))
    }
    return BarChart(bars: bars, title: title, valueTitle: countTitle).render(style: style)
  }
}
