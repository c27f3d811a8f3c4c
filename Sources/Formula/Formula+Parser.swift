import CrampData

/// Tokens of the formula language.
private enum Token: Equatable {
  case name(String)
  case number(Double)
  case symbol(String)  // ~ + - * / ^ : ( ) , and comparison operators
  case end
}

/// The right-hand side before expansion into terms.
private indirect enum TermNode {
  case variable(Expression)
  case number(Double, position: Int)
  case special(name: String, arguments: [Expression], position: Int)
  case sum(TermNode, TermNode)
  case difference(TermNode, TermNode)
  case negated(TermNode, position: Int)
  case interaction(TermNode, TermNode)
  case crossing(TermNode, TermNode)
  case nesting(TermNode, TermNode)
  case power(TermNode, Int)
}

/// Recursive-descent parser for formulas; see ``Formula`` for the language.
struct FormulaParser {
  private let text: String
  private var tokens: [(token: Token, position: Int)] = []
  private var index = 0
  private var references: [Formula.ColumnReference] = []
  /// Model variables in order of first appearance (R's `variables` attribute).
  private var variables: [Expression] = []

  private static let specials: Set<String> = ["offset", "strata", "cluster", "Surv"]
  private static let knownFunctions: [String] =
    ["factor", "I"] + Expression.numericFunctions.keys.sorted() + SplineSpec.functions
    + specials.sorted()

  /// Limits that keep every formula's parse and expansion bounded in time and stack: a
  /// formula longer than ``maximumTokens`` tokens, nested deeper than ``maximumDepth``
  /// (parentheses, calls, signs and powers) or expanding to more than ``maximumTerms``
  /// terms is refused with a message, never a stack overflow or a run of minutes.
  static let maximumTokens = 2_000
  static let maximumDepth = 64
  static let maximumTerms = 4_096

  /// Current nesting depth of the recursive descent.
  private var depth = 0

  init(text: String) { self.text = text }

  /// Enters one level of nesting.
  /// - Throws: ``FormulaError/syntax(message:formula:position:)`` past ``maximumDepth``.
  private mutating func descend() throws {
    depth += 1
    if depth > Self.maximumDepth {
      throw syntax("the formula nests deeper than \(Self.maximumDepth) levels")
    }
  }

  mutating func parseFormula() throws -> Formula {
    tokens = try Self.tokenize(text)
    if tokens.count > Self.maximumTokens {
      throw FormulaError.syntax(
        message:
          "the formula has \(tokens.count - 1) tokens; at most \(Self.maximumTokens) are supported",
        formula: text, position: tokens[Self.maximumTokens].position)
    }
    var response: Formula.Response?
    if peek != .symbol("~") {
      let position = currentPosition
      let lhs = try parseExpression()
      response = try makeResponse(lhs, position: position)
    }
    try expect("~")
    let rhsStart = currentPosition
    let rhs = try parseSum()
    if peek != .end { throw syntax("unexpected \(describe(peek))") }
    return try expand(rhs, response: response, position: rhsStart)
  }

  // MARK: - Tokens

  private var peek: Token { tokens[index].token }
  private var currentPosition: Int { tokens[index].position }

  private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

  private mutating func expect(_ symbol: String) throws {
    guard peek == .symbol(symbol) else {
      throw syntax("expected '\(symbol)' but found \(describe(peek))")
    }
    advance()
  }

  private func syntax(_ message: String, at position: Int? = nil) -> FormulaError {
    .syntax(message: message, formula: text, position: position ?? currentPosition)
  }

  private func describe(_ token: Token) -> String {
    switch token {
    case .name(let name): return "'\(name)'"
    case .number(let value): return "'\(Expression.format(number: value))'"
    case .symbol(let symbol): return "'\(symbol)'"
    case .end: return "the end of the formula"
    }
  }

  private static func tokenize(_ text: String) throws -> [(token: Token, position: Int)] {
    let scalars = Array(text.unicodeScalars)
    var result: [(token: Token, position: Int)] = []
    var i = 0
    func isNameStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "." }
    func isNamePart(_ c: Unicode.Scalar) -> Bool {
      c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "."
    }
    while i < scalars.count {
      let c = scalars[i]
      if c.properties.isWhitespace {
        i += 1
        continue
      }
      let start = i
      if ("0"..."9").contains(c)
        || (c == "." && i + 1 < scalars.count && ("0"..."9").contains(scalars[i + 1]))
      {
        var j = i
        while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == "." { j += 1 }
        if j < scalars.count, scalars[j] == "e" || scalars[j] == "E" {
          var k = j + 1
          if k < scalars.count, scalars[k] == "+" || scalars[k] == "-" { k += 1 }
          if k < scalars.count, ("0"..."9").contains(scalars[k]) {
            j = k
            while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
          }
        }
        let literal = String(String.UnicodeScalarView(scalars[i..<j]))
        guard let value = Double(literal) else {
          throw FormulaError.syntax(
            message: "cannot read number '\(literal)'", formula: text, position: start)
        }
        result.append((.number(value), start))
        i = j
      } else if isNameStart(c) {
        var j = i
        while j < scalars.count, isNamePart(scalars[j]) { j += 1 }
        result.append((.name(String(String.UnicodeScalarView(scalars[i..<j]))), start))
        i = j
      } else if c == "`" {
        var j = i + 1
        while j < scalars.count, scalars[j] != "`" { j += 1 }
        guard j < scalars.count else {
          throw FormulaError.syntax(
            message: "unterminated backquoted name", formula: text, position: start)
        }
        result.append((.name(String(String.UnicodeScalarView(scalars[(i + 1)..<j]))), start))
        i = j + 1
      } else {
        let two = i + 1 < scalars.count ? String(c) + String(scalars[i + 1]) : ""
        if ["<=", ">=", "==", "!="].contains(two) {
          result.append((.symbol(two), start))
          i += 2
        } else if "~+-*/^:(),<>=".unicodeScalars.contains(c) {
          result.append((.symbol(String(c)), start))
          i += 1
        } else {
          throw FormulaError.syntax(
            message: "unexpected character '\(c)'", formula: text, position: start)
        }
      }
    }
    result.append((.end, scalars.count))
    return result
  }

  // MARK: - Right-hand side (term algebra)

  private mutating func parseSum() throws -> TermNode {
    var node: TermNode
    if peek == .symbol("-") {
      let position = currentPosition
      advance()
      node = .negated(try parseCrossing(), position: position)
    } else {
      if peek == .symbol("+") { advance() }
      node = try parseCrossing()
    }
    while true {
      if peek == .symbol("+") {
        advance()
        node = .sum(node, try parseCrossing())
      } else if peek == .symbol("-") {
        advance()
        node = .difference(node, try parseCrossing())
      } else {
        return node
      }
    }
  }

  private mutating func parseCrossing() throws -> TermNode {
    var node = try parseInteraction()
    while true {
      if peek == .symbol("*") {
        advance()
        node = .crossing(node, try parseInteraction())
      } else if peek == .symbol("/") {
        advance()
        node = .nesting(node, try parseInteraction())
      } else {
        return node
      }
    }
  }

  private mutating func parseInteraction() throws -> TermNode {
    var node = try parseTermPower()
    while peek == .symbol(":") {
      advance()
      node = .interaction(node, try parseTermPower())
    }
    return node
  }

  private mutating func parseTermPower() throws -> TermNode {
    let node = try parseTermAtom()
    guard peek == .symbol("^") else { return node }
    advance()
    guard case .number(let value) = peek, value >= 1, value == value.rounded() else {
      throw syntax("the power of a term must be a positive integer, as in (a + b)^2")
    }
    advance()
    // Any power at or above the number of variables gives the same terms (the expansion
    // stops at its fixed point), so a huge power is clamped before it becomes an Int.
    return .power(node, Int(min(value, Double(Self.maximumTerms))))
  }

  private mutating func parseTermAtom() throws -> TermNode {
    let position = currentPosition
    switch peek {
    case .symbol("("):
      advance()
      try descend()
      let inner = try parseSum()
      try expect(")")
      depth -= 1
      return inner
    case .number(let value):
      advance()
      return .number(value, position: position)
    case .name(let name):
      if tokens[index + 1].token == .symbol("("), Self.specials.contains(name) {
        advance()
        let arguments = try parseArguments()
        if name == "Surv" {
          throw FormulaError.misplacedSpecial(name: name, formula: text, position: position)
        }
        return .special(name: name, arguments: arguments, position: position)
      }
      let expression = try parsePrimary()
      return .variable(expression)
    default:
      throw syntax("expected a term but found \(describe(peek))")
    }
  }

  // MARK: - Expressions (inside calls and on the left-hand side)

  private mutating func parseExpression() throws -> Expression {
    let lhs = try parseAdditive()
    for op in [BinaryOperator.lessOrEqual, .greaterOrEqual, .equal, .notEqual, .less, .greater]
    where peek == .symbol(op.rawValue) {
      advance()
      return .binary(op, lhs, try parseAdditive())
    }
    return lhs
  }

  private mutating func parseAdditive() throws -> Expression {
    var node = try parseMultiplicative()
    while true {
      if peek == .symbol("+") {
        advance()
        node = .binary(.add, node, try parseMultiplicative())
      } else if peek == .symbol("-") {
        advance()
        node = .binary(.subtract, node, try parseMultiplicative())
      } else {
        return node
      }
    }
  }

  private mutating func parseMultiplicative() throws -> Expression {
    var node = try parseUnary()
    while true {
      if peek == .symbol("*") {
        advance()
        node = .binary(.multiply, node, try parseUnary())
      } else if peek == .symbol("/") {
        advance()
        node = .binary(.divide, node, try parseUnary())
      } else {
        return node
      }
    }
  }

  private mutating func parseUnary() throws -> Expression {
    try descend()
    defer { depth -= 1 }
    if peek == .symbol("-") {
      advance()
      // R folds a negative literal into the number: -2 is a constant, not -(2).
      let operand = try parseUnary()
      if case .number(let value) = operand { return .number(-value) }
      return .negate(operand)
    }
    if peek == .symbol("+") {
      advance()
      return try parseUnary()
    }
    return try parseExponent()
  }

  private mutating func parseExponent() throws -> Expression {
    let base = try parsePrimary()
    guard peek == .symbol("^") else { return base }
    advance()
    return .binary(.power, base, try parseUnary())
  }

  private mutating func parsePrimary() throws -> Expression {
    let position = currentPosition
    switch peek {
    case .number(let value):
      advance()
      return .number(value)
    case .symbol("("):
      advance()
      try descend()
      let inner = try parseExpression()
      try expect(")")
      depth -= 1
      return inner
    case .name(let name):
      advance()
      guard peek == .symbol("(") else {
        noteColumn(name, at: position)
        return .column(name)
      }
      guard Self.knownFunctions.contains(name) else {
        throw FormulaError.unknownFunction(
          name: name, formula: text, position: position,
          suggestion: closestMatch(to: name, among: Self.knownFunctions))
      }
      if SplineSpec.functions.contains(name) {
        return try parseSpline(name, at: position)
      }
      let arguments = try parseArguments()
      if Self.specials.contains(name), name != "Surv" {
        throw FormulaError.misplacedSpecial(name: name, formula: text, position: position)
      }
      let expected: ClosedRange<Int> = name == "Surv" ? 2...3 : 1...1
      guard expected.contains(arguments.count) else {
        throw FormulaError.wrongArgumentCount(
          function: name, expected: name == "Surv" ? "2 or 3 arguments" : "one argument",
          formula: text, position: position)
      }
      if name == "factor", !(arguments[0].columnNames.count >= 1) {
        throw syntax("factor() needs a column", at: position)
      }
      return .call(name, arguments)
    default:
      throw syntax("expected a column, number or '(' but found \(describe(peek))")
    }
  }

  /// Parses `(arg, arg, ...)` after a function name; the current token is `(`.
  private mutating func parseArguments() throws -> [Expression] {
    try expect("(")
    try descend()
    defer { depth -= 1 }
    var arguments: [Expression] = []
    if peek == .symbol(")") {
      advance()
      return arguments
    }
    while true {
      arguments.append(try parseExpression())
      if peek == .symbol(",") {
        advance()
        continue
      }
      try expect(")")
      return arguments
    }
  }

  /// Parses `ns(x, df = 3)`, `ns(x, knots = c(40, 60))`, `bs(x, df = 5, degree = 2)` after
  /// the function name; named arguments become `.call("=df", [value])` (see ``SplineSpec``).
  private mutating func parseSpline(_ name: String, at position: Int) throws -> Expression {
    try expect("(")
    try descend()
    defer { depth -= 1 }
    let variable = try parseExpression()
    var arguments: [Expression] = [variable]
    var seen: Set<String> = []
    let allowed = name == "bs" ? ["df", "knots", "degree"] : ["df", "knots"]
    while peek == .symbol(",") {
      advance()
      let argumentPosition = currentPosition
      guard case .name(let key) = peek, allowed.contains(key) else {
        throw syntax(
          "\(name)() takes the variable and then "
            + allowed.map { "\($0) = ..." }.joined(separator: ", "), at: argumentPosition)
      }
      guard seen.insert(key).inserted else {
        throw syntax("\(key) is given twice", at: argumentPosition)
      }
      advance()
      try expect("=")
      var values: [Double] = []
      if case .name("c") = peek, tokens[index + 1].token == .symbol("(") {
        advance()
        advance()
        while true {
          values.append(try splineNumber())
          if peek == .symbol(",") {
            advance()
            continue
          }
          try expect(")")
          break
        }
      } else {
        values.append(try splineNumber())
      }
      if key != "knots" {
        guard values.count == 1, let value = values.first, value == value.rounded(),
          value >= 1, value <= 1_000
        else {
          throw syntax("\(key) must be a whole number from 1 to 1000", at: argumentPosition)
        }
      }
      arguments.append(.call("=" + key, values.map { .number($0) }))
    }
    try expect(")")
    return .call(name, arguments)
  }

  /// A number literal, possibly negative, inside a spline call.
  private mutating func splineNumber() throws -> Double {
    var sign = 1.0
    if peek == .symbol("-") {
      sign = -1
      advance()
    }
    guard case .number(let value) = peek else {
      throw syntax("expected a number but found \(describe(peek))")
    }
    advance()
    return sign * value
  }

  private mutating func noteColumn(_ name: String, at position: Int) {
    if !references.contains(where: { $0.name == name }) {
      references.append(Formula.ColumnReference(name: name, position: position))
    }
  }

  private func makeResponse(_ lhs: Expression, position: Int) throws -> Formula.Response {
    if case .call("Surv", let arguments) = lhs {
      if arguments.count == 2 {
        return .survival(start: nil, stop: arguments[0], status: arguments[1])
      }
      return .survival(start: arguments[0], stop: arguments[1], status: arguments[2])
    }
    return .expression(lhs)
  }

  // MARK: - Expansion into terms

  /// A set of terms, each a sorted list of indices into `variables`.
  private typealias TermSet = [[Int]]

  private struct Collected {
    var hasIntercept = true
    var offsets: [Expression] = []
    var strata: [Expression] = []
    var clusters: [Expression] = []
  }

  private mutating func expand(
    _ rhs: TermNode, response: Formula.Response?, position: Int
  ) throws -> Formula {
    // R lists the response's variables first; only their order relative to the right-hand
    // side's matters, and the response never enters a term, so it is left out here.
    var collected = Collected()
    var terms: TermSet = []
    var signed: [(TermNode, Bool)] = []
    flattenSum(rhs, positive: true, into: &signed)
    for (node, positive) in signed {
      switch node {
      case .number(let value, let at):
        switch (value, positive) {
        case (0, true), (1, false): collected.hasIntercept = false
        case (1, true), (0, false): collected.hasIntercept = true
        default: throw syntax("only 0 and 1 can stand alone as terms (intercept)", at: at)
        }
      case .special(let name, let arguments, let at):
        guard positive else {
          throw FormulaError.misplacedSpecial(name: name, formula: text, position: at)
        }
        try collectSpecial(name, arguments, at: at, into: &collected)
      default:
        let set = try termSet(node)
        if positive {
          for term in set where !terms.contains(term) { terms.append(term) }
        } else {
          terms.removeAll { set.contains($0) }
        }
      }
    }
    // Stable sort by interaction order, as terms.formula does.
    let ordered = terms.enumerated().sorted {
      ($0.element.count, $0.offset) < ($1.element.count, $1.offset)
    }.map(\.element)
    return Formula(
      text: text, response: response,
      terms: ordered.map { Formula.Term(variables: $0.map { variables[$0] }) },
      hasIntercept: collected.hasIntercept, offsets: collected.offsets,
      strata: collected.strata, clusters: collected.clusters, columnReferences: references)
  }

  private func flattenSum(_ node: TermNode, positive: Bool, into list: inout [(TermNode, Bool)]) {
    switch node {
    case .sum(let a, let b):
      flattenSum(a, positive: positive, into: &list)
      flattenSum(b, positive: positive, into: &list)
    case .difference(let a, let b):
      flattenSum(a, positive: positive, into: &list)
      flattenSum(b, positive: !positive, into: &list)
    case .negated(let a, _):
      flattenSum(a, positive: !positive, into: &list)
    default:
      list.append((node, positive))
    }
  }

  private func collectSpecial(
    _ name: String, _ arguments: [Expression], at position: Int, into collected: inout Collected
  ) throws {
    switch name {
    case "offset", "cluster":
      guard arguments.count == 1 else {
        throw FormulaError.wrongArgumentCount(
          function: name, expected: "one argument", formula: text, position: position)
      }
      if name == "offset" {
        collected.offsets.append(arguments[0])
      } else {
        collected.clusters.append(arguments[0])
      }
    default:  // strata
      guard !arguments.isEmpty else {
        throw FormulaError.wrongArgumentCount(
          function: name, expected: "at least one argument", formula: text, position: position)
      }
      collected.strata.append(contentsOf: arguments)
    }
  }

  private mutating func termSet(_ node: TermNode) throws -> TermSet {
    switch node {
    case .variable(let expression):
      let index =
        variables.firstIndex(of: expression)
        ?? {
          variables.append(expression)
          return variables.count - 1
        }()
      return [[index]]
    case .number(_, let position):
      throw syntax("the intercept (0 or 1) cannot be part of an interaction", at: position)
    case .special(let name, _, let position):
      throw FormulaError.misplacedSpecial(name: name, formula: text, position: position)
    case .sum(let a, let b):
      return union(try termSet(a), try termSet(b))
    case .difference(let a, let b):
      let removed = try termSet(b)
      return try termSet(a).filter { !removed.contains($0) }
    case .negated(_, let position):
      throw syntax("a removed term cannot be part of an interaction", at: position)
    case .interaction(let a, let b):
      return try bounded(try interact(try termSet(a), try termSet(b)))
    case .crossing(let a, let b):
      let left = try termSet(a)
      let right = try termSet(b)
      return try bounded(union(union(left, right), try bounded(try interact(left, right))))
    case .nesting(let a, let b):
      // a/b = a + (all variables of a):b
      let left = try termSet(a)
      let allOfLeft = [Array(Set(left.joined())).sorted()]
      return try bounded(union(left, try interact(allOfLeft, try termSet(b))))
    case .power(let a, let k):
      let base = try termSet(a)
      var result = base
      for _ in 1..<max(1, k) {
        let next = try bounded(union(result, try interact(result, base)))
        if next.count == result.count { break }  // the fixed point: higher powers add nothing
        result = next
      }
      return result
    }
  }

  /// `terms`, or an error when the expansion is too large to be a model.
  private func bounded(_ terms: TermSet) throws -> TermSet {
    guard terms.count <= Self.maximumTerms else {
      throw syntax(
        "the formula expands to more than \(Self.maximumTerms) terms; write the interactions you need",
        at: 0)
    }
    return terms
  }

  /// `a` then the terms of `b` not in `a`, in order (hashing keeps it linear).
  private func union(_ a: TermSet, _ b: TermSet) -> TermSet {
    var result = a
    var seen = Set(a)
    for term in b where seen.insert(term).inserted { result.append(term) }
    return result
  }

  /// Every product of a term of `a` and a term of `b`, without repeats, in order.
  /// - Throws: when there are more pairs than any bounded expansion could need.
  private func interact(_ a: TermSet, _ b: TermSet) throws -> TermSet {
    guard a.count * b.count <= Self.maximumTerms * 64 else {
      throw syntax(
        "the formula expands to more than \(Self.maximumTerms) terms; write the interactions you need",
        at: 0)
    }
    var result: TermSet = []
    var seen = Set<[Int]>()
    for x in a {
      for y in b {
        let term = Array(Set(x + y)).sorted()
        if seen.insert(term).inserted { result.append(term) }
      }
    }
    return result
  }
}
