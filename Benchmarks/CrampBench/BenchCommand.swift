import Glibc

/// One benchmark subcommand: a name, a usage line and the code that runs it.
struct BenchCommand: Sendable {
  let name: String
  let usage: String
  let summary: String
  let run: @Sendable ([String]) throws -> Int32

  /// Every benchmark, in the order `help` lists them.
  static let all: [BenchCommand] = [
    CSVBenchmark.command, LogitBenchmark.command, MixedLogitBenchmark.command, CoxBenchmark.command,
    StartupBenchmark.command, PolrBenchmark.command,
    CumulativeIncidenceBenchmark.command, SurvregBenchmark.command,
    FrailtyCoxBenchmark.command, CheckBenchmark.command,
  ]

  /// Dispatches `arguments` (without the program name) and returns the exit code.
  static func main(_ arguments: [String]) -> Int32 {
    guard let name = arguments.first, name != "help", name != "--help", name != "-h" else {
      printHelp()
      return arguments.isEmpty ? 64 : 0
    }
    guard let command = all.first(where: { $0.name == name }) else {
      printError("unknown benchmark '\(name)'")
      printHelp()
      return 64
    }
    do {
      return try command.run(Array(arguments.dropFirst()))
    } catch {
      printError("\(error)")
      return 70
    }
  }

  private static func printHelp() {
    print("USAGE: CrampBench <benchmark> [options]\n\nBENCHMARKS:")
    for command in all {
      print("  \(command.usage)")
      print("      \(command.summary)")
    }
  }
}

/// Writes `Error: message` to standard error.
func printError(_ message: String) {
  let bytes = Array("Error: \(message)\n".utf8)
  _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Minimal option reading shared by the benchmarks: `--name value` and flags.
struct BenchArguments {
  private(set) var positionals: [String] = []
  private var values: [String: String] = [:]
  private var flags: Set<String> = []

  /// Splits `arguments`; options named in `valued` take the next argument as value.
  init(_ arguments: [String], valued: Set<String>) throws {
    var k = 0
    while k < arguments.count {
      let argument = arguments[k]
      if argument.hasPrefix("--") {
        if valued.contains(argument) {
          guard k + 1 < arguments.count else { throw BenchFailure("\(argument) needs a value") }
          values[argument] = arguments[k + 1]
          k += 2
          continue
        }
        flags.insert(argument)
      } else {
        positionals.append(argument)
      }
      k += 1
    }
  }

  /// The integer value of `name`, or `fallback`.
  func integer(_ name: String, default fallback: Int) throws -> Int {
    guard let text = values[name] else { return fallback }
    guard let value = Int(text), value > 0 else {
      throw BenchFailure("\(name) needs a positive integer, not '\(text)'")
    }
    return value
  }

  /// The text value of `name`, if given.
  func value(_ name: String) -> String? { values[name] }

  /// Whether the flag `name` was given.
  func has(_ name: String) -> Bool { flags.contains(name) }
}

/// A benchmark that could not run, with the reason.
struct BenchFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
