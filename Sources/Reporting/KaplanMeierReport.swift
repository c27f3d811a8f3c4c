import Survival

/// Kaplan-Meier results laid out as R's `print.survfit` and `summary.survfit`.
public struct KaplanMeierReport: Sendable {
  public var fit: KaplanMeierFit
  public var formula: String
  /// Times for the survival table (`--times`), if any.
  public var times: [Double]
  /// Horizon of the restricted mean (`--rmean`), if any.
  public var restrictedMeanHorizon: Double?
  /// Cumulative hazard estimator to tabulate (`--cumhaz`), if any.
  public var cumulativeHazard: KaplanMeierFit.HazardType?

  public init(
    fit: KaplanMeierFit, formula: String, times: [Double] = [],
    restrictedMeanHorizon: Double? = nil,
    cumulativeHazard: KaplanMeierFit.HazardType? = nil
  ) {
    self.fit = fit
    self.formula = formula
    self.times = times
    self.restrictedMeanHorizon = restrictedMeanHorizon
    self.cumulativeHazard = cumulativeHazard
  }

  var levelText: String {
    let t = NumberFormat.significant(fit.confidenceLevel, digits: 3)
    return t.hasPrefix("0.") ? String(t.dropFirst()) : t
  }

  /// `n events median 0.95LCL 0.95UCL` per curve.
  public var medianTable: DataTable {
    var t = DataTable(headers: [
      "", "n", "events", "median", "0\(levelText)LCL", "0\(levelText)UCL",
    ])
    for c in fit.curves {
      let m = c.median
      t.append([
        c.label, String(c.count), NumberFormat.significant(c.events, digits: 6),
        m.estimate.map { NumberFormat.significant($0, digits: 6) },
        m.low.map { NumberFormat.significant($0, digits: 6) },
        m.high.map { NumberFormat.significant($0, digits: 6) },
      ])
    }
    return t
  }

  /// The survival table at chosen times for one curve (`summary(fit, times = )`).
  func timesTable(_ c: KaplanMeierFit.Curve) -> DataTable {
    var t = DataTable(headers: [
      "time", "n.risk", "n.event", "survival", "std.err",
      "lower \(Int((fit.confidenceLevel * 100).rounded()))% CI",
      "upper \(Int((fit.confidenceLevel * 100).rounded()))% CI",
    ])
    for p in c.survival(at: times) {
      t.append([
        NumberFormat.significant(p.time, digits: 6), NumberFormat.significant(p.atRisk, digits: 6),
        NumberFormat.significant(p.events, digits: 6), NumberFormat.fixed(p.survival, digits: 4),
        NumberFormat.fixed(p.standardError, digits: 4),
        NumberFormat.fixed(p.confidenceLow, digits: 4),
        NumberFormat.fixed(p.confidenceHigh, digits: 4),
      ])
    }
    return t
  }

  /// Renders the report.
  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv: return stepTable(fullPrecision: true).renderCSV()
    case .text, .markdown:
      let md = format == .markdown
      func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
      var out = md ? "## Kaplan-Meier estimate\n\n" : "Kaplan-Meier estimate\n\n"
      out += "Formula: \(formula)\n"
      out +=
        "Confidence intervals: \(fit.confidenceType.rawValue) transform, Greenwood variance, level \(NumberFormat.significant(fit.confidenceLevel, digits: 3))\n\n"
      out += table(medianTable)
      if !times.isEmpty {
        for c in fit.curves {
          out += md ? "\n### \(c.label)\n\n" : "\n                \(c.label)\n"
          out += table(timesTable(c))
        }
      }
      if let h = restrictedMeanHorizon {
        var t = DataTable(headers: ["", "rmean", "se(rmean)", "horizon"])
        for c in fit.curves {
          let r = c.restrictedMean(horizon: h)
          t.append([
            c.label, NumberFormat.significant(r.mean, digits: 5),
            NumberFormat.significant(r.standardError, digits: 4),
            NumberFormat.significant(h, digits: 6),
          ])
        }
        out +=
          (md ? "\n### Restricted mean survival\n\n" : "\nRestricted mean survival time:\n")
          + table(t)
      }
      if let type = cumulativeHazard {
        let name = type == .nelsonAalen ? "Nelson-Aalen" : "Fleming-Harrington"
        for c in fit.curves {
          var t = DataTable(headers: ["time", "cumhaz", "std.err"])
          for p in c.cumulativeHazard(type) {
            t.append([
              NumberFormat.significant(p.time, digits: 6),
              NumberFormat.significant(p.cumulativeHazard, digits: 5),
              NumberFormat.significant(p.standardError, digits: 4),
            ])
          }
          out +=
            (md
              ? "\n### \(name) cumulative hazard, \(c.label)\n\n"
              : "\n\(name) cumulative hazard, \(c.label):\n") + table(t)
        }
      }
      return out
    }
  }

  /// Every step of every curve (`summary(fit)`), for CSV.
  func stepTable(fullPrecision: Bool) -> DataTable {
    var t = DataTable(headers: [
      "strata", "time", "n_risk", "n_event", "n_censor", "survival", "std_error", "conf_low",
      "conf_high",
    ])
    func f(_ v: Double?) -> String? {
      guard let v, v.isFinite else { return nil }
      return JSONValue.format(v)
    }
    for c in fit.curves {
      for s in c.steps {
        t.append([
          c.label, f(s.time), f(s.atRisk), f(s.events), f(s.censored), f(s.survival),
          f(s.standardError), f(s.confidenceLow), f(s.confidenceHigh),
        ])
      }
    }
    return t
  }

  /// The JSON object of the contract (without the envelope).
  public var jsonBody: [String: JSONValue] {
    let strata: [JSONValue] = fit.curves.map { c in
      let m = c.median
      var o: [String: JSONValue] = [
        "label": .string(c.label), "n": .int(c.count), "n_events": .number(c.events),
        "median": .number(m.estimate), "median_conf_low": .number(m.low),
        "median_conf_high": .number(m.high),
        "steps": .array(
          c.steps.map { s in
            .object([
              "time": .number(s.time), "n_risk": .number(s.atRisk), "n_event": .number(s.events),
              "n_censor": .number(s.censored), "survival": .number(s.survival),
              "std_error": .number(s.standardError), "conf_low": .number(s.confidenceLow),
              "conf_high": .number(s.confidenceHigh),
            ])
          }),
      ]
      if !times.isEmpty {
        o["at_times"] = .array(
          c.survival(at: times).map { p in
            .object([
              "time": .number(p.time), "n_risk": .number(p.atRisk), "n_event": .number(p.events),
              "survival": .number(p.survival), "std_error": .number(p.standardError),
              "conf_low": .number(p.confidenceLow), "conf_high": .number(p.confidenceHigh),
            ])
          })
      }
      if let h = restrictedMeanHorizon {
        let r = c.restrictedMean(horizon: h)
        o["rmean"] = .object([
          "horizon": .number(h), "estimate": .number(r.mean), "std_error": .number(r.standardError),
        ])
      }
      if let type = cumulativeHazard {
        o["cumulative_hazard"] = .array(
          c.cumulativeHazard(type).map { p in
            .object([
              "time": .number(p.time), "cumulative_hazard": .number(p.cumulativeHazard),
              "std_error": .number(p.standardError),
            ])
          })
      }
      return .object(o)
    }
    return [
      "formula": .string(formula), "conf_type": .string(fit.confidenceType.rawValue),
      "confidence_level": .number(fit.confidenceLevel), "strata": .array(strata),
    ]
  }
}

/// A log-rank (G-rho) test laid out as R's `print.survdiff`.
public struct LogRankReport: Sendable {
  public var result: LogRankResult
  public var formula: String

  public init(result: LogRankResult, formula: String) {
    self.result = result
    self.formula = formula
  }

  public var table: DataTable {
    var t = DataTable(headers: ["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"])
    for g in result.groups {
      t.append([
        g.label, String(g.count), NumberFormat.significant(g.observed, digits: 6),
        NumberFormat.significant(g.expected, digits: 3),
        NumberFormat.significant(g.chiSquaredOverExpected, digits: 3),
        NumberFormat.significant(g.chiSquaredOverVariance, digits: 3),
      ])
    }
    return t
  }

  /// `Chisq= 10.3  on 1 degrees of freedom, p= 0.001`.
  public var summaryLine: String {
    "Chisq= \(NumberFormat.significant(result.statistic, digits: 3))  on \(result.degreesOfFreedom) degrees of freedom, p= \(NumberFormat.pValue(result.pValue))"
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv:
      var t = DataTable(headers: ["label", "n", "observed", "expected", "variance"])
      for g in result.groups {
        t.append([
          g.label, String(g.count), JSONValue.format(g.observed), JSONValue.format(g.expected),
          JSONValue.format(g.variance),
        ])
      }
      return t.renderCSV()
    case .text:
      let test =
        result.rho == 0
        ? "Log-rank test" : "G-rho test, rho = \(NumberFormat.significant(result.rho, digits: 4))"
      return "\(test)\nFormula: \(formula)\n\n" + table.renderText() + "\n " + summaryLine + "\n"
    case .markdown:
      let test =
        result.rho == 0
        ? "Log-rank test" : "G-rho test (rho = \(NumberFormat.significant(result.rho, digits: 4)))"
      return "## \(test)\n\nFormula: `\(formula)`\n\n" + table.renderMarkdown() + "\n" + summaryLine
        + "\n"
    }
  }

  public var jsonBody: [String: JSONValue] {
    [
      "formula": .string(formula), "rho": .number(result.rho),
      "groups": .array(
        result.groups.map { g in
          .object([
            "label": .string(g.label), "n": .int(g.count), "observed": .number(g.observed),
            "expected": .number(g.expected), "variance": .number(g.variance),
          ])
        }),
      "statistic": .number(result.statistic), "df": .int(result.degreesOfFreedom),
      "p_value": .number(result.pValue),
    ]
  }
}
