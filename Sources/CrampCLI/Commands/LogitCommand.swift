import Formula
import Regression
import Reporting

/// `crampstat logit FILE --formula F`: logistic regression with R's `glm` numbers.
enum LogitCommand {
  static let spec = CommandSpec(
    name: "logit",
    abstract: "Logistic regression (nightly or per-patient outcomes) with odds ratios.",
    discussion: """
      Fits by IRLS as R's glm (binomial, logit link) and prints R's coefficient table, odds \
      ratios with Wald intervals, deviances, AIC, the likelihood-ratio test against the null \
      model, the AUC with DeLong's interval, the Hosmer-Lemeshow test (10 groups) and a \
      calibration table. '--cluster id' gives cluster-robust (HC0) standard errors, as \
      sandwich::vcovCL(type = "HC0", cadjust = FALSE); '--firth' fits Firth's penalized \
      likelihood with profile penalized-likelihood intervals (logistf). A random-effects term \
      '(1 | patient_id)' or '(1 + x | patient_id)' fits a mixed logistic model as lme4::glmer \
      (Laplace, or '--nagq K' adaptive quadrature; '--link cloglog'; '--ranef FILE'). Example: \
      crampstat logit diary.csv --formula "cramp ~ age_over_50 + factor(trimester)" --cluster patient_id
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per observation.")],
    options: ModelInput.options + [
      .option(
        "cluster", value: "column",
        help: "Cluster-robust (sandwich) standard errors by this column, e.g. patient_id."),
      .flag("firth", help: "Firth's penalized likelihood (for separation or rare events)."),
      .option(
        "ci", value: "method",
        help:
          "Confidence intervals: Wald, or exact profile likelihood (R's confint.glm computes a spline approximation of the same limits); for a '(1 | id)' model, profile applies to the random-intercept SD and fixed effects keep Wald.",
        allowed: ["wald", "profile"], default: "wald"),
      .option(
        "gee", value: "correlation",
        help: "Fit GEE (geepack::geeglm) with this working correlation; needs --id.",
        allowed: ["exchangeable", "independence"]),
      .option("id", value: "column", help: "Cluster column for --gee, e.g. patient_id."),
      .option("level", value: "p", help: "Confidence level of intervals.", default: "0.95"),
      RiskModelExport.option, ModelInput.patientsOption,
    ] + StreamInput.options + mixedOptions
      + CommonOptions.csv.filter { $0.name != ColumnMapping.id.name }
      + CommonOptions.rendering + [CommonOptions.strict, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let levelText = parsed.value("level"), let level = Double(levelText), level > 0,
      level < 1
    else {
      throw .usage("'--level' needs a number between 0 and 1.", command: "logit")
    }
    if let formula = parsed.value("formula"), MixedFormula.hasRandomTerm(formula) {
      return try runMixed(parsed, context: context, level: level)
    }
    if let correlation = parsed.value("gee") {
      return try runGEE(parsed, context: context, correlation: correlation, level: level)
    }
    let cluster = try parsed.value("cluster").map(ColumnMapping.from(parsed).resolve)
    if parsed.flag("stream") {
      return try runStreamed(parsed, context: context, cluster: cluster, level: level)
    }
    let (table, design) = try ModelInput.load(parsed, context: context, cluster: cluster)
    let model = LogisticModel(
      confidenceLevel: level, firth: parsed.flag("firth"),
      confidenceIntervals: parsed.value("ci") == "profile" ? .profile : .wald)
    let fit: LogisticFit
    do {
      let robust = cluster != nil || design.clusters != nil
      fit = try model.fit(design, variance: robust ? .clusterRobust : .model)
    } catch {
      throw .data(FitFailure.explain(error, model: "logistic", design: design, table: table))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(\.description), parsed: parsed, context: context)
    try RiskModelExport.logistic(fit, design: design, table: table, parsed: parsed)
    let report = LogisticReport(
      fit: fit, source: parsed.argument("file") ?? "", clusterColumn: cluster)
    try deliverResult(
      command: "logit", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }

  /// `--gee exchangeable --id patient_id`: GEE with geepack's estimators.
  static func runGEE(
    _ parsed: ParsedArguments, context: Context, correlation: String, level: Double
  ) throws(CLIError) -> Int32 {
    guard let id = try parsed.value("id").map(ColumnMapping.from(parsed).resolve) else {
      throw .usage("'--gee' needs '--id <column>' naming the clusters.", command: "logit")
    }
    let (table, design) = try ModelInput.load(parsed, context: context, cluster: id)
    let fit: GEEFit
    do {
      fit = try GEEModel(
        correlation: correlation == "independence" ? .independence : .exchangeable,
        confidenceLevel: level
      ).fit(design)
    } catch {
      throw .data(FitFailure.explain(error, model: "GEE", design: design, table: table))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(\.description), parsed: parsed, context: context)
    let report = GEEReport(fit: fit, source: parsed.argument("file") ?? "", idColumn: id)
    try deliverResult(
      command: "logit", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }
}
