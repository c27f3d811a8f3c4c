import Analysis
import CrampData
import Reporting

/// `crampstat report DIARY`: the main job, from a diary to a full analysis.
enum ReportCommand {
  static let spec = CommandSpec(
    name: "report",
    abstract: "Full analysis of a night-level diary: validation, cohort, survival, models.",
    discussion: """
      Runs, on one diary: validation; a cohort description with prevalence by age over 50, \
      sex, trimester, dialysis and supplement; Kaplan-Meier of time to first cramp by each \
      factor with log-rank tests; a nightly logistic model with cluster-robust SEs; an \
      Andersen-Gill model with robust SEs; the mean cumulative function; on a randomized \
      diary (rct_arm in the diary or --patients file) the arms, the cramp-night rate ratio by \
      negative binomial and severity by arm (polr); when delivery or dropout (censor_reason) \
      ends follow-up before a first cramp, its cumulative incidence (Aalen-Johansen); and the \
      conventions used. Text to the terminal, '-o report.md --format markdown' for Markdown, '--format \
      json' for machines.
      """,
    arguments: [ArgumentSpec(name: "diary", help: "Night-level diary CSV.")],
    options: [
      .option(
        "patients", value: "file", help: "Patient-level CSV, validated alongside.", path: .input),
      .option(
        "factors", value: "list",
        help:
          "Comma-separated key factors (default: those present of age_over_50, sex, trimester, dialysis, supplement)."
      ),
      .option(
        "covariates", value: "list",
        help: "Comma-separated model covariates (default: chosen from the diary)."),
      .option(
        "notebook", value: "file.ipynb",
        help:
          "Also write the report as a Jupyter notebook (nbformat 4.5) with Python cells that refit the key models.",
        path: .output),
    ] + CommonOptions.csv + CommonOptions.rendering + CommonOptions.charts + [CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let path = parsed.argument("diary") else {
      throw .usage("Missing <diary>.", command: "report")
    }
    if parsed.value("notebook") != nil, try ColumnMapping.isInUse(parsed) {
      throw .usage(
        "'--notebook' writes Python cells that read the diary as it is, with the layout's "
          + "column names and ISO dates; they cannot replay --id, --night, --date, --cramp, "
          + "--columns or --date-format yet: rename the columns in the file, or leave "
          + "'--notebook' out.", command: "report")
    }
    let csv = try CommonOptions.csvOptions(parsed)
    let quiet = parsed.flag("quiet")
    let table = try TableLoader.load(
      path, options: csv, context: context, quiet: quiet, kind: .nightDiary)
    let patients = try parsed.value("patients").map { (p: String) throws(CLIError) in
      try TableLoader.load(p, options: csv, context: context, quiet: quiet, kind: .sideTable)
    }
    func list(_ name: String) -> [String]? {
      parsed.value(name).map { $0.split(separator: ",").map { String($0).trimmingSpaces() } }
    }
    let report: DiaryReport
    do {
      report = try DiaryReport.build(
        nights: table, patients: patients,
        options: DiaryReportOptions(factors: list("factors"), covariates: list("covariates")))
    } catch {
      throw .data(String(describing: error))
    }
    if !quiet {
      for note in report.notes { context.console.err("Warning: \(note)\n") }
    }
    if let notebookPath = parsed.value("notebook") {
      try writeNotebook(report, to: notebookPath, parsed: parsed)
    }
    let renderer = DiaryReportRenderer(
      report, chartStyle: CommonOptions.chartStyle(parsed, context: context))
    try deliverResult(
      command: "report", parsed: parsed, context: context, body: renderer.jsonBody,
      render: { renderer.render($0) })
    return ExitCode.success
  }

  /// Writes the notebook; paths inside it are relative to the notebook's folder.
  static func writeNotebook(
    _ report: DiaryReport, to path: String, parsed: ParsedArguments
  ) throws(CLIError) {
    let folder = PathResolver.directory(of: path)
    func relative(_ p: String) -> String { PathResolver.relative(p, from: folder) }
    var command = "crampstat report \(relative(parsed.argument("diary") ?? ""))"
    if let p = parsed.value("patients") { command += " --patients \(relative(p))" }
    if let f = parsed.value("factors") { command += " --factors \(f)" }
    if let c = parsed.value("covariates") { command += " --covariates \(c)" }
    command += " --notebook \(PathResolver.lastComponent(path))"
    let notebook = DiaryNotebook(
      report: report, diaryPath: relative(parsed.argument("diary") ?? ""),
      generator: command, version: CLI.version)
    try OutputWriter.write(Array(notebook.notebook().serialized().utf8), to: path)
  }
}
