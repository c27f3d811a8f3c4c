import Testing

@testable import Formula

/// `frailty(...)` taken out of a Cox formula's text.
@Suite("frailty() terms")
struct FrailtyTermTests {
  @Test("the term and its joining '+' are removed, wherever the term stands")
  func removal() throws {
    let cases: [(String, String)] = [
      ("Surv(t, d) ~ x + frailty(id)", "Surv(t, d) ~ x"),
      ("Surv(t, d) ~ frailty(id) + x + z", "Surv(t, d) ~ x + z"),
      ("Surv(t, d) ~ x + frailty(id) + strata(s)", "Surv(t, d) ~ x + strata(s)"),
      ("Surv(t, d) ~ frailty(id)", "Surv(t, d) ~ 1"),
    ]
    for (text, rest) in cases {
      let (formula, term) = try FrailtyTerm.extract(from: text)
      #expect(formula == rest, "\(text)")
      #expect(term?.column == "id")
      #expect(term?.distribution == "gamma")
    }
  }

  @Test("distribution, dist, theta and frailty.gaussian()")
  func arguments() throws {
    let gaussian = try FrailtyTerm.extract(
      from: "Surv(t, d) ~ x + frailty(id, distribution = \"gaussian\")"
    ).term
    #expect(gaussian?.distribution == "gaussian")
    #expect(gaussian?.label == "frailty(id, distribution = \"gaussian\")")
    #expect(
      try FrailtyTerm.extract(from: "y ~ frailty.gaussian(g)").term?.distribution == "gaussian")
    #expect(
      try FrailtyTerm.extract(from: "y ~ frailty(g, dist = 'gamma')").term?.distribution == "gamma")
    #expect(try FrailtyTerm.extract(from: "y ~ frailty(g, theta = 0.5)").term?.theta == 0.5)
    #expect(try FrailtyTerm.extract(from: "y ~ x + my_frailty(g)").term == nil)
  }

  @Test("bad terms throw the exact error")
  func errors() {
    #expect(throws: FrailtyTerm.ParseError.moreThanOne) {
      try FrailtyTerm.extract(from: "y ~ frailty(a) + frailty(b)")
    }
    #expect(throws: FrailtyTerm.ParseError.malformed("frailty(a")) {
      try FrailtyTerm.extract(from: "y ~ frailty(a")
    }
    #expect(throws: FrailtyTerm.ParseError.malformed("frailty()")) {
      try FrailtyTerm.extract(from: "y ~ frailty()")
    }
    #expect(throws: FrailtyTerm.ParseError.self) {
      try FrailtyTerm.extract(from: "y ~ frailty(a, method = \"aic\")")
    }
    #expect(throws: FrailtyTerm.ParseError.self) {
      try FrailtyTerm.extract(from: "y ~ frailty(a, distribution = \"t\")")
    }
  }
}
