/// Renders `--help` text and usage lines from the command specs, in the layout of
/// swift-argument-parser (`OVERVIEW:`, `USAGE:`, `ARGUMENTS:`, `OPTIONS:`).
enum HelpRenderer {
  /// The one-line usage of a command.
  static func usage(_ spec: CommandSpec) -> String {
    var parts = ["crampstat", spec.name]
    for a in spec.arguments {
      let name = a.isVariadic ? "<\(a.name)> ..." : "<\(a.name)>"
      parts.append(a.isOptional ? "[\(name)]" : name)
    }
    if !spec.options.isEmpty { parts.append("[<options>]") }
    return parts.joined(separator: " ")
  }

  /// Full help for one command.
  static func help(_ spec: CommandSpec) -> String {
    var out = "OVERVIEW: \(spec.abstract)\n"
    if !spec.discussion.isEmpty { out += "\n" + spec.discussion + "\n" }
    out += "\nUSAGE: \(usage(spec))\n"
    if !spec.arguments.isEmpty {
      out += "\nARGUMENTS:\n"
      for a in spec.arguments { out += row("<\(a.name)>", a.help) }
    }
    out += "\nOPTIONS:\n"
    for o in spec.options {
      var left = o.short.map { "-\($0), " } ?? ""
      left += "--\(o.name)"
      if let v = o.valueName { left += " <\(v)>" }
      var text = o.help
      var facts: [String] = []
      if let allowed = o.allowedValues {
        facts.append("values: " + allowed.joined(separator: ", "))
      }
      if let d = o.defaultValue { facts.append("default: " + d) }
      if !facts.isEmpty { text += " (" + facts.joined(separator: "; ") + ")" }
      out += row(left, text)
    }
    out += row("-h, --help", "Show help information.")
    return out
  }

  /// Top-level help listing the subcommands.
  static func overview(_ specs: [CommandSpec]) -> String {
    var out = "OVERVIEW: Statistics for nocturnal leg-cramp diaries.\n\n"
    out += "Imports cramp-diary CSVs, checks them, and fits logistic and survival models with\n"
    out += "numbers that match R.\n\n"
    out += "USAGE: crampstat <subcommand> [<arguments>] [<options>]\n\n"
    out += "OPTIONS:\n"
    out += row("--version", "Show the version and the BLAS library in use (-v for more).")
    out += row("-h, --help", "Show help information.")
    out += "\nSUBCOMMANDS:\n"
    for s in specs { out += row(s.name, s.abstract) }
    out += "\n  See 'crampstat help <subcommand>' for detailed help.\n"
    out += "\nEXIT STATUS:\n"
    out += "  0 success; 64 usage error; 65 data error; 66 input file missing; 74 I/O error.\n"
    out += "\nENVIRONMENT:\n"
    out += "  CRAMPSTAT_THREADS=N  worker threads for row passes (default: one per core); results\n"
    out += "                       are bit-identical for any N.\n"
    out += "  COLUMNS              chart width (40 to 300, default 80).\n"
    out += "  LC_ALL, LANG         charts use Unicode glyphs under a UTF-8 locale, else ASCII.\n"
    return out
  }

  /// The lines printed after a usage error.
  static func usageError(_ message: String, spec: CommandSpec?) -> String {
    var out = "Error: \(message)\n"
    if let spec {
      out += "Usage: \(usage(spec))\n"
      out += "  See 'crampstat \(spec.name) --help' for more information.\n"
    } else {
      out += "Usage: crampstat <subcommand> [<arguments>] [<options>]\n"
      out += "  See 'crampstat --help' for more information.\n"
    }
    return out
  }

  private static func row(_ left: String, _ text: String) -> String {
    let column = 26
    let pad = "  " + left
    let lines = wrap(text, width: 100 - column)
    var out = ""
    if pad.count + 2 <= column {
      out += pad + String(repeating: " ", count: column - pad.count) + (lines.first ?? "") + "\n"
    } else {
      out += pad + "\n"
      out += String(repeating: " ", count: column) + (lines.first ?? "") + "\n"
    }
    for line in lines.dropFirst() {
      out += String(repeating: " ", count: column) + line + "\n"
    }
    return out
  }

  private static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines.isEmpty ? [""] : lines
  }
}
