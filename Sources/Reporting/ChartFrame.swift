/// The layout of an x-y chart: y tick labels, both axes, the plotting canvas, x tick
/// labels and the axis titles.
///
/// ```
/// Survival probability          <- y title
///  1.0 ┤──────┐                 <- label, axis, canvas row
///  0.5 ┤      └──────
///      └┬──────┬──────┬         <- x axis with ticks
///       0     10     20         <- x tick labels, thinned so they never touch
///              Nights           <- x title, centred under the canvas
/// ```
/// Value-to-cell mapping: a value at fraction `f` of an axis lands on column
/// `round(f * (columns - 1))` and on row `round((1 - f) * (rows - 1))`, so both ends of each
/// axis are cell centres. Braille dots use the same mapping at twice the columns and four
/// times the rows.
struct ChartFrame {
  let glyphs: ChartGlyphs
  let width: Int
  let xAxis: ChartAxis
  let yAxis: ChartAxis
  /// Columns before the y axis line: the y tick labels and one space.
  let leftMargin: Int
  var canvas: ChartCanvas

  /// The smallest canvas width drawn, whatever the chart width.
  static let minimumPlotColumns = 8

  /// Lays out a frame `width` columns wide with `rows` canvas rows.
  ///
  /// - Parameters:
  ///   - minimumLeftMargin: room wanted left of the axis (say for at-risk row labels).
  ///   - rightLabels: strings that may be centred on the last column (x labels, counts), so
  ///     the canvas stops early enough for them to fit.
  init(
    width: Int, rows: Int, xAxis: ChartAxis, yAxis: ChartAxis, glyphs: ChartGlyphs,
    minimumLeftMargin: Int = 0, rightLabels: [String] = []
  ) {
    self.glyphs = glyphs
    self.width = width
    self.xAxis = xAxis
    self.yAxis = yAxis
    let yLabelWidth = yAxis.tickLabels.map(ChartText.width).max() ?? 0
    let rightPad = (xAxis.tickLabels + rightLabels).map { ChartText.width($0) / 2 }.max() ?? 0
    var margin = max(yLabelWidth + 1, minimumLeftMargin)
    margin = min(margin, max(2, width - 1 - ChartFrame.minimumPlotColumns - rightPad))
    leftMargin = margin
    let columns = max(ChartFrame.minimumPlotColumns, width - margin - 1 - rightPad)
    canvas = ChartCanvas(columns: columns, rows: rows)
  }

  /// A rough canvas width for choosing the x tick count before the frame exists.
  static func estimatedPlotColumns(width: Int, leftMargin: Int) -> Int {
    max(minimumPlotColumns, width - leftMargin - 4)
  }

  /// About one x tick per ten columns, between 2 and 10.
  static func xTickTarget(plotColumns: Int) -> Int { min(10, max(2, plotColumns / 10 + 1)) }

  /// About one y tick per three rows, between 2 and 6.
  static func yTickTarget(rows: Int) -> Int { min(6, max(2, rows / 3 + 1)) }

  /// The canvas column of an x value (clamped to the canvas), or `nil` if it cannot be placed.
  func column(_ x: Double) -> Int? {
    guard let f = xAxis.fraction(of: x) else { return nil }
    return ChartFrame.cell(f, count: canvas.columns)
  }

  /// The canvas row of a y value (clamped), or `nil` if it cannot be placed.
  func row(_ y: Double) -> Int? {
    guard let f = yAxis.fraction(of: y) else { return nil }
    return ChartFrame.cell(1 - f, count: canvas.rows)
  }

  /// The braille dot column of an x value (clamped), or `nil`.
  func dotX(_ x: Double) -> Int? {
    guard let f = xAxis.fraction(of: x) else { return nil }
    return ChartFrame.dot(f, cells: canvas.columns, dotsPerCell: 2)
  }

  /// The braille dot row of a y value (clamped), or `nil`.
  func dotY(_ y: Double) -> Int? {
    guard let f = yAxis.fraction(of: y) else { return nil }
    return ChartFrame.dot(1 - f, cells: canvas.rows, dotsPerCell: 4)
  }

  static func cell(_ fraction: Double, count: Int) -> Int {
    let clamped = min(1, max(0, fraction))
    return min(count - 1, max(0, Int((clamped * Double(count - 1)).rounded())))
  }

  static func dot(_ fraction: Double, cells: Int, dotsPerCell: Int) -> Int {
    let clamped = min(1, max(0, fraction))
    let position = (clamped * Double(cells - 1) + 0.5) * Double(dotsPerCell) - 0.5
    return min(cells * dotsPerCell - 1, max(0, Int(position.rounded())))
  }

  /// Canvas columns of the x ticks.
  var xTickColumns: [Int] { xAxis.ticks.compactMap(column) }

  /// The x tick labels placed centred under their ticks, skipping any that would touch the
  /// previous one; returns the row and which ticks got a label.
  func xLabelRow() -> (row: TextRow, labelled: [Bool]) {
    var row = TextRow(width: width)
    var labelled: [Bool] = []
    for (tick, label) in zip(xAxis.ticks, xAxis.tickLabels) {
      guard let c = column(tick) else {
        labelled.append(false)
        continue
      }
      let start = row.centeredStart(label, on: leftMargin + 1 + c)
      if row.canPlace(label, at: start) {
        row.place(label, at: start)
        labelled.append(true)
      } else {
        labelled.append(false)
      }
    }
    return (row, labelled)
  }

  /// The frame as lines: y title, canvas rows with y labels, x axis, x labels, x title.
  func lines(xTitle: String, yTitle: String) -> [String] {
    var out: [String] = []
    if !yTitle.isEmpty { out.append(yTitle) }
    var labelByRow: [Int: String] = [:]
    for (tick, label) in zip(yAxis.ticks, yAxis.tickLabels) {
      guard let r = row(tick), labelByRow[r] == nil else { continue }
      labelByRow[r] = label
    }
    let canvasLines = canvas.lines()
    for r in 0..<canvas.rows {
      let label = ChartText.padLeft(labelByRow[r] ?? "", leftMargin - 1)
      let axis = labelByRow[r] == nil ? glyphs.vertical : glyphs.yTick
      out.append(label + " " + String(Character(axis)) + canvasLines[r])
    }
    var axisLine = String(repeating: " ", count: leftMargin) + String(Character(glyphs.origin))
    let ticks = Set(xTickColumns)
    for c in 0..<canvas.columns {
      axisLine.append(Character(ticks.contains(c) ? glyphs.xTick : glyphs.horizontal))
    }
    out.append(axisLine)
    out.append(xLabelRow().row.text)
    if !xTitle.isEmpty { out.append(centredUnderCanvas(xTitle)) }
    return out
  }

  /// Text centred under the canvas (shifted left if it would run past the width).
  func centredUnderCanvas(_ text: String) -> String {
    let w = ChartText.width(text)
    var start = leftMargin + 1 + (canvas.columns - w) / 2
    start = max(0, min(start, width - w))
    return String(repeating: " ", count: start) + text
  }
}
