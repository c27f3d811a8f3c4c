import CrampData
import Formula
import Recurrent

/// Reads a CSV and builds a design matrix for a model command: the shared front half of
/// `logit`, `cox` and the other model commands.
enum ModelInput {
  /// Options every model command takes, besides the CSV and rendering options.
  static let options: [OptionSpec] =
    [.option("formula", value: "formula", help: "Model formula, R syntax (quote it).")]
    + designOptions

  /// How the design is built from the table: reference levels and the missing-value policy
  /// (also taken by `crampstat recurrent`, whose formula lists covariates only).
  static let designOptions: [OptionSpec] = [
    .option(
      "ref", value: "var=level",
      help: "Reference level of a categorical variable (repeatable).", repeatable: true),
    .option(
      "missing", value: "policy",
      help: "Rows with a missing model variable: drop them (counted) or fail naming the first.",
      allowed: ["drop", "fail"], default: "drop"),
  ]

  /// `--patients`: a one-row-per-patient CSV joined on `patient_id` (logit).
  static let patientsOption = OptionSpec.option(
    "patients", value: "file",
    help: "One-row-per-patient CSV whose extra columns are joined on patient_id (baseline).",
    path: .input)

  /// The `--patients` file, read as a one-row-per-patient side table.
  ///
  /// `nil` without the option. Shared by `logit`, `recurrent` and `layout`.
  static func patientsTable(
    _ parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> Table? {
    guard let path = parsed.value("patients") else { return nil }
    return try TableLoader.load(
      path, options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"), kind: .sideTable)
  }

  /// `diary` with the patient file's columns joined on `patient_id` (a data error, 65, when
  /// the join is impossible).
  static func join(_ diary: Table, patients: Table) throws(CLIError) -> Table {
    do {
      return try PatientJoin.join(diary: diary, patients: patients)
    } catch {
      throw .data(error.description)
    }
  }

  /// The table with the `--patients` file's columns joined when the option was given, and
  /// the header names a formula may use (the diary's and the patient file's).
  static func joinPatients(
    _ table: Table, header: [String], parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> (Table, [String]) {
    guard let patients = try patientsTable(parsed, context: context) else {
      return (table, header)
    }
    let joined = try join(table, patients: patients)
    return (joined, header + patients.columnNames.filter { !header.contains($0) })
  }

  /// The parsed formula and the design matrix built on the table in `path`.
  static func load(
    _ parsed: ParsedArguments, context: Context, cluster clusterName: String? = nil,
    formula formulaOverride: String? = nil
  ) throws(CLIError) -> (table: Table, design: DesignMatrix) {
    // A cluster named by the file's own column (`--cluster id`) means its mapped role.
    let cluster = try clusterName.map(ColumnMapping.from(parsed).resolve)
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: parsed.command)
    }
    guard let formulaText = formulaOverride ?? parsed.value("formula") else {
      throw .usage("Missing '--formula <formula>'.", command: parsed.command)
    }
    var references: [String: String] = [:]
    for item in parsed.allValues("ref") {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw .usage("'--ref' needs 'variable=level', not '\(item)'.", command: parsed.command)
      }
      references[parts[0]] = parts[1]
    }
    let (loaded, fileHeader) = try TableLoader.load(
      path, formulas: [formulaText],
      extra: [cluster, parsed.value("weights"), parsed.value("patients").map { _ in "patient_id" }]
        .compactMap { $0 },
      options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"))
    let (table, header) = try joinPatients(
      loaded, header: fileHeader, parsed: parsed, context: context)
    do {
      // Check names against the whole header, so suggestions cover every column.
      _ = try Formula.parse(formulaText, columns: header)
      let formula = try Formula.parse(formulaText, columns: table.columnNames)
      let options = DesignOptions(
        references: references,
        missing: parsed.value("missing") == "fail" ? .fail : .drop, cluster: cluster)
      return (table, try DesignMatrix.build(formula, table: table, options: options))
    } catch let error as FormulaError {
      throw .data(error.description)
    } catch {
      throw .data(String(describing: error))
    }
  }

  /// Prints diagnostics as `Warning:` lines (unless quiet); with `--strict` they fail (65).
  static func report(
    diagnostics: [String], parsed: ParsedArguments, context: Context
  ) throws(CLIError) {
    if !parsed.flag("quiet") {
      for d in diagnostics { context.console.err("Warning: \(d)\n") }
    }
    if parsed.flag("strict"), let first = diagnostics.first {
      throw .data("--strict: \(first)")
    }
  }
}
