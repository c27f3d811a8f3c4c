import Testing

@testable import Reporting

@Suite("Chart axes and style")
struct ChartAxisTests {
  static let ranges: [[Double]] = [
    [0, 1], [0, 90], [0.13, 0.98], [-3.2, 7.7], [1e-7, 3e-7], [5, 5], [0, 0], [-1, -1],
    [12_345, 987_654], [0.001, 1e9], [.nan, 2, 4], [], [.infinity, 3], [-1e300, 1e300],
  ]

  @Test("linear ticks ascend, cover the data and have ascending distinct labels")
  func linearTicks() {
    for values in ChartAxisTests.ranges {
      for target in [2, 3, 6, 10] {
        let axis = ChartAxis.linear(covering: values, targetTickCount: target)
        expectAscending(axis, "\(values) target \(target)")
        for v in values where v.isFinite {
          #expect(axis.lower <= v && v <= axis.upper, "\(values) \(axis)")
        }
      }
    }
  }

  @Test("log ticks ascend, stay positive and include 1 when asked")
  func logTicks() {
    let cases: [[Double]] = [
      [0.58, 4.01], [0.9, 1.1], [1e-4, 1e5], [3, 3], [0.2, 0.3], [], [-1, 0, .nan],
      [1, 1e300],
    ]
    for values in cases {
      for target in [2, 4, 8] {
        let axis = ChartAxis.logarithmic(covering: values, including: [1], targetTickCount: target)
        expectAscending(axis, "\(values) target \(target)")
        #expect(axis.lower > 0)
        #expect(axis.ticks.count <= max(target, 4), "\(values) \(axis.ticks)")
        #expect(axis.lower <= 1 && 1 <= axis.upper)
      }
    }
  }

  @Test("nice steps and labels")
  func niceValues() {
    #expect(
      ChartAxis.linear(lower: 0, upper: 1, targetTickCount: 6).tickLabels == [
        "0.0", "0.2", "0.4", "0.6", "0.8", "1.0",
      ])
    #expect(
      ChartAxis.linear(covering: [0, 87], targetTickCount: 6).ticks == [
        0, 20, 40, 60, 80, 100,
      ])
    #expect(
      ChartAxis.logarithmic(covering: [0.3, 3.5], including: [1]).tickLabels == [
        "0.5", "1", "2",
      ])
    #expect(ChartAxis.decimals(for: 0.25) == 2)
    #expect(ChartAxis.decimals(for: 50) == 0)
  }

  @Test("log and power helpers agree with known values")
  func logHelpers() {
    for (x, expected) in [
      (1.0, 0.0), (10, 1), (0.5, -0.30102999566398120), (2e-7, -6.698970004336019),
    ] {
      #expect(abs(chartLog10(x) - expected) < 1e-12)
      #expect(abs(chartPow10(expected) - x) <= 1e-12 * x)
    }
  }

  @Test("histogram bins are half-open, nice and count every finite value")
  func histogramBins() {
    let values: [Double] = [0.2, 1.7, 2.5, 3.3, 9.99, 10, .nan, 4.4]
    let bins = Histogram.bins(for: values)
    #expect(bins.map(\.count).reduce(0, +) == 7)
    #expect(bins.first?.lower == 0)
    // Sturges: 7 values -> 4 bins over 9.8 -> raw width 2.45 -> nice width 2.5.
    #expect(bins.allSatisfy { $0.upper - $0.lower == 2.5 })
    #expect(bins.last.map { $0.lower <= 10 && 10 < $0.upper } == true)
    #expect(Histogram.bins(for: []).isEmpty)
    #expect(Histogram.bins(for: [3, 3]) == [Histogram.Bin(lower: 3, upper: 4, count: 2)])
  }

  @Test("style from the environment: COLUMNS when sane, Unicode for UTF-8 locales")
  func environment() {
    let utf8 = ["LANG": "en_US.UTF-8", "COLUMNS": "120"]
    #expect(ChartStyle.fromEnvironment(utf8, isTTY: true, ascii: false) == ChartStyle(width: 120))
    #expect(ChartStyle.fromEnvironment(utf8, isTTY: true, ascii: true).unicode == false)
    #expect(ChartStyle.fromEnvironment(["COLUMNS": "20"], isTTY: true, ascii: false).width == 80)
    #expect(ChartStyle.fromEnvironment(["COLUMNS": "abc"], isTTY: false, ascii: false).width == 80)
    #expect(ChartStyle.fromEnvironment(["COLUMNS": "301"], isTTY: true, ascii: false).width == 80)
    #expect(ChartStyle.fromEnvironment(["COLUMNS": " 40 "], isTTY: true, ascii: false).width == 40)
    // LC_ALL wins over LANG; an empty LC_ALL is skipped.
    #expect(
      ChartStyle.fromEnvironment(["LC_ALL": "C", "LANG": "en_US.UTF-8"], isTTY: true, ascii: false)
        .unicode == false)
    #expect(
      ChartStyle.fromEnvironment(
        ["LC_ALL": "", "LC_CTYPE": "de_DE.utf8"], isTTY: true, ascii: false
      )
      .unicode == true)
    #expect(ChartStyle.fromEnvironment([:], isTTY: false, ascii: false).unicode == false)
  }

  private func expectAscending(_ axis: ChartAxis, _ context: String) {
    #expect(axis.lower <= axis.upper, "\(context)")
    #expect(!axis.ticks.isEmpty, "\(context)")
    #expect(
      zip(axis.ticks, axis.ticks.dropFirst()).allSatisfy { $0 < $1 }, "\(context) \(axis.ticks)")
    let labels = axis.tickLabels
    #expect(Set(labels).count == labels.count, "\(context) \(labels)")
    let parsed = labels.compactMap(Double.init)
    #expect(parsed.count == labels.count, "\(context) \(labels)")
    #expect(zip(parsed, parsed.dropFirst()).allSatisfy { $0 < $1 }, "\(context) \(labels)")
  }
}

@Suite("Forest plots")
struct ChartForestTests {
  private func lines(_ plot: ForestPlot, unicode: Bool = true) -> [String] {
    plot.render(style: ChartStyle(unicode: unicode)).split(separator: "\n").map(String.init)
  }

  @Test("an NA row shows (NA), no marker and NA in the estimate column")
  func naRow() {
    for unicode in [true, false] {
      let row = lines(ChartFixtures.forest, unicode: unicode).first { $0.hasPrefix("Quinine use") }
      #expect(row?.contains("(NA)") == true)
      #expect(row?.hasSuffix(" NA") == true)
      #expect(row?.contains(unicode ? "■" : "o") == false)
    }
  }

  @Test("unbounded and non-positive limits end in arrows at the edges")
  func arrows() {
    let plot = ForestPlot(rows: [
      .init(label: "up", estimate: 3, lower: 2, upper: .infinity),
      .init(label: "down", estimate: 0.5, lower: 0, upper: 0.8),
    ])
    let text = lines(plot)
    #expect(text.first { $0.hasPrefix("up") }?.contains("■─▶") == true)
    #expect(text.first { $0.hasPrefix("up") }?.hasSuffix("3.00 (2.00, Inf)") == true)
    #expect(text.first { $0.hasPrefix("down") }?.contains("◀") == true)
    let ascii = lines(plot, unicode: false)
    #expect(ascii.first { $0.hasPrefix("up") }?.contains("o->") == true)
  }

  @Test("estimates all above 1 still show the reference line at 1")
  func oneSided() {
    let plot = ForestPlot(rows: [.init(label: "x", estimate: 12, lower: 8, upper: 30)])
    let text = lines(plot)
    let axisLabels = text[text.count - 2]
    #expect(axisLabels.split(separator: " ").first == "1")
    #expect(text[1].contains("│ "))
  }

  @Test("ratios use two decimals, with significant digits for extremes")
  func ratioFormat() {
    #expect(ForestPlot.formatRatio(0.875) == "0.88")
    #expect(ForestPlot.formatRatio(2.104) == "2.10")
    #expect(ForestPlot.formatRatio(1234.5) == "1235")
    #expect(ForestPlot.formatRatio(0.0012) == "0.0012")
    #expect(ForestPlot.formatRatio(nil) == "NA")
    #expect(ForestPlot.formatRatio(.infinity) == "Inf")
  }
}
