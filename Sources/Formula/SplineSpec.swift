/// A spline term as written in a formula: `ns(x, df = 3)`, `ns(x, knots = c(40, 60))`,
/// `bs(x, df = 5, degree = 2)`.
///
/// The parser stores the call as `.call("ns", [x, .call("=df", [3]), ...])`, so the variable
/// stays an ordinary, hashable ``Expression``; this type reads it back.
public struct SplineSpec: Sendable, Equatable {
  /// The function names the parser knows.
  public static let functions = ["bs", "ns"]

  /// `bs` or `ns`.
  public let kind: SplineBasis.Kind
  /// The variable the spline is of.
  public let argument: Expression
  /// `df`, if given.
  public let degreesOfFreedom: Int?
  /// `knots`, if given.
  public let knots: [Double]?
  /// `degree` (3 unless given; always 3 for `ns`).
  public let degree: Int

  /// Reads a spline call; `nil` for any other expression.
  public init?(_ expression: Expression) {
    guard case .call(let name, let arguments) = expression,
      let kind = SplineBasis.Kind(rawValue: name), let argument = arguments.first
    else { return nil }
    var df: Int?
    var knots: [Double]?
    var degree = 3
    for named in arguments.dropFirst() {
      guard case .call(let key, let values) = named else { return nil }
      let numbers = values.compactMap { value -> Double? in
        if case .number(let v) = value { return v }
        return nil
      }
      switch key {
      case "=df": df = numbers.first.flatMap { Int(exactly: $0) }
      case "=knots": knots = numbers
      case "=degree": degree = numbers.first.flatMap { Int(exactly: $0) } ?? 3
      default: return nil
      }
    }
    self.kind = kind
    self.argument = argument
    self.degreesOfFreedom = df
    self.knots = knots
    self.degree = kind == .natural ? 3 : degree
  }

  /// The contract-style column name of basis column `j` (0-based): `ns(age)[1]`.
  public func columnName(_ j: Int) -> String {
    "\(kind.rawValue)(\(argument.label))[\(j + 1)]"
  }
}
