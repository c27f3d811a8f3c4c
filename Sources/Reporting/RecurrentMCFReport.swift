import Recurrent

/// Mean cumulative functions as step tables, with the comparison test.
public struct RecurrentMCFReport: Sendable {
  public var fit: MeanCumulativeFunction
  public var ties: TieSummary
  public var formula: String
  public var source: String

  public init(fit: MeanCumulativeFunction, ties: TieSummary, formula: String, source: String) {
    self.fit = fit
    self.ties = ties
    self.formula = formula
    self.source = source
  }

  var levelText: String {
    NumberFormat.significant(100 * fit.confidenceLevel, digits: 3) + "%"
  }

  func stepTable(_ group: MeanCumulativeFunction.Group) -> DataTable {
    var t = DataTable(headers: [
      "time", "n.risk", "n.event", "mcf", "std.err", "lower \(levelText)", "upper \(levelText)",
    ])
    for s in group.steps {
      t.append([
        NumberFormat.significant(s.time, digits: 6), String(s.atRisk), String(s.events),
        NumberFormat.significant(s.estimate, digits: 4),
        NumberFormat.significant(s.standardError, digits: 4),
        NumberFormat.significant(s.lower, digits: 4), NumberFormat.significant(s.upper, digits: 4),
      ])
    }
    return t
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv:
      var t = DataTable(headers: [
        "group", "time", "n_risk", "n_event", "mcf", "std_error", "conf_low", "conf_high",
      ])
      for g in fit.groups {
        for s in g.steps {
          t.append([
            g.label, JSONValue.format(s.time), String(s.atRisk), String(s.events),
            JSONValue.format(s.estimate), JSONValue.format(s.standardError),
            JSONValue.format(s.lower), JSONValue.format(s.upper),
          ])
        }
      }
      return t.renderCSV()
    case .text, .markdown:
      let md = format == .markdown
      let title = RecurrentReportParts.title(.meanCumulativeFunction)
      var out = md ? "## \(title)\n\n" : "\(title)\n\n"
      out += "Estimand: \(RecurrentModel.meanCumulativeFunction.estimand)\n"
      out += "Formula: \(formula)\nData: \(source)\n"
      out +=
        "Variance: Lawless-Nadeau robust (patient influence); log-transformed \(levelText) "
        + "intervals; steps at event times\n"
      out +=
        RecurrentReportParts.tieLines(
          ties, method: "none needed (Nelson-Aalen counts tied events exactly)", formula: formula
        ).first ?? ""
      out += "\n"
      for g in fit.groups {
        out +=
          md ? "\n### \(g.label)\n\n" : "\n\(g.label): \(g.patients) patients, \(g.events) events\n"
        out += md ? stepTable(g).renderMarkdown() : stepTable(g).renderText()
        if let last = g.steps.last {
          out +=
            "MCF at \(NumberFormat.significant(last.time, digits: 6)): "
            + "\(NumberFormat.significant(last.estimate, digits: 4)) cramp nights per patient\n"
        }
      }
      if let c = fit.comparison {
        out +=
          "\nTest of equal rate functions: chisq= \(NumberFormat.significant(c.statistic, digits: 4))"
          + "  on \(c.degreesOfFreedom) df,   p=\(NumberFormat.pValue(c.pValue))\n"
        out += "   (\(MeanCumulativeFunction.Comparison.method))\n"
      }
      return out
    }
  }

  public var jsonBody: [String: JSONValue] {
    let groups: [JSONValue] = fit.groups.map { g in
      .object([
        "label": .string(g.label), "n_patients": .int(g.patients), "n_events": .int(g.events),
        "time": .array(g.steps.map { .number($0.time) }),
        "n_risk": .array(g.steps.map { .int($0.atRisk) }),
        "n_event": .array(g.steps.map { .int($0.events) }),
        "mcf": .array(g.steps.map { .number($0.estimate) }),
        "std_error": .array(g.steps.map { .number($0.standardError) }),
        "conf_low": .array(g.steps.map { .number($0.lower) }),
        "conf_high": .array(g.steps.map { .number($0.upper) }),
      ])
    }
    var comparison = JSONValue.null
    if let c = fit.comparison {
      comparison = .object([
        "statistic": .number(c.statistic), "df": .int(c.degreesOfFreedom),
        "p_value": .number(c.pValue), "method": .string(MeanCumulativeFunction.Comparison.method),
      ])
    }
    return [
      "model": .string(RecurrentModel.meanCumulativeFunction.rawValue),
      "formula": .string(formula),
      "estimand": .string(RecurrentModel.meanCumulativeFunction.estimand),
      "variance": .string("robust"),
      "variance_detail": .string("Lawless-Nadeau robust (patient influence)"),
      "conf_type": .string("log"),
      "confidence_level": .number(fit.confidenceLevel),
      "ties": RecurrentReportParts.tiesJSON(ties, method: "none"),
      "groups": .array(groups), "comparison": comparison, "coefficients": .array([]),
      "warnings": .array([]),
    ]
  }
}
