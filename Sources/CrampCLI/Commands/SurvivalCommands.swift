import Analysis
import CrampData
import Formula
import Reporting
import Survival

/// `crampstat km`: Kaplan-Meier curves with Greenwood variance.
enum KaplanMeierCommand {
  static let spec = CommandSpec(
    name: "km",
    abstract: "Kaplan-Meier survival curves, medians, survival at chosen times, restricted means.",
    discussion: """
      Example: crampstat km first.csv --formula "Surv(time, event) ~ age_over_50" --times 7,30. \
      Status may be coded 0/1, 1/2 (R's convention) or TRUE/FALSE; 'Surv(start, stop, status)' \
      gives delayed entry. Intervals are R's survfit defaults (log transform, Greenwood \
      variance); the median and its limits follow print.survfit.
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per subject (or interval).")],
    options: ModelInput.options + [
      .option(
        "conf-type", value: "type", help: "Transform for the pointwise intervals.",
        allowed: ["log", "log-log", "plain"], default: "log"),
      .option("level", value: "p", help: "Confidence level.", default: "0.95"),
      .option(
        "times", value: "list", help: "Comma-separated times for a survival table, e.g. 7,30,90."),
      .option("rmean", value: "horizon", help: "Restricted mean survival up to this time."),
      .option(
        "cumhaz", value: "estimator", help: "Tabulate the cumulative hazard.",
        allowed: ["nelson-aalen", "fleming-harrington"]),
    ] + CommonOptions.csv + CommonOptions.rendering + CommonOptions.charts + [CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    let level = try SurvivalOptions.level(parsed)
    let (table, design) = try ModelInput.load(parsed, context: context)
    let y = try SurvivalInput.response(design, command: "km")
    let (codes, labels) = try SurvivalInput.groups(design, table: table)
    let confType: KaplanMeier.ConfidenceType =
      switch parsed.value("conf-type") {
      case "log-log": .logLog
      case "plain": .plain
      default: .log
      }
    let fit: KaplanMeierFit
    do {
      fit = try KaplanMeier(confidenceType: confType, confidenceLevel: level).fit(
        y, groups: codes, groupLabels: labels)
    } catch {
      throw .data(String(describing: error))
    }
    var times: [Double] = []
    if let list = parsed.value("times") {
      for item in list.split(separator: ",") {
        guard let t = Double(String(item).trimmingSpaces()), t.isFinite else {
          throw .usage("'--times' needs comma-separated numbers, not '\(list)'.", command: "km")
        }
        times.append(t)
      }
    }
    var horizon: Double?
    if let text = parsed.value("rmean") {
      guard let h = Double(text), h > 0 else {
        throw .usage("'--rmean' needs a positive time, not '\(text)'.", command: "km")
      }
      horizon = h
    }
    let hazard: KaplanMeierFit.HazardType? =
      switch parsed.value("cumhaz") {
      case "nelson-aalen": .nelsonAalen
      case "fleming-harrington": .flemingHarrington
      default: nil
      }
    let report = KaplanMeierReport(
      fit: fit, formula: design.formula.text, times: times, restrictedMeanHorizon: horizon,
      cumulativeHazard: hazard)
    let style = CommonOptions.chartStyle(parsed, context: context)
    try deliverResult(
      command: "km", parsed: parsed, context: context, body: report.jsonBody,
      render: { format in
        var out = report.render(format)
        if let style, format == .text || format == .markdown {
          let chart = ModelCharts.kaplanMeier(
            fit, title: "Kaplan-Meier: \(design.formula.text)", xTitle: "Time"
          ).render(style: style)
          out += format == .markdown ? "\n```text\n" + chart + "```\n" : "\n" + chart
        }
        return out
      })
    return ExitCode.success
  }
}

/// `crampstat logrank`: k-sample log-rank and G-rho tests as R's `survdiff`.
enum LogRankCommand {
  static let spec = CommandSpec(
    name: "logrank",
    abstract: "Log-rank (G-rho) test comparing survival between groups, as R's survdiff.",
    discussion: """
      Example: crampstat logrank first.csv --formula "Surv(time, event) ~ dialysis + strata(sex)". \
      '--rho 1' gives the Peto-Peto modification of the Gehan-Wilcoxon test.
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per subject.")],
    options: ModelInput.options + [
      .option("rho", value: "rho", help: "G-rho family parameter.", default: "0")
    ] + CommonOptions.csv + CommonOptions.rendering + [CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let rhoText = parsed.value("rho"), let rho = Double(rhoText), rho.isFinite else {
      throw .usage("'--rho' needs a number.", command: "logrank")
    }
    let (table, design) = try ModelInput.load(parsed, context: context)
    let y = try SurvivalInput.response(design, command: "logrank")
    let (codes, labels) = try SurvivalInput.groups(design, table: table)
    guard labels.count >= 2 else {
      throw .usage(
        "The log-rank test needs at least two groups on the right of '~'.", command: "logrank")
    }
    let result: LogRankResult
    do {
      result = try LogRank.test(
        y, groups: codes, strata: design.strata.map { $0.codes.map(Int.init) }, groupLabels: labels,
        rho: rho)
    } catch {
      throw .data(String(describing: error))
    }
    let report = LogRankReport(result: result, formula: design.formula.text)
    try deliverResult(
      command: "logrank", parsed: parsed, context: context, body: report.jsonBody,
      render: report.render)
    return ExitCode.success
  }
}

/// `crampstat cox`: Cox proportional hazards with R's coxph numbers.
enum CoxCommand {
  static let spec = CommandSpec(
    name: "cox",
    abstract: "Cox proportional hazards regression (Efron/Breslow, strata, (start, stop], robust).",
    discussion: """
      Example: crampstat cox diary.csv --formula "Surv(start, stop, cramp) ~ age_over_50 + \
      factor(trimester) + cluster(patient_id)". Counting-process rows (start, stop] are at risk \
      at t only when start < t <= stop. cluster(id) gives R's robust sandwich variance, which \
      z, p and intervals then use. strata(x) fits separate baseline hazards. frailty(id) adds a \
      shared gamma frailty per id (frailty(id, distribution = "gaussian") for log-normal), \
      fitted by penalized partial likelihood as coxph.
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per subject or interval.")],
    options: ModelInput.options + [
      .option(
        "ties", value: "method", help: "Handling of tied event times.",
        allowed: ["efron", "breslow"], default: "efron"),
      .option("weights", value: "column", help: "Case weights column."),
      .option("level", value: "p", help: "Confidence level.", default: "0.95"),
      .flag("zph", help: "Test proportional hazards with scaled Schoenfeld residuals (cox.zph)."),
      .option(
        "residuals", value: "type",
        help: "Write residuals as CSV (to -o or stdout) instead of the report.",
        allowed: ["martingale", "deviance", "score", "schoenfeld", "dfbeta"]),
      .option(
        "predict", value: "profile",
        help:
          "Survival curve for a covariate profile, e.g. \"age_over_50=1,dialysis=0\" (others at the cohort median)."
      ),
      RiskModelExport.option,
    ] + StreamInput.options + CommonOptions.csv + CommonOptions.rendering
      + CommonOptions.charts + [CommonOptions.strict, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    let level = try SurvivalOptions.level(parsed)
    if parsed.flag("stream") {
      if try frailtyTerm(parsed) != nil {
        throw .usage("'--stream' does not fit frailty() terms yet.", command: "cox")
      }
      return try runStreamed(parsed, context: context, level: level)
    }
    if let (formula, term) = try frailtyTerm(parsed) {
      return try runFrailty(parsed, &context, formula: formula, term: term, level: level)
    }
    var (table, design): (Table?, DesignMatrix) = try ModelInput.load(parsed, context: context)
    let y = try SurvivalInput.response(design, command: "cox")
    // Only --predict and --save-model read the table and the design's values after the fit; on
    // large diaries they are most of the memory, so otherwise they go before the fit.
    let keepInput = parsed.value("predict") != nil || parsed.value("save-model") != nil
    let (x, names) =
      keepInput
      ? try SurvivalInput.covariates(design) : try SurvivalInput.takeCovariates(&design)
    var weights: [Double]?
    if let name = parsed.value("weights") {
      guard let column = table?[name], column.isNumeric else {
        throw .data("\(design.source): no numeric column '\(name)' for --weights")
      }
      let w = design.rowsUsed.map { column.numbers[Int($0)] }
      if let bad = w.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
        throw .data(
          "\(design.source):\(design.lineNumbers[bad]): column '\(name)': weights must be finite and >= 0"
        )
      }
      weights = w
    }
    if !keepInput { table = nil }
    let model = CoxModel(
      ties: parsed.value("ties") == "breslow" ? .breslow : .efron, confidenceLevel: level)
    let fit: CoxFit
    do {
      fit = try model.fit(
        y, x: consume x, termNames: names, strata: design.strata.map { $0.codes.map(Int.init) },
        cluster: design.clusters.map { $0.codes.map(Int.init) }, weights: weights,
        offset: design.offset, retainDesign: keepInput || parsed.flag("zph"))
    } catch {
      throw .data(FitFailure.explain(error, model: "Cox", design: design, table: table))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(CoxReport.describe), parsed: parsed, context: context)
    if let table {
      try RiskModelExport.cox(
        fit, kind: .cox, design: design, table: table, level: level,
        path: parsed.value("save-model"))
    }
    if let type = parsed.value("residuals") {
      let residuals = try CoxOutputs.residuals(type, fit: fit, design: design, names: names)
      // CSV unless JSON is asked for: one record per row, keyed by the CSV's columns.
      let text =
        CommonOptions.outputFormat(parsed) == .json
        ? JSONEnvelope.make(
          command: "cox", parsed: parsed,
          body: ["residuals": .string(type), "records": CoxOutputs.records(residuals)]
        ).rendered()
        : residuals.renderCSV()
      try OutputWriter.deliver(text, to: parsed.value("output"), console: context.console)
      return ExitCode.success
    }
    var report = CoxReport(
      fit: fit, formula: design.formula.text, source: design.source,
      subjects: design.clusters?.count ?? fit.count, droppedRowCount: design.droppedRowCount,
      droppedByVariable: design.droppedByVariable, confidenceLevel: level)
    report.clusterColumn = clusterColumn(design.formula.text)
    do {
      report.concordance = fit.concordance
      report.robustScore = try fit.robustScoreTest()
      if parsed.flag("zph") {
        report.proportionalHazards = try fit.proportionalHazardsTest(
          terms: design.termGroupsWithoutIntercept)
      }
    } catch {
      throw .data(String(describing: error))
    }
    var prediction: CoxPrediction?
    if let text = parsed.value("predict"), let table {
      prediction = try CoxOutputs.predict(
        text, fit: fit, design: design, table: table, level: level)
    }
    let style = CommonOptions.chartStyle(parsed, context: context)
    var body = report.jsonBody
    if let prediction { body["prediction"] = .object(prediction.jsonBody) }
    try deliverResult(
      command: "cox", parsed: parsed, context: context, body: body,
      render: { format in
        var out = report.render(format)
        if let prediction, format == .text || format == .markdown {
          out += "\n" + prediction.render(markdown: format == .markdown, style: style)
        }
        return out
      })
    return ExitCode.success
  }
}

/// The column inside `cluster(...)` of a formula's text, if any.
func clusterColumn(_ formula: String) -> String? {
  guard let open = formula.range(of: "cluster(") else { return nil }
  let rest = formula[open.upperBound...]
  guard let close = rest.firstIndex(of: ")") else { return nil }
  return String(rest[..<close]).trimmingSpaces()
}

/// Option handling shared by the survival commands.
enum SurvivalOptions {
  static func level(_ parsed: ParsedArguments) throws(CLIError) -> Double {
    guard let text = parsed.value("level"), let level = Double(text), level > 0, level < 1 else {
      throw .usage("'--level' needs a number between 0 and 1.", command: parsed.command)
    }
    return level
  }
}
