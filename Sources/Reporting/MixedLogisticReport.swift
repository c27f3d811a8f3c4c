import Foundation
import MixedModels
import Regression

/// The printed result of a random-effects logistic regression: R's `summary(glmer)` layout
/// (fit criteria, random effects, fixed effects) plus odds ratios, the latent-scale ICC and the
/// median odds ratio, in every output format.
public struct MixedLogisticReport: Sendable {
  public var fit: MixedLogisticFit
  /// Data file name shown in the header.
  public var source: String

  public init(fit: MixedLogisticFit, source: String) {
    self.fit = fit
    self.source = source
  }

  /// Coefficient rows on the printed scale (odds ratios; hazard ratios for cloglog).
  public var rows: [CoefficientRow] {
    fit.coefficients.map { c in
      CoefficientRow(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.modelStandardError, statistic: c.z, pValue: c.pValue,
        ratio: c.expEstimate, ratioLow: c.expConfLow, ratioHigh: c.expConfHigh,
        intervalMethod: LogisticReport.methodLabel(c.intervalMethod))
    }
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

  private var methodText: String {
    fit.method == .laplace
      ? "Laplace Approximation"
      : "Adaptive Gauss-Hermite Quadrature, nAGQ = \(fit.quadraturePoints)"
  }

  private func text(markdown: Bool) -> String {
    var out = ""
    let heading = markdown ? "## " : ""
    out +=
      "\(heading)Generalized linear mixed model fit by maximum likelihood (\(methodText)) "
      + "[glmerMod]\n"
    out += " Family: binomial  ( \(fit.link.rawValue) )\n\n"
    out += "Formula: \(fit.formula)\n"
    out += "Data: \(source); n = \(fit.n)"
    if fit.droppedRowCount > 0 {
      out += " (\(fit.droppedRowCount) rows dropped for missing values)"
    }
    out += "\n\n"
    var criteria = DataTable(
      headers: ["AIC", "BIC", "logLik", "deviance", "df.resid"],
      alignments: Array(repeating: .right, count: 5))
    criteria.append([
      NumberFormat.fixed(fit.aic, digits: 1), NumberFormat.fixed(fit.bic, digits: 1),
      NumberFormat.fixed(fit.logLikelihood, digits: 1),
      NumberFormat.fixed(fit.deviance, digits: 1), String(fit.n - fit.parameterCount),
    ])
    out += markdown ? criteria.renderMarkdown() : criteria.renderText()
    out += "\n"
    out += markdown ? "### Random effects\n\n" : "Random effects:\n"
    var random = DataTable(
      headers: ["Groups", "Name", "Variance", "Std.Dev."]
        + (fit.correlations.isEmpty ? [] : ["Corr"]))
    for (index, v) in fit.variances.enumerated() {
      var row: [String?] = [
        index == 0 ? fit.group : "", v.term, NumberFormat.significant(v.variance, digits: 4),
        NumberFormat.significant(v.standardDeviation, digits: 4),
      ]
      if !fit.correlations.isEmpty {
        row.append(index == 0 ? "" : NumberFormat.fixed(fit.correlations[0].estimate, digits: 2))
      }
      random.append(row)
    }
    out += markdown ? random.renderMarkdown() : random.renderText()
    out += markdown ? "\n" : ""
    out += "Number of obs: \(fit.n), groups:  \(fit.group), \(fit.groupCount)\n"
    if let ci = standardDeviationInterval {
      let how =
        ci.method == "profile"
        ? "profile likelihood, as lme4's confint(method = \"profile\")"
        : "Wald on log SD from the Hessian; '--ci profile' gives lme4's profile limits"
      out +=
        "Std.Dev. of (Intercept) \(NumberFormat.significant(100 * fit.confidenceLevel, digits: 3))% "
        + "CI: \(NumberFormat.significant(ci.low, digits: 4)) to "
        + "\(NumberFormat.significant(ci.high, digits: 4)) (\(how))\n"
    }
    out += "\n"
    let estimates = CoefficientTable.estimates(rows, headers: .logistic, showModelSE: false)
    out += markdown ? "### Fixed effects\n\n" : "Fixed effects:\n"
    out += markdown ? estimates.renderMarkdown() : estimates.renderText()
    if !markdown { out += "---\n" + CoefficientTable.signifLegend + "\n" }
    out += "\n"
    let ratios = CoefficientTable.ratios(
      rows, headers: fit.link == .logit ? .logistic : hazardHeaders, level: fit.confidenceLevel,
      showMethod: false)
    if markdown { out += fit.link == .logit ? "### Odds ratios\n\n" : "### Hazard ratios\n\n" }
    out += markdown ? ratios.renderMarkdown() : ratios.renderText()
    out +=
      "(\(NumberFormat.significant(100 * fit.confidenceLevel, digits: 3))% Wald intervals, "
      + "conditional on the \(fit.group) random effect)\n\n"
    if let icc = fit.intraclassCorrelation {
      let scale = fit.link == .logit ? "pi^2/3" : "pi^2/6"
      out +=
        "ICC (latent scale): \(NumberFormat.fixed(icc, digits: 3)) = sigma^2 / (sigma^2 + "
        + "\(scale)): the share of the latent \(fit.link == .logit ? "log-odds" : "log-hazard") "
        + "variance that lies between \(fit.group) groups.\n"
    }
    if let mor = fit.medianOddsRatio {
      let name = fit.link == .logit ? "Median odds ratio" : "Median hazard ratio"
      out +=
        "\(name): \(NumberFormat.fixed(mor, digits: 3)) = exp(sqrt(2 sigma^2) qnorm(0.75)): "
        + "comparing two random \(fit.group) groups with the same covariates, the "
        + "higher-risk one has this median ratio.\n"
    }
    out +=
      "Optimizer: Newton on the deviance, \(fit.converged ? "converged" : "did NOT converge") "
      + "after \(fit.iterations) iterations; max|gradient| "
      + "\(Self.small(fit.gradientMaximum)), max|scaled gradient| "
      + "\(Self.small(fit.scaledGradientMaximum))\n"
    if fit.isSingular { out += "boundary (singular) fit: see help('isSingular')\n" }
    return out
  }

  /// The random-intercept SD's interval: the profile one when computed, else Wald on the
  /// log scale; `method` is `profile` or `wald`.
  var standardDeviationInterval: (low: Double, high: Double, method: String)? {
    if let p = fit.interceptStandardDeviationProfile, p.count == 2 {
      return (p[0], p[1], "profile")
    }
    return fit.interceptStandardDeviationInterval.map { ($0.low, $0.high, "wald") }
  }

  /// `< 1e-6` for a converged gradient (its digits are rounding), else `= 2.3e-04`.
  private static func small(_ value: Double) -> String {
    value < 1e-6 ? "< 1e-6" : "= " + NumberFormat.scientific(value, digits: 2)
  }

  private var hazardHeaders: CoefficientTable.Headers {
    var headers = CoefficientTable.Headers.logistic
    headers.ratio = "HR"
    return headers
  }

  /// The JSON object of the issue's contract (without the envelope fields).
  public var jsonBody: [String: JSONValue] {
    let coefficients: [JSONValue] = fit.coefficients.map { c in
      c.json(robust: false, ciMethod: c.intervalMethod == .none ? nil : "wald")
    }
    let random: JSONValue = .object([
      "group": .string(fit.group), "n_groups": .int(fit.groupCount),
      "terms": .array(
        fit.variances.enumerated().map { index, v in
          var term: [String: JSONValue] = [
            "term": .string(v.term), "variance": .number(v.variance),
            "std_dev": .number(v.standardDeviation),
          ]
          if index == 0, let ci = standardDeviationInterval {
            term["std_dev_conf_low"] = .number(ci.low)
            term["std_dev_conf_high"] = .number(ci.high)
            term["std_dev_ci_method"] = .string(ci.method)
          }
          return .object(term)
        }),
      "correlations": .array(
        fit.correlations.map {
          .object(["terms": .array($0.terms.map { .string($0) }), "estimate": .number($0.estimate)])
        }),
      "method": .string(fit.method.rawValue), "nagq": .int(fit.quadraturePoints),
    ])
    return [
      "formula": .string(fit.formula), "n": .int(fit.n), "n_dropped": .int(fit.droppedRowCount),
      "link": .string(fit.link.rawValue), "converged": .bool(fit.converged),
      "iterations": .int(fit.iterations), "log_likelihood": .number(fit.logLikelihood),
      "deviance": .number(fit.deviance), "aic": .number(fit.aic), "bic": .number(fit.bic),
      "df_residual": .int(fit.n - fit.parameterCount), "ci_method": .string("wald"),
      "confidence_level": .number(fit.confidenceLevel), "coefficients": .array(coefficients),
      "random_effects": random, "theta": .array(fit.theta.map { .number($0) }),
      "icc": .number(fit.intraclassCorrelation),
      "median_odds_ratio": .number(fit.medianOddsRatio),
      "is_singular": .bool(fit.isSingular),
      "gradient_max": .number(fit.gradientMaximum),
      "scaled_gradient_max": .number(fit.scaledGradientMaximum),
      "warnings": .array(fit.diagnostics.map { .string($0.description) }),
    ]
  }

  /// `--ranef FILE`: one row per group and random-effect term, full precision.
  ///
  /// Columns: `group, rows, term, mode, cond_sd` (lme4's `ranef(fit, condVar = TRUE)`: the
  /// conditional mode `b~` and the square root of its conditional variance).
  public var conditionalModesCSV: String {
    var out = "\(csvField(fit.group)),rows,term,mode,cond_sd\n"
    for mode in fit.conditionalModes {
      for (j, term) in fit.variances.map(\.term).enumerated() {
        out +=
          "\(csvField(mode.group)),\(mode.rows),\(csvField(term)),"
          + "\(JSONValue.format(mode.modes[j])),"
          + "\(JSONValue.format(mode.conditionalStandardDeviations[j]))\n"
      }
    }
    return out
  }

  private func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
