import Analysis
import Foundation

/// The clinician's one-screen risk view of `crampstat risk`: one patient's factors, the
/// model's ratios, predicted risks next to the cohort median patient's, and warnings.
public struct RiskReport: Sendable {
  /// The saved model.
  public var model: RiskModel
  /// The model file's name, as given on the command line (for the heading).
  public var modelFile: String
  /// The values given for the patient (variable -> text).
  public var given: [String: String]
  /// The patient's prediction.
  public var patient: RiskPrediction
  /// The cohort median patient's prediction.
  public var median: RiskPrediction

  /// Creates a report.
  public init(
    model: RiskModel, modelFile: String, given: [String: String], patient: RiskPrediction,
    median: RiskPrediction
  ) {
    self.model = model
    self.modelFile = modelFile
    self.given = given
    self.patient = patient
    self.median = median
  }

  /// Warnings about a prediction: extrapolation, filled-in factors, aliased terms, horizons
  /// beyond the follow-up of the baseline hazard.
  public static func warnings(_ p: RiskPrediction, model: RiskModel) -> [String] {
    var out: [String] = []
    let values = Dictionary(p.values.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    for name in p.outsideRange {
      guard let v = model.variables.first(where: { $0.name == name }) else { continue }
      let range =
        "[\(NumberFormat.significant(v.minimum, digits: 6)), "
        + "\(NumberFormat.significant(v.maximum, digits: 6))]"
      out.append(
        "\(name) = \(values[name] ?? "?") is outside the training range \(range): "
          + "the model extrapolates")
    }
    for name in p.filled {
      out.append(
        "\(name) not given: filled with the cohort median patient's value \(values[name] ?? "")")
    }
    for term in p.aliasedInUse {
      out.append("term \(term) is aliased in the model: its effect is taken as 0")
    }
    if let last = model.baselineCumulativeHazard?.last?.time {
      for h in p.horizons where h.beyondFollowUp {
        out.append(
          "\(h.nights) nights is beyond the baseline hazard's last night "
            + "(\(NumberFormat.significant(last, digits: 6))): the risk shown is a lower bound")
      }
    }
    return out
  }

  /// The patient's warnings.
  public var warnings: [String] { Self.warnings(patient, model: model) }

  private var percent: Int { Int((model.confidenceLevel * 100).rounded()) }

  private func label(_ h: HorizonRisk) -> String {
    switch model.kind {
    case .logistic, .ag: "P(>= 1 cramp night in \(h.nights) nights)"
    case .cox: "P(first cramp within \(h.nights) nights)"
    case .poisson, .negbin: "P(>= 1 \(singular) in \(h.nights) nights)"
    }
  }

  private var singular: String { model.outcome == "cramps" ? "cramp" : "cramp night" }

  private var expectedLabel: String {
    model.kind == .logistic || model.kind == .ag ? "cramp nights" : model.outcome
  }

  /// Rows of the risk table: label, patient estimate, median estimate, whether a percentage.
  private var riskRows: [(String, RiskEstimate, RiskEstimate, Bool)] {
    var rows: [(String, RiskEstimate, RiskEstimate, Bool)] = []
    for (a, b) in zip(patient.horizons, median.horizons) {
      rows.append((label(a), a.probability, b.probability, true))
    }
    if let a = patient.expectedPerWeek, let b = median.expectedPerWeek {
      rows.append(("expected \(expectedLabel) per week", a, b, false))
    }
    return rows
  }

  private static func show(_ e: RiskEstimate, percent: Bool) -> String {
    func f(_ x: Double) -> String {
      percent ? NumberFormat.fixed(100 * x, digits: 1) + "%" : NumberFormat.fixed(x, digits: 2)
    }
    return "\(f(e.value)) (\(f(e.low)), \(f(e.high)))"
  }

  /// The term's factor for this patient against the cohort median patient:
  /// `exp(b (x - x_median))`.
  private func versusMedian(_ j: Int) -> Double? {
    guard let b = model.coefficients[j] else { return nil }
    return exp(b * (patient.row[j] - median.row[j]))
  }

  /// Renders the report; CSV gives the one-row scoring table of `--patients`.
  public func render(_ format: OutputFormat, style: ChartStyle? = nil) -> String {
    switch format {
    case .csv:
      var table = DataTable(headers: Self.csvHeaders(model))
      table.append(Self.csvRow(id: "patient", patient, warnings: warnings))
      return table.renderCSV()
    case .json:
      return JSONValue.object(jsonBody).rendered()
    case .text, .markdown:
      return renderDocument(markdown: format == .markdown, style: style)
    }
  }

  private func renderDocument(markdown: Bool, style: ChartStyle?) -> String {
    func table(_ t: DataTable) -> String { markdown ? t.renderMarkdown() : t.renderText() }
    func heading(_ s: String) -> String { markdown ? "### \(s)\n\n" : "\(s)\n" }
    var out = markdown ? "## Cramp risk for one patient\n\n" : "Cramp risk for one patient\n"
    out += "Model: \(model.kind.rawValue), \(model.formula)\n"
    out += "Fitted on \(model.source) (\(model.trainingRows) rows); model file \(modelFile)\n"
    if let random = model.randomEffects {
      switch patient.randomEffect {
      case .conditional(let group):
        out += "Random effect: \(random.group) \(group)'s conditional mode (a training patient)\n"
      case .marginal, nil:
        out += "Random effect: averaged over \(random.group) groups (a new patient, marginal)\n"
      }
    }
    out += "\n"

    out += heading("Patient factors")
    var factors = DataTable(
      headers: ["variable", "value", "cohort median", "note"],
      alignments: [.left, .right, .right, .left])
    for (name, value) in patient.values {
      var notes: [String] = []
      if patient.filled.contains(name) { notes.append("not given: cohort median") }
      if patient.outsideRange.contains(name) { notes.append("outside training range") }
      if let v = model.variables.first(where: { $0.name == name }), let levels = v.levels,
        levels.first == value
      {
        notes.append("reference level")
      }
      let typical = model.variables.first { $0.name == name }?.typicalValue ?? ""
      factors.append([name, value, typical, notes.joined(separator: "; ")])
    }
    out += table(factors) + "\n"

    let abbreviation = model.ratioAbbreviation
    out += heading(
      "\(model.ratioName.capitalizedFirst)s (\(percent)% CI, Wald, "
        + (model.robustVariance ? "cluster-robust" : "model-based") + " covariance)")
    var ratios = DataTable(headers: [
      "term", abbreviation, "lower", "upper", "patient x", "applies", "vs median patient",
    ])
    var forest: [ForestPlot.Row] = []
    let shown = model.terms.indices.filter { model.terms[$0] != "(Intercept)" }
    let terms = shown.map { model.terms[$0] }
    let estimates = terms.map { term in model.ratios.first { $0.term == term }?.ratio }
    // Each numeric column is formatted as R prints a matrix column (digits = 4).
    let value = NumberFormat.rRatioColumn(estimates.map { $0?.value })
    let low = NumberFormat.rRatioColumn(estimates.map { $0?.low })
    let high = NumberFormat.rRatioColumn(estimates.map { $0?.high })
    let versus = NumberFormat.rRatioColumn(shown.map(versusMedian))
    for (k, j) in shown.enumerated() {
      let r = estimates[k]
      let x = patient.row[j]
      ratios.append([
        terms[k], value[k], low[k], high[k], NumberFormat.significant(x, digits: 6),
        r == nil ? "aliased" : (x != 0 ? "yes" : "no"), versus[k],
      ])
      forest.append(
        ForestPlot.Row(label: terms[k], estimate: r?.value, lower: r?.low, upper: r?.high))
    }
    out += table(ratios)
    out +=
      "(per unit of a numeric term; 'vs median patient' = exp(b (x - x_median)):\n"
      + " the term's share of the difference from the cohort median patient)\n\n"

    out += heading("Predicted risk (\(percent)% CI)")
    var risks = DataTable(headers: ["", "patient", "cohort median patient", "ratio"])
    for (name, a, b, isPercent) in riskRows {
      risks.append([
        name, Self.show(a, percent: isPercent), Self.show(b, percent: isPercent),
        b.value > 0 ? NumberFormat.fixed(a.value / b.value, digits: 2) : "NA",
      ])
    }
    out += table(risks)

    if let style, !forest.isEmpty, forest.count <= 12 {
      let plot = ForestPlot(
        rows: forest, axisTitle: "\(model.ratioName.capitalizedFirst) (log scale)",
        estimateHeader: "\(abbreviation) (\(percent)% CI)"
      ).render(style: style)
      out += markdown ? "\n```text\n" + plot + "```\n" : "\n" + plot
    }

    out += "\n" + heading("Assumptions")
    for a in model.assumptions { out += bullet(a, markdown: markdown) }
    let warnings = self.warnings
    if !warnings.isEmpty {
      out += "\n" + heading("Warnings")
      for w in warnings { out += bullet(w, markdown: markdown) }
    }
    return out
  }

  /// A `- ` list item, wrapped at ``TextWidth/current`` (80 without one) in text; Markdown
  /// keeps one line.
  private func bullet(_ text: String, markdown: Bool) -> String {
    guard !markdown else { return "- \(text)\n" }
    let width = TextWidth.current ?? TextWidth.defaultWidth
    var lines: [String] = []
    var line = "-"
    for word in text.split(separator: " ") {
      // A lone "-" stays on its line, so no continuation line starts like a list item.
      if line.count + 1 + word.count > width, line.count > 2, word != "-" {
        lines.append(line)
        line = " "
      }
      line += " " + word
    }
    lines.append(line)
    return lines.joined(separator: "\n") + "\n"
  }

  private static func estimateJSON(_ e: RiskEstimate?) -> JSONValue {
    guard let e else { return .null }
    return .object([
      "estimate": .number(e.value), "conf_low": .number(e.low), "conf_high": .number(e.high),
    ])
  }

  /// The prediction as JSON: values, linear predictor, horizons, expected per week.
  ///
  /// `values` holds the bare values by variable; where a value came from is said apart, in
  /// `filled_from` (variable -> `cohort_median`) and the list `filled_from_cohort_median`.
  public static func predictionJSON(_ p: RiskPrediction) -> JSONValue {
    var body = predictionFields(p)
    switch p.randomEffect {
    case .marginal: body["random_effect"] = .string("marginal")
    case .conditional(let group):
      body["random_effect"] = .string("conditional")
      body["random_effect_group"] = .string(group)
    case nil: break
    }
    return .object(body)
  }

  private static func predictionFields(_ p: RiskPrediction) -> [String: JSONValue] {
    [
      "values": .object(
        Dictionary(p.values.map { ($0.name, JSONValue.string($0.value)) }) { a, _ in a }),
      "filled_from": filledFromJSON(p.filled),
      "filled_from_cohort_median": .array(p.filled.map { .string($0) }),
      "outside_training_range": .array(p.outsideRange.map { .string($0) }),
      "linear_predictor": .number(p.linearPredictor),
      "linear_predictor_std_error": .number(p.standardError),
      "horizons": .array(
        p.horizons.map { h in
          .object([
            "nights": .int(h.nights), "probability": estimateJSON(h.probability),
            "expected": estimateJSON(h.expected), "beyond_follow_up": .bool(h.beyondFollowUp),
          ])
        }),
      "expected_per_week": estimateJSON(p.expectedPerWeek),
    ]
  }

  /// `{"variable": "cohort_median"}` for each variable filled in rather than given.
  public static func filledFromJSON(_ filled: [String]) -> JSONValue {
    .object(Dictionary(filled.map { ($0, JSONValue.string("cohort_median")) }) { a, _ in a })
  }

  /// The JSON body (the command adds the envelope).
  public var jsonBody: [String: JSONValue] {
    [
      "model": .object([
        "kind": .string(model.kind.rawValue), "formula": .string(model.formula),
        "source": .string(model.source), "training_rows": .int(model.trainingRows),
        "confidence_level": .number(model.confidenceLevel),
        "variance": .string(model.robustVariance ? "robust" : "model"),
        "variance_detail": .string(
          model.robustVariance ? "cluster-robust by patient" : "inverse information"),
        "ci_method": .string("wald"),
      ]),
      "patient": Self.predictionJSON(patient),
      "cohort_median_patient": Self.predictionJSON(median),
      "ratios": .array(
        model.ratios.map { r in
          .object(["term": .string(r.term), "ratio": Self.estimateJSON(r.ratio)])
        }),
      "assumptions": .array(model.assumptions.map { .string($0) }),
      "warnings": .array(warnings.map { .string($0) }),
    ]
  }

  /// Header of the scoring CSV: id, then per horizon `pK, pK_low, pK_high`, then the
  /// expected events per week, the linear predictor and the warnings.
  public static func csvHeaders(_ model: RiskModel, horizons: [Int] = [7, 30]) -> [String] {
    var headers = ["patient_id"]
    for k in horizons { headers += ["p\(k)", "p\(k)_low", "p\(k)_high"] }
    headers += [
      "expected_per_week", "expected_per_week_low", "expected_per_week_high", "linear_predictor",
      "filled", "outside_range", "warnings",
    ]
    if model.randomEffects != nil { headers.append("random_effect") }
    return headers
  }

  /// One scoring CSV row (full-precision numbers; lists joined with `;`).
  public static func csvRow(id: String, _ p: RiskPrediction, warnings: [String]) -> [String?] {
    func number(_ x: Double?) -> String? {
      guard let x, x.isFinite else { return nil }
      return JSONValue.format(x)
    }
    var row: [String?] = [id]
    for h in p.horizons {
      row += [number(h.probability.value), number(h.probability.low), number(h.probability.high)]
    }
    let e = p.expectedPerWeek
    row += [number(e?.value), number(e?.low), number(e?.high), number(p.linearPredictor)]
    row += [
      p.filled.joined(separator: ";"), p.outsideRange.joined(separator: ";"),
      warnings.joined(separator: "; "),
    ]
    if let use = p.randomEffect { row.append(use.name) }
    return row
  }
}

extension String {
  fileprivate var capitalizedFirst: String {
    guard let first else { return self }
    return first.uppercased() + dropFirst()
  }
}
