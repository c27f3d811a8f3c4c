import CrampData
import Formula
import Partials
import Regression
import Reporting

extension LogitCommand {
  /// `logit FILE --stream`: the fit in passes over blocks of whole patients
  /// (``DistributedLogistic/fit(blockCount:table:settings:model:passes:)``), with peak memory
  /// set by `--block-rows`, not the file.
  static func runStreamed(
    _ parsed: ParsedArguments, context: Context, cluster: String?, level: Double
  ) throws(CLIError) -> Int32 {
    try StreamInput.refuse(
      ["firth", "gee", "patients", "save-model"], parsed: parsed, command: "logit")
    if parsed.value("ci") == "profile" {
      throw .usage("'--stream' gives Wald intervals only.", command: "logit")
    }
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "logit")
    }
    guard let formulaText = parsed.value("formula") else {
      throw .usage("Missing '--formula <formula>'.", command: "logit")
    }
    let settings = PartitionDesign.settings(
      formula: formulaText, references: parsed.allValues("ref"),
      missing: parsed.value("missing") == "fail" ? .fail : .drop, cluster: cluster)
    let (plan, options) = try StreamInput.plan(
      parsed, formula: formulaText, idColumn: cluster, command: "logit")
    let blockOptions = options
    let fit: LogisticFit
    do {
      fit = try DistributedLogistic.fit(
        blockCount: plan.blocks.count,
        table: { k in try plan.read(plan.blocks[k], options: blockOptions).table },
        settings: settings, model: LogisticModel(confidenceLevel: level, goodnessOfFit: false))
    } catch let error as PartialsError {
      if case .overlap = error {
        throw .data(
          "\(path): --stream needs each patient's rows together (sort the file by "
            + "\(cluster ?? "patient"), or leave out --cluster): \(error)")
      }
      throw .data("\(path): \(error)")
    } catch let error as CSVError {
      throw .data(error.description)
    } catch let error as FormulaError {
      throw .data(error.description)
    } catch {
      throw .data("\(path): \(error)")
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(\.description), parsed: parsed, context: context)
    let report = LogisticReport(fit: fit, source: path, clusterColumn: cluster)
    try deliverResult(
      command: "logit", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }
}
