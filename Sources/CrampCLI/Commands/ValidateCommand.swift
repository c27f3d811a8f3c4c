import CrampData
import Reporting

/// `crampstat validate FILE`: checks a diary against the layout rules.
enum ValidateCommand {
  static let spec = CommandSpec(
    name: "validate",
    abstract: "Check a cramp diary CSV and report every violation with its line.",
    discussion: """
      Knows the night-level layout (one row per patient-night: patient_id, night or date, \
      cramp 0/1, cramp_count, severity 0-10, duration_min, covariates) and the patient-level \
      layout (one row per patient). Findings are printed as 'file:line: column: severity: \
      message [rule]'. Exits 65 when there are errors, or warnings with --strict.
      """,
    arguments: [ArgumentSpec(name: "file", help: "Diary CSV to check.")],
    options: [
      .option(
        "layout", value: "layout", help: "Layout of <file>.",
        allowed: ["auto", "nights", "patients"],
        default: "auto"),
      .option(
        "patients", value: "file",
        help: "Patient-level CSV: also validated, and every patient in <file> must be in it.",
        path: .input),
    ] + CommonOptions.csv + CommonOptions.rendering + [CommonOptions.strict, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "validate")
    }
    let options = try CommonOptions.csvOptions(parsed)
    let quiet = parsed.flag("quiet")
    let table = try TableLoader.load(
      path, options: options, context: context, quiet: quiet,
      kind: parsed.value("layout") == "patients" ? .table : .nightDiary)
    var layout =
      DiaryLayout(rawValue: parsed.value("layout") ?? "auto") ?? DiaryLayout.detect(table)
    if layout == nil { layout = DiaryLayout.detect(table) }
    guard let layout else {
      throw .data(
        "\(path):1: cannot tell the layout: expected 'patient_id' with 'night' or 'date' (nights) or 'patient_id' alone (patients); use --layout, or map the file's own names with --id, --night or --date, --cramp or --columns map.csv"
      )
    }
    var patientTable: Table?
    var findings: [DiaryFinding] = []
    if let patientsPath = parsed.value("patients") {
      let p = try TableLoader.load(
        patientsPath, options: options, context: context, quiet: quiet, kind: .sideTable)
      findings += DiaryValidator.validate(p, layout: .patients)
      patientTable = p
    }
    findings += DiaryValidator.validate(table, layout: layout, patients: patientTable)
    let errors = findings.filter { $0.severity == .error }.count
    let warnings = findings.count - errors
    let report = ValidationReport(
      file: table.source, layout: layout, rows: table.rowCount, findings: findings, errors: errors,
      warnings: warnings)
    let format = CommonOptions.outputFormat(parsed)
    // The text lines are compiler-style diagnostics (`file:line: ...`, then `file: ...`), kept
    // on one line whatever COLUMNS says, for editors and grep.
    let text = report.render(format, parsed: parsed)
    try OutputWriter.deliver(text, to: parsed.value("output"), console: context.console)
    if errors > 0 || (parsed.flag("strict") && warnings > 0) { return ExitCode.dataError }
    return ExitCode.success
  }
}

/// The result of `validate`, renderable in every format.
struct ValidationReport {
  var file: String
  var layout: DiaryLayout
  var rows: Int
  var findings: [DiaryFinding]
  var errors: Int
  var warnings: Int

  /// One `file:line: column: severity: message [rule]` line per finding.
  var findingLines: String { findings.map { $0.description + "\n" }.joined() }

  /// `file: layout, rows: errors, warnings`.
  var summaryLine: String {
    "\(file): \(layout.rawValue) layout, \(rows) rows: \(errors) error\(errors == 1 ? "" : "s"), "
      + "\(warnings) warning\(warnings == 1 ? "" : "s")\n"
  }

  func render(_ format: OutputFormat, parsed: ParsedArguments) -> String {
    switch format {
    case .text:
      return findingLines + summaryLine
    case .markdown, .csv:
      var table = DataTable(
        headers: ["file", "line", "column", "severity", "rule", "message"],
        alignments: [.left, .right, .left, .left, .left, .left])
      for f in findings {
        table.append([
          f.source, String(f.line), f.column ?? "", f.severity.rawValue, f.rule, f.message,
        ])
      }
      if format == .csv { return table.renderCSV() }
      return
        "**\(file)**: \(layout.rawValue) layout, \(rows) rows, \(errors) errors, \(warnings) warnings\n\n"
        + table.renderMarkdown()
    case .json:
      let items: [JSONValue] = findings.map { f in
        .object([
          "file": .string(f.source), "line": .int(f.line), "column": .string(f.column),
          "severity": .string(f.severity.rawValue), "rule": .string(f.rule),
          "message": .string(f.message),
        ])
      }
      return JSONEnvelope.make(
        command: "validate", parsed: parsed,
        body: [
          "file": .string(file), "layout": .string(layout.rawValue), "rows": .int(rows),
          "errors": .int(errors), "warnings": .int(warnings), "valid": .bool(errors == 0),
          "findings": .array(items),
        ]
      ).rendered()
    }
  }
}
