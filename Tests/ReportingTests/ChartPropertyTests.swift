import Testing

@testable import Reporting

/// Every chart, normal and degenerate, as a name and a renderer.
private let allCharts: [(name: String, render: @Sendable (ChartStyle) -> String)] = {
  let nan = Double.nan
  let inf = Double.infinity
  var charts: [(name: String, render: @Sendable (ChartStyle) -> String)] = [
    ("km", { ChartFixtures.kaplanMeier.render(style: $0) }),
    ("km-band", { ChartFixtures.kaplanMeierWithBand.render(style: $0) }),
    ("mcf", { ChartFixtures.meanCumulative.render(style: $0) }),
    ("forest", { ChartFixtures.forest.render(style: $0) }),
    ("bars", { ChartFixtures.severity.render(style: $0) }),
    ("histogram", { ChartFixtures.crampsPerWeek.render(style: $0) }),
    ("strips", { ChartFixtures.strips.render(style: $0) }),
    ("zph", { ChartFixtures.zph.render(style: $0) }),
  ]
  let degenerate: [(String, @Sendable (ChartStyle) -> String)] = [
    ("km-empty", { StepChart(curves: []).render(style: $0) }),
    ("km-no-points", { StepChart(curves: [.init(label: "A", points: [])]).render(style: $0) }),
    (
      "km-one-point",
      { StepChart(curves: [.init(label: "A", points: [(5, 0.5)])]).render(style: $0) }
    ),
    (
      "km-nan",
      {
        StepChart(
          curves: [
            .init(
              label: "A", points: [(nan, 0.5), (2, nan), (inf, 0.2), (3, 0.4), (4, -inf)],
              lower: [nan, nan, nan, 0.2, nan], upper: [1, 1, 1, inf, 1])
          ],
          atRisk: [.init(label: "A", counts: [(nan, 3), (0, 10), (inf, 1)])]
        ).render(style: $0)
      }
    ),
    (
      "km-bad-range",
      {
        StepChart(
          curves: [.init(label: "A", points: [(1, 0.5)])], yRange: 1...1, xTicks: [nan, 0]
        ).render(style: $0)
      }
    ),
    (
      "mcf-equal",
      {
        StepChart.meanCumulativeFunction(
          curves: [.init(label: "A", points: [(0, 0), (1, 0), (2, 0)])]
        ).render(style: $0)
      }
    ),
    (
      "mcf-huge",
      {
        StepChart.meanCumulativeFunction(
          curves: [.init(label: "A", points: [(-1e300, 1e300), (1e300, -1e300)])]
        ).render(style: $0)
      }
    ),
    ("forest-empty", { ForestPlot(rows: []).render(style: $0) }),
    (
      "forest-all-na",
      {
        ForestPlot(rows: [
          .init(label: "a", estimate: nil, lower: nil, upper: nil),
          .init(label: "b", estimate: 0, lower: -1, upper: 2),
          .init(label: "c", estimate: nan, lower: 1, upper: 2),
        ]).render(style: $0)
      }
    ),
    (
      "forest-one-side",
      {
        ForestPlot(rows: [
          .init(label: "x", estimate: 12, lower: 8, upper: 30),
          .init(label: "y", estimate: 150, lower: 0, upper: inf),
          .init(label: "z", estimate: 1e12, lower: 1e11, upper: 1e13),
        ]).render(style: $0)
      }
    ),
    (
      "forest-long-labels",
      {
        ForestPlot(rows: [
          .init(
            label: String(repeating: "very long label ", count: 10), estimate: 0.5, lower: 0.2,
            upper: 0.9, text: String(repeating: "t", count: 60))
        ]).render(style: $0)
      }
    ),
    ("bars-empty", { BarChart(bars: []).render(style: $0) }),
    (
      "bars-odd",
      {
        BarChart(bars: [("a", nan), ("b", -3), ("c", 0), ("d", inf), ("e", 1e300), ("f", 1e-300)])
          .render(style: $0)
      }
    ),
    ("histogram-empty", { Histogram(values: []).render(style: $0) }),
    ("histogram-equal", { Histogram(values: [3, 3, 3]).render(style: $0) }),
    ("histogram-wide", { Histogram(values: [-1e300, 1e300, 0.5]).render(style: $0) }),
    ("histogram-tiny-width", { Histogram(values: [0, 1000], binWidth: 1e-9).render(style: $0) }),
    ("strips-empty", { EventStrip(patients: []).render(style: $0) }),
    (
      "strips-odd",
      {
        EventStrip(patients: [
          ("", []), ("a", [nil, nil]), ("b", [-1, 0, 12, 3, nil]),
          (String(repeating: "x", count: 100), Array(repeating: 1, count: 5000)),
        ]).render(style: $0)
      }
    ),
    ("zph-empty", { LineSketch(points: []).render(style: $0) }),
    (
      "zph-one",
      {
        LineSketch(points: [(1, 1)], smooth: [(1, 1)], reference: nan).render(style: $0)
      }
    ),
    (
      "zph-nan",
      {
        LineSketch(
          points: [(nan, 1), (1, inf), (2, 2), (3, 2)], smooth: [(nan, 0), (2, 2), (3, 2)]
        ).render(style: $0)
      }
    ),
  ]
  charts += degenerate.map { (name: $0.0, render: $0.1) }
  return charts
}()

private let propertyStyles: [ChartStyle] = [0, 20, 32, 40, 57, 80, 133, 300].flatMap { width in
  [true, false].flatMap { unicode in
    [1, 16].map { ChartStyle(width: width, height: $0, unicode: unicode) }
  }
}

@Suite("Chart properties")
struct ChartPropertyTests {
  @Test("lines fit the width, have no trailing spaces and end in a newline", arguments: 0..<31)
  func linesFit(chart: Int) {
    guard chart < allCharts.count else { return }
    let (name, render) = allCharts[chart]
    for style in propertyStyles {
      let text = render(style)
      #expect(text.hasSuffix("\n"), "\(name) at \(style.width)")
      for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
        let scalars = line.unicodeScalars
        #expect(scalars.count <= style.width, "\(name) at \(style.width): \(line)")
        #expect(scalars.last != " ", "\(name) trailing space: \(line)")
        if !style.unicode {
          #expect(scalars.allSatisfy { $0.isASCII }, "\(name) non-ASCII in ASCII mode: \(line)")
        }
      }
    }
  }

  @Test("there is a case for every chart in the list")
  func everyChartCovered() {
    #expect(allCharts.count <= 31)
  }

  @Test("the same input always renders the same text")
  func deterministic() {
    for (_, render) in allCharts {
      #expect(render(ChartStyle()) == render(ChartStyle()))
    }
  }

  @Test("width and height below the minimums are raised, also when set after init")
  func clamping() {
    var style = ChartStyle(width: 0, height: -3)
    #expect(style.width == ChartStyle.minimumWidth)
    #expect(style.height == ChartStyle.minimumHeight)
    style.width = 5
    #expect(style.width == ChartStyle.minimumWidth)
    style.width = 200
    #expect(style.width == 200)
  }

  @Test("the numbers at risk sit centred under the x ticks")
  func atRiskAligned() {
    let lines = ChartFixtures.kaplanMeier.render(style: ChartStyle())
      .split(separator: "\n").map { Array($0.unicodeScalars) }
    guard let axis = lines.first(where: { $0.contains("┬") }),
      let header = lines.firstIndex(where: {
        String(String.UnicodeScalarView($0)) == "Number at risk"
      })
    else {
      Issue.record("no axis or at-risk header")
      return
    }
    let tickColumns = axis.indices.filter { axis[$0] == "┬" }
    #expect(tickColumns.count == 7)
    for row in lines[(header + 1)...] {
      // Each count is a run of digits; its centre (rounding left) must be a tick column.
      var c = 10
      var centres: [Int] = []
      while c < row.count {
        if row[c].properties.numericType != nil {
          var end = c
          while end + 1 < row.count, row[end + 1].properties.numericType != nil { end += 1 }
          centres.append(c + (end - c) / 2)
          c = end + 1
        } else {
          c += 1
        }
      }
      #expect(centres == tickColumns)
    }
  }
}
