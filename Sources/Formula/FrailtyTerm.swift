/// A `frailty(id, distribution = "gamma")` term of a Cox formula, as survival's `frailty()`.
///
/// The term is taken out of the formula text before the rest is parsed (it names a grouping
/// column, not a covariate): `Surv(t, d) ~ x + frailty(id)` becomes `Surv(t, d) ~ x` and a term
/// with `column = "id"`. Accepted arguments: the column, then `distribution` (or `dist`) =
/// `"gamma"` (default) or `"gaussian"`, `theta` = a fixed variance (`method = "fixed"`), and
/// `method` = the default of that choice (`"em"` for gamma, `"reml"` for gaussian, `"fixed"`
/// with `theta`). `frailty.gamma(id)` and `frailty.gaussian(id)`
/// are the same as with `distribution`.
public struct FrailtyTerm: Sendable, Equatable {
  /// The grouping column.
  public let column: String
  /// `gamma` or `gaussian`.
  public let distribution: String
  /// The term as written, R's row label (`frailty(id)`).
  public let label: String
  /// `theta = v`: a fixed variance (coxph's `method = "fixed"`), else `nil`.
  public let theta: Double?

  /// Why a frailty term could not be read.
  public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case moreThanOne
    case unsupported(String)

    public var description: String {
      switch self {
      case .malformed(let text): return "cannot read the frailty term '\(text)'"
      case .moreThanOne: return "only one frailty() term is allowed (as coxph)"
      case .unsupported(let detail): return detail
      }
    }
  }

  /// Splits `formula` into the formula without its frailty term and the term (or `nil`).
  ///
  /// - Throws: ``ParseError`` for unbalanced parentheses, a missing column, an unknown
  ///   argument or distribution, a method other than the distribution's default, or two terms.
  public static func extract(from formula: String) throws -> (formula: String, term: FrailtyTerm?) {
    let chars = Array(formula)
    var found: (range: Range<Int>, term: FrailtyTerm)?
    var i = 0
    while i < chars.count {
      guard
        let name = ["frailty.gaussian", "frailty.gamma", "frailty"].first(where: {
          matches($0 + "(", chars, at: i)
        })
      else {
        i += 1
        continue
      }
      // A name character before it means another identifier (e.g. my_frailty(x)).
      if i > 0,
        chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_"
          || chars[i - 1] == "."
      {
        i += 1
        continue
      }
      let open = i + name.count
      var depth = 0
      var close = -1
      for k in open..<chars.count {
        if chars[k] == "(" { depth += 1 }
        if chars[k] == ")" {
          depth -= 1
          if depth == 0 {
            close = k
            break
          }
        }
      }
      guard close > open else { throw ParseError.malformed(String(chars[i...])) }
      guard found == nil else { throw ParseError.moreThanOne }
      let label = String(chars[i...close])
      let inner = String(chars[(open + 1)..<close])
      let preset = name == "frailty.gaussian" ? "gaussian" : "gamma"
      let term = try parseArguments(inner, label: label, distribution: preset)
      found = (i..<(close + 1), term)
      i = close + 1
    }
    guard let found else { return (formula, nil) }
    // Remove the term with the '+' that joins it to its neighbours.
    var before = String(chars[..<found.range.lowerBound])
    var after = String(chars[found.range.upperBound...])
    let trimmedBefore = before.trimmingTrailingSpaces()
    if trimmedBefore.hasSuffix("+") {
      before = String(trimmedBefore.dropLast()).trimmingTrailingSpaces()
    } else {
      before = trimmedBefore
      let trimmedAfter = after.trimmingLeadingSpaces()
      if trimmedAfter.hasPrefix("+") { after = String(trimmedAfter.dropFirst()) }
    }
    var rest = (before + " " + after.trimmingLeadingSpaces()).trimmingTrailingSpaces()
    if rest.hasSuffix("~") { rest += " 1" }
    return (rest, found.term)
  }

  private static func matches(_ word: String, _ chars: [Character], at i: Int) -> Bool {
    let w = Array(word)
    guard i + w.count <= chars.count else { return false }
    return Array(chars[i..<(i + w.count)]) == w
  }

  private static func parseArguments(_ inner: String, label: String, distribution preset: String)
    throws -> FrailtyTerm
  {
    let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map {
      String($0).trimmingLeadingSpaces().trimmingTrailingSpaces()
    }
    guard let column = parts.first, !column.isEmpty, !column.contains("=") else {
      throw ParseError.malformed(label)
    }
    var distribution = preset
    var method: String?
    var theta: Double?
    for part in parts.dropFirst() {
      let pieces = part.split(separator: "=", maxSplits: 1).map {
        String($0).trimmingLeadingSpaces().trimmingTrailingSpaces()
      }
      guard pieces.count == 2 else { throw ParseError.malformed(label) }
      let value = pieces[1].trimmingCharacters(in: "\"'")
      switch pieces[0] {
      case "distribution", "dist":
        guard ["gamma", "gaussian"].contains(value) else {
          throw ParseError.unsupported(
            "frailty distribution '\(value)' is not supported (use gamma or gaussian)")
        }
        distribution = value
      case "method":
        method = value
      case "theta":
        guard let v = Double(value), v >= 0, v.isFinite else {
          throw ParseError.unsupported("frailty theta must be a number >= 0, not '\(value)'")
        }
        theta = v
      default:
        throw ParseError.unsupported(
          "frailty() argument '\(pieces[0])' is not supported (distribution, method, theta)")
      }
    }
    let defaultMethod = theta != nil ? "fixed" : distribution == "gamma" ? "em" : "reml"
    if let method, method != defaultMethod {
      throw ParseError.unsupported(
        "frailty method '\(method)' is not supported for \(distribution) (only \(defaultMethod), "
          + "coxph's default)")
    }
    return FrailtyTerm(column: column, distribution: distribution, label: label, theta: theta)
  }
}

extension String {
  fileprivate func trimmingLeadingSpaces() -> String {
    String(drop { $0 == " " || $0 == "\t" })
  }

  fileprivate func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
    return String(s)
  }

  fileprivate func trimmingCharacters(in set: String) -> String {
    var s = Substring(self)
    while let first = s.first, set.contains(first) { s = s.dropFirst() }
    while let last = s.last, set.contains(last) { s = s.dropLast() }
    return String(s)
  }
}
