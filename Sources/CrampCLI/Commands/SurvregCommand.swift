import Analysis
import CrampData
import Formula
import Reporting
import Survival

/// `crampstat survreg`: parametric (accelerated failure time) survival models as R's
/// `survival::survreg`.
enum SurvregCommand {
  static let spec = CommandSpec(
    name: "survreg",
    abstract: "Parametric survival regression (Weibull, log-normal, ...), as R's survreg.",
    discussion: """
      Example: crampstat survreg first.csv --formula "Surv(time, event) ~ age_over_50 + \
      dialysis" --dist weibull --predict "age_over_50=1,dialysis=0" --times 7,30. Coefficients \
      act on log(time) (exp(coef) multiplies the time to event); Log(scale) rows are the log \
      scale per stratum of strata(x). cluster(id) gives R's robust variance (Std. Err beside \
      the (Naive SE)). Weibull fits are also shown as hazard ratios exp(-coef/scale). \
      Right-censored Surv(time, status) only: (start, stop] rows are refused.
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per subject.")],
    options: ModelInput.options + [
      .option(
        "dist", value: "distribution", help: "Distribution of the time to event.",
        allowed: SurvregDistribution.allCases.map(\.rawValue), default: "weibull"),
      .option("level", value: "p", help: "Confidence level.", default: "0.95"),
      .option(
        "max-iterations", value: "n",
        help: "Newton-Raphson iterations before giving up (R's survreg.control iter.max).",
        default: "30"),
      .option(
        "predict", value: "profile",
        help:
          "Quantiles and survival for a covariate profile, e.g. \"age_over_50=1,dialysis=0\" (others at the cohort median)."
      ),
      .option(
        "quantiles", value: "list",
        help: "Probabilities of the predicted time quantiles.", default: "0.1,0.5,0.9"),
      .option("times", value: "list", help: "Times for the predicted survival, e.g. 7,30."),
    ] + CommonOptions.csv + CommonOptions.rendering + [CommonOptions.strict, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    let level = try SurvivalOptions.level(parsed)
    guard let distText = parsed.value("dist"),
      let distribution = SurvregDistribution(rawValue: distText)
    else {
      throw .usage("'--dist' needs one of the listed distributions.", command: "survreg")
    }
    guard let iterationText = parsed.value("max-iterations"),
      let maxIterations = Int(iterationText),
      maxIterations >= 1, maxIterations <= 10_000
    else {
      throw .usage("'--max-iterations' needs a whole number from 1 to 10000.", command: "survreg")
    }
    let probabilities = try numbers(parsed.value("quantiles") ?? "", option: "quantiles")
    guard probabilities.allSatisfy({ $0 > 0 && $0 < 1 }) else {
      throw .usage("'--quantiles' needs probabilities between 0 and 1.", command: "survreg")
    }
    let times = try parsed.value("times").map { text throws(CLIError) in
      try numbers(text, option: "times")
    }
    let (table, design) = try ModelInput.load(parsed, context: context)
    let input: SurvregInput
    do {
      input = try SurvregInput.make(design)
    } catch let failure as SurvregInput.Failure {
      if failure == .notSurvival || failure == .leftTruncated {
        throw .usage(failure.description, command: "survreg")
      }
      throw .data(failure.description)
    } catch {
      throw .data("\(design.source): \(error)")
    }
    let model = SurvregModel(
      distribution: distribution, maxIterations: maxIterations, confidenceLevel: level)
    let fit: SurvregFit
    do {
      fit = try model.fit(
        time: input.time, event: input.event, x: input.x, columnNames: input.columnNames,
        strata: input.strata, strataLabels: input.strataLabels, cluster: input.cluster,
        offset: design.offset)
    } catch let error as SurvregError {
      if case .fixedScaleWithStrata = error {
        throw .usage(String(describing: error), command: "survreg")
      }
      throw .data(SurvregInput.explain(error, design: design))
    } catch {
      throw .data(FitFailure.explain(error, model: "survreg", design: design, table: table))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(SurvregReport.describe), parsed: parsed, context: context)
    var report = SurvregReport(
      fit: fit, formula: design.formula.text, source: design.source,
      droppedRowCount: design.droppedRowCount, droppedByVariable: design.droppedByVariable)
    report.clusterColumn = clusterColumn(design.formula.text)
    if let profile = parsed.value("predict") {
      report.prediction = try SurvregOutputs.predict(
        profile, fit: fit, input: input, design: design, table: table,
        probabilities: probabilities, times: times ?? [])
    } else if let times {
      // Survival at --times without a profile: the cohort's median patient.
      report.prediction = try SurvregOutputs.predict(
        "", fit: fit, input: input, design: design, table: table,
        probabilities: probabilities, times: times)
    }
    try deliverResult(
      command: "survreg", parsed: parsed, context: context, body: report.jsonBody,
      render: report.render)
    return ExitCode.success
  }

  /// Comma-separated finite numbers.
  static func numbers(_ text: String, option: String) throws(CLIError) -> [Double] {
    var out: [Double] = []
    for item in text.split(separator: ",") {
      guard let v = Double(String(item).trimmingSpaces()), v.isFinite else {
        throw .usage(
          "'--\(option)' needs comma-separated numbers, not '\(text)'.", command: "survreg")
      }
      out.append(v)
    }
    return out
  }
}

/// The prediction block of `crampstat survreg --predict`.
enum SurvregOutputs {
  /// Quantiles and survival for a profile `name=value,...`; a value for the `strata()`
  /// variable picks the stratum's scale (else the first stratum's, and the output says so).
  static func predict(
    _ text: String, fit: SurvregFit, input: SurvregInput, design: DesignMatrix, table: Table,
    probabilities: [Double], times: [Double]
  ) throws(CLIError) -> SurvregReport.Prediction {
    do {
      var values = text.isEmpty ? [:] : try ProfileError.parse(text)
      var stratum = 0
      var stratumLabel: String?
      if !input.strataLabels.isEmpty {
        stratumLabel = input.strataLabels[0]
        if design.formula.strata.count == 1 {
          let name = design.formula.strata[0].label
          if let value = values.removeValue(forKey: name) {
            guard let k = input.strataLabels.firstIndex(of: "\(name)=\(value)") else {
              throw CLIError.data(
                "--predict: '\(value)' is not a stratum of \(name) (strata: "
                  + input.strataLabels.joined(separator: ", ") + ")")
            }
            stratum = k
            stratumLabel = input.strataLabels[k]
          }
        }
      }
      let variables = ProfileDesign.variables(of: design.formula, design: design, table: table)
      let (row, filled) = try ProfileDesign.row(
        rightHandSide: ProfileDesign.rightHandSide(design.formula), references: [:],
        variables: variables, values: values, columnNames: design.columnNames,
        splineBases: design.splineBases)
      let quantiles = try fit.quantiles(
        row: row, stratum: stratum, probabilities: probabilities)
      let survival = try fit.survival(row: row, stratum: stratum, times: times)
      return SurvregReport.Prediction(
        profile: variables.map { ($0.name, values[$0.name] ?? $0.typicalValue) },
        filled: filled, stratum: stratumLabel, quantiles: quantiles, survival: survival)
    } catch let error as CLIError {
      throw error
    } catch {
      throw .data("--predict: \(error)")
    }
  }
}
