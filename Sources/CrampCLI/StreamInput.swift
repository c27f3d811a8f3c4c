import CrampData
import Formula

/// `--stream` and `--block-rows`: a file read in blocks of whole patients, one pass at a time.
enum StreamInput {
  static let options: [OptionSpec] = [
    .flag(
      "stream",
      help:
        "Fit in passes over blocks of whole patients, never holding the file (bounded memory; same numbers; no row-level summaries; logit caches block designs in TMPDIR)."
    ),
    .option(
      "block-rows", value: "n", help: "Rows per block with --stream (blocks end between patients).",
      default: "500000"),
  ]

  /// The file's block plan and the CSV options each block is read with (the formula's
  /// columns and `idColumn` only).
  static func plan(
    _ parsed: ParsedArguments, formula formulaText: String, idColumn: String?, command: String,
    extraColumns: [String] = []
  ) throws(CLIError) -> (plan: CSVBlockPlan, options: CSVOptions) {
    guard let text = parsed.value("block-rows"), let blockRows = Int(text), blockRows > 0 else {
      throw .usage("'--block-rows' needs a positive number of rows.", command: command)
    }
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: command)
    }
    var options = try CommonOptions.csvOptions(parsed)
    do {
      let formula = try Formula.parse(formulaText)
      options.columns = Set(
        formula.columnReferences.map(\.name) + [idColumn].compactMap { $0 } + extraColumns)
    } catch {
      throw .data(String(describing: error))
    }
    do {
      let plan = try CSVBlockPlan.plan(
        path: path, options: options, idColumn: idColumn, blockRows: blockRows)
      return (plan, options)
    } catch {
      switch error.exitCode {
      case ExitCode.noInput: throw .noInput(error.description)
      case ExitCode.ioError: throw .io(error.description)
      default: throw .data(error.description)
      }
    }
  }

  /// Options `--stream` cannot honour yet: a usage error naming the first one given.
  static func refuse(_ names: [String], parsed: ParsedArguments, command: String)
    throws(CLIError)
  {
    for option in names where parsed.flag(option) || parsed.value(option) != nil {
      throw .usage("'--stream' does not combine with '--\(option)' yet.", command: command)
    }
  }
}
