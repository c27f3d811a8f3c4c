import Recurrent
import Survival

/// An AG or PWP model with a shared frailty per patient, as R's `print.coxph.penal`.
public struct RecurrentFrailtyReport: Sendable {
  public var fit: RecurrentFrailtyFit
  /// The covariate formula as given (`~ x + ...`).
  public var formula: String
  public var source: String
  public var confidenceLevel: Double

  public init(fit: RecurrentFrailtyFit, formula: String, source: String, confidenceLevel: Double) {
    self.fit = fit
    self.formula = formula
    self.source = source
    self.confidenceLevel = confidenceLevel
  }

  var inner: FrailtyCoxReport {
    FrailtyCoxReport(
      fit: fit.fit, formula: fit.modelFormula,
      source: "\(source): \(fit.diaryRows) diary rows -> \(fit.layoutRows) intervals",
      groupColumn: "patient_id", termLabel: fit.frailtyTerm,
      droppedRowCount: fit.droppedRowCount, droppedByVariable: fit.droppedByVariable,
      confidenceLevel: confidenceLevel, termLabels: fit.termLabels)
  }

  public func render(_ format: OutputFormat) -> String {
    if format == .json { return JSONValue.object(jsonBody).rendered() }
    var out = inner.render(format)
    if format == .text || format == .markdown {
      out +=
        "Model: \(fit.model.rawValue). The hazard ratios are conditional on the patient's "
        + "frailty (patient-specific), not population-averaged as with the robust variance.\n"
    }
    return out
  }

  public var jsonBody: [String: JSONValue] {
    var body = inner.jsonBody
    body["formula"] = .string(formula)
    body["model"] = .string(fit.model.rawValue)
    body["model_formula"] = .string(fit.modelFormula)
    body["n_patients"] = .int(fit.patients)
    body["n_diary_rows"] = .int(fit.diaryRows)
    body["n_intervals"] = .int(fit.layoutRows)
    return body
  }
}
