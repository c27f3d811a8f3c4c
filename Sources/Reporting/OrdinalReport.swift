import Ordinal

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The printed result of `crampstat severity`: MASS::polr's `summary` layout (coefficients,
/// then intercepts as thresholds), cumulative odds ratios, deviance and AIC, Brant's test of
/// proportional odds and the predicted distribution for a profile, in every output format.
public struct OrdinalReport: Sendable {
  /// A covariate profile and its predicted distribution over the response levels.
  public struct Prediction: Sendable {
    /// `(variable, value)` pairs as shown, in formula order.
    public var values: [(name: String, value: String)]
    /// Variables filled with the cohort median or mode (not given).
    public var filled: [String]
    /// `P(Y = level)`, one per response level.
    public var probabilities: [Double]

    public init(values: [(name: String, value: String)], filled: [String], probabilities: [Double])
    {
      self.values = values
      self.filled = filled
      self.probabilities = probabilities
    }
  }

  public var fit: CumulativeLinkFit
  public var formula: String
  /// Response column name, such as `severity`.
  public var response: String
  /// Data file name shown in the header.
  public var source: String
  public var clusterColumn: String?
  public var droppedRowCount: Int
  public var droppedByVariable: [String: Int]
  public var prediction: Prediction?
  /// Chart style for the distribution chart in text output; `nil` for none.
  public var chartStyle: ChartStyle?

  public init(
    fit: CumulativeLinkFit, formula: String, response: String, source: String,
    clusterColumn: String?, droppedRowCount: Int, droppedByVariable: [String: Int],
    prediction: Prediction?, chartStyle: ChartStyle? = nil
  ) {
    self.fit = fit
    self.formula = formula
    self.response = response
    self.source = source
    self.clusterColumn = clusterColumn
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
    self.prediction = prediction
    self.chartStyle = chartStyle
  }

  var linkName: String { fit.link == .logit ? "logistic" : "probit" }

  /// The R call this fit corresponds to.
  public var call: String {
    "MASS::polr(factor(\(response)) \(formulaRight), data, Hess = TRUE, "
      + "method = \"\(linkName)\")"
  }

  var formulaRight: String {
    guard let tilde = formula.firstIndex(of: "~") else { return formula }
    return String(formula[tilde...])
  }

  /// Notes, as sentences: the model's sign convention, the empty categories, the PO test.
  public var notes: [String] {
    var notes = [
      "Model: P(\(response) <= k) = F(zeta_k - x'beta) (polr's convention); a positive "
        + "coefficient means higher \(response)."
    ]
    if fit.link == .logit {
      notes.append(
        "exp(coef) is the cumulative odds ratio: the odds of \(response) above any threshold, "
          + "the same for every threshold under proportional odds.")
    }
    if !fit.unusedLevels.isEmpty {
      let list = fit.unusedLevels.joined(separator: ", ")
      notes.append(
        "\(response) \(list) occurs on no row used: as polr with factor(\(response)), "
          + "unused values are not levels, so no threshold separates them (\(spanning)).")
    }
    return notes
  }

  /// Thresholds that span an unused value, as `6|8`.
  var spanning: String {
    fit.thresholds.map(\.term).filter { name in
      let parts = name.split(separator: "|").compactMap { Int($0) }
      return parts.count == 2 && parts[1] - parts[0] > 1
    }.joined(separator: ", ")
  }

  var varianceDetail: String {
    guard fit.variance == .robust else { return "inverse observed information" }
    var text = "cluster-robust HC0 (no small-sample factor)"
    if let clusterColumn { text += " by \(clusterColumn)" }
    return text
  }

  func rows(_ estimates: [CumulativeLinkFit.Estimate], ratios: Bool) -> [CoefficientRow] {
    estimates.map { e in
      CoefficientRow(
        term: e.term, estimate: e.estimate, standardError: e.standardError,
        modelStandardError: e.modelStandardError, statistic: e.z, pValue: e.pValue,
        ratio: ratios ? exp(e.estimate) : nil, ratioLow: ratios ? exp(e.confLow) : nil,
        ratioHigh: ratios ? exp(e.confHigh) : nil)
    }
  }

  /// Renders the report.
  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .text: return text(markdown: false)
    case .markdown: return text(markdown: true)
    case .csv:
      return CoefficientTable.fullPrecision(
        rows(fit.coefficients, ratios: fit.link == .logit) + rows(fit.thresholds, ratios: false)
      ).renderCSV()
    case .json: return JSONValue.object(jsonBody).rendered()
    }
  }

  private func text(markdown: Bool) -> String {
    let heading = markdown ? "## " : ""
    let sub = { (title: String) in markdown ? "### \(title)\n\n" : "\(title):\n" }
    var out = "\(heading)Ordinal regression: cumulative \(fit.link.rawValue) model (MASS::polr)\n\n"
    out += "Formula: \(formula)\n"
    out += "Data: \(source); n = \(fit.n) rows with \(response)"
    if droppedRowCount > 0 {
      let dropped = droppedByVariable.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        .joined(separator: ", ")
      out += " (\(droppedRowCount) rows dropped for missing values: \(dropped))"
    }
    out += "\n"
    out += "Levels of \(response): \(fit.levels.joined(separator: " "))\n"
    if fit.variance == .robust {
      out += "Variance: cluster-robust sandwich (HC0, no small-sample factor)"
      if let clusterColumn { out += " by \(clusterColumn)" }
      if let k = fit.clusterCount { out += ", \(k) clusters" }
      out += "\n"
    } else {
      out += "Variance: inverse observed information (polr's vcov)\n"
    }
    out +=
      "Newton-Raphson: \(fit.converged ? "converged" : "did NOT converge") after \(fit.iterations) iterations\n\n"
    let showModel = fit.variance == .robust
    out += sub("Coefficients")
    let coefficients = CoefficientTable.estimates(
      rows(fit.coefficients, ratios: false), headers: .logistic, showModelSE: showModel)
    out += markdown ? coefficients.renderMarkdown() : coefficients.renderText()
    out += "\n" + sub("Thresholds (zeta)")
    let thresholds = CoefficientTable.estimates(
      rows(fit.thresholds, ratios: false), headers: .logistic, showModelSE: showModel)
    out += markdown ? thresholds.renderMarkdown() : thresholds.renderText()
    if !markdown { out += "---\n" + CoefficientTable.signifLegend + "\n" }
    if fit.link == .logit, !fit.coefficients.isEmpty {
      out += "\n" + sub("Cumulative odds ratios (odds of higher \(response))")
      let ratios = CoefficientTable.ratios(
        rows(fit.coefficients, ratios: true), headers: .logistic, level: fit.confidenceLevel,
        showMethod: false)
      out += markdown ? ratios.renderMarkdown() : ratios.renderText()
      out +=
        "(\(NumberFormat.significant(100 * fit.confidenceLevel, digits: 3))% intervals: Wald)\n"
    }
    out += "\n"
    out += "Residual deviance: \(NumberFormat.significant(fit.deviance, digits: 6))\n"
    out += "AIC: \(NumberFormat.significant(fit.aic, digits: 6))\n"
    out +=
      "Log-likelihood: \(NumberFormat.significant(fit.logLikelihood, digits: 7)) (df = \(fit.parameterCount))\n"
    out +=
      "\n"
      + sub("Proportional odds (Brant test: binary logits of Y > k, Wald test of equal slopes)")
    switch fit.proportionalOdds {
    case .brant(let test):
      var table = DataTable(headers: ["", "X2", "df", "Pr(>X2)"])
      table.append([
        "Omnibus", NumberFormat.significant(test.statistic, digits: 5),
        String(test.degreesOfFreedom), NumberFormat.pValue(test.pValue),
      ])
      for t in test.terms {
        table.append([
          t.term, NumberFormat.significant(t.statistic, digits: 5), String(t.degreesOfFreedom),
          NumberFormat.pValue(t.pValue),
        ])
      }
      out += markdown ? table.renderMarkdown() : table.renderText()
      out += "(a small p-value says the effect differs between thresholds)\n"
    case .notComputed(let reason):
      out += "not computed: \(reason)\n"
    }
    if let prediction {
      out += "\n" + sub("Predicted \(response) distribution for the profile")
      out +=
        prediction.values.map { name, value in
          "\(name) = \(value)" + (prediction.filled.contains(name) ? " (cohort median)" : "")
        }.joined(separator: ", ") + "\n\n"
      var table = DataTable(headers: [response, "probability", "cumulative"])
      var running = 0.0
      for (level, p) in zip(fit.levels, prediction.probabilities) {
        running += p
        table.append([
          level, NumberFormat.fixed(p, digits: 4), NumberFormat.fixed(min(running, 1), digits: 4),
        ])
      }
      out += markdown ? table.renderMarkdown() : table.renderText()
      if let chartStyle, !markdown {
        let chart = BarChart(
          bars: zip(fit.levels, prediction.probabilities).map { ($0, $1) },
          title: "P(\(response) = level)", valueDigits: 3)
        out += "\n" + chart.render(style: chartStyle)
      }
    }
    out += "\n" + sub("Notes")
    for note in notes { out += "- \(note)\n" }
    return out
  }

  /// The JSON object (without the envelope fields).
  public var jsonBody: [String: JSONValue] {
    let robust = fit.variance == .robust
    func json(_ e: CumulativeLinkFit.Estimate, ratio: Bool) -> JSONValue {
      var row = CoefficientJSON(
        term: e.term, estimate: e.estimate, standardError: e.standardError,
        modelStandardError: e.modelStandardError, robustStandardError: e.robustStandardError,
        statistic: e.z, pValue: e.pValue, confidenceLow: e.confLow, confidenceHigh: e.confHigh,
        ciMethod: "wald")
      if !ratio {
        row.ratio = nil
        row.ratioLow = nil
        row.ratioHigh = nil
      }
      return row.json
    }
    var body: [String: JSONValue] = [
      "formula": .string(formula), "call": .string(call), "link": .string(fit.link.rawValue),
      "n": .int(fit.n), "n_dropped": .int(droppedRowCount),
      "n_dropped_by_variable": .object(droppedByVariable.mapValues { .int($0) }),
      "converged": .bool(fit.converged), "iterations": .int(fit.iterations),
      "log_likelihood": .number(fit.logLikelihood), "deviance": .number(fit.deviance),
      "aic": .number(fit.aic), "variance": .string(fit.variance.rawValue),
      "variance_detail": .string(varianceDetail), "ci_method": .string("wald"),
      "confidence_level": .number(fit.confidenceLevel),
      "response_levels": .array(fit.levels.map { .string($0) }),
      "unused_levels": .array(fit.unusedLevels.map { .string($0) }),
      "coefficients": .array(fit.coefficients.map { json($0, ratio: fit.link == .logit) }),
      "thresholds": .array(fit.thresholds.map { json($0, ratio: false) }),
      "notes": .array(notes.map { .string($0) }),
      "warnings": .array(fit.diagnostics.map { .string($0.description) }),
    ]
    if robust, let k = fit.clusterCount { body["clusters"] = .int(k) }
    if let clusterColumn { body["cluster"] = .string(clusterColumn) }
    switch fit.proportionalOdds {
    case .brant(let test):
      body["proportional_odds"] = .object([
        "method": .string("brant"), "statistic": .number(test.statistic),
        "df": .int(test.degreesOfFreedom), "p_value": .number(test.pValue),
        "terms": .array(
          test.terms.map { t in
            .object([
              "term": .string(t.term), "statistic": .number(t.statistic),
              "df": .int(t.degreesOfFreedom), "p_value": .number(t.pValue),
            ])
          }),
      ])
    case .notComputed(let reason):
      body["proportional_odds"] = .object([
        "method": .string("brant"), "statistic": .null, "df": .null, "p_value": .null,
        "notes": .array([.string(reason)]),
      ])
    }
    if let prediction {
      var values: [String: JSONValue] = [:]
      for (name, value) in prediction.values { values[name] = .string(value) }
      var filled: [String: JSONValue] = [:]
      for name in prediction.filled { filled[name] = .string("cohort_median") }
      body["prediction"] = .object([
        "values": .object(values), "filled_from": .object(filled),
        "level_probabilities": .array(
          zip(fit.levels, prediction.probabilities).map { level, p in
            .object(["level": .string(level), "probability": .number(p)])
          }),
      ])
    }
    return body
  }
}
