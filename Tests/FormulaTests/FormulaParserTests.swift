import CrampData
import Testing

@testable import Formula

@Suite("Formula parsing")
struct FormulaParserTests {
  @Test("main effects, factor, I() and R's term order")
  func termsInROrder() throws {
    let f = try Formula.parse("cramp ~ a:b + age + factor(trimester) + I(x^2) + log(dose)")
    #expect(f.response == .expression(.column("cramp")))
    #expect(f.termLabels == ["age", "factor(trimester)", "I(x^2)", "log(dose)", "a:b"])
    #expect(f.hasIntercept)
  }

  @Test("a*b expands to a + b + a:b; variables in an interaction keep first-appearance order")
  func crossing() throws {
    #expect(try Formula.parse("y ~ a*b").termLabels == ["a", "b", "a:b"])
    #expect(try Formula.parse("y ~ b:a + a").termLabels == ["a", "b:a"])
    #expect(try Formula.parse("y ~ a + b:a").termLabels == ["a", "a:b"])
    #expect(
      try Formula.parse("y ~ a*b*c - a:b:c").termLabels == ["a", "b", "c", "a:b", "a:c", "b:c"])
    #expect(
      try Formula.parse("y ~ (a + b + c)^2").termLabels == ["a", "b", "c", "a:b", "a:c", "b:c"])
    #expect(try Formula.parse("y ~ a/b").termLabels == ["a", "a:b"])
    #expect(try Formula.parse("y ~ a*b - a").termLabels == ["b", "a:b"])
    #expect(try Formula.parse("y ~ a + a + a:a").termLabels == ["a"])
  }

  @Test(
    "intercept removal: -1, +0, 0 +, -1 first",
    arguments: [
      "y ~ x - 1", "y ~ x + 0", "y ~ 0 + x", "y ~ -1 + x",
    ])
  func noIntercept(text: String) throws {
    let f = try Formula.parse(text)
    #expect(!f.hasIntercept)
    #expect(f.termLabels == ["x"])
  }

  @Test("intercept-only and one-sided formulas")
  func interceptOnly() throws {
    let f = try Formula.parse("y ~ 1")
    #expect(f.terms.isEmpty && f.hasIntercept)
    let g = try Formula.parse("~ x")
    #expect(g.response == nil && g.termLabels == ["x"])
  }

  @Test("specials: offset, strata, cluster, Surv with two and three arguments")
  func specials() throws {
    let f = try Formula.parse(
      "Surv(start, stop, event) ~ x + strata(site, sex) + cluster(id) + offset(log(exposure))")
    #expect(
      f.response
        == .survival(start: .column("start"), stop: .column("stop"), status: .column("event")))
    #expect(f.termLabels == ["x"])
    #expect(f.strata == [.column("site"), .column("sex")])
    #expect(f.clusters == [.column("id")])
    #expect(f.offsets == [.call("log", [.column("exposure")])])
    let g = try Formula.parse("Surv(time, status) ~ x")
    #expect(g.response == .survival(start: nil, stop: .column("time"), status: .column("status")))
  }

  @Test("labels are deparsed as R does")
  func labels() throws {
    let f = try Formula.parse("y ~ I(a*b) + I((x + 1)^2) + I(x/2) + I(-x) + I(x > 2) + I(x^-1)")
    #expect(
      f.termLabels == ["I(a * b)", "I((x + 1)^2)", "I(x/2)", "I(-x)", "I(x > 2)", "I(x^-1)"])
    #expect(try Formula.parse("y ~ `odd name`").termLabels == ["`odd name`"])
  }

  @Test("column references with positions, and unknown columns suggest the closest name")
  func unknownColumn() throws {
    let text = "cramp ~ age_over_50 + magnesum_mg"
    #expect(
      throws: FormulaError.unknownColumn(
        name: "magnesum_mg", formula: text, position: 22, suggestion: "magnesium_mg")
    ) {
      try Formula.parse(text, columns: ["cramp", "age_over_50", "magnesium_mg"])
    }
    let error = FormulaError.unknownColumn(
      name: "magnesum_mg", formula: text, position: 22, suggestion: "magnesium_mg")
    #expect(
      error.description
        == """
        formula: unknown column 'magnesum_mg'. Did you mean 'magnesium_mg'?
          cramp ~ age_over_50 + magnesum_mg
                                ^
        """)
  }

  @Test("no suggestion when nothing is close")
  func noSuggestion() {
    #expect(closestMatch(to: "zzz", among: ["cramp", "age"]) == nil)
    #expect(closestMatch(to: "Age", among: ["cramp", "age"]) == "age")
    #expect(closestMatch(to: "magnes", among: ["cramp", "magnesium_mg"]) == "magnesium_mg")
  }

  @Test("syntax errors point at the problem")
  func syntaxErrors() {
    #expect(
      throws: FormulaError.syntax(
        message: "expected '~' but found the end of the formula", formula: "y", position: 1)
    ) { try Formula.parse("y") }
    #expect(
      throws: FormulaError.syntax(
        message: "expected a term but found ')'", formula: "y ~ a + )", position: 8)
    ) { try Formula.parse("y ~ a + )") }
    #expect(
      throws: FormulaError.unknownFunction(
        name: "lg", formula: "y ~ lg(x)", position: 4, suggestion: "log")
    ) { try Formula.parse("y ~ lg(x)") }
    #expect(
      throws: FormulaError.misplacedSpecial(name: "offset", formula: "y ~ a:offset(x)", position: 6)
    ) { try Formula.parse("y ~ a:offset(x)") }
    #expect(
      throws: FormulaError.syntax(
        message: "only 0 and 1 can stand alone as terms (intercept)", formula: "y ~ x + 2",
        position: 8)
    ) { try Formula.parse("y ~ x + 2") }
    #expect(
      throws: FormulaError.wrongArgumentCount(
        function: "log", expected: "one argument", formula: "y ~ log(x, 2)", position: 4)
    ) { try Formula.parse("y ~ log(x, 2)") }
  }
}
