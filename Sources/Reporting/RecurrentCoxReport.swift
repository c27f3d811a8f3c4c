import Recurrent
import Survival

/// An AG or PWP model laid out as R's `summary.coxph`, with the estimand and the tie summary.
public struct RecurrentCoxReport: Sendable {
  public var fit: RecurrentCoxFit
  /// The formula as the user wrote it (`~ age_over_50 + sex`).
  public var formula: String
  public var source: String
  public var confidenceLevel: Double

  public init(fit: RecurrentCoxFit, formula: String, source: String, confidenceLevel: Double) {
    self.fit = fit
    self.formula = formula
    self.source = source
    self.confidenceLevel = confidenceLevel
  }

  var cox: CoxReport {
    CoxReport(
      fit: fit.cox, formula: fit.modelFormula, source: source, subjects: fit.patients,
      droppedRowCount: fit.droppedRowCount, droppedByVariable: fit.droppedByVariable,
      confidenceLevel: confidenceLevel)
  }

  var tieMethod: String { fit.cox.ties == .efron ? "Efron" : "Breslow" }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv: return cox.render(.csv)
    case .text, .markdown:
      let md = format == .markdown
      let report = cox
      func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
      let title = RecurrentReportParts.title(fit.model)
      var out = md ? "## \(title)\n\n" : "\(title)\n\n"
      out += "Estimand: \(fit.model.estimand)\n"
      out += "Formula: \(formula)   (fitted as coxph(\(fit.modelFormula)))\n"
      out += "Data: \(source): \(fit.diaryRows) diary rows -> \(fit.layoutRows) intervals"
      if fit.droppedRowCount > 0 {
        out += " (\(fit.droppedRowCount) dropped for missing values)"
      }
      out += "\n"
      for line in RecurrentReportParts.tieLines(fit.ties, method: tieMethod, formula: formula) {
        out += line + "\n"
      }
      out +=
        "Variance: \(fit.isRobust ? "robust sandwich clustered by patient" : "model-based"); "
        + "\(fit.cox.converged ? "converged" : "did NOT converge") after "
        + "\(fit.cox.iterations) iterations\n\n"
      out +=
        "  n= \(fit.cox.count), number of events= \(fit.cox.eventCount), "
        + "patients= \(fit.patients)\n\n"
      out += table(report.coefficientTable)
      if !md { out += "---\n" + CoefficientTable.signifLegend + "\n" }
      out += "\n" + table(report.hazardRatioTable) + "\n"
      out += report.testLine("Likelihood ratio test", fit.cox.likelihoodRatioTest) + "\n"
      out += report.testLine("Wald test            ", fit.cox.waldTest) + "\n"
      out += report.testLine("Score (logrank) test ", fit.cox.scoreTest) + "\n"
      if fit.isRobust {
        out +=
          "   (Note: the likelihood ratio and score tests assume independence of observations "
          + "within a cluster, the Wald test does not.)\n"
      }
      return out
    }
  }

  public var jsonBody: [String: JSONValue] {
    var body = cox.jsonBody
    body["coefficients"] = .array(fit.cox.coefficients.map(CoxReport.coefficientJSON))
    body["variance_detail"] = .string(
      fit.isRobust ? "robust sandwich (grouped dfbeta) by patient_id" : "inverse information")
    body["formula"] = .string(formula)
    body["model"] = .string(fit.model.rawValue)
    body["model_formula"] = .string(fit.modelFormula)
    body["estimand"] = .string(fit.model.estimand)
    body["ties"] = RecurrentReportParts.tiesJSON(fit.ties, method: tieMethod.lowercased())
    body["n_patients"] = .int(fit.patients)
    body["n_subjects"] = nil
    body["n_diary_rows"] = .int(fit.diaryRows)
    body["n_intervals"] = .int(fit.layoutRows)
    body["concordance"] = nil
    body["ph_test"] = nil
    var warnings = fit.cox.diagnostics.map { JSONValue.string(CoxReport.describe($0)) }
    if fit.ties.dominates {
      warnings.append(
        .string(
          "ties dominate (\(NumberFormat.fixed(100 * fit.ties.tiedShare, digits: 1))% of events "
            + "tied): consider a discrete-time model (crampstat logit with --cluster patient_id)"))
    }
    body["warnings"] = .array(warnings)
    return body
  }
}
