import Analysis
import CrampData
import Formula
import Ordinal
import Reporting

/// `crampstat severity FILE --formula "severity ~ x"`: ordinal regression as MASS::polr.
enum SeverityCommand {
  static let spec = CommandSpec(
    name: "severity",
    abstract: "Ordinal regression of cramp severity (cumulative logit or probit, MASS::polr).",
    discussion: """
      Fits the cumulative-link model P(severity <= k) = F(zeta_k - x'beta) on the rows with \
      a severity (the cramp nights; nights without a cramp have none and are dropped) by \
      Newton-Raphson, with polr's numbers: coefficients, thresholds zeta named "3|4", \
      standard errors from the observed information (polr's vcov with Hess = TRUE), z, p, \
      cumulative odds ratios with Wald intervals (logit), residual deviance, log-likelihood, \
      AIC. The levels are the values observed, as polr's factor(severity): a value with no \
      night (say 7) is not a level and a note says so. '--cluster patient_id' (or \
      cluster(patient_id) in the formula) gives cluster-robust HC0 standard errors, as \
      sandwich::vcovCL(type = "HC0", cadjust = FALSE). Proportional odds is checked by \
      Brant's (1990) test (binary logits of severity > k, Wald test that their slopes are \
      equal; logit link only; not computed when a binary split is separated). The predicted \
      severity distribution is shown for '--predict "x=1,..."' (others at the cohort median). \
      Example: crampstat severity diary.csv --formula "severity ~ stretch_bedtime + mg_supp" \
      --cluster patient_id
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per night.")],
    options: ModelInput.options + [
      .option(
        "link", value: "link", help: "Cumulative link: logit (proportional odds) or probit.",
        allowed: ["logit", "probit"], default: "logit"),
      .option(
        "cluster", value: "column",
        help: "Cluster-robust (sandwich) standard errors by this column, e.g. patient_id."),
      .option(
        "predict", value: "profile",
        help:
          "Severity distribution for a covariate profile, e.g. \"stretch_bedtime=1\" (others at the cohort median)."
      ),
      .option("level", value: "p", help: "Confidence level of intervals.", default: "0.95"),
    ] + CommonOptions.csv.filter { $0.name != ColumnMapping.id.name } + CommonOptions.rendering
      + CommonOptions.charts + [CommonOptions.strict, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let levelText = parsed.value("level"), let level = Double(levelText), level > 0,
      level < 1
    else {
      throw .usage("'--level' needs a number between 0 and 1.", command: "severity")
    }
    let cluster = try parsed.value("cluster").map(ColumnMapping.from(parsed).resolve)
    let (table, design) = try ModelInput.load(parsed, context: context, cluster: cluster)
    let fit: CumulativeLinkFit
    do {
      let data = try OrdinalData(design: design)
      fit = try CumulativeLinkModel(
        link: parsed.value("link") == "probit" ? .probit : .logit, confidenceLevel: level
      ).fit(data)
    } catch let error as OrdinalError {
      throw .data(error.description)
    } catch {
      throw .data(FitFailure.explain(error, model: "ordinal", design: design, table: table))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(\.description), parsed: parsed, context: context)
    let prediction = try predict(parsed.value("predict"), fit: fit, design: design, table: table)
    var response = "severity"
    if case .expression(let e) = design.formula.response { response = e.label }
    let clusterName =
      cluster ?? design.formula.clusters.first.map(\.label)
    let report = OrdinalReport(
      fit: fit, formula: design.formula.text, response: response,
      source: parsed.argument("file") ?? "",
      clusterColumn: design.clusters == nil ? nil : clusterName,
      droppedRowCount: design.droppedRowCount, droppedByVariable: design.droppedByVariable,
      prediction: prediction, chartStyle: CommonOptions.chartStyle(parsed, context: context))
    try deliverResult(
      command: "severity", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }

  /// The predicted distribution for `name=value,...` (empty: the cohort median profile).
  static func predict(
    _ text: String?, fit: CumulativeLinkFit, design: DesignMatrix, table: Table
  ) throws(CLIError) -> OrdinalReport.Prediction? {
    do {
      let values = try text.map(ProfileError.parse) ?? [:]
      let variables = ProfileDesign.variables(of: design.formula, design: design, table: table)
      let (row, filled) = try ProfileDesign.row(
        rightHandSide: ProfileDesign.rightHandSide(design.formula), references: [:],
        variables: variables, values: values, columnNames: design.columnNames,
        splineBases: design.splineBases)
      // By name: aliased columns the fit dropped have no coefficient.
      var byName: [String: Double] = [:]
      for (name, value) in zip(design.columnNames, row) { byName[name] = value }
      let x = fit.coefficients.map { byName[$0.term] ?? 0 }
      let probabilities = try fit.predictedProbabilities(x)
      let shown = variables.map { (name: $0.name, value: values[$0.name] ?? $0.typicalValue) }
      return OrdinalReport.Prediction(
        values: shown, filled: filled, probabilities: probabilities)
    } catch let error as CLIError {
      throw error
    } catch let error as ProfileError {
      throw .usage("--predict: \(error)", command: "severity")
    } catch {
      throw .data("--predict: \(error)")
    }
  }
}
