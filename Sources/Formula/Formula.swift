import CrampData

/// A parsed R-style model formula: response, expanded terms, intercept and specials.
///
/// ```swift
/// let formula = try Formula.parse("cramp ~ age_over_50 * factor(trimester) + I(bmi^2)")
/// formula.termLabels  // ["age_over_50", "factor(trimester)", "I(bmi^2)",
///                     //  "age_over_50:factor(trimester)"]
/// ```
///
/// Supported on the right-hand side: `+`, `-` (term removal), `:` (interaction), `*`
/// (`a*b = a + b + a:b`), `/` (nesting, `a/b = a + a:b`), `(...)^k` (all interactions up to
/// order k), `0`/`1`/`-1` for the intercept, and the specials `offset(e)`, `strata(a, ...)`,
/// `cluster(id)`. The left-hand side is an expression or `Surv(time, status)` /
/// `Surv(start, stop, status)`. Terms are ordered as R orders them: by interaction order,
/// then by first appearance, and the variables inside an interaction by first appearance
/// in the formula (`b:a + a` becomes `a`, `b:a`).
public struct Formula: Sendable, Equatable {
  /// The formula as the user wrote it.
  public let text: String
  /// The left-hand side, or `nil` for a one-sided formula (`~ x`).
  public let response: Response?
  /// Model terms in R's order, each a list of variables (one for a main effect).
  public let terms: [Term]
  /// Whether the model has an intercept (`-1` or `+0` removes it).
  public let hasIntercept: Bool
  /// Arguments of `offset(...)` terms; their values are added together.
  public let offsets: [Expression]
  /// Arguments of `strata(...)` (all calls together, in order).
  public let strata: [Expression]
  /// Arguments of `cluster(...)`.
  public let clusters: [Expression]
  /// Every column name mentioned, with the position of its first mention.
  public let columnReferences: [ColumnReference]

  /// The left-hand side of a formula.
  public enum Response: Sendable, Equatable {
    /// An ordinary response such as `cramp` or `I(cramps > 0)`.
    case expression(Expression)
    /// `Surv(time, status)` (`start == nil`) or `Surv(start, stop, status)`.
    case survival(start: Expression?, stop: Expression, status: Expression)
  }

  /// One model term: a main effect (one variable) or an interaction (several).
  public struct Term: Sendable, Equatable {
    /// The variables, ordered by first appearance in the formula.
    public let variables: [Expression]
    /// R's term label: the variable labels joined by `:` (`age_over_50:factor(trimester)`).
    public var label: String { variables.map(\.label).joined(separator: ":") }
    /// Interaction order (1 for a main effect).
    public var order: Int { variables.count }

    /// Creates a term from its variables (already in formula order).
    public init(variables: [Expression]) { self.variables = variables }
  }

  /// A column name and where it first appears in the formula text.
  public struct ColumnReference: Sendable, Equatable {
    /// The column name.
    public let name: String
    /// 0-based character offset of its first mention.
    public let position: Int
  }

  /// Labels of the terms, in model order.
  public var termLabels: [String] { terms.map(\.label) }

  /// Parses a formula; when `columns` is given, also checks that every column exists.
  ///
  /// - Parameters:
  ///   - text: the formula, e.g. `"cramp ~ age_over_50 + factor(trimester)"`.
  ///   - columns: the table's column names, to report unknown names with "did you mean".
  /// - Throws: ``FormulaError`` with the position of the problem.
  public static func parse(_ text: String, columns: [String]? = nil) throws -> Formula {
    var parser = FormulaParser(text: text)
    let formula = try parser.parseFormula()
    if let columns { try formula.checkColumns(columns) }
    return formula
  }

  /// Throws ``FormulaError/unknownColumn(name:formula:position:suggestion:)`` for the first
  /// column reference that is not in `columns`.
  public func checkColumns(_ columns: [String]) throws {
    let known = Set(columns)
    for reference in columnReferences where !known.contains(reference.name) {
      throw FormulaError.unknownColumn(
        name: reference.name, formula: text, position: reference.position,
        suggestion: closestMatch(to: reference.name, among: columns))
    }
  }

  init(
    text: String, response: Response?, terms: [Term], hasIntercept: Bool,
    offsets: [Expression], strata: [Expression], clusters: [Expression],
    columnReferences: [ColumnReference]
  ) {
    self.text = text
    self.response = response
    self.terms = terms
    self.hasIntercept = hasIntercept
    self.offsets = offsets
    self.strata = strata
    self.clusters = clusters
    self.columnReferences = columnReferences
  }
}
