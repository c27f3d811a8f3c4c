import CrampData
import Formula
import LinearAlgebra
import Reporting

#if canImport(Glibc)
  import Glibc
#endif

/// Columns of the terminal on stdout, if it is one.
func terminalWidth() -> Int? {
  var size = winsize()
  guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
  return Int(size.ws_col)
}

/// Options shared by many subcommands, declared once.
enum CommonOptions {
  static let format = OptionSpec.option(
    "format", value: "format", help: "Output format.",
    allowed: OutputFormat.allCases.map(\.rawValue), default: "text")
  static let output = OptionSpec.option(
    "output", short: "o", value: "file",
    help:
      "Write the result to <file> (atomically: temporary file, then rename; devices and pipes directly); '-' is stdout.",
    path: .output)
  static let strict = OptionSpec.flag(
    "strict", help: "Treat warnings (and numerical diagnostics) as failures (exit 65).")
  static let quiet = OptionSpec.flag("quiet", short: "q", help: "Print no warnings on stderr.")
  static let delimiter = OptionSpec.option(
    "delimiter", value: "char",
    help: "Field delimiter; sniffed from ',', ';', tab and '|' when not given.",
    allowed: [",", ";", "tab", "|"])
  static let decimal = OptionSpec.option(
    "decimal", value: "char", help: "Decimal mark of numbers in the file.", allowed: [".", ","],
    default: ".")
  static let na = OptionSpec.option(
    "na", value: "list",
    help:
      "Comma-separated strings read as missing, replacing the default list \"\",NA,N/A,. (an empty item means the empty field).",
    repeatable: true)

  static let ascii = OptionSpec.flag(
    "ascii",
    help: "Draw charts with ASCII characters only (default: Unicode when the locale is UTF-8).")
  static let noCharts = OptionSpec.flag("no-charts", help: "Leave the plain-text charts out.")

  /// Chart options.
  static let charts = [ascii, noCharts]

  /// The chart style for this run, or `nil` with `--no-charts`: as wide as the text
  /// (``Context/textWidth``).
  static func chartStyle(_ parsed: ParsedArguments, context: Context) -> ChartStyle? {
    if parsed.flag("no-charts") { return nil }
    var environment = context.environment
    environment["COLUMNS"] = String(context.textWidth)
    return ChartStyle.fromEnvironment(
      environment, isTTY: context.stdoutIsTerminal, ascii: parsed.flag("ascii"))
  }

  /// The width of text output, from `COLUMNS` or the terminal.
  ///
  /// `COLUMNS` when it is a whole number in 40...300; any other `COLUMNS` is refused with a
  /// warning on stderr (unless `quiet`) and 80 used. Without `COLUMNS`, the terminal's width
  /// (kept within 40...300) when stdout is one, else 80.
  static func textWidth(
    environment: [String: String], stdoutIsTerminal: Bool, console: Console, quiet: Bool
  ) -> Int {
    if let text = environment["COLUMNS"] {
      if let columns = Int(text.trimmingSpaces()), TextWidth.allowed.contains(columns) {
        return columns
      }
      if !quiet {
        console.err(
          "Warning: COLUMNS='\(text)' is not a width in \(TextWidth.allowed.lowerBound)..."
            + "\(TextWidth.allowed.upperBound); using \(TextWidth.defaultWidth)\n")
      }
      return TextWidth.defaultWidth
    }
    if stdoutIsTerminal, let width = terminalWidth() {
      return min(TextWidth.allowed.upperBound, max(TextWidth.allowed.lowerBound, width))
    }
    return TextWidth.defaultWidth
  }

  /// Text made by `render` fitted to the run's width: tables rendered inside fit it
  /// (``TextWidth/current``), then longer lines are wrapped at spaces.
  static func fitted(_ context: Context, _ render: () -> String) -> String {
    let text = TextWidth.$current.withValue(context.textWidth) { render() }
    return TextWidth.wrap(text, width: context.textWidth)
  }

  /// CSV reading options, with the column mapping and date format of ``ColumnMapping``
  /// (`logit`, whose `--id` names GEE clusters, leaves `--id` out).
  static let csv = [delimiter, decimal, na, ColumnMapping.id] + ColumnMapping.options
  /// Output options.
  static let provenance = OptionSpec.flag(
    "provenance",
    help: "Add a 'provenance' object to JSON output: UTC time, CrampStat version, BLAS build, host."
  )
  static let rendering = [format, output, provenance]

  /// The output format chosen.
  static func outputFormat(_ parsed: ParsedArguments) -> OutputFormat {
    OutputFormat(rawValue: parsed.value("format") ?? "text") ?? .text
  }

  /// CSV options from the parsed arguments.
  static func csvOptions(_ parsed: ParsedArguments) throws(CLIError) -> CSVOptions {
    var options = CSVOptions()
    switch parsed.value("delimiter") {
    case "tab": options.delimiter = UInt8(ascii: "\t")
    case ",": options.delimiter = UInt8(ascii: ",")
    case ";": options.delimiter = UInt8(ascii: ";")
    case "|": options.delimiter = UInt8(ascii: "|")
    default: options.delimiter = nil
    }
    options.decimalComma = parsed.value("decimal") == ","
    if options.decimalComma, options.delimiter == UInt8(ascii: ",") {
      throw .usage(
        "'--decimal ,' needs a delimiter other than ','; use '--delimiter ;'.",
        command: parsed.command)
    }
    // A diary as users bring it: their own column names, dates and yes/no codings.
    options.renames = try ColumnMapping.from(parsed).renames
    options.dateFormat = DateFormat(rawValue: parsed.value("date-format") ?? "") ?? .iso
    options.dateColumns = ["date"]
    options.binaryWords = true
    options.binaryColumns = DiaryLayout.binaryColumns
    let lists = parsed.allValues("na")
    if !lists.isEmpty {
      options.naStrings = lists.flatMap {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
    }
    return options
  }
}

/// Reads CSV files for commands, reporting reader warnings on stderr.
enum TableLoader {
  /// Reads `path` with `options`, mapping reader errors to exit codes.
  ///
  /// 66 for a missing file, 74 unreadable, 65 malformed data. `kind` says what the command
  /// expects (see ``TableKind``).
  static func load(
    _ path: String, options: CSVOptions, context: Context, quiet: Bool,
    kind: TableKind = .table
  ) throws(CLIError) -> Table {
    try loadWithHeader(path, options: options, context: context, quiet: quiet, kind: kind).table
  }

  /// Reads `path` keeping only the columns `formulas` refer to, plus `extra`.
  ///
  /// Returns the table and the file's full header (for "did you mean" suggestions). A model
  /// then holds only the columns it uses. When a formula does not parse, every column is
  /// read and the caller reports the formula error.
  static func load(
    _ path: String, formulas: [String], extra: [String], options: CSVOptions, context: Context,
    quiet: Bool, kind: TableKind = .table
  ) throws(CLIError) -> (table: Table, header: [String]) {
    var projected = options
    var names = Set(extra)
    for text in formulas {
      guard let formula = try? Formula.parse(text) else {
        return
          try loadWithHeader(path, options: options, context: context, quiet: quiet, kind: kind)
      }
      names.formUnion(formula.columnReferences.map(\.name))
    }
    projected.columns = names
    return try loadWithHeader(
      path, options: projected, context: context, quiet: quiet, kind: kind)
  }

  static func loadWithHeader(
    _ path: String, options: CSVOptions, context: Context, quiet: Bool,
    kind: TableKind = .table
  ) throws(CLIError) -> (table: Table, header: [String]) {
    let result: CSVResult
    do {
      result = try CSVReader.read(path: path, options: options)
    } catch {
      switch error.exitCode {
      case ExitCode.noInput: throw .noInput(error.description)
      case ExitCode.ioError: throw .io(error.description)
      default: throw .data(error.description)
      }
    }
    try BringYourOwnDiary.check(result, options: options, kind: kind)
    if !quiet {
      for warning in result.warnings { context.console.err("Warning: \(warning)\n") }
      if kind == .table, let wide = WideDiaryShape.detect(header: result.header) {
        context.console.err(
          "Warning: \(path):1: \(BringYourOwnDiary.wideSummary(wide)); to analyse it, "
            + "reshape it to one row per patient-night:\n"
            + "\(BringYourOwnDiary.advice(wide, result))\n")
      }
    }
    return (result.table, result.header)
  }
}

/// Builds the JSON envelope every command shares: `schema_version`, `command`, `parameters`.
enum JSONEnvelope {
  static let schemaVersion = JSONVocabulary.schemaVersion

  static func make(
    command: String, parsed: ParsedArguments, body: [String: JSONValue]
  ) -> JSONValue {
    var object = body
    object["schema_version"] = .int(schemaVersion)
    object["command"] = .string(command)
    var parameters: [String: JSONValue] = [:]
    for (k, v) in parsed.parameterSummary where k != "output" && k != "provenance" {
      parameters[k] = .string(v)
    }
    object["parameters"] = .object(parameters)
    // Output is deterministic unless provenance is asked for: only then a time and host.
    if parsed.flag("provenance") { object["provenance"] = Provenance.current() }
    return .object(object)
  }
}

/// Renders a command's result in the chosen `--format` (JSON inside the common envelope)
/// and writes it to `-o` or stdout.
func deliverResult(
  command: String, parsed: ParsedArguments, context: Context, body: [String: JSONValue],
  render: (OutputFormat) -> String
) throws(CLIError) {
  let format = CommonOptions.outputFormat(parsed)
  let text: String
  switch format {
  case .json: text = JSONEnvelope.make(command: command, parsed: parsed, body: body).rendered()
  case .text: text = CommonOptions.fitted(context) { render(.text) }
  case .markdown, .csv: text = render(format)
  }
  try OutputWriter.deliver(text, to: parsed.value("output"), console: context.console)
}

/// Where and when a result was made, for `--provenance` (never added otherwise).
enum Provenance {
  static func current() -> JSONValue {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func pad(_ v: Int32, _ w: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, w - s.count)) + s
    }
    let stamp =
      "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
      + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count)
    let hostName = String(
      decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return .object([
      "generated_at": .string(stamp), "crampstat_version": .string(CLI.version),
      "blas": .string(BLASLibrary.configuration), "host": .string(hostName),
    ])
  }
}
