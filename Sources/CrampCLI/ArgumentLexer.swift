/// One token of a command line, before it is matched against a spec.
enum ArgumentToken: Equatable, Sendable {
  /// `--name` or `--name=value` (value kept when given with `=`).
  case long(String, value: String?)
  /// `-x` (a single short name; `-abc` is split into three).
  case short(Character)
  /// Anything else, including `-` (stdin) and every word after `--`.
  case positional(String)
}

/// Splits argv into tokens without I/O or knowledge of commands.
enum ArgumentLexer {
  static func tokens(_ arguments: [String]) -> [ArgumentToken] {
    var out: [ArgumentToken] = []
    var onlyPositionals = false
    for arg in arguments {
      if onlyPositionals {
        out.append(.positional(arg))
      } else if arg == "--" {
        onlyPositionals = true
      } else if arg.hasPrefix("--") {
        let body = arg.dropFirst(2)
        if let eq = body.firstIndex(of: "=") {
          out.append(.long(String(body[..<eq]), value: String(body[body.index(after: eq)...])))
        } else {
          out.append(.long(String(body), value: nil))
        }
      } else if arg.hasPrefix("-"), arg.count > 1, !isNumber(arg) {
        for ch in arg.dropFirst() { out.append(.short(ch)) }
      } else {
        out.append(.positional(arg))
      }
    }
    return out
  }

  /// `-1.5` is a value, not a short option.
  private static func isNumber(_ s: String) -> Bool {
    guard let second = s.dropFirst().first else { return false }
    return second.isNumber || second == "."
  }
}
