import Foundation

/// An arithmetic expression over table columns, as written inside a formula.
///
/// Expressions are what R calls the "variables" of a model: `x`, `log(dose)`, `I(age^2)`,
/// `factor(trimester)`. Two expressions are the same variable when they are equal, so
/// `x:log(dose)` and `log(dose)` share the `log(dose)` values.
public indirect enum Expression: Sendable, Hashable {
  /// A column of the table, by name.
  case column(String)
  /// A numeric literal.
  case number(Double)
  /// A function call such as `log(x)`, `I(x^2)` or `factor(x)`.
  case call(String, [Expression])
  /// A binary operation.
  case binary(BinaryOperator, Expression, Expression)
  /// Unary minus.
  case negate(Expression)

  /// The columns this expression reads, in order of first appearance.
  public var columnNames: [String] {
    var names: [String] = []
    collectColumns(into: &names)
    return names
  }

  private func collectColumns(into names: inout [String]) {
    switch self {
    case .column(let name):
      if !names.contains(name) { names.append(name) }
    case .number:
      break
    case .call(_, let arguments):
      for argument in arguments { argument.collectColumns(into: &names) }
    case .binary(_, let lhs, let rhs):
      lhs.collectColumns(into: &names)
      rhs.collectColumns(into: &names)
    case .negate(let operand):
      operand.collectColumns(into: &names)
    }
  }

  /// Whether this is `factor(...)`, which makes its argument categorical.
  public var isFactorCall: Bool {
    if case .call("factor", let arguments) = self, arguments.count == 1 { return true }
    return false
  }

  /// The expression as R's `deparse` would write it (`I(x^2)`, `log(a + b)`, `a/b`).
  ///
  /// Parentheses are inserted only where operator precedence needs them, so redundant
  /// parentheses typed by the user are not reproduced.
  public var label: String { rendered(parentPrecedence: 0) }

  private func rendered(parentPrecedence: Int) -> String {
    switch self {
    case .column(let name):
      return Expression.isSyntacticName(name) ? name : "`\(name)`"
    case .number(let value):
      return Expression.format(number: value)
    case .call(let name, let arguments) where name.hasPrefix("="):
      // A named argument of ns()/bs(): `df = 3`, `knots = c(40, 60)`.
      let values = arguments.map { $0.rendered(parentPrecedence: 0) }
      let value = values.count == 1 ? values[0] : "c(" + values.joined(separator: ", ") + ")"
      return String(name.dropFirst()) + " = " + value
    case .call(let name, let arguments):
      return name + "(" + arguments.map { $0.rendered(parentPrecedence: 0) }.joined(separator: ", ")
        + ")"
    case .binary(let op, let lhs, let rhs):
      let precedence = op.precedence
      // `^` is right-associative; the other operators are left-associative.
      let leftNeeds = op == .power ? precedence + 1 : precedence
      let rightNeeds = op == .power ? precedence : precedence + 1
      let text =
        lhs.rendered(parentPrecedence: leftNeeds) + op.spelling
        + rhs.rendered(parentPrecedence: rightNeeds)
      return precedence < parentPrecedence ? "(" + text + ")" : text
    case .negate(let operand):
      let text = "-" + operand.rendered(parentPrecedence: BinaryOperator.unaryPrecedence)
      return BinaryOperator.unaryPrecedence < parentPrecedence ? "(" + text + ")" : text
    }
  }

  /// Formats a number the way R prints a literal in a label (`2`, `0.5`, `1e-10`).
  public static func format(number value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  static func isSyntacticName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first else { return false }
    if !(first.properties.isAlphabetic || first == ".") { return false }
    return name.unicodeScalars.allSatisfy {
      $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "."
    }
  }
}

/// Binary operators allowed inside expressions (`I(...)`, function arguments).
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case power = "^"
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
  case equal = "=="
  case notEqual = "!="

  /// Binding strength, higher binds tighter (R's: comparison < +- < */ < unary minus < ^).
  var precedence: Int {
    switch self {
    case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: return 1
    case .add, .subtract: return 2
    case .multiply, .divide: return 3
    case .power: return 5
    }
  }

  static let unaryPrecedence = 4

  /// How R's deparser writes the operator: spaces around all but `/` and `^`.
  var spelling: String {
    switch self {
    case .divide, .power: return rawValue
    default: return " " + rawValue + " "
    }
  }

  func apply(_ a: Double, _ b: Double) -> Double {
    switch self {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .power: return Expression.power(a, b)
    case .less: return a < b ? 1 : 0
    case .lessOrEqual: return a <= b ? 1 : 0
    case .greater: return a > b ? 1 : 0
    case .greaterOrEqual: return a >= b ? 1 : 0
    case .equal: return a == b ? 1 : 0
    case .notEqual: return a != b ? 1 : 0
    }
  }
}

extension Expression {
  /// The functions an expression may call, besides `factor`, `I` and the specials.
  static let numericFunctions: [String: @Sendable (Double) -> Double] = [
    "log": { Foundation.log($0) },
    "log2": { Foundation.log($0) / Foundation.log(2) },
    "log10": { Foundation.log($0) / Foundation.log(10) },
    "log1p": { Foundation.log1p($0) },
    "exp": { Foundation.exp($0) },
    "sqrt": { $0.squareRoot() },
    "abs": { abs($0) },
  ]

  /// `a^b` with an exact fast path for small integer powers.
  static func power(_ a: Double, _ b: Double) -> Double {
    if b == 2 { return a * a }
    if b == 3 { return a * a * a }
    if b == 1 { return a }
    if b == 0.5 { return a.squareRoot() }
    return Foundation.pow(a, b)
  }
}
