/// A y-against-x sketch of points with an optional smoothed line and a horizontal
/// reference line, for checking proportional hazards with `cox.zph`-style beta(t) plots.
///
/// Points are braille dots (ASCII `.`), so many residuals stay readable; the smooth, which
/// the caller computes (say a loess or spline of the scaled Schoenfeld residuals), is drawn
/// with `•` (ASCII `*`) at every column between its first and last x, interpolating
/// linearly; the reference line (0 by default) is dashed (`┄`, ASCII `-`) and stays
/// behind points and smooth. Non-finite coordinates are skipped.
public struct LineSketch: Sendable {
  /// Point x values.
  public var xs: [Double]
  /// Point y values (same count as `xs`; extra values are ignored).
  public var ys: [Double]
  /// The smooth's x values, ascending; empty for none.
  public var smoothXs: [Double]
  /// The smooth's y values.
  public var smoothYs: [Double]
  /// The y value of the dashed reference line; `nil` for none.
  public var reference: Double?
  /// Chart title (first line), empty for none.
  public var title: String
  /// X axis title.
  public var xTitle: String
  /// Y axis title.
  public var yTitle: String
  /// Legend labels for points and smooth.
  public var pointLabel: String
  public var smoothLabel: String

  /// Creates a sketch.
  public init(
    points: [(x: Double, y: Double)], smooth: [(x: Double, y: Double)] = [],
    reference: Double? = 0, title: String = "", xTitle: String = "Time",
    yTitle: String = "Beta(t)", pointLabel: String = "scaled Schoenfeld residuals",
    smoothLabel: String = "smooth"
  ) {
    xs = points.map(\.x)
    ys = points.map(\.y)
    let sorted = smooth.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
    smoothXs = sorted.map(\.x)
    smoothYs = sorted.map(\.y)
    self.reference = reference
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
    self.pointLabel = pointLabel
    self.smoothLabel = smoothLabel
  }

  /// The sketch as text, every line at most `style.width` columns, ending in a newline.
  public func render(style: ChartStyle) -> String {
    let glyphs = style.glyphs
    let clean = { ChartText.clean($0, unicode: style.unicode) }
    let points = zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }
    let smooth = Array(zip(smoothXs, smoothYs))
    let rows = style.height
    let yAxis = ChartAxis.linear(
      covering: points.map(\.1) + smooth.map(\.1),
      including: [reference].compactMap { $0 }.filter(\.isFinite),
      targetTickCount: ChartFrame.yTickTarget(rows: rows))
    let yLabelWidth = yAxis.tickLabels.map(ChartText.width).max() ?? 0
    let estimate = ChartFrame.estimatedPlotColumns(width: style.width, leftMargin: yLabelWidth + 1)
    let xAxis = ChartAxis.linear(
      covering: points.map(\.0) + smooth.map(\.0),
      targetTickCount: ChartFrame.xTickTarget(plotColumns: estimate))
    var frame = ChartFrame(
      width: style.width, rows: rows, xAxis: xAxis, yAxis: yAxis, glyphs: glyphs)

    for (x, y) in points {
      if style.unicode {
        if let dx = frame.dotX(x), let dy = frame.dotY(y) { frame.canvas.plotDot(x: dx, y: dy) }
      } else if let c = frame.column(x), let r = frame.row(y) {
        frame.canvas.set(c, r, glyphs.lightDot)
      }
    }
    if let reference, let r = frame.row(reference) {
      for c in 0..<frame.canvas.columns { frame.canvas.setIfEmpty(c, r, glyphs.dashedHorizontal) }
    }
    let smoothGlyph: Unicode.Scalar = style.unicode ? "•" : "*"
    if let first = smooth.first, let last = smooth.last,
      let c0 = frame.column(first.0), let c1 = frame.column(last.0)
    {
      for c in c0...max(c0, c1) {
        let x = min(max(LineSketch.xValue(column: c, frame: frame), first.0), last.0)
        if let y = LineSketch.interpolate(smooth, at: x), let r = frame.row(y) {
          frame.canvas.set(c, r, smoothGlyph)
        }
      }
    }

    var lines: [String] = []
    if !title.isEmpty { lines.append(clean(title)) }
    var legend: [String] = []
    if !points.isEmpty {
      legend.append((style.unicode ? "⠂ " : ". ") + clean(pointLabel))
    }
    if !smooth.isEmpty { legend.append(String(Character(smoothGlyph)) + " " + clean(smoothLabel)) }
    if let reference, reference.isFinite {
      let dash = String(Character(glyphs.dashedHorizontal))
      legend.append(dash + dash + " " + NumberFormat.significant(reference, digits: 3))
    }
    lines += ChartText.flow(legend, indent: frame.leftMargin + 1, width: style.width)
    lines += frame.lines(xTitle: clean(xTitle), yTitle: clean(yTitle))
    return ChartText.finish(lines, width: style.width)
  }

  /// The x value at a canvas column's centre.
  static func xValue(column: Int, frame: ChartFrame) -> Double {
    let axis = frame.xAxis
    let f = frame.canvas.columns > 1 ? Double(column) / Double(frame.canvas.columns - 1) : 0.5
    return axis.lower + f * (axis.upper - axis.lower)
  }

  /// Linear interpolation in points sorted by x; `nil` outside their range.
  static func interpolate(_ points: [(Double, Double)], at x: Double) -> Double? {
    guard let first = points.first, let last = points.last, x >= first.0, x <= last.0 else {
      return nil
    }
    for i in 1..<max(1, points.count) where points[i].0 >= x {
      let (x0, y0) = points[i - 1]
      let (x1, y1) = points[i]
      return x1 > x0 ? y0 + (y1 - y0) * (x - x0) / (x1 - x0) : y1
    }
    return first.1
  }
}
