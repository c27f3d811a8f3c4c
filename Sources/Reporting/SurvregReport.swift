import Survival

#if canImport(Glibc)
  import Glibc
#endif

/// A parametric survival model laid out as R's `summary(survreg(...))`, with the Weibull's
/// hazard-ratio reading and an optional prediction for a covariate profile.
public struct SurvregReport: Sendable {
  /// Predictions for one covariate profile (`predict(type = "quantile")` and `S(t | x)`).
  public struct Prediction: Sendable {
    /// Variable -> value shown (given or filled in), in model order.
    public var profile: [(String, String)]
    /// Variables that took the cohort's typical value.
    public var filled: [String]
    /// The stratum whose scale was used (its label), when the model has strata.
    public var stratum: String?
    public var quantiles: [SurvregFit.Quantile]
    public var survival: [SurvregFit.SurvivalPoint]

    /// Creates a prediction block.
    public init(
      profile: [(String, String)], filled: [String], stratum: String?,
      quantiles: [SurvregFit.Quantile], survival: [SurvregFit.SurvivalPoint]
    ) {
      self.profile = profile
      self.filled = filled
      self.stratum = stratum
      self.quantiles = quantiles
      self.survival = survival
    }
  }

  public var fit: SurvregFit
  public var formula: String
  public var source: String
  public var droppedRowCount: Int
  public var droppedByVariable: [String: Int]
  /// The column of `cluster(...)`, for `variance_detail`.
  public var clusterColumn: String?
  public var prediction: Prediction?

  /// Creates the report of a fit.
  public init(
    fit: SurvregFit, formula: String, source: String, droppedRowCount: Int,
    droppedByVariable: [String: Int]
  ) {
    self.fit = fit
    self.formula = formula
    self.source = source
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
  }

  /// The text of a diagnostic, as a `Warning:` line.
  public static func describe(_ d: SurvregFit.Diagnostic) -> String {
    switch d {
    case .aliased(let term):
      return "'\(term)' is a linear combination of earlier terms: coefficient NA"
    case .didNotConverge(let iterations):
      return "Ran out of iterations and did not converge (\(iterations) Newton-Raphson "
        + "iterations; raise --max-iterations)"
    case .fewClusters(let count, let parameters):
      return "only \(count) clusters for \(parameters) parameters: the robust variance is "
        + "singular and its standard errors are unreliable"
    }
  }

  /// `Value Std. Error z p` (robust: `Value Std. Err (Naive SE) z p`) over the coefficients
  /// and the `Log(scale)` rows, as `printCoefmat(digits = 3)` in `print.summary.survreg`.
  public var coefficientTable: DataTable {
    let rows = fit.coefficients + fit.logScales
    var h = ["", "Value", fit.isRobust ? "Std. Err" : "Std. Error"]
    if fit.isRobust { h.append("(Naive SE)") }
    h += ["z", "p"]
    var t = DataTable(headers: h, alignments: h.indices.map { $0 == 0 ? .left : .right })
    var block = [rows.map(\.estimate), rows.map(\.standardError)]
    if fit.isRobust { block.append(rows.map(\.modelStandardError)) }
    let columns = NumberFormat.rCoefficientColumns(block, digits: 3)
    let z = NumberFormat.rStatisticColumn(rows.map(\.z), digits: 3)
    let p = NumberFormat.rFormatPValues(rows.map(\.pValue), digits: 2)
    for (i, c) in rows.enumerated() {
      t.append([c.term] + columns.map { $0[i] } + [z[i], p[i]])
    }
    return t
  }

  /// The Weibull coefficients as hazard ratios `exp(-coef / scale)` with delta-method limits.
  public var hazardRatioTable: DataTable? {
    let hrs = fit.hazardRatios
    guard !hrs.isEmpty else { return nil }
    let l = CoefficientTable.levelLabel(fit.confidenceLevel)
    var t = DataTable(headers: ["", "HR", "se(log HR)", "lower \(l)", "upper \(l)"])
    let columns = [
      hrs.map(\.hazardRatio), hrs.map(\.standardError), hrs.map(\.confidenceLow),
      hrs.map(\.confidenceHigh),
    ].map { NumberFormat.rRatioColumn($0.map { Optional($0) }) }
    for (i, h) in hrs.enumerated() { t.append([h.term] + columns.map { $0[i] }) }
    return t
  }

  /// The report as text, Markdown, CSV (the coefficient rows) or JSON.
  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv:
      let rows = (fit.coefficients + fit.logScales).map { c in
        CoefficientRow(
          term: c.term, estimate: c.estimate, standardError: c.standardError,
          modelStandardError: c.modelStandardError, statistic: c.z, pValue: c.pValue,
          ratio: c.estimate.map { exp($0) }, ratioLow: c.confidenceLow.map { exp($0) },
          ratioHigh: c.confidenceHigh.map { exp($0) },
          intervalMethod: fit.isRobust ? "Wald (robust SE)" : "Wald")
      }
      return CoefficientTable.fullPrecision(rows).renderCSV()
    case .text, .markdown:
      return renderText(markdown: format == .markdown)
    }
  }

  private func renderText(markdown md: Bool) -> String {
    func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
    var out =
      md ? "## Parametric survival model (survreg)\n\n" : "Parametric survival model (survreg)\n\n"
    out += "Formula: \(formula)\n"
    out += "Data: \(source)"
    if droppedRowCount > 0 {
      let d = droppedByVariable.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      out += " (\(droppedRowCount) rows dropped for missing values: \(d.joined(separator: ", ")))"
    }
    out += "\n"
    out += "Variance: "
    out +=
      fit.isRobust
      ? "robust sandwich" + (clusterColumn.map { " (cluster \($0))" } ?? "") : "model-based"
    out += "\n\n"
    out += table(coefficientTable)
    out += "\n"
    let scaleDigits = 3
    if fit.hasFixedScale {
      out += "Scale fixed at \(NumberFormat.rFormat([fit.scales[0]], digits: scaleDigits)[0])\n"
    } else if fit.scales.count == 1 {
      out += "Scale= \(NumberFormat.rFormat([fit.scales[0]], digits: scaleDigits)[0])\n"
    } else {
      var t = DataTable(
        headers: fit.strataLabels, alignments: fit.strataLabels.map { _ in .right })
      t.append(NumberFormat.rFormat(fit.scales.map { Optional($0) }, digits: scaleDigits))
      out += "Scale:\n" + table(t)
    }
    out += "\n\(fit.distribution.displayName) distribution\n"
    let lr = fit.likelihoodRatioTest
    out +=
      "Loglik(model)= \(NumberFormat.rFormat([NumberFormat.rRound(fit.logLikelihood, decimals: 1)])[0])"
      + "   Loglik(intercept only)= "
      + "\(NumberFormat.rFormat([NumberFormat.rRound(fit.nullLogLikelihood, decimals: 1)])[0])\n"
    if lr.degreesOfFreedom > 0 {
      out +=
        "\tChisq= \(NumberFormat.rFormat([NumberFormat.rRound(lr.statistic, decimals: 2)])[0])"
        + " on \(lr.degreesOfFreedom) degrees of freedom, p= "
        + "\(NumberFormat.rFormat([lr.pValue], digits: 2)[0])\n"
    }
    if fit.isRobust { out += "(Loglikelihood assumes independent observations)\n" }
    out += "Number of Newton-Raphson Iterations: \(fit.iterations)\n"
    out += "n= \(fit.count)"
    if droppedRowCount > 0 {
      out += " (\(droppedRowCount) observations deleted due to missingness)"
    }
    out += "\n"
    if let hr = hazardRatioTable {
      let title = "Hazard ratios (proportional hazards reading: HR = exp(-coef/scale))"
      out += md ? "\n### " + title + "\n\n" : "\n" + title + ":\n"
      out += table(hr)
    }
    if let prediction {
      out += "\n" + render(prediction, markdown: md)
    }
    return out
  }

  private func render(_ p: Prediction, markdown md: Bool) -> String {
    func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
    var out = md ? "### Prediction for a profile\n\n" : "Prediction for the profile:\n"
    var shown = p.profile.map { name, value in
      "\(name) = \(value)" + (p.filled.contains(name) ? " (cohort median)" : "")
    }
    if let stratum = p.stratum { shown.append("stratum \(stratum)") }
    out += shown.joined(separator: ", ") + "\n\n"
    let l = CoefficientTable.levelLabel(fit.confidenceLevel)
    if !p.quantiles.isEmpty {
      var t = DataTable(headers: ["p", "time", "std.err", "lower \(l)", "upper \(l)"])
      for q in p.quantiles {
        t.append(
          [NumberFormat.significant(q.probability, digits: 4)]
            + [q.estimate, q.standardError, q.confidenceLow, q.confidenceHigh].map {
              NumberFormat.significant($0, digits: 5)
            })
      }
      out += (md ? "" : "Quantiles of the time to event:\n") + table(t)
    }
    if !p.survival.isEmpty {
      var t = DataTable(headers: ["time", "survival", "std.err", "lower \(l)", "upper \(l)"])
      for s in p.survival {
        t.append(
          [NumberFormat.significant(s.time, digits: 6)]
            + [s.survival, s.standardError, s.confidenceLow, s.confidenceHigh].map {
              NumberFormat.fixed($0, digits: 4)
            })
      }
      out += (md ? "\n" : "\nSurvival at the times:\n") + table(t)
    }
    return out
  }

  /// The JSON body: the common coefficient rows, `scales` (the `Log(scale)` rows), the
  /// likelihood-ratio test, `hazard_ratios` (Weibull) and the `prediction`.
  public var jsonBody: [String: JSONValue] {
    func row(_ c: SurvregFit.Coefficient) -> JSONValue {
      CoefficientJSON(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.modelStandardError, robustStandardError: c.robustStandardError,
        statistic: c.z, pValue: c.pValue, confidenceLow: c.confidenceLow,
        confidenceHigh: c.confidenceHigh, ciMethod: "wald"
      ).json
    }
    let lr = fit.likelihoodRatioTest
    var body: [String: JSONValue] = [
      "formula": .string(formula), "distribution": .string(fit.distribution.rawValue),
      "n": .int(fit.count), "n_events": .int(fit.eventCount), "n_dropped": .int(droppedRowCount),
      "converged": .bool(fit.converged), "iterations": .int(fit.iterations),
      "log_likelihood": .number(fit.logLikelihood),
      "null_log_likelihood": .number(fit.nullLogLikelihood),
      "variance": .string(fit.isRobust ? "robust" : "model"),
      "variance_detail": .string(
        fit.isRobust
          ? "robust sandwich (grouped dfbeta)" + (clusterColumn.map { " by \($0)" } ?? "")
          : "inverse information"),
      "ci_method": .string("wald"), "confidence_level": .number(fit.confidenceLevel),
      "coefficients": .array(fit.coefficients.map(row)),
      "scales": .array(fit.logScales.map(row)),
      "tests": .object([
        "likelihood_ratio": .object([
          "statistic": .number(lr.statistic), "df": .int(lr.degreesOfFreedom),
          "p_value": .number(lr.pValue),
        ])
      ]),
      "hazard_ratios": .array(
        fit.hazardRatios.map { h in
          CoefficientJSON(
            term: h.term, estimate: h.logHazardRatio, standardError: h.standardError,
            modelStandardError: nil, robustStandardError: nil, statistic: nil, pValue: nil,
            confidenceLow: log(h.confidenceLow), confidenceHigh: log(h.confidenceHigh),
            ciMethod: "wald"
          ).json
        }),
      "warnings": .array(fit.diagnostics.map { .string(Self.describe($0)) }),
    ]
    if let clusterColumn { body["cluster"] = .string(clusterColumn) }
    if let k = fit.clusterCount { body["clusters"] = .int(k) }
    if let p = prediction {
      body["prediction"] = .object([
        "values": .object(
          Dictionary(p.profile.map { ($0.0, JSONValue.string($0.1)) }) { a, _ in a }),
        "filled_from": RiskReport.filledFromJSON(p.filled),
        "stratum": .string(p.stratum),
        "quantiles": .array(
          p.quantiles.map { q in
            .object([
              "probability": .number(q.probability), "estimate": .number(q.estimate),
              "std_error": .number(q.standardError), "conf_low": .number(q.confidenceLow),
              "conf_high": .number(q.confidenceHigh),
            ])
          }),
        "at_times": .array(
          p.survival.map { s in
            .object([
              "time": .number(s.time), "survival": .number(s.survival),
              "std_error": .number(s.standardError), "conf_low": .number(s.confidenceLow),
              "conf_high": .number(s.confidenceHigh),
            ])
          }),
      ])
    }
    return body
  }
}
