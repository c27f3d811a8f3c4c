/// Step curves for Kaplan-Meier survival and mean cumulative functions, with an optional
/// confidence band and a numbers-at-risk table under the x axis.
///
/// Each curve is right-continuous: it holds its value from each point's time up to the next
/// point's time, starting from ``startValue`` at ``startTime`` (1 at time 0 for survival,
/// 0 for an MCF) and ending at its last point, so a caller that wants the line to run on to
/// the last follow-up time adds a final point there with the last value. Points, bounds and
/// times that are not finite are skipped.
///
/// Glyphs: Unicode curves use box-drawing lines of different weights per group (light `─`,
/// heavy `━`, double `═`, dashed `╌`, ...), ASCII curves use `*`, `o`, `+`, `x`, `#`, `@`;
/// the confidence band is drawn as light braille dots (ASCII `.`) under the curves.
public struct StepChart: Sendable {
  /// One group's curve.
  public struct Curve: Sendable {
    /// Legend label.
    public var label: String
    /// Step times, ascending (sorted again here to be safe).
    public var times: [Double]
    /// The curve's value from each time on.
    public var values: [Double]
    /// Lower confidence bound at each time (same count as `times`), if any.
    public var lower: [Double]?
    /// Upper confidence bound at each time, if any.
    public var upper: [Double]?

    /// Creates a curve from `(time, value)` points and optional bounds per point.
    public init(
      label: String, points: [(time: Double, value: Double)], lower: [Double]? = nil,
      upper: [Double]? = nil
    ) {
      self.label = label
      times = points.map(\.time)
      values = points.map(\.value)
      self.lower = lower
      self.upper = upper
    }
  }

  /// One row of the numbers-at-risk table: counts at given times.
  public struct AtRiskRow: Sendable {
    /// Row label, usually the group label.
    public var label: String
    /// The times the counts are for; ticks are placed at these times by default.
    public var times: [Double]
    /// Number at risk at each time.
    public var counts: [Int]

    /// Creates a row from `(time, count)` pairs.
    public init(label: String, counts: [(time: Double, count: Int)]) {
      self.label = label
      times = counts.map(\.time)
      self.counts = counts.map(\.count)
    }
  }

  /// The curves, drawn so that the first is on top where they overlap.
  public var curves: [Curve]
  /// The numbers-at-risk rows; none means no table.
  public var atRisk: [AtRiskRow]
  /// The value every curve starts from at ``startTime`` (`nil`: start at the first point).
  public var startValue: Double?
  /// The time curves start at.
  public var startTime: Double
  /// The y axis range; `nil` fits the data (and the start value) with nice ticks.
  public var yRange: ClosedRange<Double>?
  /// X tick values; `nil` uses the at-risk times when there are any, else nice ticks.
  public var xTicks: [Double]?
  /// Chart title (first line), empty for none.
  public var title: String
  /// X axis title.
  public var xTitle: String
  /// Y axis title (shown above the y axis).
  public var yTitle: String
  /// Legend label for the confidence band.
  public var bandLabel: String

  /// Creates a step chart; the defaults draw Kaplan-Meier survival curves on 0...1.
  public init(
    curves: [Curve], atRisk: [AtRiskRow] = [], startValue: Double? = 1, startTime: Double = 0,
    yRange: ClosedRange<Double>? = 0...1, xTicks: [Double]? = nil, title: String = "",
    xTitle: String = "Time", yTitle: String = "Survival probability",
    bandLabel: String = "95% CI"
  ) {
    self.curves = curves
    self.atRisk = atRisk
    self.startValue = startValue
    self.startTime = startTime
    self.yRange = yRange
    self.xTicks = xTicks
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
    self.bandLabel = bandLabel
  }

  /// Mean cumulative function curves: start at 0 and rise, y axis fitted to the data.
  public static func meanCumulativeFunction(
    curves: [Curve], atRisk: [AtRiskRow] = [], title: String = "", xTitle: String = "Time",
    yTitle: String = "Mean cumulative number of events"
  ) -> StepChart {
    StepChart(
      curves: curves, atRisk: atRisk, startValue: 0, yRange: nil, title: title, xTitle: xTitle,
      yTitle: yTitle)
  }

  /// The chart as text, every line at most `style.width` columns, ending in a newline.
  public func render(style: ChartStyle) -> String {
    let glyphs = style.glyphs
    let clean = { ChartText.clean($0, unicode: style.unicode) }
    let series = curves.map(StepSeries.init)
    let rows = style.height

    let yAxis = makeYAxis(series: series, rows: rows)
    let rowLabelWidth = min(16, atRisk.map { ChartText.width(clean($0.label)) }.max() ?? 0)
    let yLabelWidth = yAxis.tickLabels.map(ChartText.width).max() ?? 0
    let margin = max(yLabelWidth + 1, atRisk.isEmpty ? 0 : rowLabelWidth + 1)
    let estimate = ChartFrame.estimatedPlotColumns(width: style.width, leftMargin: margin)
    let xAxis = makeXAxis(series: series, target: ChartFrame.xTickTarget(plotColumns: estimate))
    let countLabels = atRisk.flatMap { $0.counts.map(String.init) }
    var frame = ChartFrame(
      width: style.width, rows: rows, xAxis: xAxis, yAxis: yAxis, glyphs: glyphs,
      minimumLeftMargin: margin, rightLabels: countLabels)

    for s in series.reversed() { drawBand(s, on: &frame, unicode: style.unicode) }
    for (index, s) in series.enumerated().reversed() {
      drawCurve(s, on: &frame, pen: StepPen.forGroup(index, unicode: style.unicode))
    }

    var lines: [String] = []
    if !title.isEmpty { lines.append(clean(title)) }
    lines += legendLines(style: style, frame: frame, hasBand: series.contains(where: \.hasBand))
    lines += frame.lines(xTitle: clean(xTitle), yTitle: clean(yTitle))
    lines += atRiskLines(frame: frame, clean: clean)
    return ChartText.finish(lines, width: style.width)
  }

  private func makeYAxis(series: [StepSeries], rows: Int) -> ChartAxis {
    let target = ChartFrame.yTickTarget(rows: rows)
    if let range = yRange, range.lowerBound.isFinite, range.upperBound.isFinite,
      range.lowerBound < range.upperBound
    {
      return ChartAxis.linear(
        lower: range.lowerBound, upper: range.upperBound, targetTickCount: target)
    }
    let values = series.flatMap { $0.values + $0.lower + $0.upper }
    return ChartAxis.linear(
      covering: values, including: [startValue].compactMap { $0 }, targetTickCount: target)
  }

  private func makeXAxis(series: [StepSeries], target: Int) -> ChartAxis {
    var times = series.flatMap(\.times)
    if startValue != nil, startTime.isFinite { times.append(startTime) }
    let chosenTicks = (xTicks ?? Array(Set(atRisk.flatMap(\.times)))).filter(\.isFinite)
    if chosenTicks.isEmpty {
      return ChartAxis.linear(covering: times, targetTickCount: target)
    }
    let all = (times + chosenTicks).filter(\.isFinite)
    let lo = all.min() ?? 0
    var hi = all.max() ?? 1
    if hi <= lo { hi = lo + 1 }
    return ChartAxis(lower: lo, upper: hi, ticks: chosenTicks)
  }

  private func drawCurve(_ s: StepSeries, on frame: inout ChartFrame, pen: StepPen) {
    var steps = Array(zip(s.times, s.values))
    var previousRow: Int
    var nextColumn: Int
    if let start = startValue, let r = frame.row(start), let c = frame.column(startTime) {
      previousRow = r
      nextColumn = c
    } else if let first = steps.first, let r = frame.row(first.1), let c = frame.column(first.0) {
      previousRow = r
      nextColumn = c
      steps.removeFirst()
    } else {
      return
    }
    // Several steps inside one column collapse to the last value reached in it.
    var merged: [(column: Int, row: Int)] = []
    for (t, v) in steps {
      guard let c = frame.column(t), let r = frame.row(v) else { continue }
      if let last = merged.last, last.column == c {
        merged[merged.count - 1].row = r
      } else {
        merged.append((max(c, nextColumn), r))
      }
    }
    let lastColumn = merged.last?.column ?? nextColumn
    for step in merged {
      for c in nextColumn..<max(nextColumn, step.column) {
        frame.canvas.set(c, previousRow, pen.horizontal)
      }
      if step.row == previousRow {
        nextColumn = max(nextColumn, step.column)
        continue
      }
      let down = step.row > previousRow
      frame.canvas.set(step.column, previousRow, down ? pen.topRight : pen.bottomRight)
      for r in (min(previousRow, step.row) + 1)..<max(previousRow, step.row) {
        frame.canvas.set(step.column, r, pen.vertical)
      }
      frame.canvas.set(step.column, step.row, down ? pen.bottomLeft : pen.topLeft)
      previousRow = step.row
      nextColumn = step.column + 1
    }
    if nextColumn <= lastColumn {
      for c in nextColumn...lastColumn { frame.canvas.set(c, previousRow, pen.horizontal) }
    }
  }

  private func drawBand(_ s: StepSeries, on frame: inout ChartFrame, unicode: Bool) {
    for bound in [s.lower, s.upper] where bound.count == s.times.count {
      for i in bound.indices where bound[i].isFinite {
        let t0 = s.times[i]
        let t1 = i + 1 < s.times.count ? s.times[i + 1] : t0
        if unicode {
          guard let x0 = frame.dotX(t0), let x1 = frame.dotX(t1), let y = frame.dotY(bound[i])
          else { continue }
          // Every other dot keeps the band lighter than the curves.
          for x in stride(from: x0, through: x1, by: 1) where x % 2 == 0 {
            frame.canvas.plotDot(x: x, y: y)
          }
        } else {
          guard let c0 = frame.column(t0), let c1 = frame.column(t1), let r = frame.row(bound[i])
          else { continue }
          for c in c0...max(c0, c1) { frame.canvas.setIfEmpty(c, r, frame.glyphs.lightDot) }
        }
      }
    }
  }

  private func legendLines(style: ChartStyle, frame: ChartFrame, hasBand: Bool) -> [String] {
    guard curves.count > 1 || hasBand || !(curves.first?.label.isEmpty ?? true) else { return [] }
    var items: [String] = []
    for (index, curve) in curves.enumerated() {
      let pen = StepPen.forGroup(index, unicode: style.unicode)
      let sample = String(repeating: String(Character(pen.horizontal)), count: 2)
      items.append(sample + " " + ChartText.clean(curve.label, unicode: style.unicode))
    }
    if hasBand {
      let sample = style.unicode ? "⠅⠅" : ".."
      items.append(sample + " " + ChartText.clean(bandLabel, unicode: style.unicode))
    }
    return ChartText.flow(items, indent: frame.leftMargin + 1, width: style.width)
  }

  private func atRiskLines(frame: ChartFrame, clean: (String) -> String) -> [String] {
    guard !atRisk.isEmpty else { return [] }
    let (_, labelled) = frame.xLabelRow()
    var labelledColumns = Set<Int>()
    for (tick, isLabelled) in zip(frame.xAxis.ticks, labelled) where isLabelled {
      if let c = frame.column(tick) { labelledColumns.insert(c) }
    }
    var lines = ["", "Number at risk"]
    for row in atRisk {
      var text = TextRow(width: frame.width)
      let label = ChartText.truncate(
        clean(row.label), to: max(1, frame.leftMargin - 1), ellipsis: frame.glyphs.ellipsis)
      text.place(label, at: 0)
      for (t, count) in zip(row.times, row.counts) {
        guard let c = frame.column(t), t.isFinite else { continue }
        let isTick = frame.xAxis.ticks.contains { abs($0 - t) <= 1e-9 * max(1, abs(t)) }
        let s = String(count)
        let start = text.centeredStart(s, on: frame.leftMargin + 1 + c)
        let allowed = isTick ? labelledColumns.contains(c) : true
        if allowed && text.canPlace(s, at: start) { text.place(s, at: start) }
      }
      lines.append(text.text)
    }
    return lines
  }
}

/// A curve's finite points, sorted by time, with bounds aligned to them.
private struct StepSeries {
  var times: [Double] = []
  var values: [Double] = []
  var lower: [Double] = []
  var upper: [Double] = []
  var hasBand: Bool { !lower.isEmpty || !upper.isEmpty }

  init(_ curve: StepChart.Curve) {
    let n = min(curve.times.count, curve.values.count)
    let lowerOK = curve.lower?.count == n
    let upperOK = curve.upper?.count == n
    let order = (0..<n).filter { curve.times[$0].isFinite && curve.values[$0].isFinite }
      .sorted { (curve.times[$0], $0) < (curve.times[$1], $1) }
    for i in order {
      times.append(curve.times[i])
      values.append(curve.values[i])
      if lowerOK, let l = curve.lower { lower.append(l[i]) }
      if upperOK, let u = curve.upper { upper.append(u[i]) }
    }
  }
}

/// The glyphs one group's step curve is drawn with.
struct StepPen {
  var horizontal: Unicode.Scalar
  var vertical: Unicode.Scalar
  /// Corner entering a drop from the left (`┐`), leaving it to the right (`└`).
  var topRight: Unicode.Scalar
  var bottomLeft: Unicode.Scalar
  /// Corner entering a rise from the left (`┘`), leaving it to the right (`┌`).
  var bottomRight: Unicode.Scalar
  var topLeft: Unicode.Scalar

  private static let unicodePens: [StepPen] = [
    StepPen("─", "│", "┐", "└", "┘", "┌"),
    StepPen("━", "┃", "┓", "┗", "┛", "┏"),
    StepPen("═", "║", "╗", "╚", "╝", "╔"),
    StepPen("╌", "╎", "┐", "└", "┘", "┌"),
    StepPen("╍", "╏", "┓", "┗", "┛", "┏"),
    StepPen("┄", "┆", "┐", "└", "┘", "┌"),
  ]
  private static let asciiMarks: [Unicode.Scalar] = ["*", "o", "+", "x", "#", "@"]

  private init(
    _ h: Unicode.Scalar, _ v: Unicode.Scalar, _ tr: Unicode.Scalar, _ bl: Unicode.Scalar,
    _ br: Unicode.Scalar, _ tl: Unicode.Scalar
  ) {
    horizontal = h
    vertical = v
    topRight = tr
    bottomLeft = bl
    bottomRight = br
    topLeft = tl
  }

  /// The pen for group `index` (cycling after six groups).
  static func forGroup(_ index: Int, unicode: Bool) -> StepPen {
    if unicode { return unicodePens[index % unicodePens.count] }
    let m = asciiMarks[index % asciiMarks.count]
    return StepPen(m, m, m, m, m, m)
  }
}

extension ChartText {
  /// Legend items laid out left to right, three spaces apart, wrapping at `width`.
  static func flow(_ items: [String], indent: Int, width: Int) -> [String] {
    var lines: [String] = []
    let pad = String(repeating: " ", count: max(0, min(indent, width / 2)))
    var current = pad
    for item in items {
      let candidate = current == pad ? current + item : current + "   " + item
      if ChartText.width(candidate) > width && current != pad {
        lines.append(current)
        current = pad + item
      } else {
        current = candidate
      }
    }
    if current != pad { lines.append(current) }
    return lines
  }
}
