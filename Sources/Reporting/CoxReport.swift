import Survival

#if canImport(Glibc)
  import Glibc
#endif

/// A Cox model laid out as R's `summary.coxph`.
public struct CoxReport: Sendable {
  public var fit: CoxFit
  public var formula: String
  public var source: String
  /// Number of subjects (distinct cluster ids when clustered, else rows).
  public var subjects: Int
  /// Rows dropped for missing values, by variable.
  public var droppedByVariable: [String: Int]
  public var droppedRowCount: Int
  /// Level of the printed intervals (the model's).
  public var confidenceLevel: Double
  /// Harrell's concordance with its standard error (R's `concordance(fit)`).
  public var concordance: Concordance?
  /// The cluster column of a robust variance, for `variance_detail`.
  public var clusterColumn: String?
  /// The robust score test when clustered (R's `Robust =` line).
  public var robustScore: CoxFit.Test?
  /// The proportional-hazards test (`cox.zph`), when asked for.
  public var proportionalHazards: ProportionalHazardsTest?

  public init(
    fit: CoxFit, formula: String, source: String, subjects: Int, droppedRowCount: Int,
    droppedByVariable: [String: Int], confidenceLevel: Double = 0.95
  ) {
    self.confidenceLevel = confidenceLevel
    self.fit = fit
    self.formula = formula
    self.source = source
    self.subjects = subjects
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
  }

  var robust: Bool { fit.coefficients.contains { $0.robustStandardError != nil } }

  /// `coef exp(coef) se(coef) [robust se] z Pr(>|z|)` as `print.summary.coxph` prints it:
  /// `printCoefmat(digits = 4)` with coef, exp(coef) and the standard errors as one block.
  public var coefficientTable: DataTable {
    let cs = fit.coefficients
    var h = ["", "coef", "exp(coef)", "se(coef)"]
    if robust { h.append("robust se") }
    h += ["z", "Pr(>|z|)", ""]
    var t = DataTable(
      headers: h, alignments: h.indices.map { $0 == 0 || $0 == h.count - 1 ? .left : .right })
    var block = [cs.map(\.estimate), cs.map(\.hazardRatio), cs.map(\.modelStandardError)]
    if robust { block.append(cs.map(\.robustStandardError)) }
    let columns = NumberFormat.rCoefficientColumns(block)
    let z = NumberFormat.rStatisticColumn(cs.map(\.z))
    let p = NumberFormat.rFormatPValues(cs.map(\.pValue))
    for (i, c) in cs.enumerated() {
      t.append([c.term] + columns.map { $0[i] } + [z[i], p[i], CoefficientTable.stars(c.pValue)])
    }
    return t
  }

  /// `exp(coef) exp(-coef) lower .95 upper .95`, each column as `print(conf.int, digits = 4)`.
  public var hazardRatioTable: DataTable {
    let l = CoefficientTable.levelLabel(confidenceLevel)
    let cs = fit.coefficients
    var t = DataTable(headers: ["", "exp(coef)", "exp(-coef)", "lower \(l)", "upper \(l)"])
    let columns = [
      cs.map(\.hazardRatio), cs.map { $0.estimate.map { exp(-$0) } }, cs.map(\.hazardRatioLow),
      cs.map(\.hazardRatioHigh),
    ].map { NumberFormat.rRatioColumn($0) }
    for (i, c) in cs.enumerated() { t.append([c.term] + columns.map { $0[i] }) }
    return t
  }

  func testLine(_ name: String, _ t: CoxFit.Test) -> String {
    "\(name)= \(NumberFormat.significant(t.statistic, digits: 4))  on \(t.degreesOfFreedom) df,   p=\(NumberFormat.pValue(t.pValue))"
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv:
      let rows = fit.coefficients.map { c in
        CoefficientRow(
          term: c.term, estimate: c.estimate, standardError: c.standardError,
          modelStandardError: c.modelStandardError, statistic: c.z, pValue: c.pValue,
          ratio: c.hazardRatio, ratioLow: c.hazardRatioLow, ratioHigh: c.hazardRatioHigh,
          intervalMethod: robust ? "Wald (robust SE)" : "Wald")
      }
      return CoefficientTable.fullPrecision(rows).renderCSV()
    case .text, .markdown:
      let md = format == .markdown
      func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
      var out = md ? "## Cox proportional hazards model\n\n" : "Cox proportional hazards model\n\n"
      out += "Formula: \(formula)\n"
      out += "Data: \(source)"
      if droppedRowCount > 0 {
        let d = droppedByVariable.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        out += " (\(droppedRowCount) rows dropped for missing values: \(d.joined(separator: ", ")))"
      }
      out += "\n"
      out +=
        "Ties: \(fit.ties == .efron ? "Efron" : "Breslow"); variance: \(robust ? "robust sandwich (clustered)" : "model-based")"
      out +=
        "; \(fit.converged ? "converged" : "did NOT converge") after \(fit.iterations) iterations\n\n"
      out +=
        "  n= \(fit.count), number of events= \(NumberFormat.significant(Double(fit.eventCount), digits: 10))"
      if subjects != fit.count { out += ", subjects= \(subjects)" }
      out += "\n\n"
      out += table(coefficientTable)
      if !md { out += "---\n" + CoefficientTable.signifLegend + "\n" }
      out += "\n" + table(hazardRatioTable) + "\n"
      out += testLine("Likelihood ratio test", fit.likelihoodRatioTest) + "\n"
      out += testLine("Wald test            ", fit.waldTest) + "\n"
      out += testLine("Score (logrank) test ", fit.scoreTest) + "\n"
      if let r = robustScore { out += testLine("Robust               ", r) + "\n" }
      if let c = concordance {
        out +=
          "Concordance= \(NumberFormat.fixed(c.estimate, digits: 3))  (se = \(NumberFormat.fixed(c.standardError, digits: 3)) )\n"
      }
      if robust {
        out +=
          "   (Note: the likelihood ratio and score tests assume independence of observations within a cluster, the Wald test does not.)\n"
      }
      out +=
        "Log-likelihood: null \(NumberFormat.significant(fit.nullLogLikelihood, digits: 8)), model \(NumberFormat.significant(fit.logLikelihood, digits: 8))\n"
      if let zph = proportionalHazards {
        let title = "Proportional hazards test (cox.zph, transform = \"\(zph.transform)\")"
        out += md ? "\n### " + title + "\n\n" : "\n" + title + ":\n"
        out += table(Self.zphTable(zph))
        out += Self.zphNotes(zph, markdown: md)
      }
      return out
    }
  }

  public var jsonBody: [String: JSONValue] {
    func test(_ t: CoxFit.Test) -> JSONValue {
      .object([
        "statistic": .number(t.statistic), "df": .int(t.degreesOfFreedom),
        "p_value": .number(t.pValue),
      ])
    }
    let coefficients: [JSONValue] = fit.coefficients.map(Self.coefficientJSON)
    let warnings: [JSONValue] = fit.diagnostics.map { .string(CoxReport.describe($0)) }
    return [
      "formula": .string(formula), "ties": .string(fit.ties == .efron ? "efron" : "breslow"),
      "n": .int(fit.count), "n_events": .number(Double(fit.eventCount)),
      "n_subjects": .int(subjects), "n_dropped": .int(droppedRowCount),
      "converged": .bool(fit.converged), "iterations": .int(fit.iterations),
      "log_likelihood": .number(fit.logLikelihood),
      "null_log_likelihood": .number(fit.nullLogLikelihood),
      "variance": .string(robust ? "robust" : "model"),
      "variance_detail": .string(
        robust
          ? "robust sandwich (grouped dfbeta)" + (clusterColumn.map { " by \($0)" } ?? "")
          : "inverse information"),
      "ci_method": .string("wald"),
      "confidence_level": .number(confidenceLevel),
      "coefficients": .array(coefficients),
      "tests": .object([
        "likelihood_ratio": test(fit.likelihoodRatioTest), "wald": test(fit.waldTest),
        "score": test(fit.scoreTest),
        "robust_score": robustScore.map(test) ?? .null,
      ]),
      "concordance": concordance.map {
        .object(["estimate": .number($0.estimate), "std_error": .number($0.standardError)])
      } ?? .null,
      "ph_test": proportionalHazards.map { zph in
        func row(_ r: ProportionalHazardsTest.Row) -> JSONValue {
          .object([
            "term": .string(r.term), "statistic": .number(r.chiSquare),
            "chisq": .number(r.chiSquare), "df": .int(r.degreesOfFreedom),
            "p_value": .number(r.pValue),
          ])
        }
        return .object([
          "transform": .string(zph.transform), "terms": .array(zph.terms.map(row)),
          "global": row(zph.global), "notes": .array(zph.notes.map { .string($0) }),
        ])
      } ?? .null,
      "warnings": .array(warnings),
    ]
  }

  /// A Cox coefficient as the common JSON row (``CoefficientJSON``).
  static func coefficientJSON(_ c: CoxFit.Coefficient) -> JSONValue {
    CoefficientJSON(
      term: c.term, estimate: c.estimate, standardError: c.standardError,
      modelStandardError: c.modelStandardError, robustStandardError: c.robustStandardError,
      statistic: c.z, pValue: c.pValue, confidenceLow: c.confidenceLow,
      confidenceHigh: c.confidenceHigh, ratio: c.hazardRatio, ratioLow: c.hazardRatioLow,
      ratioHigh: c.hazardRatioHigh, ciMethod: "wald"
    ).json
  }

  /// The notes under the `cox.zph` table, one per row that was not computed; in Markdown each
  /// is its own paragraph, set off from the table by a blank line.
  static func zphNotes(_ zph: ProportionalHazardsTest, markdown: Bool) -> String {
    guard !zph.notes.isEmpty else { return "" }
    let lines = zph.notes.map { "Note: \($0)\n" }
    return markdown ? "\n" + lines.joined(separator: "\n") + "\n" : lines.joined()
  }

  /// R's `cox.zph` table: `chisq df p` per term and `GLOBAL` (NA where not computable).
  ///
  /// `print.cox.zph` calls `printCoefmat(digits = 3)`: chisq is the coefficient block, df the
  /// statistic column and p goes through `format.pval` with 2 digits.
  static func zphTable(_ zph: ProportionalHazardsTest) -> DataTable {
    var t = DataTable(headers: ["", "chisq", "df", "p"])
    let rows = zph.terms + [zph.global]
    let chisq = NumberFormat.rCoefficientColumns(
      [rows.map { $0.chiSquare.isNaN ? nil : $0.chiSquare }], digits: 3)[0]
    let df = NumberFormat.rStatisticColumn(rows.map { Double($0.degreesOfFreedom) }, digits: 3)
    let p = NumberFormat.rFormatPValues(rows.map(\.pValue), digits: 2)
    for (i, r) in rows.enumerated() { t.append([r.term, chisq[i], df[i], p[i]]) }
    return t
  }

  /// The warning text of a Cox diagnostic, in R's words where R has them.
  public static func describe(_ d: CoxFit.Diagnostic) -> String {
    switch d {
    case .aliased(let term):
      "coefficient '\(term)' not defined because of singularities (aliased; shown as NA)"
    case .didNotConverge(let iterations):
      "Ran out of iterations (\(iterations)) and did not converge"
    case .coefficientMayBeInfinite(let term):
      "Loglik converged before variable '\(term)'; coefficient may be infinite"
    case .tooFewClusters(let count, let parameters):
      "\(count) cluster\(count == 1 ? "" : "s") for \(parameters) coefficient\(parameters == 1 ? "" : "s"): too few "
        + "for a robust variance (needs at least 2 and at least as many as coefficients); "
        + "model-based standard errors are shown instead"
    }
  }
}
