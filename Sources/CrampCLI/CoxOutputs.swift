import Analysis
import CrampData
import Formula
import LinearAlgebra
import Reporting
import Survival

/// Secondary outputs of `crampstat cox`: residual files, term groups, predictions.
enum CoxOutputs {
  /// Residuals as a table: `line` (the data row's line), then one column per residual.
  static func residuals(
    _ type: String, fit: CoxFit, design: DesignMatrix, names: [String]
  ) throws(CLIError) -> DataTable {
    func number(_ v: Double) -> String? { v.isFinite ? JSONValue.format(v) : nil }
    var table: DataTable
    do {
      switch type {
      case "martingale", "deviance":
        let r = type == "martingale" ? fit.martingaleResiduals : fit.devianceResiduals
        table = DataTable(headers: ["line", type])
        for (i, v) in r.enumerated() { table.append([String(design.lineNumbers[i]), number(v)]) }
      case "schoenfeld":
        let s = fit.schoenfeldResiduals
        table = DataTable(headers: ["line", "time"] + names)
        for (k, row) in s.rows.enumerated() {
          table.append(
            [String(design.lineNumbers[row]), number(s.times[k])]
              + (0..<names.count).map { number(s.residuals[k, $0]) })
        }
      default:
        let m = type == "score" ? fit.scoreResiduals : try fit.dfbetaResiduals()
        table = DataTable(headers: ["line"] + names)
        for i in 0..<m.rows {
          table.append([String(design.lineNumbers[i])] + (0..<names.count).map { number(m[i, $0]) })
        }
      }
    } catch {
      throw .data(String(describing: error))
    }
    return table
  }

  /// The rows of a residual table as JSON records (numbers as numbers, NA as null).
  static func records(_ table: DataTable) -> JSONValue {
    .array(
      table.rows.map { row in
        var object: [String: JSONValue] = [:]
        for (name, cell) in zip(table.headers, row) {
          object[name] = cell.flatMap(Double.init).map { JSONValue.number($0) } ?? .null
        }
        return .object(object)
      })
  }

  /// The survival curve for a covariate profile given as `name=value,...`.
  static func predict(
    _ text: String, fit: CoxFit, design: DesignMatrix, table: Table, level: Double
  ) throws(CLIError) -> CoxPrediction {
    do {
      let values = try ProfileError.parse(text)
      let variables = ProfileDesign.variables(of: design.formula, design: design, table: table)
      let (row, filled) = try ProfileDesign.row(
        rightHandSide: ProfileDesign.rightHandSide(design.formula), references: [:],
        variables: variables, values: values, columnNames: design.columnNames,
        splineBases: design.splineBases)
      let profile = zip(design.columnNames, row).filter { $0.0 != "(Intercept)" }.map(\.1)
      let steps = try fit.predictSurvival(profile: profile, confidenceLevel: level)
      var shown: [(String, String)] = []
      for v in variables { shown.append((v.name, values[v.name] ?? v.typicalValue)) }
      return CoxPrediction(profile: shown, filled: filled, steps: steps, level: level)
    } catch let error as CLIError {
      throw error
    } catch {
      throw .data("--predict: \(error)")
    }
  }
}

/// A predicted survival curve for one covariate profile (R's `survfit(fit, newdata)`).
struct CoxPrediction {
  var profile: [(String, String)]
  var filled: [String]
  var steps: [CoxFit.PredictedStep]
  var level: Double

  func render(markdown: Bool, style: ChartStyle?) -> String {
    var out =
      markdown
      ? "### Predicted survival for a profile\n\n" : "Predicted survival for the profile:\n"
    out +=
      profile.map { name, value in
        "\(name) = \(value)" + (filled.contains(name) ? " (cohort median)" : "")
      }.joined(separator: ", ") + "\n\n"
    let pct = Int((level * 100).rounded())
    var t = DataTable(headers: [
      "time", "survival", "std.err", "lower \(pct)% CI", "upper \(pct)% CI", "cumhaz",
    ])
    let ticks = ChartAxis.linear(lower: 0, upper: steps.last?.time ?? 1).ticks.filter { $0 > 0 }
    for tick in ticks {
      // The curve is right-continuous: its value at `tick` is that of the last step at or before.
      guard let s = steps.last(where: { $0.time <= tick }) else { continue }
      t.append([
        NumberFormat.significant(tick, digits: 6), NumberFormat.fixed(s.survival, digits: 4),
        NumberFormat.fixed(s.standardError, digits: 4),
        NumberFormat.fixed(s.confidenceLow, digits: 4),
        NumberFormat.fixed(s.confidenceHigh, digits: 4),
        NumberFormat.significant(s.cumulativeHazard, digits: 4),
      ])
    }
    out += markdown ? t.renderMarkdown() : t.renderText()
    if let style {
      let curve = StepChart.Curve(
        label: "profile", points: steps.map { (time: $0.time, value: $0.survival) },
        lower: steps.map { $0.confidenceLow ?? .nan },
        upper: steps.map { $0.confidenceHigh ?? .nan })
      let chart = StepChart(curves: [curve], title: "Predicted survival", xTitle: "Time")
        .render(style: style)
      out += markdown ? "\n```text\n" + chart + "```\n" : "\n" + chart
    }
    return out
  }

  var jsonBody: [String: JSONValue] {
    [
      "values": .object(
        Dictionary(profile.map { ($0.0, JSONValue.string($0.1)) }) { a, _ in a }),
      "filled_from": RiskReport.filledFromJSON(filled),
      "filled_from_cohort_median": .array(filled.map { .string($0) }),
      "steps": .array(
        steps.map { s in
          .object([
            "time": .number(s.time), "survival": .number(s.survival),
            "std_error": .number(s.standardError), "conf_low": .number(s.confidenceLow),
            "conf_high": .number(s.confidenceHigh),
            "cumulative_hazard": .number(s.cumulativeHazard),
          ])
        }),
    ]
  }
}
