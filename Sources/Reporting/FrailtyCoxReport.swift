import Survival

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A shared-frailty Cox model laid out as R's `print.coxph.penal`.
public struct FrailtyCoxReport: Sendable {
  public var fit: FrailtyCoxFit
  /// The formula as given (with its `frailty(...)` term).
  public var formula: String
  public var source: String
  /// The grouping column and the frailty term's label as written (R's row name).
  public var groupColumn: String
  public var termLabel: String
  public var droppedRowCount: Int
  public var droppedByVariable: [String: Int]
  public var confidenceLevel: Double
  /// Labels of the fixed terms (one per entry of the fit's term degrees of freedom before the
  /// frailty's); the coefficient names when every term has one column.
  public var termLabels: [String]

  public init(
    fit: FrailtyCoxFit, formula: String, source: String, groupColumn: String, termLabel: String,
    droppedRowCount: Int = 0, droppedByVariable: [String: Int] = [:],
    confidenceLevel: Double = 0.95, termLabels: [String]? = nil
  ) {
    self.termLabels = termLabels ?? fit.coefficients.map(\.term)
    self.fit = fit
    self.formula = formula
    self.source = source
    self.groupColumn = groupColumn
    self.termLabel = termLabel
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
    self.confidenceLevel = confidenceLevel
  }

  /// `coef se(coef) se2 Chisq DF p`, then the frailty row (Chisq, DF, p only), as
  /// print.coxph.penal's `printCoefmat(digits = 3)`: coef, se(coef), se2 and Chisq formatted
  /// as one block, DF by `format(round(df, 2), digits = 3)`, p by `format.pval(digits = 2)`.
  public var coefficientTable: DataTable {
    let cs = fit.coefficients
    let h = ["", "coef", "se(coef)", "se2", "Chisq", "DF", "p"]
    var t = DataTable(headers: h, alignments: h.indices.map { $0 == 0 ? .left : .right })
    let none: [Double?] = [nil]
    let block = NumberFormat.rCoefficientColumns(
      [
        cs.map(\.estimate) + none, cs.map(\.standardError) + none,
        cs.map(\.standardError2) + none, cs.map(\.chiSquare) + [fit.frailty.chiSquare],
      ], digits: 3)
    let df = NumberFormat.rFormat(
      (cs.map { _ in 1.0 } + [fit.frailty.degreesOfFreedom]).map {
        NumberFormat.rRound($0, decimals: 2)
      }, digits: 3)
    let p = NumberFormat.rFormatPValues(cs.map(\.pValue) + [fit.frailty.pValue], digits: 2)
    for (i, c) in cs.enumerated() {
      t.append([c.term] + block.map { $0[i] } + [df[i], p[i]])
    }
    let k = cs.count
    t.append([termLabel, "", "", "", block[3][k], df[k], p[k]])
    return t
  }

  /// R's history line: `Variance of random effect= 0.412   I-likelihood = -181.6`
  /// (`format(theta)` under `digits = 3`, `format(round(I, 1), digits = 10)`).
  var varianceLine: String {
    var line =
      "Variance of random effect= \(NumberFormat.rFormat([fit.frailty.variance], digits: 3)[0])"
    if let integrated = fit.frailty.integratedLogLikelihood {
      let rounded = NumberFormat.rRound(integrated, decimals: 1)
      line += "   I-likelihood = \(NumberFormat.rFormat([rounded], digits: 10)[0])"
    }
    return line
  }

  /// print.coxph.penal's closing lines, as R prints them under `options(digits = 3)`.
  var summaryLines: String {
    var out = "Iterations: \(fit.outerIterations) outer, \(fit.newtonIterations) Newton-Raphson\n"
    out += "     \(varianceLine)\n"
    let termDF = NumberFormat.rFormat(
      fit.termDegreesOfFreedom.map { NumberFormat.rRound($0, decimals: 1) }, digits: 3)
    let width = termDF.map(\.count).max() ?? 0
    let padded = termDF.map { String(repeating: " ", count: width - $0.count) + $0 }
    out += "Degrees of freedom for terms= \(padded.joined(separator: " "))\n"
    let lr = fit.likelihoodRatioTest
    let statistic = NumberFormat.rFormat(
      [NumberFormat.rRound(lr.statistic, decimals: 2)], digits: 3)
    let df = NumberFormat.rFormat(
      [NumberFormat.rRound(lr.degreesOfFreedom, decimals: 2)], digits: 3)
    let p = NumberFormat.rFormatPValues([lr.pValue], digits: 1)
    out += "Likelihood ratio test=\(statistic[0])  on \(df[0]) df, p=\(p[0])\n"
    out += "n= \(fit.count), number of events= \(fit.eventCount)\n"
    return out
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv:
      let rows = fit.coefficients.map { c in
        CoefficientRow(
          term: c.term, estimate: c.estimate, standardError: c.standardError,
          modelStandardError: c.standardError, statistic: c.z, pValue: c.pValue,
          ratio: c.hazardRatio, ratioLow: exp(c.confidenceLow), ratioHigh: exp(c.confidenceHigh),
          intervalMethod: "Wald")
      }
      return CoefficientTable.fullPrecision(rows).renderCSV()
    case .text, .markdown:
      let md = format == .markdown
      let name = fit.frailty.distribution == .gamma ? "gamma" : "gaussian (log-normal)"
      var out =
        md
        ? "## Cox model with shared \(name) frailty\n\n"
        : "Cox model with shared \(name) frailty\n\n"
      out += "Formula: \(formula)\n"
      out += "Data: \(source)"
      if droppedRowCount > 0 {
        let d = droppedByVariable.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        out += " (\(droppedRowCount) rows dropped for missing values: \(d.joined(separator: ", ")))"
      }
      out += "\n"
      let method =
        switch fit.frailty.method {
        case "em": "em (marginal likelihood)"
        case "fixed": "fixed (given theta)"
        default: fit.frailty.method
        }
      out +=
        "Ties: \(fit.ties == .efron ? "Efron" : "Breslow"); frailty variance by \(method); "
        + "penalized partial likelihood\n\n"
      out += md ? coefficientTable.renderMarkdown() : coefficientTable.renderText()
      out += "\n" + summaryLines
      let wald = fit.waldTest
      out +=
        "Wald test (fixed effects, penalized variance)= "
        + "\(NumberFormat.significant(wald.statistic, digits: 4))  on \(Int(wald.degreesOfFreedom)) df, "
        + "p=\(NumberFormat.pValue(wald.pValue))\n"
      out +=
        "Groups (\(groupColumn)): \(fit.frailty.groupCount)\n"
      out +=
        "\nse(coef) is the square root of the inverse penalized information; se2 is the sandwich "
        + "H^-1 I H^-1 (both as coxph); z, p and intervals use se(coef).\n"
      return out
    }
  }

  public var jsonBody: [String: JSONValue] {
    func test(_ t: FrailtyCoxFit.Test) -> JSONValue {
      .object([
        "statistic": .number(t.statistic), "df": .number(t.degreesOfFreedom),
        "p_value": .number(t.pValue),
      ])
    }
    let coefficients: [JSONValue] = fit.coefficients.map { c in
      let row = CoefficientJSON(
        term: c.term, estimate: c.estimate, standardError: c.standardError,
        modelStandardError: c.standardError, robustStandardError: nil, statistic: c.z,
        pValue: c.pValue, confidenceLow: c.confidenceLow, confidenceHigh: c.confidenceHigh,
        ciMethod: "wald"
      ).json
      guard case .object(var object) = row else { return row }
      object["std_error2"] = .number(c.standardError2)
      return .object(object)
    }
    // Degrees of freedom per formula term (a factor's columns together), then the frailty.
    let labels =
      termLabels.count + 1 == fit.termDegreesOfFreedom.count
      ? termLabels + [termLabel]
      : fit.termDegreesOfFreedom.indices.map { "term \($0 + 1)" }
    let terms: [JSONValue] = zip(labels, fit.termDegreesOfFreedom).map {
      .object(["term": .string($0), "df": .number($1)])
    }
    let f = fit.frailty
    return [
      "formula": .string(formula), "ties": .string(fit.ties == .efron ? "efron" : "breslow"),
      "n": .int(fit.count), "n_events": .int(fit.eventCount), "n_dropped": .int(droppedRowCount),
      "converged": .bool(
        !fit.diagnostics.contains { if case .outerDidNotConverge = $0 { true } else { false } }),
      "iterations": .int(fit.newtonIterations), "outer_iterations": .int(fit.outerIterations),
      "log_likelihood": .number(fit.logLikelihood),
      "null_log_likelihood": .number(fit.nullLogLikelihood),
      "penalized_log_likelihood": .number(fit.penalizedLogLikelihood),
      "variance": .string("model"),
      "variance_detail": .string(
        "inverse penalized information (coxph var); std_error2 is coxph's se2"),
      "ci_method": .string("wald"), "confidence_level": .number(confidenceLevel),
      "coefficients": .array(coefficients), "terms": .array(terms),
      "frailty": .object([
        "group": .string(groupColumn), "distribution": .string(f.distribution.rawValue),
        "method": .string(f.method),
        "variance": .number(f.variance), "df": .number(f.degreesOfFreedom),
        "i_likelihood": f.integratedLogLikelihood.map { .number($0) } ?? .null,
        "n_groups": .int(f.groupCount), "statistic": .number(f.chiSquare),
        "p_value": .number(f.pValue),
      ]),
      "tests": .object([
        "likelihood_ratio": test(fit.likelihoodRatioTest), "wald": test(fit.waldTest),
      ]),
      "warnings": .array(fit.diagnostics.map { .string(Self.describe($0)) }),
    ]
  }

  /// The warning sentence of a diagnostic.
  public static func describe(_ d: FrailtyCoxFit.Diagnostic) -> String {
    switch d {
    case .varianceNearZero(let v):
      return
        "the frailty variance is \(NumberFormat.significant(v, digits: 3)), about 0: the groups "
        + "show no heterogeneity beyond the covariates (a boundary fit, like lme4's singular fit)"
    case .outerDidNotConverge(let n):
      return "the search for the frailty variance did not converge in \(n) outer iterations"
    case .innerDidNotConverge(let list):
      return
        "Inner loop failed to converge for iterations "
        + list.map(String.init).joined(separator: " ") + " (as coxph warns)"
    case .singularDirection(let terms):
      return
        "the information matrix is singular in the direction of "
        + terms.joined(separator: ", ")
        + ": no standard error, test or interval for it (collinear or nearly constant; "
        + "rescale or drop it)"
    }
  }
}
