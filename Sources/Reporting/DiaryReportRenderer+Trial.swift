import Analysis
import Ordinal
import Recurrent

#if canImport(Glibc)
  import Glibc
#endif

/// The report's trial section and the cumulative incidence of the first cramp.
extension DiaryReportRenderer {
  /// "0.812 (95% CI 0.70 to 0.94), p = 0.0061": a ratio with its Wald interval.
  static func ratio(_ estimate: Double, low: Double, high: Double, p: Double) -> String {
    NumberFormat.significant(exp(estimate), digits: 4) + " (95% CI "
      + NumberFormat.significant(exp(low), digits: 4) + " to "
      + NumberFormat.significant(exp(high), digits: 4) + "), p = "
      + NumberFormat.pValue(p)
  }

  /// The trial section (arms, negative binomial rate ratio, severity by arm), or "".
  func trialText(markdown md: Bool) -> String {
    guard let trial = report.trial else { return "" }
    func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
    // A list item in Markdown, an indented line in text.
    let item = md ? "- " : "  "
    var out = heading("Randomized arms (\(trial.armColumn))", markdown: md)
    out +=
      trial.treatmentNightsOnly
      ? "Treatment nights only: screen and washout nights (period) are left out.\n\n"
      : "Every diary night of the randomized patients.\n\n"
    var arms = DataTable(headers: [
      "arm", "patients", "observed nights", "cramp nights", "cramp nights per night",
      "mean severity",
    ])
    for a in trial.arms {
      arms.append([
        a.label + (a.label == trial.reference ? " (reference)" : ""), String(a.patients),
        String(a.nightsObserved), String(a.crampNights),
        NumberFormat.significant(a.crampNightRate, digits: 4),
        a.meanSeverity.map { NumberFormat.significant($0, digits: 3) } ?? "NA",
      ])
    }
    out += table(arms) + "\n"
    if let m = trial.rateRatio {
      out += "Cramp nights per patient, negative binomial "
      out += "(MASS::glm.nb(cramp_nights \(m.formula) + offset(log(nights)))):\n" + (md ? "\n" : "")
      for c in m.fit.coefficients where c.term != "(Intercept)" {
        guard let b = c.estimate, let l = c.confidenceLow, let h = c.confidenceHigh,
          let p = c.pValue
        else {
          out += item + "\(c.term): not estimable (aliased)\n"
          continue
        }
        out += item + "rate ratio \(c.term) vs \(trial.reference): "
        out += Self.ratio(b, low: l, high: h, p: p) + "\n"
      }
      if let theta = m.fit.theta {
        out += item + "theta = \(NumberFormat.significant(theta, digits: 4)); "
        out += "\(m.fit.patients) patients\n"
      }
    }
    if let m = trial.severity {
      out += "\nSeverity (0-10) on cramp nights, proportional odds "
      out += "(MASS::polr(factor(severity) ~ \(trial.armColumn)))"
      out += ", cluster-robust SE by patient; \(m.fit.n) nights):\n" + (md ? "\n" : "")
      for c in m.fit.coefficients {
        out += item + "cumulative odds ratio \(c.term) vs \(trial.reference): "
        out += Self.ratio(c.estimate, low: c.confLow, high: c.confHigh, p: c.pValue)
        out += " (above 1: more severe)\n"
      }
    }
    return out + "\n"
  }

  /// The cumulative incidence of the first cramp with competing ends, or "".
  func competingText(markdown md: Bool) -> String {
    guard let c = report.competingFirstCramp else { return "" }
    let cif = CumulativeIncidenceReport(
      fit: c.fit, formula: c.formula, source: report.source, causeLabels: c.causeLabels)
    var out = heading("Cumulative incidence of the first cramp", markdown: md)
    out += "Delivery and dropout (censor_reason) end follow-up before a first cramp: they "
    out += "compete with it, so 1 - Kaplan-Meier would overstate the chance of a first cramp. "
    out += "Aalen-Johansen estimate, \(formulaCode(c.formula, md)).\n\n"
    var counts = DataTable(headers: ["patients"] + c.causeLabels.map { "events: \($0)" })
    for curve in c.fit.curves {
      counts.append(
        [String(curve.n)] + curve.eventsByCause.map { NumberFormat.fixed($0, digits: 0) })
    }
    out += (md ? counts.renderMarkdown() : counts.renderText()) + "\n"
    let t = cif.table(markdown: md)
    out += md ? t.renderMarkdown() : t.renderText()
    if let curve = c.fit.curves.first {
      out += chart(
        {
          CumulativeIncidenceReport.stackedChart(
            curve, causeLabels: c.causeLabels,
            title: "Stacked cumulative incidence (nights since the first diary night)"
          ).render(style: $0)
        }, markdown: md)
    }
    return out + "\n"
  }

  func formulaCode(_ text: String, _ md: Bool) -> String { md ? "`\(text)`" : text }

  /// The JSON of the two sections (absent keys when the diary has no such section).
  var trialJSON: [String: JSONValue] {
    var body: [String: JSONValue] = [:]
    if let trial = report.trial {
      var o: [String: JSONValue] = [
        "factor": .string(trial.armColumn),
        "reference_arm": .string(trial.reference),
        "arms": .array(
          trial.arms.map { a in
            .object([
              "label": .string(a.label), "n_patients": .int(a.patients),
              "nights_observed": .int(a.nightsObserved), "cramp_nights": .int(a.crampNights),
              "mean_severity": a.meanSeverity.map { .number($0) } ?? .null,
            ])
          }),
      ]
      if let m = trial.rateRatio {
        o["negative_binomial"] = .object(
          RecurrentRateReport(fit: m.fit, formula: m.formula, source: report.source).jsonBody)
      }
      if let m = trial.severity {
        o["severity_model"] = .object(
          OrdinalReport(
            fit: m.fit, formula: m.formula, response: "severity", source: report.source,
            clusterColumn: "patient_id", droppedRowCount: m.droppedRows, droppedByVariable: [:],
            prediction: nil
          ).jsonBody)
      }
      body["trial"] = .object(o)
    }
    if let c = report.competingFirstCramp {
      body["competing_first_cramp"] = .object(
        CumulativeIncidenceReport(
          fit: c.fit, formula: c.formula, source: report.source, causeLabels: c.causeLabels
        ).jsonBody)
    }
    return body
  }
}
