import Recurrent

/// A Poisson or negative binomial rate model laid out as R's `summary.glm` / `glm.nb`.
public struct RecurrentRateReport: Sendable {
  public var fit: RateFit
  public var formula: String
  public var source: String

  public init(fit: RateFit, formula: String, source: String) {
    self.fit = fit
    self.formula = formula
    self.source = source
  }

  var isNegativeBinomial: Bool { fit.family == .negativeBinomial }

  /// The R call the model corresponds to.
  public var call: String {
    let rhs = formula.hasPrefix("~") ? String(formula.dropFirst()).trimmingLeadingSpaces() : formula
    let model = "\(fit.outcome) ~ \(rhs) + offset(log(nights))"
    return isNegativeBinomial
      ? "MASS::glm.nb(\(model))"
      : "glm(\(model), family = poisson)"
        + (fit.isRobust ? "; SE: sandwich::vcovCL(cluster = ~patient_id, type = \"HC0\")" : "")
  }

  var rows: [CoefficientRow] {
    fit.coefficients.map { c in
      CoefficientRow(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.modelStandardError, statistic: c.z, pValue: c.pValue,
        ratio: c.rateRatio, ratioLow: c.rateRatioLow, ratioHigh: c.rateRatioHigh,
        intervalMethod: fit.isRobust ? "Wald (robust SE)" : "Wald")
    }
  }

  var headers: CoefficientTable.Headers {
    CoefficientTable.Headers(
      estimate: "Estimate", standardError: fit.isRobust ? "Robust SE" : "Std. Error",
      modelStandardError: "Model SE", statistic: "z value", pValue: "Pr(>|z|)",
      ratio: "Rate ratio")
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv: return CoefficientTable.fullPrecision(rows).renderCSV()
    case .text, .markdown:
      let md = format == .markdown
      func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
      let title = RecurrentReportParts.title(fit.family)
      var out = md ? "## \(title)\n\n" : "\(title)\n\n"
      out += "Estimand: \(fit.family.estimand)\n"
      out += "Call: \(call)\n"
      out +=
        "Data: \(source): \(fit.patients) patients, "
        + "\(NumberFormat.significant(fit.totalEvents, digits: 10)) \(fit.outcome) over "
        + "\(NumberFormat.significant(fit.totalNights, digits: 10)) nights observed "
        + "(crude rate \(NumberFormat.significant(fit.crudeRatePerWeek, digits: 4)) per week)\n\n"
      out += md ? "" : "Coefficients:\n"
      out += table(CoefficientTable.estimates(rows, headers: headers, showModelSE: fit.isRobust))
      if !md { out += "---\n" + CoefficientTable.signifLegend + "\n" }
      let familyName =
        isNegativeBinomial
        ? "Negative Binomial(\(NumberFormat.significant(fit.theta, digits: 4)))" : "poisson"
      out += "\n(Dispersion parameter for \(familyName) family taken to be 1)\n\n"
      out +=
        "    Null deviance: \(NumberFormat.fixed(fit.nullDeviance, digits: 2))  on "
        + "\(fit.nullDegreesOfFreedom)  degrees of freedom\n"
      out +=
        "Residual deviance: \(NumberFormat.fixed(fit.deviance, digits: 2))  on "
        + "\(fit.residualDegreesOfFreedom)  degrees of freedom\n"
      out += "AIC: \(NumberFormat.significant(fit.aic, digits: 5))\n\n"
      out += "Number of Fisher Scoring iterations: \(fit.iterations)\n\n"
      if isNegativeBinomial {
        out += "              Theta:  \(NumberFormat.significant(fit.theta, digits: 4))\n"
        out +=
          "          Std. Err.:  \(NumberFormat.significant(fit.thetaStandardError, digits: 4))\n"
        out += "\n"
        out +=
          " 2 x log-likelihood:  \(NumberFormat.fixed(2 * fit.logLikelihood, digits: 3))\n\n"
      }
      out += "Rate ratios (cramp rate per night observed):\n"
      let ratioRows = rows.filter { $0.term != "(Intercept)" }
      out += table(
        CoefficientTable.ratios(
          ratioRows, headers: headers, level: fit.confidenceLevel, showMethod: false))
      if let base = fit.baselineRatePerWeek {
        out +=
          "\nRate at the reference values: \(NumberFormat.significant(base.estimate, digits: 4)) "
          + "\(fit.outcome) per week (\(NumberFormat.significant(100 * fit.confidenceLevel, digits: 3))% CI "
          + "\(NumberFormat.significant(base.low, digits: 4)) to "
          + "\(NumberFormat.significant(base.high, digits: 4)))\n"
      }
      return out
    }
  }

  public var jsonBody: [String: JSONValue] {
    let coefficients = fit.coefficients.map { c in
      CoefficientJSON(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.modelStandardError,
        robustStandardError: fit.isRobust ? c.standardError : nil, statistic: c.z,
        pValue: c.pValue, confidenceLow: c.confidenceLow, confidenceHigh: c.confidenceHigh,
        ciMethod: "wald"
      ).json
    }
    var body: [String: JSONValue] = [
      "model": .string(fit.family.rawValue), "formula": .string(formula), "call": .string(call),
      "estimand": .string(fit.family.estimand), "outcome": .string(fit.outcome),
      "variance": .string(fit.isRobust ? "robust" : "model"),
      "variance_detail": .string(
        fit.isRobust ? "cluster-robust HC0 by patient_id" : "inverse information"),
      "ci_method": .string("wald"),
      "coefficients": .array(coefficients), "deviance": .number(fit.deviance),
      "null_deviance": .number(fit.nullDeviance),
      "df_residual": .int(fit.residualDegreesOfFreedom), "df_null": .int(fit.nullDegreesOfFreedom),
      "log_likelihood": .number(fit.logLikelihood), "aic": .number(fit.aic),
      "iterations": .int(fit.iterations), "converged": .bool(fit.converged),
      "n_patients": .int(fit.patients), "n_dropped": .int(fit.droppedRowCount),
      "n_events": .number(fit.totalEvents), "total_nights": .number(fit.totalNights),
      "crude_rate_per_week": .number(fit.crudeRatePerWeek),
      "confidence_level": .number(fit.confidenceLevel), "ties": .null,
      "warnings": .array(fit.warnings.map { .string($0) }),
    ]
    if let base = fit.baselineRatePerWeek {
      body["baseline_rate_per_week"] = .object([
        "estimate": .number(base.estimate), "conf_low": .number(base.low),
        "conf_high": .number(base.high),
      ])
    }
    if isNegativeBinomial {
      body["theta"] = .number(fit.theta)
      body["theta_std_error"] = .number(fit.thetaStandardError)
      body["two_log_likelihood"] = .number(2 * fit.logLikelihood)
    }
    return body
  }
}

extension String {
  func trimmingLeadingSpaces() -> String {
    String(drop { $0 == " " })
  }
}
