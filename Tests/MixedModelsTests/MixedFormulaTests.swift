import Formula
import Testing

@Suite("Mixed-model formulas")
struct MixedFormulaTests {
  @Test("a random intercept is split from the fixed part")
  func randomIntercept() throws {
    let mixed = try MixedFormula.parse("cramp ~ x1 + factor(t) + (1 | patient_id)")
    #expect(mixed.fixed.text == "cramp ~ x1 + factor(t)")
    #expect(mixed.fixed.termLabels == ["x1", "factor(t)"])
    #expect(mixed.random.group == "patient_id")
    #expect(mixed.random.hasIntercept)
    #expect(mixed.random.slopes.isEmpty)
    #expect(mixed.random.termNames == ["(Intercept)"])
    #expect(MixedFormula.hasRandomTerm(mixed.text))
    #expect(!MixedFormula.hasRandomTerm("cramp ~ x1 + factor(t)"))
  }

  @Test("a correlated slope, with or without the explicit 1, and a leading bar term")
  func randomSlope() throws {
    for text in [
      "y ~ x + (1 + mg_supp | id)", "y ~ x + (mg_supp | id)", "y ~ (1 + mg_supp | id) + x",
    ] {
      let mixed = try MixedFormula.parse(text)
      #expect(mixed.fixed.termLabels == ["x"], "\(text)")
      #expect(mixed.random.termNames == ["(Intercept)", "mg_supp"], "\(text)")
    }
    let only = try MixedFormula.parse("y ~ (1 | id)")
    #expect(only.fixed.terms.isEmpty && only.fixed.hasIntercept)
  }

  @Test("several bar terms, '||', nested groups and two slopes are refused with a message")
  func refusals() {
    let cases: [(String, String)] = [
      ("y ~ x + (1 | a) + (1 | b)", "only one random-effects term is supported"),
      ("y ~ x + (1 || a)", "'||'"),
      ("y ~ x + (1 | a/b)", "grouping factor"),
      ("y ~ x + (1 + u + v | a)", "at most one random slope"),
      ("y ~ x + (factor(u) | a)", "numeric column"),
      ("y ~ x", "no random-effects term"),
    ]
    for (text, message) in cases {
      do {
        _ = try MixedFormula.parse(text)
        Issue.record("\(text) was accepted")
      } catch {
        #expect(String(describing: error).contains(message), "\(text): \(error)")
      }
    }
  }

  @Test("unknown columns in the bar term are reported with a suggestion")
  func unknownColumn() {
    #expect(throws: FormulaError.self) {
      _ = try MixedFormula.parse("y ~ x + (1 | patient)", columns: ["y", "x", "patient_id"])
    }
  }
}
