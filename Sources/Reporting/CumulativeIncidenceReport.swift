import Survival

/// The printed result of `crampstat cif`: per group, the Aalen-Johansen cumulative incidence
/// of each cause (survfit's multi-state `pstate`) at a few times with SEs and log intervals,
/// Gray's test per cause (cmprsk::cuminc), and a stacked chart, in every output format.
public struct CumulativeIncidenceReport: Sendable {
  public var fit: CumulativeIncidenceFit
  public var formula: String
  public var source: String
  /// Labels of the causes (the status codes as text, or names given by the user).
  public var causeLabels: [String]
  /// Times for the summary table; empty: about six times spread over follow-up.
  public var times: [Double]
  public var droppedRowCount: Int

  public init(
    fit: CumulativeIncidenceFit, formula: String, source: String, causeLabels: [String]? = nil,
    times: [Double] = [], droppedRowCount: Int = 0
  ) {
    self.fit = fit
    self.formula = formula
    self.source = source
    self.causeLabels = causeLabels ?? fit.causes.map { "cause \($0)" }
    self.times = times
    self.droppedRowCount = droppedRowCount
  }

  /// Times shown: the given ones, else the axis ticks of the longest follow-up.
  var shownTimes: [Double] {
    if !times.isEmpty { return times }
    let horizon = fit.curves.flatMap { $0.steps.map(\.time) }.max() ?? 1
    return ChartAxis.linear(lower: 0, upper: max(horizon, 1)).ticks.filter { $0 > 0 }
  }

  /// Notes, as sentences.
  public var notes: [String] {
    var notes = [
      "Aalen-Johansen estimate: no event yet + the cumulative incidences = 1 at every time; "
        + "standard errors are survfit's infinitesimal jackknife, intervals its log intervals."
    ]
    for (c, label) in causeLabels.enumerated()
    where fit.curves.allSatisfy({
      ($0.eventsByCause[c]) == 0
    }) {
      notes.append("\(label) has no events: its incidence is 0 throughout and it has no test.")
    }
    return notes
  }

  /// Renders the report.
  public func render(_ format: OutputFormat, chartStyle: ChartStyle? = nil) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv: return table(markdown: false).renderCSV()
    case .text, .markdown: return text(markdown: format == .markdown, chartStyle: chartStyle)
    }
  }

  func table(markdown: Bool) -> DataTable {
    let pct = Int((fit.confidenceLevel * 100).rounded())
    var t = DataTable(headers: [
      "group", "time", "n.risk", "cause", "incidence", "std.err", "lower \(pct)% CI",
      "upper \(pct)% CI",
    ])
    for curve in fit.curves {
      for time in shownTimes {
        let step = curve.step(at: time)
        for (c, label) in causeLabels.enumerated() {
          let p = step?.incidence[c] ?? 0
          t.append([
            curve.label, NumberFormat.significant(time, digits: 6),
            step.map { NumberFormat.fixed($0.atRisk, digits: 0) } ?? String(curve.n), label,
            NumberFormat.fixed(p, digits: 4),
            NumberFormat.fixed(step?.standardError[c] ?? 0, digits: 4),
            step?.confLow[c].map { NumberFormat.fixed($0, digits: 4) } ?? "NA",
            step?.confHigh[c].map { NumberFormat.fixed($0, digits: 4) } ?? "NA",
          ])
        }
      }
    }
    return t
  }

  private func text(markdown: Bool, chartStyle: ChartStyle?) -> String {
    var out = markdown ? "## " : ""
    out += "Cumulative incidence of competing events (Aalen-Johansen, survfit multi-state)\n\n"
    out += "Formula: \(formula)\nData: \(source); n = \(fit.curves.reduce(0) { $0 + $1.n })"
    if droppedRowCount > 0 { out += " (\(droppedRowCount) rows dropped for missing values)" }
    out += "\n\n"
    var counts = DataTable(headers: ["group", "n"] + causeLabels.map { "events: \($0)" })
    for curve in fit.curves {
      counts.append(
        [curve.label, String(curve.n)]
          + curve.eventsByCause.map { NumberFormat.fixed($0, digits: 0) })
    }
    out += markdown ? counts.renderMarkdown() : counts.renderText()
    out += "\n" + (markdown ? "### Cumulative incidence\n\n" : "Cumulative incidence:\n")
    let t = table(markdown: markdown)
    out += markdown ? t.renderMarkdown() : t.renderText()
    if !fit.grayTests.isEmpty {
      out +=
        "\n"
        + (markdown
          ? "### Gray's test (cmprsk::cuminc)\n\n"
          : "Gray's test of equal cumulative incidence between groups (cmprsk::cuminc):\n")
      var g = DataTable(headers: ["cause", "chisq", "df", "p"])
      for test in fit.grayTests {
        let label = fit.causes.firstIndex(of: test.cause).map { causeLabels[$0] } ?? "\(test.cause)"
        g.append([
          label, NumberFormat.significant(test.statistic, digits: 5),
          String(test.degreesOfFreedom), NumberFormat.pValue(test.pValue),
        ])
      }
      out += markdown ? g.renderMarkdown() : g.renderText()
    }
    if let chartStyle {
      for curve in fit.curves {
        let chart = Self.stackedChart(
          curve, causeLabels: causeLabels, title: "Stacked cumulative incidence: \(curve.label)")
        let rendered = chart.render(style: chartStyle)
        out += markdown ? "\n```text\n" + rendered + "```\n" : "\n" + rendered
      }
    }
    out += "\n" + (markdown ? "### Notes\n\n" : "Notes:\n")
    for note in notes { out += "- \(note)\n" }
    return out
  }

  /// A stacked step chart of one group: line `k` is `F_1 + ... + F_k`, so the band between
  /// lines `k - 1` and `k` is cause `k`'s incidence and the distance from the top line to 1
  /// is the probability of no event yet (the Kaplan-Meier step chart's pieces, started at 0).
  public static func stackedChart(
    _ curve: CumulativeIncidenceFit.Curve, causeLabels: [String], title: String
  ) -> StepChart {
    var lines: [StepChart.Curve] = []
    for k in causeLabels.indices {
      let label = causeLabels[0...k].joined(separator: " + ")
      var points = curve.steps.map { step in
        (time: step.time, value: step.incidence[0...k].reduce(0, +))
      }
      if let last = points.last { points.append(last) }
      lines.append(StepChart.Curve(label: label, points: points))
    }
    return StepChart(
      curves: lines, startValue: 0, yRange: 0...1, title: title, xTitle: "Time",
      yTitle: "Cumulative incidence (stacked)")
  }

  /// The JSON object (without the envelope fields).
  public var jsonBody: [String: JSONValue] {
    let curves: [JSONValue] = fit.curves.map { curve in
      .object([
        "label": .string(curve.label), "n": .int(curve.n),
        "n_events": .array(curve.eventsByCause.map { .number($0) }),
        "steps": .array(
          curve.steps.map { step in
            .object([
              "time": .number(step.time), "n_risk": .number(step.atRisk),
              "n_censor": .number(step.censored), "survival": .number(step.survival),
              "survival_std_error": .number(step.survivalStandardError),
              "causes": .array(
                fit.causes.indices.map { c in
                  .object([
                    "cause": .int(fit.causes[c]), "n_event": .number(step.events[c]),
                    "estimate": .number(step.incidence[c]),
                    "std_error": .number(step.standardError[c]),
                    "conf_low": .number(step.confLow[c]), "conf_high": .number(step.confHigh[c]),
                  ])
                }),
            ])
          }),
      ])
    }
    return [
      "formula": .string(formula), "confidence_level": .number(fit.confidenceLevel),
      "conf_type": .string("log"), "causes": .array(fit.causes.map { .int($0) }),
      "strata": .array(curves),
      "tests": .object([
        "gray": .array(
          fit.grayTests.map { t in
            .object([
              "cause": .int(t.cause), "statistic": .number(t.statistic),
              "df": .int(t.degreesOfFreedom), "p_value": .number(t.pValue),
            ])
          })
      ]),
      "notes": .array(notes.map { .string($0) }),
    ]
  }
}
