import Formula
import Regression

/// The printed result of a logistic regression: R's `summary.glm` layout plus odds ratios,
/// goodness of fit and calibration, in every output format.
public struct LogisticReport: Sendable {
  public var fit: LogisticFit
  /// Data file name shown in the header.
  public var source: String
  /// Cluster column name, when the variance is cluster-robust.
  public var clusterColumn: String?

  public init(fit: LogisticFit, source: String, clusterColumn: String?) {
    self.fit = fit
    self.source = source
    self.clusterColumn = clusterColumn
  }

  /// Rows on the printed scale.
  public var rows: [CoefficientRow] {
    fit.coefficients.map { c in
      CoefficientRow(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.modelStandardError,
        statistic: fit.isFirth ? c.likelihoodRatioStatistic : c.z, pValue: c.pValue,
        ratio: c.expEstimate, ratioLow: c.expConfLow, ratioHigh: c.expConfHigh,
        intervalMethod: LogisticReport.methodLabel(c.intervalMethod))
    }
  }

  /// Short label of an interval method for tables and JSON.
  public static func methodLabel(_ m: IntervalMethod) -> String {
    switch m {
    case .wald: "Wald"
    case .waldRobust: "Wald (robust SE)"
    case .profilePenalizedLikelihood: "profile penalized likelihood"
    case .profileLikelihood: "profile likelihood"
    case .none: ""
    }
  }

  /// An interval method in the JSON vocabulary: `wald`, `profile` or `profile_penalized`
  /// (robust or not is the `variance` key's business); nil for no interval.
  public static func ciMethod(_ m: IntervalMethod) -> String? {
    switch m {
    case .wald, .waldRobust: "wald"
    case .profileLikelihood: "profile"
    case .profilePenalizedLikelihood: "profile_penalized"
    case .none: nil
    }
  }

  /// The fit's interval method for JSON: the most refined one any coefficient got
  /// (`profile_penalized`, then `profile`, then `wald`); each coefficient's own `ci_method`
  /// says which it got.
  public var ciMethod: String {
    let methods = Set(fit.coefficients.compactMap { Self.ciMethod($0.intervalMethod) })
    return ["profile_penalized", "profile", "wald"].first { methods.contains($0) } ?? "wald"
  }

  /// The variance in words for JSON's `variance_detail`.
  public var varianceDetail: String {
    guard fit.variance == .robust else {
      return fit.isFirth ? "inverse penalized information" : "inverse information"
    }
    var text = "cluster-robust HC0 (no small-sample factor)"
    if let clusterColumn { text += " by \(clusterColumn)" }
    return text
  }

  /// Dropped rows as `cramp 533, age 2`, sorted by name.
  var droppedText: String {
    fit.droppedByVariable.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
  }

  /// Renders the report.
  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .text: return text(markdown: false)
    case .markdown: return text(markdown: true)
    case .csv: return CoefficientTable.fullPrecision(rows).renderCSV()
    case .json: return JSONValue.object(jsonBody).rendered()
    }
  }

  private func text(markdown: Bool) -> String {
    var out = ""
    let heading = markdown ? "## " : ""
    out +=
      "\(heading)Logistic regression (binomial family, logit link)\(fit.isFirth ? ", Firth penalized likelihood" : "")\n\n"
    out += "Formula: \(fit.formula)\n"
    out += "Data: \(source); n = \(fit.n)"
    if fit.droppedRowCount > 0 {
      out += " (\(fit.droppedRowCount) rows dropped for missing values: \(droppedText))"
    }
    out += "\n"
    if fit.variance == .robust {
      out += "Variance: cluster-robust sandwich (HC0, no small-sample factor)"
      if let clusterColumn { out += " by \(clusterColumn)" }
      if let k = fit.clusterCount { out += ", \(k) clusters" }
      out += "\n"
    } else {
      out += "Variance: model-based (inverse information)\n"
    }
    out +=
      "Fisher scoring: \(fit.converged ? "converged" : "did NOT converge") after \(fit.iterations) iterations\n\n"
    let rows = self.rows
    let estimates = CoefficientTable.estimates(
      rows, headers: fit.isFirth ? .firth : .logistic, showModelSE: fit.variance == .robust)
    out += markdown ? "### Coefficients\n\n" : "Coefficients:\n"
    out += markdown ? estimates.renderMarkdown() : estimates.renderText()
    if fit.isFirth {
      out +=
        "(Chisq and Pr(>Chisq): penalized likelihood-ratio test of each coefficient = 0, as logistf; Wald z in JSON)\n"
    }
    if !markdown { out += "---\n" + CoefficientTable.signifLegend + "\n" }
    out += "\n"
    let methods = Set(rows.map(\.intervalMethod).filter { !$0.isEmpty })
    let ratios = CoefficientTable.ratios(
      rows, headers: .logistic, level: fit.confidenceLevel,
      showMethod: fit.isFirth || methods.count > 1)
    if markdown { out += "### Odds ratios\n\n" }
    out += markdown ? ratios.renderMarkdown() : ratios.renderText()
    if !(fit.isFirth || methods.count > 1), let m = methods.first {
      out +=
        "(\(NumberFormat.significant(100 * fit.confidenceLevel, digits: 3))% intervals: \(m))\n"
    }
    out += "\n"
    let dfModel = fit.rank
    out +=
      "    Null deviance: \(NumberFormat.significant(fit.nullDeviance, digits: 6))  on \(fit.dfNull)  degrees of freedom\n"
    out +=
      "Residual deviance: \(NumberFormat.significant(fit.deviance, digits: 6))  on \(fit.dfResidual)  degrees of freedom\n"
    out += "AIC: \(NumberFormat.significant(fit.aic, digits: 6))\n"
    out +=
      "Log-likelihood: \(NumberFormat.significant(fit.logLikelihood, digits: 7)) (df = \(dfModel))\n"
    if let lr = fit.likelihoodRatio {
      out +=
        "Likelihood ratio test vs null: chisq = \(NumberFormat.significant(lr.statistic, digits: 5)) on \(lr.degreesOfFreedom) df, p = \(NumberFormat.pValue(lr.pValue))\n"
    }
    if let auc = fit.auc {
      out +=
        "AUC: \(NumberFormat.fixed(auc.estimate, digits: 4)) (95% CI \(NumberFormat.fixed(auc.confLow, digits: 4)) to \(NumberFormat.fixed(auc.confHigh, digits: 4)), DeLong)\n"
    }
    if let hl = fit.hosmerLemeshow, let t = hl.test {
      out +=
        "Hosmer-Lemeshow (g = \(hl.groups.count)): X-squared = \(NumberFormat.significant(t.statistic, digits: 5)), df = \(t.degreesOfFreedom), p = \(NumberFormat.pValue(t.pValue))\n"
    } else if let hl = fit.hosmerLemeshow {
      out +=
        "Hosmer-Lemeshow: no test (\(hl.groups.count) groups of fitted risk; a group expects no event or fewer than 3 remain)\n"
    }
    if !fit.calibration.isEmpty {
      var cal = DataTable(headers: [
        "decile", "n", "predicted range", "mean predicted", "observed rate", "expected", "observed",
      ])
      for (i, g) in fit.calibration.enumerated() {
        cal.append([
          String(i + 1), String(g.count),
          "\(NumberFormat.fixed(g.lowerProbability, digits: 3))-\(NumberFormat.fixed(g.upperProbability, digits: 3))",
          NumberFormat.fixed(g.meanPredicted, digits: 4),
          NumberFormat.fixed(g.observedRate, digits: 4),
          NumberFormat.fixed(g.expectedEvents, digits: 1),
          NumberFormat.fixed(g.observedEvents, digits: 0),
        ])
      }
      out +=
        markdown
        ? "\n### Calibration by decile of predicted risk\n\n"
        : "\nCalibration by decile of predicted risk:\n"
      out += markdown ? cal.renderMarkdown() : cal.renderText()
    }
    return out
  }

  /// The JSON object of the issue's contract (without the envelope fields).
  public var jsonBody: [String: JSONValue] {
    let robust = fit.variance == .robust
    let coefficients: [JSONValue] = fit.coefficients.map { c in
      c.json(robust: robust, ciMethod: Self.ciMethod(c.intervalMethod))
    }
    var tests: [String: JSONValue] = [:]
    if let lr = fit.likelihoodRatio {
      tests["likelihood_ratio"] = .object([
        "statistic": .number(lr.statistic), "df": .int(lr.degreesOfFreedom),
        "p_value": .number(lr.pValue),
      ])
    }
    var body: [String: JSONValue] = [
      "formula": .string(fit.formula), "n": .int(fit.n), "n_dropped": .int(fit.droppedRowCount),
      "n_dropped_by_variable": .object(fit.droppedByVariable.mapValues { .int($0) }),
      "converged": .bool(fit.converged), "iterations": .int(fit.iterations),
      "log_likelihood": .number(fit.logLikelihood),
      "null_log_likelihood": .number(fit.nullLogLikelihood), "deviance": .number(fit.deviance),
      "null_deviance": .number(fit.nullDeviance), "aic": .number(fit.aic),
      "df_residual": .int(fit.dfResidual), "variance": .string(fit.variance.rawValue),
      "variance_detail": .string(varianceDetail), "ci_method": .string(ciMethod),
      "confidence_level": .number(fit.confidenceLevel),
      "coefficients": .array(coefficients), "tests": .object(tests),
      "firth": .bool(fit.isFirth),
      "warnings": .array(fit.diagnostics.map { .string($0.description) }),
    ]
    if let k = fit.clusterCount { body["clusters"] = .int(k) }
    if let clusterColumn { body["cluster"] = .string(clusterColumn) }
    if let p = fit.penalizedLogLikelihood { body["penalized_log_likelihood"] = .number(p) }
    body["auc"] =
      fit.auc.map {
        .object([
          "estimate": .number($0.estimate), "conf_low": .number($0.confLow),
          "conf_high": .number($0.confHigh), "method": .string("delong"),
        ])
      } ?? .null
    if let hl = fit.hosmerLemeshow, let t = hl.test {
      body["hosmer_lemeshow"] = .object([
        "statistic": .number(t.statistic), "df": .int(t.degreesOfFreedom),
        "p_value": .number(t.pValue), "n_groups": .int(hl.groups.count),
      ])
    } else {
      body["hosmer_lemeshow"] = .null
    }
    body["calibration"] = .array(
      fit.calibration.map { g in
        .object([
          "n": .int(g.count), "lower_probability": .number(g.lowerProbability),
          "upper_probability": .number(g.upperProbability),
          "mean_predicted": .number(g.meanPredicted), "observed_events": .number(g.observedEvents),
          "expected_events": .number(g.expectedEvents),
        ])
      })
    return body
  }
}

extension CoefficientEstimate {
  /// The coefficient in the common JSON row (``CoefficientJSON``); `robust` says whether
  /// ``standardError`` is a robust one.
  ///
  /// Firth's rows carry the penalized likelihood-ratio test as `statistic`/`p_value` with
  /// `test: "penalized_likelihood_ratio"`, and the Wald `z` with its own `wald_p_value`.
  func json(robust: Bool, ciMethod: String?) -> JSONValue {
    let isFirth = likelihoodRatioStatistic != nil
    var row = CoefficientJSON(
      term: term, estimate: estimate, standardError: standardError,
      modelStandardError: modelStandardError, robustStandardError: robust ? standardError : nil,
      statistic: isFirth ? likelihoodRatioStatistic : z, pValue: pValue, confidenceLow: confLow,
      confidenceHigh: confHigh, ratio: expEstimate, ratioLow: expConfLow,
      ratioHigh: expConfHigh, ciMethod: ciMethod
    ).json
    if case .object(var object) = row {
      object["test"] = .string(isFirth ? "penalized_likelihood_ratio" : "wald")
      if isFirth {
        object["z"] = .number(z)
        object["wald_p_value"] = .number(waldPValue)
      }
      row = .object(object)
    }
    return row
  }
}
