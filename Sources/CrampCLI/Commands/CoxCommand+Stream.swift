import Analysis
import CrampData
import Partials
import Reporting
import Survival

extension CoxCommand {
  /// `cox FILE --stream`: Cox / Andersen-Gill in passes over blocks of whole patients
  /// (``DistributedCox/fit(blockCount:table:settings:model:)``), memory set by
  /// `--block-rows`; blocks are cut between the `cluster()` column's patients.
  static func runStreamed(
    _ parsed: ParsedArguments, context: Context, level: Double
  ) throws(CLIError) -> Int32 {
    try StreamInput.refuse(
      ["zph", "residuals", "predict", "save-model", "weights"], parsed: parsed, command: "cox")
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "cox")
    }
    guard let formula = parsed.value("formula") else {
      throw .usage("Missing '--formula <formula>'.", command: "cox")
    }
    let cluster = clusterColumn(formula)
    let settings = PartitionDesign.settings(
      formula: formula, references: parsed.allValues("ref"),
      missing: parsed.value("missing") == "fail" ? .fail : .drop, cluster: nil)
    let (plan, options) = try StreamInput.plan(
      parsed, formula: formula, idColumn: cluster, command: "cox")
    let model = CoxModel(
      ties: parsed.value("ties") == "breslow" ? .breslow : .efron, confidenceLevel: level)
    let result: (fit: CoxFit, state: DistributedCox)
    do {
      result = try DistributedCox.fit(
        blockCount: plan.blocks.count,
        table: { k in try plan.read(plan.blocks[k], options: options).table },
        settings: settings, model: model)
    } catch let error as PartialsError {
      if case .overlap = error {
        throw .data(
          "\(path): --stream needs each patient's rows together (sort the file by "
            + "\(cluster ?? "patient")): \(error)")
      }
      throw .data("\(path): \(error)")
    } catch let error as CSVError {
      throw .data(error.description)
    } catch {
      throw .data("\(path): \(error)")
    }
    let fit = result.fit
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(CoxReport.describe), parsed: parsed, context: context)
    var report = CoxReport(
      fit: fit, formula: formula, source: CSVFile.displayName(path),
      subjects: result.state.patients > 0 ? result.state.patients : fit.count,
      droppedRowCount: result.state.dropped, droppedByVariable: result.state.droppedByVariable,
      confidenceLevel: level)
    report.clusterColumn = cluster
    try deliverResult(
      command: "cox", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }
}
