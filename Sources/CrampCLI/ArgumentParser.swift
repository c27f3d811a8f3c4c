import CrampData

/// Matches tokens against a ``CommandSpec``: the only place options are interpreted.
enum ArgumentParser {
  /// Parses `arguments` (after the subcommand name) for `spec`.
  /// - Throws: ``CLIError/usage(_:command:)`` naming the offending option or value.
  static func parse(_ arguments: [String], spec: CommandSpec) throws(CLIError) -> ParsedArguments {
    var parsed = ParsedArguments(command: spec.name)
    for option in spec.options {
      if let d = option.defaultValue { parsed.defaults[option.name] = d }
    }
    var positionals: [String] = []
    let tokens = ArgumentLexer.tokens(arguments)
    var i = 0
    func fail(_ message: String) -> CLIError { .usage(message, command: spec.name) }
    while i < tokens.count {
      let token = tokens[i]
      i += 1
      switch token {
      case .positional(let value):
        positionals.append(value)
      case .long(let name, let inlineValue):
        guard let option = spec.options.first(where: { $0.name == name }) else {
          var message = "Unknown option '--\(name)'."
          if let s = closestMatch(to: name, among: spec.options.map(\.name)) {
            message += " Did you mean '--\(s)'?"
          }
          throw fail(message)
        }
        if option.isFlag {
          if inlineValue != nil { throw fail("Option '--\(name)' does not take a value.") }
          parsed.flags.insert(name)
          continue
        }
        var value = inlineValue
        if value == nil {
          guard i < tokens.count, case .positional(let next) = tokens[i] else {
            throw fail("Missing value for '--\(name) <\(option.valueName ?? "value")>'.")
          }
          value = next
          i += 1
        }
        try record(value ?? "", for: option, in: &parsed, spec: spec)
      case .short(let ch):
        guard let option = spec.options.first(where: { $0.short == ch }) else {
          throw fail("Unknown option '-\(ch)'.")
        }
        if option.isFlag {
          parsed.flags.insert(option.name)
          continue
        }
        guard i < tokens.count, case .positional(let next) = tokens[i] else {
          throw fail("Missing value for '-\(ch) <\(option.valueName ?? "value")>'.")
        }
        i += 1
        try record(next, for: option, in: &parsed, spec: spec)
      }
    }
    var remaining = positionals[...]
    for argument in spec.arguments {
      if argument.isVariadic, !remaining.isEmpty {
        parsed.positionals[argument.name] = remaining.first
        parsed.variadics[argument.name] = Array(remaining)
        remaining = []
      } else if let value = remaining.popFirst() {
        parsed.positionals[argument.name] = value
      } else if !argument.isOptional {
        throw fail("Missing expected argument '<\(argument.name)>'.")
      }
    }
    if let extra = remaining.first {
      throw fail("Unexpected argument '\(extra)'.")
    }
    return parsed
  }

  private static func record(
    _ value: String, for option: OptionSpec, in parsed: inout ParsedArguments, spec: CommandSpec
  ) throws(CLIError) {
    if let allowed = option.allowedValues, !allowed.contains(value) {
      var message =
        "The value '\(value)' is invalid for '--\(option.name) <\(option.valueName ?? "value")>'."
      if let s = closestMatch(to: value, among: allowed) {
        message += " Did you mean '\(s)'?"
      } else {
        message += " Expected one of: \(allowed.joined(separator: ", "))."
      }
      throw .usage(message, command: spec.name)
    }
    if !option.isRepeatable, parsed.values[option.name] != nil {
      throw .usage("Option '--\(option.name)' given more than once.", command: spec.name)
    }
    parsed.values[option.name, default: []].append(value)
  }
}
