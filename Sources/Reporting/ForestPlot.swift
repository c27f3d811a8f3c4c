/// A forest plot of ratios (odds, hazard or rate ratios) with confidence intervals on a
/// log axis, a reference line at 1 and a right-hand column of estimates.
///
/// ```
///                          │                  OR (95% CI)
/// Age over 50              │   ├────■─────┤   2.10 (1.40, 3.15)
/// Dialysis          ├──■───┼─┤                0.71 (0.40, 1.26)
/// Supplement        (NA)   │                  NA
///                  ┬───────┬───────┬───────┬
///                 0.3      1       3      10
///                      Odds ratio (log scale)
/// ```
/// The axis spans the estimates, the finite intervals and 1, padded a little; interval ends
/// more than 50 times beyond the most extreme estimate, infinite or not positive are cut at
/// the edge with an arrow (`◀`/`▶`, ASCII `<`/`>`). Rows whose estimate is missing, not
/// finite or not positive draw `(NA)` and no marker. When the width cannot hold labels, a
/// 12-column plot and the estimate column, labels are shortened first and the estimate
/// column is dropped last.
public struct ForestPlot: Sendable {
  /// One row of the plot.
  public struct Row: Sendable {
    /// Term label, left-aligned.
    public var label: String
    /// Point estimate (a ratio); `nil` or not positive draws `(NA)`.
    public var estimate: Double?
    /// Lower confidence limit; `nil` draws no left whisker.
    public var lower: Double?
    /// Upper confidence limit; `nil` draws no right whisker.
    public var upper: Double?
    /// Right-hand text; `nil` formats `estimate (lower, upper)` with two decimals.
    public var text: String?
    /// A heading row: label only, no plot and no estimate text.
    public var isHeading: Bool

    /// Creates an estimate row.
    public init(
      label: String, estimate: Double?, lower: Double?, upper: Double?, text: String? = nil
    ) {
      self.label = label
      self.estimate = estimate
      self.lower = lower
      self.upper = upper
      self.text = text
      isHeading = false
    }

    /// A heading row (say a factor name above its levels).
    public static func heading(_ label: String) -> Row {
      var row = Row(label: label, estimate: nil, lower: nil, upper: nil)
      row.isHeading = true
      return row
    }

    /// The estimate as a drawable ratio, or `nil` for an NA row.
    var drawableEstimate: Double? {
      guard let e = estimate, e.isFinite, e > 0 else { return nil }
      return e
    }
  }

  /// The rows, top to bottom.
  public var rows: [Row]
  /// Axis title under the plot.
  public var axisTitle: String
  /// Header of the right-hand column.
  public var estimateHeader: String
  /// Header over the labels (empty for none).
  public var labelHeader: String
  /// Chart title (first line), empty for none.
  public var title: String

  /// Creates a forest plot.
  public init(
    rows: [Row], axisTitle: String = "Odds ratio (log scale)",
    estimateHeader: String = "OR (95% CI)", labelHeader: String = "", title: String = ""
  ) {
    self.rows = rows
    self.axisTitle = axisTitle
    self.estimateHeader = estimateHeader
    self.labelHeader = labelHeader
    self.title = title
  }

  /// A ratio as shown in the estimate column: two decimals, or three significant digits for
  /// values at or above 1000 or below 0.005; `NA` for missing, `Inf` for infinity.
  public static func formatRatio(_ value: Double?) -> String {
    guard let v = value, !v.isNaN else { return "NA" }
    if v.isInfinite { return v > 0 ? "Inf" : "-Inf" }
    if abs(v) >= 1000 || (v != 0 && abs(v) < 0.005) {
      return NumberFormat.significant(v, digits: 3)
    }
    let text = NumberFormat.fixed(v, digits: 2)
    // A ratio that is not 1 never shows as a plain 1 (a term on a fine scale, e.g. mg x 1e6).
    if v != 1, text == "1.00" { return NumberFormat.rRatioColumn([v], digits: 3)[0] }
    return text
  }

  /// The axis the rows are drawn on (exposed for tests and for callers aligning tables).
  public func axis(targetTickCount: Int = 6) -> ChartAxis {
    let estimates = rows.filter { !$0.isHeading }.compactMap(\.drawableEstimate)
    guard let lo = estimates.min(), let hi = estimates.max() else {
      return ChartAxis.logarithmic(covering: [], including: [1], targetTickCount: targetTickCount)
    }
    var bounds: [Double] = []
    for row in rows where !row.isHeading {
      for bound in [row.lower, row.upper] {
        guard let b = bound, b.isFinite, b > 0, b >= lo / 50, b <= hi * 50 else { continue }
        bounds.append(b)
      }
    }
    return ChartAxis.logarithmic(
      covering: estimates + bounds, including: [1], targetTickCount: targetTickCount)
  }

  /// The chart as text, every line at most `style.width` columns, ending in a newline.
  public func render(style: ChartStyle) -> String {
    let glyphs = style.glyphs
    let clean = { ChartText.clean($0, unicode: style.unicode) }
    let labels = rows.map { clean($0.label) }
    let texts = rows.map { row -> String in
      if row.isHeading { return "" }
      if let text = row.text { return clean(text) }
      guard row.drawableEstimate != nil else { return "NA" }
      let r = ForestPlot.formatRatio
      return "\(r(row.estimate)) (\(r(row.lower)), \(r(row.upper)))"
    }
    let header = clean(estimateHeader)
    let layout = ForestLayout(
      width: style.width,
      labelWidth: (labels + [clean(labelHeader)]).map(ChartText.width).max() ?? 0,
      textWidth: (texts + [header]).map(ChartText.width).max() ?? 0)
    let axis = axis(targetTickCount: min(8, max(2, layout.plotColumns / 8)))
    let cell = { (value: Double) -> Int? in
      axis.fraction(of: value).map { ChartFrame.cell($0, count: layout.plotColumns) }
    }
    let referenceColumn = cell(1)

    var lines: [String] = []
    if !title.isEmpty { lines.append(clean(title)) }
    var headerRow = TextRow(width: style.width)
    headerRow.place(
      ChartText.truncate(clean(labelHeader), to: layout.labelWidth, ellipsis: glyphs.ellipsis),
      at: 0)
    if layout.showsText { headerRow.place(header, at: layout.textStart) }
    if let c = referenceColumn {
      headerRow.place(String(Character(glyphs.vertical)), at: layout.plotStart + c)
    }
    lines.append(headerRow.text)

    for (index, row) in rows.enumerated() {
      var canvas = ChartCanvas(columns: layout.plotColumns, rows: 1)
      if let c = referenceColumn { canvas.set(c, 0, glyphs.vertical) }
      if !row.isHeading {
        drawInterval(
          row, on: &canvas, axis: axis, cell: cell, glyphs: glyphs, reference: referenceColumn)
      }
      var line = TextRow(width: style.width)
      line.place(
        ChartText.truncate(labels[index], to: layout.labelWidth, ellipsis: glyphs.ellipsis), at: 0)
      line.place(canvas.lines()[0], at: layout.plotStart)
      if layout.showsText { line.place(texts[index], at: layout.textStart) }
      lines.append(line.text)
    }

    var axisLine = TextRow(width: style.width)
    var scale = String.UnicodeScalarView()
    let tickColumns = Set(axis.ticks.compactMap(cell))
    for c in 0..<layout.plotColumns {
      scale.append(tickColumns.contains(c) ? glyphs.xTick : glyphs.horizontal)
    }
    axisLine.place(String(scale), at: layout.plotStart)
    lines.append(axisLine.text)
    var tickRow = TextRow(width: style.width)
    for (tick, label) in zip(axis.ticks, axis.tickLabels) {
      guard let c = cell(tick) else { continue }
      let start = tickRow.centeredStart(label, on: layout.plotStart + c)
      if tickRow.canPlace(label, at: start) { tickRow.place(label, at: start) }
    }
    lines.append(tickRow.text)
    let title = clean(axisTitle)
    if !title.isEmpty {
      let w = ChartText.width(title)
      let start = max(0, min(layout.plotStart + (layout.plotColumns - w) / 2, style.width - w))
      lines.append(String(repeating: " ", count: start) + title)
    }
    return ChartText.finish(lines, width: style.width)
  }

  private func drawInterval(
    _ row: Row, on canvas: inout ChartCanvas, axis: ChartAxis, cell: (Double) -> Int?,
    glyphs: ChartGlyphs, reference: Int?
  ) {
    let last = canvas.columns - 1
    guard let estimate = row.drawableEstimate, let e = cell(estimate) else {
      let na = "(NA)"
      let start = (reference ?? 0) + 2 + 4 <= canvas.columns ? (reference ?? 0) + 2 : 0
      canvas.write(na, column: start, row: 0)
      return
    }
    // Interval ends: a column, or an arrow at the edge when cut off or unbounded.
    var left: (column: Int, cut: Bool)?
    if let low = row.lower, !low.isNaN, low <= estimate {
      let beyond = low <= 0 || !low.isFinite || (axis.fraction(of: low) ?? -1) < 0
      left = beyond ? (0, true) : cell(low).map { ($0, false) }
    }
    var right: (column: Int, cut: Bool)?
    if let high = row.upper, !high.isNaN, high >= estimate {
      let beyond = !high.isFinite || (axis.fraction(of: high) ?? 2) > 1
      right = beyond ? (last, true) : cell(high).map { ($0, false) }
    }
    let from = left?.column ?? e
    let to = right?.column ?? e
    if from < to {
      for c in from...to {
        canvas.set(c, 0, c == reference ? glyphs.cross : glyphs.horizontal)
      }
    }
    if let left, left.column < e {
      canvas.set(left.column, 0, left.cut ? glyphs.arrowLeft : glyphs.whiskerLeft)
    }
    if let right, right.column > e {
      canvas.set(right.column, 0, right.cut ? glyphs.arrowRight : glyphs.whiskerRight)
    }
    let outside = (axis.fraction(of: estimate) ?? 0.5)
    if outside < 0 {
      canvas.set(0, 0, glyphs.arrowLeft)
    } else if outside > 1 {
      canvas.set(last, 0, glyphs.arrowRight)
    } else {
      canvas.set(e, 0, glyphs.marker)
    }
  }
}

/// Column positions of a forest plot: labels, plot, estimate text.
private struct ForestLayout {
  static let minimumPlotColumns = 12
  static let gap = 2
  var labelWidth: Int
  var plotStart: Int
  var plotColumns: Int
  var textStart: Int
  var showsText: Bool

  init(width: Int, labelWidth wantedLabel: Int, textWidth: Int) {
    let gap = ForestLayout.gap
    let minimumPlot = ForestLayout.minimumPlotColumns
    // Labels take at most a third of the width; shorten them before dropping the text.
    var label = min(wantedLabel, max(6, width / 3))
    showsText = true
    var plot = width - label - gap - textWidth - gap
    if plot < minimumPlot {
      label = max(min(wantedLabel, 6), label - (minimumPlot - plot))
      plot = width - label - gap - textWidth - gap
    }
    if plot < minimumPlot {
      showsText = false
      plot = width - label - gap
    }
    labelWidth = label
    plotStart = label + gap
    plotColumns = max(minimumPlot, plot)
    textStart = plotStart + plotColumns + gap
  }
}
