import Regression

/// A GEE fit laid out as `summary(geepack::geeglm(...))`, with odds ratios.
public struct GEEReport: Sendable {
  public var fit: GEEFit
  public var source: String
  public var idColumn: String

  public init(fit: GEEFit, source: String, idColumn: String) {
    self.fit = fit
    self.source = source
    self.idColumn = idColumn
  }

  var rows: [CoefficientRow] {
    fit.coefficients.map { c in
      CoefficientRow(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.modelStandardError, statistic: c.z.map { $0 * $0 },
        pValue: c.pValue, ratio: c.expEstimate, ratioLow: c.expConfLow, ratioHigh: c.expConfHigh,
        intervalMethod: "Wald (sandwich SE)")
    }
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv: return CoefficientTable.fullPrecision(rows).renderCSV()
    case .text, .markdown:
      let md = format == .markdown
      func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
      var out =
        md ? "## GEE logistic regression\n\n" : "GEE logistic regression (binomial, logit link)\n\n"
      out += "Formula: \(fit.formula)\n"
      out += "Data: \(source); n = \(fit.n), \(fit.clusterCount) clusters by \(idColumn)"
      if fit.droppedRowCount > 0 { out += " (\(fit.droppedRowCount) rows dropped)" }
      out +=
        "\nWorking correlation: \(fit.correlation.rawValue); \(fit.converged ? "converged" : "did NOT converge") after \(fit.iterations) iterations\n\n"
      let headers = CoefficientTable.Headers(
        estimate: "Estimate", standardError: "Std.err", modelStandardError: "Naive SE",
        statistic: "Wald", pValue: "Pr(>|W|)", ratio: "OR")
      out += table(CoefficientTable.estimates(rows, headers: headers, showModelSE: true))
      if !md { out += "---\n" + CoefficientTable.signifLegend + "\n" }
      out += "\n"
      out += table(
        CoefficientTable.ratios(
          rows, headers: headers, level: fit.confidenceLevel, showMethod: false))
      out += "\nEstimated scale parameter: \(NumberFormat.significant(fit.scale, digits: 6))\n"
      if let alpha = fit.alpha {
        out +=
          "Estimated correlation parameter: alpha = \(NumberFormat.significant(alpha, digits: 6))\n"
      }
      return out
    }
  }

  public var jsonBody: [String: JSONValue] {
    [
      "formula": .string(fit.formula), "n": .int(fit.n), "n_dropped": .int(fit.droppedRowCount),
      "clusters": .int(fit.clusterCount), "cluster": .string(idColumn),
      "correlation": .string(fit.correlation.rawValue), "alpha": .number(fit.alpha),
      "scale": .number(fit.scale), "iterations": .int(fit.iterations),
      "converged": .bool(fit.converged), "variance": .string("robust"),
      "variance_detail": .string("sandwich (geepack \"san.se\") by \(idColumn)"),
      "ci_method": .string("wald"), "confidence_level": .number(fit.confidenceLevel),
      "coefficients": .array(fit.coefficients.map { $0.json(robust: true, ciMethod: "wald") }),
      "warnings": .array(fit.diagnostics.map { .string($0.description) }),
    ]
  }
}
