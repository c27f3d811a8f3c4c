/// Why a formula could not be parsed or turned into a design matrix.
///
/// Positions are 0-based character offsets into the formula text; ``description`` renders
/// the formula with a caret under the offending place.
public enum FormulaError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The text does not follow the formula grammar.
  case syntax(message: String, formula: String, position: Int)
  /// A name that is not a column of the table; `suggestion` is the closest column, if any.
  case unknownColumn(name: String, formula: String, position: Int, suggestion: String?)
  /// A function the formula language does not know.
  case unknownFunction(name: String, formula: String, position: Int, suggestion: String?)
  /// A function called with the wrong number of arguments.
  case wrongArgumentCount(function: String, expected: String, formula: String, position: Int)
  /// `offset()`, `strata()`, `cluster()` or `Surv()` used where it has no meaning.
  case misplacedSpecial(name: String, formula: String, position: Int)
  /// A string column used in arithmetic (inside `I()`, `log()`, as a response ...).
  case notNumeric(column: String)
  /// `missing: .fail` and a model variable is missing on this row.
  case missingValue(source: String, line: Int, column: String)
  /// A transformation produced infinity or NaN (`log(0)`, `1/0`) on this row.
  case nonFiniteValue(source: String, line: Int, expression: String)
  /// A reference level that the categorical variable does not have (after dropping rows).
  case unknownReferenceLevel(variable: String, level: String, levels: [String], suggestion: String?)
  /// A reference level was given for a variable that is not categorical in the formula.
  case referenceForNonCategorical(variable: String)
  /// A categorical variable with fewer than two levels on the rows used (R: "contrasts can
  /// be applied only to factors with 2 or more levels").
  case singleLevel(variable: String, level: String)
  /// A partition of a distributed fit holds a level outside the levels agreed across
  /// partitions (``DesignOptions/fixedLevels``).
  case levelOutsidePartitionLevels(source: String, line: Int, variable: String, level: String)
  /// No row is left once rows with missing values are dropped.
  case noCompleteRows(dropped: Int)
  /// The cluster column given in ``DesignOptions`` does not exist.
  case unknownClusterColumn(name: String, suggestion: String?)
  /// The design would have more columns (or values) than any model here can fit; `term` is
  /// the term that crossed the limit.
  case designTooLarge(term: String, columns: Int, rows: Int, limit: String)
  /// A text column used as a factor with too many distinct values (see
  /// ``DesignOptions/maximumFactorLevels``); `line` is where the first level over the limit
  /// appears, or the first row used.
  case tooManyLevels(source: String, line: Int, column: String, levels: Int, rows: Int)
  /// A spline term (`ns()`, `bs()`) whose basis cannot be made on the rows used; `reason`
  /// says why (knots collapsing on few distinct values, df too small, a knot outside the data).
  case spline(term: String, reason: String)

  public var description: String {
    switch self {
    case .syntax(let message, let formula, let position):
      return "formula: \(message)\n" + Self.caret(formula, position)
    case .unknownColumn(let name, let formula, let position, let suggestion):
      return "formula: unknown column '\(name)'" + Self.didYouMean(suggestion) + "\n"
        + Self.caret(formula, position)
    case .unknownFunction(let name, let formula, let position, let suggestion):
      return "formula: unknown function '\(name)()'" + Self.didYouMean(suggestion, call: true)
        + "\n" + Self.caret(formula, position)
    case .wrongArgumentCount(let function, let expected, let formula, let position):
      return "formula: \(function)() takes \(expected)\n" + Self.caret(formula, position)
    case .misplacedSpecial(let name, let formula, let position):
      return "formula: \(name)() cannot be used here\n" + Self.caret(formula, position)
    case .notNumeric(let column):
      return "column '\(column)' holds text and cannot be used in arithmetic or as a response"
    case .missingValue(let source, let line, let column):
      return "\(source):\(line): column '\(column)': missing value (rows with missing values "
        + "are refused because missing values were set to fail)"
    case .nonFiniteValue(let source, let line, let expression):
      return "\(source):\(line): '\(expression)' is not finite on this row"
    case .unknownReferenceLevel(let variable, let level, let levels, let suggestion):
      return "reference level '\(level)' is not a level of '\(variable)'"
        + Self.didYouMean(suggestion) + " (levels: " + levels.joined(separator: ", ") + ")"
    case .referenceForNonCategorical(let variable):
      return "a reference level was given for '\(variable)', which is not categorical in the "
        + "formula (use factor(\(variable)))"
    case .singleLevel(let variable, let level):
      return "'\(variable)' has only one level ('\(level)') on the rows used; a categorical "
        + "variable needs at least two"
    case .levelOutsidePartitionLevels(let source, let line, let variable, let level):
      return "\(source):\(line): '\(variable)' has level '\(level)', which is not among the "
        + "levels agreed across partitions in the first pass; run every pass on the same data"
    case .noCompleteRows(let dropped):
      return "no rows left: all \(dropped) rows have a missing model variable"
    case .unknownClusterColumn(let name, let suggestion):
      return "unknown cluster column '\(name)'" + Self.didYouMean(suggestion)
    case .designTooLarge(let term, let columns, let rows, let limit):
      return "term '\(term)' makes the design \(rows) rows x \(columns)+ columns, over the "
        + "limit of \(limit); a factor with this many levels (an id or a free-text column?) "
        + "cannot be a model term"
    case .tooManyLevels(let source, let line, let column, let levels, let rows):
      return "\(source):\(line): column '\(column)': a text column with \(levels) distinct values "
        + "in \(rows) rows cannot be a factor (the limit is \(DesignOptions.maximumFactorLevels) "
        + "levels, and at most half the rows distinct once there are "
        + "\(DesignOptions.distinctShareMinimumLevels)) [high-cardinality-factor]; numbers "
        + "written with a decimal comma need '--decimal ,', and an identifier belongs in "
        + "cluster(\(column)) or --cluster, not among the covariates"
    case .spline(let term, let reason):
      return "spline term '\(term)': \(reason)"
    }
  }

  private static func didYouMean(_ suggestion: String?, call: Bool = false) -> String {
    guard let suggestion else { return "" }
    return ". Did you mean '\(suggestion)\(call ? "()" : "")'?"
  }

  /// The formula with a caret under `position` (a scalar offset); a long formula is shown
  /// as a window of about 70 characters around the position, elided with `...`.
  static func caret(_ formula: String, _ position: Int) -> String {
    let scalars = Array(formula.unicodeScalars)
    let window = 70
    let at = min(max(0, position), scalars.count)
    guard scalars.count > window else {
      return "  " + formula + "\n  " + String(repeating: " ", count: at) + "^"
    }
    let start = max(0, min(at - window / 2, scalars.count - window))
    let end = min(scalars.count, start + window)
    let head = start > 0 ? "..." : ""
    let tail = end < scalars.count ? "..." : ""
    let shown = String(String.UnicodeScalarView(scalars[start..<end]))
    return "  " + head + shown + tail + "\n  "
      + String(repeating: " ", count: head.count + at - start) + "^"
  }
}
