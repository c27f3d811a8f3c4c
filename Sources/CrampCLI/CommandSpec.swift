/// A declarative description of one subcommand: the single source for parsing, `--help`,
/// usage lines and "did you mean" suggestions.
struct CommandSpec: Sendable {
  /// Subcommand name as typed (`validate`).
  var name: String
  /// One-line summary shown in the overview and in `crampstat --help`.
  var abstract: String
  /// Longer text shown under the overview in the command's help.
  var discussion: String = ""
  /// Positional arguments, in order.
  var arguments: [ArgumentSpec] = []
  /// Options and flags.
  var options: [OptionSpec] = []
  /// Runs the command once arguments are parsed; returns the exit status.
  var run: @Sendable (ParsedArguments, inout Context) throws(CLIError) -> Int32
}

/// A positional argument.
struct ArgumentSpec: Sendable {
  var name: String
  var help: String
  var isOptional = false
  /// What the value names on disk; every positional argument today is an input file.
  var pathRole: PathRole? = .input
  /// Whether this (last) argument takes every remaining positional value
  /// (``ParsedArguments/variadicArguments(_:)``).
  var isVariadic = false
}

/// What an option's or argument's value is on disk, so one check (``PathGuard``) can refuse
/// an output that would overwrite an input before anything is read or written.
enum PathRole: Sendable {
  /// A file the command reads (`-` is standard input).
  case input
  /// A file the command writes (`-` is standard output).
  case output
}

/// An option taking a value (`--format json`) or a flag (`--strict`).
struct OptionSpec: Sendable {
  /// Long name without dashes.
  var name: String
  /// Optional one-letter short name.
  var short: Character? = nil
  /// Placeholder for the value in help (`<format>`); `nil` for a flag.
  var valueName: String? = nil
  var help: String
  /// Allowed values, checked during parsing and listed in help.
  var allowedValues: [String]? = nil
  /// Default shown in help and returned by ``ParsedArguments/value(_:)``.
  var defaultValue: String? = nil
  /// Whether the option may be given several times.
  var isRepeatable = false
  /// Whether the value is a path the command reads or writes.
  var pathRole: PathRole? = nil

  var isFlag: Bool { valueName == nil }

  /// Creates a flag.
  static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
    OptionSpec(name: name, short: short, help: help)
  }

  /// Creates an option with a value.
  static func option(
    _ name: String, short: Character? = nil, value: String, help: String,
    allowed: [String]? = nil, default defaultValue: String? = nil, repeatable: Bool = false,
    path pathRole: PathRole? = nil
  ) -> OptionSpec {
    OptionSpec(
      name: name, short: short, valueName: value, help: help, allowedValues: allowed,
      defaultValue: defaultValue, isRepeatable: repeatable, pathRole: pathRole)
  }
}

/// The result of parsing argv against a ``CommandSpec``.
struct ParsedArguments: Sendable {
  var command: String
  var positionals: [String: String] = [:]
  /// Every value of a variadic argument (the first is also in ``positionals``).
  var variadics: [String: [String]] = [:]
  var values: [String: [String]] = [:]
  var flags: Set<String> = []
  var defaults: [String: String] = [:]

  /// The last value given for `name`, else its default.
  func value(_ name: String) -> String? { values[name]?.last ?? defaults[name] }

  /// Every value given for a repeatable option.
  func allValues(_ name: String) -> [String] { values[name] ?? [] }

  /// Whether the flag was given.
  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// A positional argument.
  func argument(_ name: String) -> String? { positionals[name] }

  /// Every value given for a variadic argument, in order.
  func variadicArguments(_ name: String) -> [String] {
    variadics[name] ?? positionals[name].map { [$0] } ?? []
  }

  /// All parameters as strings (for the `parameters` object of JSON output), sorted keys.
  var parameterSummary: [String: String] {
    var out: [String: String] = [:]
    for (k, v) in positionals { out[k] = v }
    for (k, v) in defaults { out[k] = v }
    for (k, v) in values { out[k] = v.joined(separator: ",") }
    for f in flags { out[f] = "true" }
    return out
  }
}
