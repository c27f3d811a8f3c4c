import CrampData
import Formula
import Recurrent
import Reporting
import Survival

/// `crampstat recurrent DIARY --model ...`: recurrent-event analyses straight from the diary.
enum RecurrentCommand {
  static let spec = CommandSpec(
    name: "recurrent",
    abstract:
      "Recurrent cramps from the night-level diary: AG, PWP, MCF, Poisson, negative binomial.",
    discussion: """
      Example: crampstat recurrent diary_nights.csv --model ag --formula "~ age_over_50 + sex + \
      factor(trimester) + on_thiazide". The diary is reshaped internally (as 'crampstat layout'): \
      missing nights are gaps in the risk set, the event is a cramp night, cramp-free runs with \
      identical covariates are merged. ag and pwp-* are Cox models with robust variance \
      clustered by patient (pwp: strata = event number); mcf gives the mean cumulative number \
      of cramp nights per patient by group ('~ sex') with Lawless-Nadeau intervals and a robust \
      test of equal rate functions; poisson and negbin model per-patient counts with offset \
      log(nights observed), covariates from each patient's first observed night. When 'age' is \
      the age at enrolment, '--age-at-enrolment age' makes age_over_50 time-varying: it turns 1 \
      on the first night d (counted from the patient's first diary row) with \
      age + d/365.25 >= 50, and the intervals split there.
      """,
    arguments: [ArgumentSpec(name: "file", help: "Night-level diary CSV.")],
    options: [
      .option(
        "model", value: "model", help: "Analysis to run.",
        allowed: RecurrentModel.allCases.map(\.rawValue), default: "ag"),
      .option(
        "formula", value: "formula", help: "Covariates, R syntax: \"~ x + factor(y)\" (quote it).",
        default: "~ 1"),
      .option(
        "ties", value: "method", help: "Tied event times in the Cox models.",
        allowed: ["efron", "breslow"], default: "efron"),
      .option(
        "variance", value: "kind",
        help: "Robust (clustered by patient) or model-based variance for ag, pwp and poisson.",
        allowed: ["robust", "model"], default: "robust"),
      .option(
        "frailty", value: "distribution",
        help: "ag and pwp: a shared frailty per patient (coxph frailty()) instead of --variance.",
        allowed: ["gamma", "gaussian"]),
      .option(
        "count", value: "outcome", help: "What poisson and negbin count per patient.",
        allowed: RecurrentOptions.CountOutcome.allCases.map(\.rawValue), default: "cramps"),
    ] + LayoutCommand.layoutRules + [
      .flag("no-merge", help: "Do not merge cramp-free nights (same estimates, slower)."),
      .option(
        "patients", value: "file",
        help: "One-row-per-patient CSV whose extra columns are joined on patient_id (baseline).",
        path: .input),
      .option("level", value: "p", help: "Confidence level.", default: "0.95"),
    ] + ModelInput.designOptions + [
      RiskModelExport.option
    ] + StreamInput.options + CommonOptions.csv + CommonOptions.rendering + [
      CommonOptions.strict, CommonOptions.quiet,
    ],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "recurrent")
    }
    let level = try SurvivalOptions.level(parsed)
    var options = try recurrentOptions(parsed)
    let model = RecurrentModel(rawValue: parsed.value("model") ?? "ag") ?? .andersenGill
    let frailty = parsed.value("frailty").map {
      $0 == "gaussian" ? FrailtyCoxModel.Distribution.gaussian : .gamma
    }
    if frailty != nil {
      guard model.isCox else {
        throw .usage("'--frailty' needs --model ag, pwp-gap or pwp-total.", command: "recurrent")
      }
      if parsed.value("save-model") != nil {
        throw .usage("'--save-model' is not available with '--frailty'.", command: "recurrent")
      }
      // The patient is the frailty group: the design carries it as its cluster.
      options.robust = true
    }
    if parsed.flag("stream") {
      return try runStreamed(
        parsed, context: context, model: model, options: options, level: level)
    }
    let formula = parsed.value("formula") ?? "~ 1"
    // Read only the diary columns the layout and the formula use: a registry-sized diary
    // has dozens of columns a model does not need.
    var table = try TableLoader.load(
      path, formulas: [formula],
      extra: ["patient_id", "night", "date", "cramp", "cramp_count", "observed"]
        + [parsed.value("age-at-enrolment")].compactMap { $0 },
      options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"), kind: .nightDiary
    ).table
    if let patients = try ModelInput.patientsTable(parsed, context: context) {
      table = try ModelInput.join(table, patients: patients)
    }
    let body: [String: JSONValue]
    let render: (OutputFormat) -> String
    var warnings: [String] = []
    var saved: (RecurrentDesign, RecurrentCoxFit?, RateFit?)?
    var built: RecurrentDesign?
    do {
      let design = try RecurrentDesign.build(
        diary: table, formula: formula, model: model, options: options)
      built = design
      switch model {
      case .andersenGill where frailty != nil, .pwpGap where frailty != nil,
        .pwpTotal where frailty != nil:
        let fit = try RecurrentCox.fitFrailty(
          design, distribution: frailty ?? .gamma,
          ties: parsed.value("ties") == "breslow" ? .breslow : .efron, confidenceLevel: level)
        warnings = fit.fit.diagnostics.map(FrailtyCoxReport.describe)
        let report = RecurrentFrailtyReport(
          fit: fit, formula: design.formula, source: table.source, confidenceLevel: level)
        (body, render) = (report.jsonBody, report.render)
      case .andersenGill, .pwpGap, .pwpTotal:
        let fit = try RecurrentCox.fit(
          design, ties: parsed.value("ties") == "breslow" ? .breslow : .efron,
          confidenceLevel: level)
        warnings = fit.cox.diagnostics.map(CoxReport.describe)
        saved = (design, fit, nil)
        let report = RecurrentCoxReport(
          fit: fit, formula: design.formula, source: table.source, confidenceLevel: level)
        (body, render) = (report.jsonBody, report.render)
      case .meanCumulativeFunction:
        let fit = try MeanCumulativeFunction.estimate(design, confidenceLevel: level)
        let report = RecurrentMCFReport(
          fit: fit, ties: design.tieSummary, formula: design.formula, source: table.source)
        (body, render) = (report.jsonBody, report.render)
      case .poisson, .negativeBinomial:
        let fit = try RateRegression.fit(design, confidenceLevel: level)
        warnings = fit.warnings
        saved = (design, nil, fit)
        let report = RecurrentRateReport(fit: fit, formula: design.formula, source: table.source)
        (body, render) = (report.jsonBody, report.render)
      }
    } catch {
      throw .data(
        FitFailure.explain(
          error, model: model.rawValue, design: built?.design, table: built?.layout))
    }
    try ModelInput.report(diagnostics: warnings, parsed: parsed, context: context)
    try RiskModelExport.recurrent(
      saved, model: model, level: level, path: parsed.value("save-model"))
    try deliverResult(
      command: "recurrent", parsed: parsed, context: context, body: body, render: render)
    return ExitCode.success
  }

  static func recurrentOptions(_ parsed: ParsedArguments) throws(CLIError) -> RecurrentOptions {
    var options = RecurrentOptions()
    options.layout.mergeIntervals = !parsed.flag("no-merge")
    options.layout.multipleCramps =
      MultipleCrampRule(rawValue: parsed.value("multiple") ?? "night") ?? .oneEventPerNight
    if let origin = parsed.value("origin") {
      guard let o = Int(origin) else {
        throw .usage("'--origin' needs a whole number, not '\(origin)'.", command: "recurrent")
      }
      options.layout.origin = o
    }
    options.layout.ageAtEnrolmentColumn = parsed.value("age-at-enrolment")
    for item in parsed.allValues("ref") {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw .usage("'--ref' needs 'variable=level', not '\(item)'.", command: "recurrent")
      }
      options.references[parts[0]] = parts[1]
    }
    options.missing = parsed.value("missing") == "fail" ? .fail : .drop
    options.robust = parsed.value("variance") != "model"
    options.countOutcome =
      RecurrentOptions.CountOutcome(rawValue: parsed.value("count") ?? "cramps") ?? .cramps
    return options
  }
}
