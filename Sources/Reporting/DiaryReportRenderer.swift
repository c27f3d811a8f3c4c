import Analysis
import CrampData
import Regression
import Survival

/// Renders a ``DiaryReport`` as a terminal report, Markdown or JSON.
///
/// Sections: validation summary, cohort description, prevalence by key factor, time to first
/// cramp (Kaplan-Meier with log-rank tests), nightly logistic model, Andersen-Gill model, mean
/// cumulative function, and a footer with the conventions used.
public struct DiaryReportRenderer: Sendable {
  public var report: DiaryReport
  /// Style of the plain-text charts; `nil` leaves them out.
  public var chartStyle: ChartStyle?

  public init(_ report: DiaryReport, chartStyle: ChartStyle? = nil) {
    self.report = report
    self.chartStyle = chartStyle
  }

  /// Means of `y` in `bins` equal-width bins of `x` (a simple smooth for the beta(t) sketch).
  static func binnedMeans(_ points: [(x: Double, y: Double)], bins: Int) -> [(x: Double, y: Double)]
  {
    guard let lo = points.map(\.x).min(), let hi = points.map(\.x).max(), hi > lo else { return [] }
    var sums = [Double](repeating: 0, count: bins)
    var counts = [Int](repeating: 0, count: bins)
    for p in points {
      let b = min(bins - 1, Int((p.x - lo) / (hi - lo) * Double(bins)))
      sums[b] += p.y
      counts[b] += 1
    }
    return (0..<bins).compactMap { b in
      counts[b] > 0
        ? (x: lo + (Double(b) + 0.5) * (hi - lo) / Double(bins), y: sums[b] / Double(counts[b]))
        : nil
    }
  }

  /// A chart as text, fenced in Markdown; empty without a chart style.
  func chart(_ text: (ChartStyle) -> String, markdown: Bool) -> String {
    guard let style = chartStyle else { return "" }
    let body = text(style)
    return markdown ? "```text\n" + body + "```\n\n" : "\n" + body + "\n"
  }

  /// The report text in `format` (`csv` gives the prevalence table).
  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .json: return JSONValue.object(jsonBody).rendered()
    case .csv: return prevalenceTable(precise: true).renderCSV()
    case .text, .markdown: return document(markdown: format == .markdown)
    }
  }

  func heading(_ text: String, markdown: Bool, level: Int = 2) -> String {
    if markdown { return String(repeating: "#", count: level) + " " + text + "\n\n" }
    let rule = String(repeating: level == 1 ? "=" : "-", count: text.count)
    return text + "\n" + rule + "\n"
  }

  func percent(_ x: Double) -> String { NumberFormat.fixed(100 * x, digits: 1) + "%" }

  func prevalenceTable(precise: Bool) -> DataTable {
    var t = DataTable(
      headers: [
        "factor", "level", "nights", "cramp nights", "% of nights", "patients",
        "with >= 1 cramp", "% of patients",
      ],
      alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
    for r in report.prevalence {
      t.append([
        r.factor, r.level, String(r.nights), String(r.crampNights),
        precise ? JSONValue.format(r.nightRate) : percent(r.nightRate), String(r.patients),
        String(r.patientsWithCramp),
        precise ? JSONValue.format(r.patientRate) : percent(r.patientRate),
      ])
    }
    return t
  }

  func document(markdown md: Bool) -> String {
    sections(markdown: md).map(\.text).joined()
  }

  /// The report's sections in order, each with a stable id (`title`, `validation`, `cohort`,
  /// `first-cramp`, `logistic`, `andersen-gill`, `mcf`, `notes`, `conventions`).
  public func sections(markdown md: Bool) -> [(id: String, text: String)] {
    var sections: [(id: String, text: String)] = []
    var current = "title"
    func close(_ next: String, _ out: inout String) {
      if !out.isEmpty { sections.append((current, out)) }
      current = next
      out = ""
    }
    func table(_ t: DataTable) -> String { md ? t.renderMarkdown() : t.renderText() }
    var out = ""
    out +=
      md ? "# Cramp diary report\n\n" : heading("Cramp diary report", markdown: false, level: 1)
    out += "Diary: \(report.source)\n\n"

    // Validation.
    close("validation", &out)
    let errors = report.findings.filter { $0.severity == .error }
    let warnings = report.findings.count - errors.count
    out += heading("Validation", markdown: md)
    out +=
      "\(errors.count) error\(errors.count == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    out += errors.isEmpty && warnings == 0 ? ": the diary follows every layout rule.\n" : ".\n"
    if !report.findings.isEmpty {
      var byRule: [String: Int] = [:]
      for f in report.findings { byRule["\(f.severity.rawValue): \(f.rule)", default: 0] += 1 }
      var t = DataTable(headers: ["finding", "count"])
      for (rule, n) in byRule.sorted(by: { $0.key < $1.key }) { t.append([rule, String(n)]) }
      out += "\n" + table(t)
      out += "First findings (run 'crampstat validate' for all):\n"
      for f in report.findings.prefix(5) {
        out += (md ? "- `" : "  ") + f.description + (md ? "`\n" : "\n")
      }
    }
    out += "\n"

    // Cohort.
    close("cohort", &out)
    let s = report.summary
    out += heading("Cohort", markdown: md)
    var cohort = DataTable(headers: ["", "value"])
    cohort.append(["patients", String(s.patients)])
    cohort.append(["patient-nights in the diary", String(s.patientNights)])
    cohort.append(["nights with a recorded outcome", String(s.nightsObserved)])
    cohort.append([
      "nights per patient (min / median / max)",
      "\(s.nightsPerPatientMin) / \(NumberFormat.significant(s.nightsPerPatientMedian, digits: 6)) / \(s.nightsPerPatientMax)",
    ])
    cohort.append([
      "cramp nights",
      "\(s.nightsWithCramp) (\(percent(Double(s.nightsWithCramp) / Double(max(1, s.nightsObserved)))) of observed nights)",
    ])
    cohort.append(["cramps (sum of cramp_count)", String(report.totalCramps)])
    cohort.append([
      "patients with >= 1 cramp night",
      "\(s.patientsWithCramp) (\(percent(Double(s.patientsWithCramp) / Double(max(1, s.patients)))))",
    ])
    out += table(cohort) + "\n"
    if !report.severityCounts.isEmpty {
      out += chart(
        {
          BarChart(
            bars: report.severityCounts.map {
              (label: "severity \($0.severity)", value: Double($0.nights))
            },
            title: "Cramp nights by worst severity (0-10)", valueTitle: "nights", valueDigits: 0
          ).render(style: $0)
        }, markdown: md)
    }
    if !report.eventStrips.isEmpty {
      out += chart(
        {
          EventStrip(
            patients: report.eventStrips,
            title: "Cramp nights of the first \(report.eventStrips.count) patients",
            scaleLabel: "Night"
          ).render(style: $0)
        }, markdown: md)
    }
    if !report.prevalence.isEmpty {
      out += heading("Prevalence by key factor", markdown: md)
      out += table(prevalenceTable(precise: false))
      out +=
        "(% of nights: cramp nights among observed nights at that level; % of patients: patients with a cramp on a night at that level.)\n\n"
    }

    // Time to first cramp.
    close("first-cramp", &out)
    if !report.firstCramp.isEmpty {
      out += heading("Time to first cramp", markdown: md)
      for f in report.firstCramp {
        out += md ? "### By \(f.factor)\n\n" : "By \(f.factor):\n"
        let km = KaplanMeierReport(fit: f.curves, formula: "Surv(time, event) ~ \(f.factor)")
        out += table(km.medianTable)
        if let test = f.logRank {
          out += "Log-rank: " + LogRankReport(result: test, formula: "").summaryLine + "\n"
        }
        out += chart(
          {
            ModelCharts.kaplanMeier(
              f.curves, title: "Time to first cramp by \(f.factor)",
              xTitle: "Nights since the first diary night",
              yTitle: "Probability of no cramp yet", atRiskTimes: f.atRiskTimes
            ).render(style: $0)
          }, markdown: md)
        out += md ? "" : "\n"
      }
    }

    // Logistic model.
    close("logistic", &out)
    if let m = report.logistic {
      out += heading("Nightly logistic model", markdown: md)
      out += "Is tonight a cramp night? \(m.formula); n = \(m.rows) nights"
      if m.droppedRows > 0 {
        out += " (\(m.droppedRows) without a recorded outcome or covariate dropped)"
      }
      out += ".\n\n"
      let rows = LogisticReport(fit: m.fit, source: report.source, clusterColumn: "patient_id").rows
        .filter { $0.term != "(Intercept)" }
      out += table(
        CoefficientTable.ratios(
          rows, headers: .logistic, level: m.fit.confidenceLevel, showMethod: false))
      out += chart(
        {
          ModelCharts.forest(
            rows, title: "Odds of a cramp night (cluster-robust 95% CI)",
            axisTitle: "Odds ratio (log scale)", header: "OR (95% CI)"
          ).render(style: $0)
        }, markdown: md)
      out += "Cluster-robust p-values: "
      out +=
        rows.map { "\($0.term) \(NumberFormat.pValue($0.pValue))" }.joined(separator: ", ") + "\n"
      if let auc = m.fit.auc {
        out +=
          "AUC \(NumberFormat.fixed(auc.estimate, digits: 3)) (95% CI \(NumberFormat.fixed(auc.confLow, digits: 3)) to \(NumberFormat.fixed(auc.confHigh, digits: 3)))"
      }
      if let hl = m.fit.hosmerLemeshow?.test {
        out += "; Hosmer-Lemeshow p = \(NumberFormat.pValue(hl.pValue))"
      } else if m.fit.hosmerLemeshow != nil {
        out += "; Hosmer-Lemeshow: no test (too few distinct fitted risks)"
      }
      out += "\n"
      for d in m.fit.diagnostics { out += "Warning: \(d)\n" }
      out += "\n"
    }

    // Random-intercept logistic model.
    close("mixed-logistic", &out)
    if let m = report.mixedLogistic {
      out += mixedLogisticSection(m, markdown: md, table: table)
    }

    // Andersen-Gill.
    close("andersen-gill", &out)
    if let m = report.andersenGill {
      out += heading("Recurrent cramp nights: Andersen-Gill model", markdown: md)
      out += "\(m.formula); \(m.rows) merged intervals, \(m.fit.eventCount) cramp nights.\n\n"
      let cox = CoxReport(
        fit: m.fit, formula: m.formula, source: report.source, subjects: report.summary.patients,
        droppedRowCount: m.droppedRows, droppedByVariable: [:])
      out += table(cox.hazardRatioTable)
      let coxRows = m.fit.coefficients.map { c in
        CoefficientRow(
          term: c.term, estimate: c.estimate, standardError: c.standardError, statistic: c.z,
          pValue: c.pValue, ratio: c.hazardRatio, ratioLow: c.hazardRatioLow,
          ratioHigh: c.hazardRatioHigh)
      }
      out += chart(
        {
          ModelCharts.forest(
            coxRows, title: "Rate of cramp nights (robust 95% CI)",
            axisTitle: "Rate ratio (log scale)", header: "HR (95% CI)"
          ).render(style: $0)
        }, markdown: md)
      out += "Robust p-values: "
      out +=
        m.fit.coefficients.map { "\($0.term) \(NumberFormat.pValue($0.pValue))" }.joined(
          separator: ", ") + "\n"
      for d in m.fit.diagnostics { out += "Warning: \(CoxReport.describe(d))\n" }
      if let zph = report.proportionalHazards {
        out +=
          md
          ? "\n**Proportional hazards check (cox.zph)**\n\n"
          : "\nProportional hazards check (cox.zph, km transform):\n"
        out += table(CoxReport.zphTable(zph))
        out += CoxReport.zphNotes(zph, markdown: md)
        // Sketch the single-column term with the smallest p-value.
        let single = zph.terms.filter { r in m.fit.coefficients.contains { $0.term == r.term } }
        if let worst = single.filter({ !$0.pValue.isNaN }).min(by: { $0.pValue < $1.pValue }),
          let column = m.fit.coefficients.firstIndex(where: { $0.term == worst.term }),
          column < zph.scaledResiduals.columns
        {
          let points = zph.transformedTimes.indices.compactMap { i -> (x: Double, y: Double)? in
            let y = zph.scaledResiduals[i, column]
            return y.isFinite ? (x: zph.transformedTimes[i], y: y) : nil
          }
          out += chart(
            {
              LineSketch(
                points: points, smooth: DiaryReportRenderer.binnedMeans(points, bins: 20),
                reference: m.fit.coefficients[column].estimate ?? 0,
                title: "beta(t) for \(worst.term): a flat band means proportional hazards",
                xTitle: "Kaplan-Meier transformed time", yTitle: "Beta(t)"
              ).render(style: $0)
            }, markdown: md)
        }
      }
      if let f = report.frailty {
        out += frailtySection(f, markdown: md, table: table)
      }
      if let share = report.tiedEventShare {
        out +=
          "Tied event times: \(percent(share)) of cramp nights share their night with another patient's; Efron's method handles them, and the nightly logistic model above is the discrete-time alternative.\n"
      }
      out += "\n"
    }

    // MCF.
    close("mcf", &out)
    if let mcf = report.meanCumulativeFunction, !mcf.steps.isEmpty {
      out += heading("Mean cumulative number of cramp nights", markdown: md)
      var t = DataTable(headers: ["night", "patients at risk", "mean cumulative cramp nights"])
      let marks = Set(DiaryReport.niceTicks(upTo: mcf.steps.last?.time ?? 0).dropFirst())
      let hazard = mcf.cumulativeHazard(.nelsonAalen)
      for (step, h) in zip(mcf.steps, hazard)
      where marks.contains(step.time) || step.time == mcf.steps.last?.time {
        t.append([
          NumberFormat.significant(step.time, digits: 6),
          NumberFormat.significant(step.atRisk, digits: 6),
          NumberFormat.fixed(h.cumulativeHazard, digits: 3),
        ])
      }
      out += table(t)
      out += chart(
        {
          ModelCharts.meanCumulativeFunction(
            [mcf], title: "Mean cumulative number of cramp nights",
            xTitle: "Nights since the first diary night"
          ).render(style: $0)
        }, markdown: md)
      out += "\n"
    }

    close("trial", &out)
    out += trialText(markdown: md)
    close("competing-first-cramp", &out)
    out += competingText(markdown: md)
    close("notes", &out)
    if !report.notes.isEmpty {
      out += heading("Analyses skipped", markdown: md)
      for n in report.notes { out += "- \(n)\n" }
      out += "\n"
    }
    close("conventions", &out)
    out += heading("Conventions used", markdown: md)
    for c in report.conventions { out += "- \(c)\n" }
    close("", &out)
    return sections
  }

  /// The report as JSON (without the envelope).
  public var jsonBody: [String: JSONValue] {
    let s = report.summary
    var body: [String: JSONValue] = [
      "file": .string(report.source),
      "validation": .object([
        "errors": .int(report.findings.filter { $0.severity == .error }.count),
        "warnings": .int(report.findings.filter { $0.severity == .warning }.count),
        "findings": .array(
          report.findings.prefix(100).map { f in
            .object([
              "file": .string(f.source), "line": .int(f.line), "column": .string(f.column),
              "severity": .string(f.severity.rawValue), "rule": .string(f.rule),
              "message": .string(f.message),
            ])
          }),
      ]),
      "cohort": .object([
        "n_patients": .int(s.patients), "patient_nights": .int(s.patientNights),
        "nights_observed": .int(s.nightsObserved), "nights_with_cramp": .int(s.nightsWithCramp),
        "patients_with_cramp": .int(s.patientsWithCramp), "cramps": .int(report.totalCramps),
      ]),
      "prevalence": .array(
        report.prevalence.map { r in
          .object([
            "factor": .string(r.factor), "level": .string(r.level), "nights": .int(r.nights),
            "cramp_nights": .int(r.crampNights), "n_patients": .int(r.patients),
            "patients_with_cramp": .int(r.patientsWithCramp),
          ])
        }),
      "first_cramp": .array(
        report.firstCramp.map { f in
          var o = KaplanMeierReport(fit: f.curves, formula: "Surv(time, event) ~ \(f.factor)")
            .jsonBody
          o["factor"] = .string(f.factor)
          o["logrank"] =
            f.logRank.map { .object(LogRankReport(result: $0, formula: "").jsonBody) } ?? .null
          return .object(o)
        }),
      "notes": .array(report.notes.map { .string($0) }),
      "conventions": .array(report.conventions.map { .string($0) }),
      "tied_share": .number(report.tiedEventShare),
    ]
    if let m = report.logistic {
      body["logistic"] = .object(
        LogisticReport(fit: m.fit, source: report.source, clusterColumn: "patient_id").jsonBody)
    }
    if let m = report.mixedLogistic {
      body["mixed_logistic"] = .object(
        MixedLogisticReport(fit: m.fit, source: report.source).jsonBody)
    }
    if let f = report.frailty {
      body["andersen_gill_frailty"] = .object(
        FrailtyCoxReport(
          fit: f.fit, formula: f.formula, source: report.source, groupColumn: "patient_id",
          termLabel: "frailty(patient_id, distribution = \"gaussian\")",
          droppedRowCount: f.droppedRows
        ).jsonBody)
    }
    if let m = report.andersenGill {
      var cox = CoxReport(
        fit: m.fit, formula: m.formula, source: report.source, subjects: s.patients,
        droppedRowCount: m.droppedRows, droppedByVariable: [:])
      cox.clusterColumn = "patient_id"
      body["andersen_gill"] = .object(cox.jsonBody)
    }
    body.merge(trialJSON) { current, _ in current }
    return body
  }
}
