import Analysis
import Foundation
import MixedModels
import Survival

extension DiaryReportRenderer {
  /// `c^2` of the logistic-normal attenuation `beta_PA ~ beta_C / sqrt(1 + c^2 sigma^2)`,
  /// `c = 16 sqrt(3) / (15 pi)` (Zeger, Liang & Albert 1988, Biometrics 44:1049).
  static let attenuationConstant = 256.0 * 3.0 / (225.0 * Double.pi * Double.pi)

  /// The shared-frailty refit of the Andersen-Gill model: conditional hazard ratios and the
  /// frailty variance, below the robust (population-averaged) model.
  func frailtySection(
    _ m: ModelResult<FrailtyCoxFit>, markdown md: Bool, table: (DataTable) -> String
  ) -> String {
    let fit = m.fit
    var out =
      md
      ? "\n**With a shared frailty per patient**\n\n"
      : "\nWith a shared frailty per patient (conditional on the patient):\n"
    out += "\(m.formula)\n"
    let level = 0.95
    var ratios = DataTable(
      headers: ["", "HR", "lower .95", "upper .95", "p"],
      alignments: [.left, .right, .right, .right, .right])
    let cs = fit.coefficients
    let columns = [
      NumberFormat.rRatioColumn(cs.map { exp($0.estimate) }),
      NumberFormat.rRatioColumn(cs.map { exp($0.confidenceLow) }),
      NumberFormat.rRatioColumn(cs.map { exp($0.confidenceHigh) }),
    ]
    let p = NumberFormat.rFormatPValues(fit.coefficients.map(\.pValue), digits: 2)
    for (i, c) in fit.coefficients.enumerated() {
      ratios.append([c.term, columns[0][i], columns[1][i], columns[2][i], p[i]])
    }
    out += table(ratios)
    let variance = fit.frailty.variance
    out +=
      "Variance of the log-normal frailty: \(NumberFormat.significant(variance, digits: 4)) "
      + "(SD \(NumberFormat.significant(variance.squareRoot(), digits: 3)) on the log-hazard "
      + "scale; frailty df \(NumberFormat.significant(fit.frailty.degreesOfFreedom, digits: 4)), "
      + "\(NumberFormat.significant(100 * level, digits: 3))% intervals on se(coef)): patients "
      + "with the same risk factors differ this much in their rate of cramp nights.\n"
    for d in fit.diagnostics { out += "Warning: \(FrailtyCoxReport.describe(d))\n" }
    return out
  }

  /// The random-intercept logistic section: conditional odds ratios next to the
  /// population-averaged ones of the section above, the between-patient variance, ICC and MOR.
  func mixedLogisticSection(
    _ m: ModelResult<MixedLogisticFit>, markdown md: Bool, table: (DataTable) -> String
  ) -> String {
    let fit = m.fit
    var out = heading("Nightly logistic model with a patient random intercept", markdown: md)
    out += "For a given patient: \(m.formula); n = \(m.rows) nights, \(fit.groupCount) patients"
    if m.droppedRows > 0 {
      out += " (\(m.droppedRows) without a recorded outcome or covariate dropped)"
    }
    out += ".\n\n"
    let rows = MixedLogisticReport(fit: fit, source: report.source).rows
      .filter { $0.term != "(Intercept)" }
    out += table(
      CoefficientTable.ratios(
        rows, headers: .logistic, level: fit.confidenceLevel, showMethod: false)
    )
    out += chart(
      {
        ModelCharts.forest(
          rows, title: "Odds of a cramp night for a given patient (Wald 95% CI)",
          axisTitle: "Odds ratio (log scale)", header: "OR (95% CI)"
        ).render(style: $0)
      }, markdown: md)
    if let v = fit.variances.first {
      out +=
        "Between-patient variance of the log-odds: \(NumberFormat.significant(v.variance, digits: 4)) "
        + "(SD \(NumberFormat.significant(v.standardDeviation, digits: 4))); "
        + "log-likelihood \(NumberFormat.fixed(fit.logLikelihood, digits: 1)), "
        + "AIC \(NumberFormat.fixed(fit.aic, digits: 1)).\n"
      let shrink = 1 / (1 + Self.attenuationConstant * v.variance).squareRoot()
      out +=
        "Why conditional odds ratios are usually further from 1 than the cluster-robust "
        + "(population-averaged) ones above: those average over patients who differ (SD \(NumberFormat.significant(v.standardDeviation, digits: 3))), "
        + "which shrinks a log-odds ratio by about 1/sqrt(1 + 0.346 sigma^2) = "
        + "\(NumberFormat.fixed(shrink, digits: 2)) (Zeger, Liang & Albert 1988).\n"
    }
    if let icc = fit.intraclassCorrelation {
      out +=
        "ICC (latent scale) \(NumberFormat.fixed(icc, digits: 3)): the share of the variance in "
        + "the propensity to cramp that lies between patients.\n"
    }
    if let mor = fit.medianOddsRatio {
      out +=
        "Median odds ratio \(NumberFormat.fixed(mor, digits: 2)): of two patients with the same "
        + "risk factors, the more cramp-prone one has typically this many times the odds.\n"
    }
    for d in fit.diagnostics { out += "Warning: \(d)\n" }
    return out + "\n"
  }
}
