import CrampData

/// An lme4-style mixed-model formula split into its fixed part and one random-effects term.
///
/// ```swift
/// let mixed = try MixedFormula.parse("cramp ~ age_over_50 + factor(t) + (1 + mg_supp | patient_id)")
/// mixed.fixed.text            // "cramp ~ age_over_50 + factor(t)"
/// mixed.random.group          // "patient_id"
/// mixed.random.slopes         // ["mg_supp"]
/// ```
///
/// The bar terms are split out of the text before the fixed part goes to the ordinary
/// ``Formula`` parser, so the fixed-effect language (factors, interactions, `I()`,
/// `offset()`) is exactly that of `glm`, and the design matrix is built as for `glm`. A bar
/// term is a parenthesised `(lhs | group)` added at the top level of the right-hand side; its
/// left-hand side is `1` (random intercept), `1 + x` or `x` (correlated random intercept and
/// slope, as lme4 adds the intercept implicitly) or `0 + x` (slope only), where `x` is a
/// numeric column. Supported: one bar term with at most one slope (a 1x1 or 2x2 covariance
/// block per group, as Bates et al. 2015, lme4 JSS, section 2). Refused with a message:
/// several bar terms (`(1 | a) + (1 | b)`), `||`, nested or interacted groups (`a/b`, `a:b`),
/// and more than one slope.
public struct MixedFormula: Sendable, Equatable {
  /// The formula as the user wrote it.
  public let text: String
  /// The fixed-effect part (the text with the bar term removed), parsed.
  public let fixed: Formula
  /// The random-effects term.
  public let random: RandomTerm

  /// One random-effects term `(lhs | group)`.
  public struct RandomTerm: Sendable, Equatable {
    /// The grouping column (`patient_id`).
    public let group: String
    /// Whether the term has a random intercept.
    public let hasIntercept: Bool
    /// Numeric columns with a random slope (at most one).
    public let slopes: [String]
    /// The term as written, without parentheses (`1 + mg_supp | patient_id`).
    public let text: String

    /// Names of the random effects in model order: `(Intercept)` first, then the slopes.
    public var termNames: [String] { (hasIntercept ? ["(Intercept)"] : []) + slopes }
  }

  /// Whether `text` contains a bar term (a `|` inside parentheses after the `~`).
  public static func hasRandomTerm(_ text: String) -> Bool {
    (try? barTerms(in: text))?.isEmpty == false
  }

  /// Parses a mixed-model formula; when `columns` is given, also checks every column exists.
  ///
  /// - Throws: ``FormulaError/syntax(message:formula:position:)`` for a formula without or
  ///   with several bar terms, an unsupported bar term, or a fixed part that does not parse;
  ///   ``FormulaError/unknownColumn(name:formula:position:suggestion:)`` for unknown columns.
  public static func parse(_ text: String, columns: [String]? = nil) throws -> MixedFormula {
    let bars = try barTerms(in: text)
    guard let bar = bars.first else {
      throw FormulaError.syntax(
        message: "no random-effects term '(1 | group)' in the formula", formula: text,
        position: 0)
    }
    guard bars.count == 1 else {
      throw FormulaError.syntax(
        message:
          "only one random-effects term is supported (a single grouping factor with a random "
          + "intercept and at most one random slope); found \(bars.count)",
        formula: text, position: bars[1].start)
    }
    let scalars = Array(text.unicodeScalars)
    let inner = String(String.UnicodeScalarView(scalars[(bar.start + 1)..<(bar.end - 1)]))
    let random = try randomTerm(inner, formula: text, offset: bar.start + 1, bar: bar.bar)
    // Remove the term and the '+' that joins it to the rest of the right-hand side.
    var removeStart = bar.start
    var removeEnd = bar.end
    var k = removeStart - 1
    while k >= 0, scalars[k].properties.isWhitespace { k -= 1 }
    if k >= 0, scalars[k] == "+" {
      removeStart = k
    } else {
      var m = removeEnd
      while m < scalars.count, scalars[m].properties.isWhitespace { m += 1 }
      if m < scalars.count, scalars[m] == "+" { removeEnd = m + 1 }
    }
    var rest = String(String.UnicodeScalarView(scalars[0..<removeStart]))
    rest += String(String.UnicodeScalarView(scalars[removeEnd...]))
    rest = rest.trimmingTrailingWhitespace()
    if rest.hasSuffix("~") { rest += " 1" }
    let fixed = try Formula.parse(rest)
    if let columns {
      try fixed.checkColumns(columns)
      let known = Set(columns)
      for name in [random.group] + random.slopes where !known.contains(name) {
        throw FormulaError.unknownColumn(
          name: name, formula: text, position: bar.start,
          suggestion: closestMatch(to: name, among: columns))
      }
    }
    return MixedFormula(text: text, fixed: fixed, random: random)
  }

  /// Every column the formula refers to (fixed part, group and slopes).
  public var columnNames: [String] {
    var names = fixed.columnReferences.map(\.name)
    for name in [random.group] + random.slopes where !names.contains(name) { names.append(name) }
    return names
  }

  /// A parenthesised bar term: the positions of `(`, one past `)`, and of the `|`.
  private struct Bar {
    let start: Int
    let end: Int
    let bar: Int
  }

  /// The top-level parenthesised groups of the right-hand side that contain a `|`.
  private static func barTerms(in text: String) throws -> [Bar] {
    let scalars = Array(text.unicodeScalars)
    guard let tilde = scalars.firstIndex(of: "~") else { return [] }
    var result: [Bar] = []
    var depth = 0
    var open = 0
    var barAt: Int?
    for i in (tilde + 1)..<scalars.count {
      switch scalars[i] {
      case "(":
        if depth == 0 {
          open = i
          barAt = nil
        }
        depth += 1
      case ")":
        depth -= 1
        if depth == 0, let b = barAt { result.append(Bar(start: open, end: i + 1, bar: b)) }
      case "|":
        if depth == 1, barAt == nil {
          barAt = i
        } else if depth == 1, let b = barAt, b == i - 1 {
          throw FormulaError.syntax(
            message: "'||' (uncorrelated random effects) is not supported; use '|'",
            formula: text, position: b)
        } else {
          throw FormulaError.syntax(
            message: "'|' must be inside one parenthesised random-effects term '(1 | group)'",
            formula: text, position: i)
        }
      default: break
      }
    }
    return result
  }

  private static func randomTerm(
    _ inner: String, formula: String, offset: Int, bar: Int
  ) throws -> RandomTerm {
    let parts = inner.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
    let lhs = parts[0].trimmingCharacters()
    let group = parts.count > 1 ? parts[1].trimmingCharacters() : ""
    let isName =
      !group.isEmpty
      && group.unicodeScalars.allSatisfy {
        $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "."
      }
    guard isName else {
      throw FormulaError.syntax(
        message:
          "the grouping factor after '|' must be one column name (nested or crossed groups "
          + "such as 'a/b' or 'a:b' are not supported)",
        formula: formula, position: bar + 1)
    }
    guard !lhs.isEmpty else {
      throw FormulaError.syntax(
        message: "missing random effects before '|' (write '1 | \(group)')", formula: formula,
        position: offset)
    }
    let parsed: Formula
    do {
      parsed = try Formula.parse("~ " + lhs)
    } catch {
      throw FormulaError.syntax(
        message: "cannot read the random effects '\(lhs)' (use '1', '1 + x' or '0 + x')",
        formula: formula, position: offset)
    }
    var slopes: [String] = []
    for term in parsed.terms {
      guard term.order == 1, case .column(let name) = term.variables[0] else {
        throw FormulaError.syntax(
          message:
            "a random slope must be a numeric column, not '\(term.label)' (factors, "
            + "interactions and transformations are not supported in '(... | group)')",
          formula: formula, position: offset)
      }
      slopes.append(name)
    }
    guard parsed.offsets.isEmpty, parsed.strata.isEmpty, parsed.clusters.isEmpty else {
      throw FormulaError.syntax(
        message: "offset(), strata() and cluster() cannot appear inside '(... | group)'",
        formula: formula, position: offset)
    }
    guard slopes.count <= 1 else {
      throw FormulaError.syntax(
        message: "at most one random slope is supported, found \(slopes.count)",
        formula: formula, position: offset)
    }
    guard parsed.hasIntercept || !slopes.isEmpty else {
      throw FormulaError.syntax(
        message: "the random-effects term has no effect ('0 | group')", formula: formula,
        position: offset)
    }
    return RandomTerm(
      group: group, hasIntercept: parsed.hasIntercept, slopes: slopes,
      text: inner.trimmingCharacters())
  }
}

extension StringProtocol {
  /// The text without leading and trailing whitespace.
  fileprivate func trimmingCharacters() -> String {
    let scalars = Array(unicodeScalars)
    var lower = 0
    var upper = scalars.count
    while lower < upper, scalars[lower].properties.isWhitespace { lower += 1 }
    while upper > lower, scalars[upper - 1].properties.isWhitespace { upper -= 1 }
    return String(String.UnicodeScalarView(scalars[lower..<upper]))
  }

  /// The text without trailing whitespace.
  fileprivate func trimmingTrailingWhitespace() -> String {
    let scalars = Array(unicodeScalars)
    var upper = scalars.count
    while upper > 0, scalars[upper - 1].properties.isWhitespace { upper -= 1 }
    return String(String.UnicodeScalarView(scalars[0..<upper]))
  }
}
