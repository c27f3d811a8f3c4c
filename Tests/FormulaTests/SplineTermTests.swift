import CrampData
import Testing

@testable import Formula

private func table(y: [Double], x: [Double]) -> Table {
  Table(
    source: "spline.csv",
    columns: [
      Column(name: "y", type: .double, numbers: y, missing: y.map(\.isNaN)),
      Column(name: "x", type: .double, numbers: x, missing: x.map(\.isNaN)),
      Column(
        name: "g", codes: (0..<x.count).map { Int32($0 % 2) }, levels: ["a", "b"]),
    ],
    lineNumbers: (0..<x.count).map { Int32($0 + 2) })
}

private func column(_ d: DesignMatrix, _ name: String) -> [Double] {
  guard let j = d.columnNames.firstIndex(of: name) else { return [] }
  return Array(d.column(j))
}

@Suite("Spline terms in formulas and designs")
struct SplineTermTests {
  @Test("ns() and bs() parse with named arguments and print as R deparses them")
  func parse() throws {
    let f = try Formula.parse(
      "y ~ ns(x, df = 3) + bs(x, knots = c(2, 3.5), degree = 2) + ns(log(x), knots = 1)")
    #expect(
      f.termLabels == [
        "ns(x, df = 3)", "bs(x, knots = c(2, 3.5), degree = 2)", "ns(log(x), knots = 1)",
      ])
    let spec = try #require(SplineSpec(f.terms[1].variables[0]))
    #expect(spec.kind == .bSpline && spec.knots == [2, 3.5] && spec.degree == 2)
    #expect(spec.degreesOfFreedom == nil)
    #expect(spec.columnName(0) == "bs(x)[1]")
    #expect(f.columnReferences.map(\.name) == ["y", "x"])
  }

  @Test("bad spline arguments are syntax errors at their position")
  func badArguments() {
    #expect(throws: FormulaError.self) { try Formula.parse("y ~ ns(x, degree = 2)") }
    #expect(throws: FormulaError.self) { try Formula.parse("y ~ ns(x, df = 2, df = 3)") }
    #expect(throws: FormulaError.self) { try Formula.parse("y ~ bs(x, df = 2.5)") }
    #expect(throws: FormulaError.self) { try Formula.parse("y ~ ns(x, df = z)") }
    do {
      _ = try Formula.parse("y ~ ns(x, df = 0)")
      Issue.record("df = 0 was accepted")
    } catch let FormulaError.syntax(message, _, position) {
      #expect(message == "df must be a whole number from 1 to 1000")
      #expect(position == 10)
    } catch {
      Issue.record("\(error)")
    }
  }

  /// Degree-1 B-splines are hat functions, worked by hand: on [0, 4] with no interior knot
  /// the basis without its first column is x / 4; with a knot at 2 it is the hat
  /// min(x, 4 - x) / 2 (peak at 2) and max(x - 2, 0) / 2.
  @Test("linear B-splines equal the hand-worked hat functions")
  func hats() throws {
    let x: [Double] = [0, 1, 2, 3, 4]
    let t = table(y: [0, 1, 0, 1, 0], x: x)
    let plain = try DesignMatrix.build(Formula.parse("y ~ bs(x, degree = 1)"), table: t)
    #expect(plain.columnNames == ["(Intercept)", "bs(x)[1]"])
    #expect(column(plain, "bs(x)[1]") == [0, 0.25, 0.5, 0.75, 1])
    let knot = try DesignMatrix.build(
      Formula.parse("y ~ bs(x, knots = 2, degree = 1)"), table: t)
    #expect(knot.columnNames == ["(Intercept)", "bs(x)[1]", "bs(x)[2]"])
    #expect(column(knot, "bs(x)[1]") == [0, 0.5, 1, 0.5, 0])
    #expect(column(knot, "bs(x)[2]") == [0, 0, 0, 0.5, 1])
    #expect(knot.columnTerms == [nil, 0, 0])
  }

  @Test("ns(x, df = 1) is a straight line in x")
  func naturalLinear() throws {
    let x: [Double] = [0, 1, 2, 3, 4, 5]
    let d = try DesignMatrix.build(
      Formula.parse("y ~ ns(x, df = 1)"), table: table(y: [0, 1, 0, 1, 0, 1], x: x))
    let b = column(d, "ns(x)[1]")
    #expect(b.count == 6)
    for i in 2..<b.count { #expect(abs(b[i] - 2 * b[i - 1] + b[i - 2]) < 1e-14) }
  }

  @Test("knots come from every row where the variable is present, as R's model.frame")
  func knotsBeforeDroppingRows() throws {
    // The row with x = 10 has no response, so it is not used, yet it sets the boundary.
    let t = table(y: [.nan, 0, 1, 0, 1], x: [10, 0, 1, 2, 3])
    let d = try DesignMatrix.build(Formula.parse("y ~ bs(x, degree = 1)"), table: t)
    #expect(d.rowCount == 4)
    #expect(column(d, "bs(x)[1]") == [0, 0.1, 0.2, 0.30000000000000004])
  }

  /// Variables of an interaction are ordered by first appearance, as in R (`ga:bs(x, ...)1`).
  @Test("a spline in an interaction multiplies in like a number")
  func interaction() throws {
    let t = table(y: [0, 1, 0, 1, 0], x: [0, 1, 2, 3, 4])
    let d = try DesignMatrix.build(Formula.parse("y ~ g + bs(x, degree = 1):g"), table: t)
    #expect(d.columnNames == ["(Intercept)", "g[b]", "g[a]:bs(x)[1]", "g[b]:bs(x)[1]"])
    #expect(column(d, "g[a]:bs(x)[1]") == [0, 0, 0.5, 0, 1])
    #expect(column(d, "g[b]:bs(x)[1]") == [0, 0.25, 0, 0.75, 0])
  }

  @Test("data errors: text variable, collapsing knots, knot outside, spline in arithmetic")
  func dataErrors() throws {
    let t = table(y: [0, 1, 0, 1, 0, 1], x: [1, 1, 1, 2, 2, 2])
    #expect(
      throws: FormulaError.spline(
        term: "ns(g)", reason: "column 'g' holds text; a spline needs a numeric variable")
    ) { try DesignMatrix.build(Formula.parse("y ~ ns(g)"), table: t) }
    do {
      _ = try DesignMatrix.build(Formula.parse("y ~ ns(x, df = 3)"), table: t)
      Issue.record("collapsing knots were accepted")
    } catch let FormulaError.spline(term, reason) {
      #expect(term == "ns(x, df = 3)")
      #expect(reason.hasPrefix("'x' has 2 distinct values where it is present"))
    }
    #expect(throws: FormulaError.self) {
      try DesignMatrix.build(Formula.parse("y ~ ns(x, knots = 5)"), table: t)
    }
    #expect(throws: FormulaError.self) {
      try DesignMatrix.build(Formula.parse("y ~ I(ns(x))"), table: t)
    }
    #expect(throws: FormulaError.self) {
      try DesignMatrix.build(Formula.parse("ns(y) ~ x"), table: t)
    }
  }

  @Test("a design's spline bases evaluate new rows on the training knots")
  func fittedBases() throws {
    let training = table(y: [0, 1, 0, 1, 0], x: [0, 1, 2, 3, 4])
    let d = try DesignMatrix.build(Formula.parse("y ~ bs(x, degree = 1)"), table: training)
    #expect(d.splineBases.keys.sorted() == ["bs(x, degree = 1)"])
    var options = DesignOptions()
    options.splineBases = d.splineBases
    let profile = table(y: [0, 1], x: [1, 3])
    let p = try DesignMatrix.build(
      Formula.parse("y ~ bs(x, degree = 1)"), table: profile, options: options)
    #expect(column(p, "bs(x)[1]") == [0.25, 0.75])
    let outside = table(y: [0, 1], x: [1, 5])
    #expect(throws: FormulaError.self) {
      try DesignMatrix.build(
        Formula.parse("y ~ bs(x, degree = 1)"), table: outside, options: options)
    }
  }
}
