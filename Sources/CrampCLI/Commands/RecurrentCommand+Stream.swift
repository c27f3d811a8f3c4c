import Analysis
import CrampData
import Partials
import Recurrent
import Reporting
import Survival

extension RecurrentCommand {
  /// `recurrent FILE --stream`: AG, PWP, Poisson or the MCF in passes over blocks of whole patients
  /// (``RecurrentStream``), each block reshaped on its own, with peak memory set by
  /// `--block-rows`, not the diary.
  static func runStreamed(
    _ parsed: ParsedArguments, context: Context, model: RecurrentModel,
    options: RecurrentOptions, level: Double
  ) throws(CLIError) -> Int32 {
    try StreamInput.refuse(
      ["frailty", "patients", "save-model"], parsed: parsed, command: "recurrent")
    guard model != .negativeBinomial else {
      throw .usage(
        "'--stream' fits --model ag, pwp-gap, pwp-total, poisson and mcf; fit negbin in memory.",
        command: "recurrent")
    }
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "recurrent")
    }
    let formula = parsed.value("formula") ?? "~ 1"
    let settings: [String: [String]]
    do {
      settings = try RecurrentPartition.settings(model: model, formula: formula, options: options)
    } catch {
      throw .usage(error.description, command: "recurrent")
    }
    let (plan, csvOptions) = try StreamInput.plan(
      parsed, formula: formula, idColumn: "patient_id", command: "recurrent",
      extraColumns: RecurrentPartition.diaryColumns(settings))
    let fit: RecurrentStream.Fit
    do {
      fit = try RecurrentStream.fit(
        blockCount: plan.blocks.count,
        diary: { k in try plan.read(plan.blocks[k], options: csvOptions).table },
        settings: settings, ties: parsed.value("ties") == "breslow" ? .breslow : .efron,
        confidenceLevel: level)
    } catch let error as PartialsError {
      if case .overlap = error {
        throw .data(
          "\(path): --stream needs each patient's rows together (sort the file by patient_id): "
            + "\(error)")
      }
      throw .data("\(path): \(error)")
    } catch let error as CSVError {
      throw .data(error.description)
    } catch {
      throw .data(FitFailure.explain(error, model: model.rawValue, design: nil, table: nil))
    }
    let rhs = RecurrentPartition.formula(settings)
    switch fit {
    case .cox(let fit):
      try ModelInput.report(
        diagnostics: fit.cox.diagnostics.map(CoxReport.describe), parsed: parsed,
        context: context)
      let report = RecurrentCoxReport(
        fit: fit, formula: rhs, source: path, confidenceLevel: level)
      try deliverResult(
        command: "recurrent", parsed: parsed, context: context, body: report.jsonBody,
        render: report.render)
    case .meanCumulative(let fit, let ties):
      let report = RecurrentMCFReport(fit: fit, ties: ties, formula: rhs, source: path)
      try deliverResult(
        command: "recurrent", parsed: parsed, context: context, body: report.jsonBody,
        render: report.render)
    case .rate(let fit):
      try ModelInput.report(diagnostics: fit.warnings, parsed: parsed, context: context)
      let report = RecurrentRateReport(fit: fit, formula: rhs, source: path)
      try deliverResult(
        command: "recurrent", parsed: parsed, context: context, body: report.jsonBody,
        render: report.render)
    }
    return ExitCode.success
  }
}
