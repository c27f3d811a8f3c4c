import CrampData
import Reporting

#if canImport(Glibc)
  import Glibc
#endif

/// The `crampstat` command-line program.
///
/// Parses arguments, runs one subcommand, and returns a sysexits status. Results go to
/// stdout, diagnostics to stderr.
public enum CLI {
  /// The program version.
  public static let version = "0.1.0"

  /// Every subcommand, in the order shown by `crampstat --help`.
  static let commands: [CommandSpec] = [
    // The main job first, then data, models, the clinician view and data generation.
    ReportCommand.spec,
    ValidateCommand.spec,
    DescribeCommand.spec,
    LogitCommand.spec,
    KaplanMeierCommand.spec,
    LogRankCommand.spec,
    CoxCommand.spec,
    CumulativeIncidenceCommand.spec,
    FineGrayCommand.spec,
    SurvregCommand.spec,
    RecurrentCommand.spec,
    SeverityCommand.spec,
    RiskCommand.spec,
    PowerCommand.spec,
    LayoutCommand.spec,
    SimulateCommand.spec,
    PartialCommand.spec,
    PartialCommand.combineSpec,
    PartialCommand.solveSpec,
  ]

  /// Runs the process's own arguments against the standard streams.
  public static func main() -> Int32 {
    let arguments = Array(CommandLine.arguments.dropFirst())
    return run(
      arguments: arguments, console: .standard, environment: processEnvironment(),
      stdoutIsTerminal: isatty(1) == 1)
  }

  /// Runs `arguments` (without the program name) in-process, so tests can call it.
  ///
  /// A result that could not be written to standard output (`> /dev/full`, a full disk)
  /// turns a success into exit 74 with a message on stderr.
  public static func run(
    arguments: [String], console: Console, environment: [String: String] = [:],
    stdoutIsTerminal: Bool = false
  ) -> Int32 {
    let status = dispatch(
      arguments: arguments, console: console, environment: environment,
      stdoutIsTerminal: stdoutIsTerminal)
    guard let failure = console.outputFailure() else { return status }
    console.err("Error: cannot write to standard output: \(failure)\n")
    return status == ExitCode.success ? ExitCode.ioError : status
  }

  private static func dispatch(
    arguments: [String], console: Console, environment: [String: String],
    stdoutIsTerminal: Bool
  ) -> Int32 {
    var context = Context(
      console: console, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
    guard let first = arguments.first else {
      console.err(HelpRenderer.usageError("Missing subcommand.", spec: nil))
      return ExitCode.usage
    }
    switch first {
    case "-h", "--help":
      console.out(HelpRenderer.overview(commands))
      return ExitCode.success
    case "--version":
      let verbose = arguments.contains("-v") || arguments.contains("--verbose")
      console.out(VersionInfo.text(verbose: verbose))
      return ExitCode.success
    case "help":
      guard arguments.count > 1 else {
        console.out(HelpRenderer.overview(commands))
        return ExitCode.success
      }
      guard let spec = commands.first(where: { $0.name == arguments[1] }) else {
        return unknownCommand(arguments[1], console: console)
      }
      console.out(HelpRenderer.help(spec))
      return ExitCode.success
    default:
      break
    }
    guard let spec = commands.first(where: { $0.name == first }) else {
      return unknownCommand(first, console: console)
    }
    let rest = Array(arguments.dropFirst())
    if rest.contains("-h") || rest.contains("--help") {
      console.out(HelpRenderer.help(spec))
      return ExitCode.success
    }
    context.textWidth = CommonOptions.textWidth(
      environment: environment, stdoutIsTerminal: stdoutIsTerminal, console: console,
      quiet: rest.contains("-q") || rest.contains("--quiet"))
    do {
      let parsed = try ArgumentParser.parse(rest, spec: spec)
      try PathGuard.check(parsed, spec: spec)
      return try spec.run(parsed, &context)
    } catch {
      switch error {
      case .usage(let message, _):
        console.err(HelpRenderer.usageError(message, spec: spec))
      default:
        console.err("Error: \(error.message)\n")
      }
      return error.exitCode
    }
  }

  private static func unknownCommand(_ name: String, console: Console) -> Int32 {
    var message = "Unknown subcommand '\(name)'."
    if let s = closestMatch(to: name, among: commands.map(\.name)) {
      message += " Did you mean '\(s)'?"
    }
    console.err(HelpRenderer.usageError(message, spec: nil))
    return ExitCode.usage
  }

  private static func processEnvironment() -> [String: String] {
    var env: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if let eq = text.firstIndex(of: "=") {
        env[String(text[..<eq])] = String(text[text.index(after: eq)...])
      }
      pointer += 1
    }
    return env
  }
}
