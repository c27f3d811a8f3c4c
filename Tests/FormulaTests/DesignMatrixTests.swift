import CrampData
import Testing

@testable import Formula

/// A 7-row table worked by hand.
///
///
/// | line | y | x   | tri | grp | flag | id |
/// |------|---|-----|-----|-----|------|----|
/// | 2    | 0 | 1   | 2   | b   | 1    | p1 |
/// | 3    | 1 | 2   | 0   | a   | 0    | p1 |
/// | 4    | 1 | NA  | 1   | c   | 1    | p2 |
/// | 5    | 0 | 4   | 10  | a   | 0    | p2 |
/// | 6    | 1 | 5   | 1   | NA  | 1    | p3 |
/// | 7    | 0 | 6   | 0   | b   | 0    | p3 |
/// | 8    | 1 | 7   | 2   | c   | 1    | p3 |
///
/// `tri` is an integer code: numeric level order is 0, 1, 2, 10 (text order would put 10
/// before 2). Rows at lines 4 and 6 are dropped (x, grp missing).
private func table() -> Table {
  let nan = Double.nan
  return Table(
    source: "tiny.csv",
    columns: [
      Column(
        name: "y", type: .integer, numbers: [0, 1, 1, 0, 1, 0, 1],
        missing: [Bool](repeating: false, count: 7)),
      Column(
        name: "x", type: .double, numbers: [1, 2, nan, 4, 5, 6, 7],
        missing: [false, false, true, false, false, false, false]),
      Column(
        name: "tri", type: .integer, numbers: [2, 0, 1, 10, 1, 0, 2],
        missing: [Bool](repeating: false, count: 7)),
      Column(name: "grp", codes: [0, 1, 2, 1, -1, 0, 2], levels: ["b", "a", "c"]),
      Column(
        name: "flag", type: .boolean, numbers: [1, 0, 1, 0, 1, 0, 1],
        missing: [Bool](repeating: false, count: 7)),
      Column(name: "id", codes: [0, 0, 1, 1, 2, 2, 2], levels: ["p1", "p2", "p3"]),
    ],
    lineNumbers: [2, 3, 4, 5, 6, 7, 8])
}

private func column(_ d: DesignMatrix, _ name: String) -> [Double] {
  guard let j = d.columnNames.firstIndex(of: name) else { return [] }
  return Array(d.column(j))
}

@Suite("Design matrix")
struct DesignMatrixTests {
  @Test("treatment coding, sorted reference, numeric order for factor() of numbers")
  func coding() throws {
    let d = try DesignMatrix.build(
      Formula.parse("y ~ x + grp + factor(tri) + flag"), table: table())
    // Level 1 of tri occurs only on dropped rows, so it is dropped (glm's drop.unused.levels).
    #expect(
      d.columnNames == ["(Intercept)", "x", "grp[b]", "grp[c]", "tri[2]", "tri[10]", "flag"])
    #expect(d.rowCount == 5 && d.columnCount == 7)
    #expect(d.rowsUsed == [0, 1, 3, 5, 6])
    #expect(d.droppedRowCount == 2)
    #expect(d.droppedByVariable == ["x": 1, "grp": 1])
    #expect(d.response == [0, 1, 0, 0, 1])
    #expect(column(d, "(Intercept)") == [1, 1, 1, 1, 1])
    #expect(column(d, "x") == [1, 2, 4, 6, 7])
    #expect(column(d, "grp[b]") == [1, 0, 0, 1, 0])
    #expect(column(d, "grp[c]") == [0, 0, 0, 0, 1])
    #expect(column(d, "tri[2]") == [1, 0, 0, 0, 1])
    #expect(column(d, "tri[10]") == [0, 0, 1, 0, 0])
    #expect(column(d, "flag") == [1, 0, 0, 0, 1])
    #expect(d.categoricalLevels["tri"] == ["0", "2", "10"])
    #expect(d.columnTerms == [nil, 0, 1, 1, 2, 2, 3])
  }

  @Test("reference override moves the level first")
  func reference() throws {
    let d = try DesignMatrix.build(
      Formula.parse("y ~ grp + factor(tri)"), table: table(),
      options: DesignOptions(references: ["grp": "c", "tri": "2"]))
    #expect(d.columnNames == ["(Intercept)", "grp[a]", "grp[b]", "tri[0]", "tri[1]", "tri[10]"])
    // x is not in this model, so only the row with grp missing (line 6) is dropped.
    #expect(column(d, "grp[a]") == [0, 1, 0, 1, 0, 0])
    #expect(column(d, "tri[0]") == [0, 1, 0, 0, 1, 0])
    #expect(
      throws: FormulaError.unknownReferenceLevel(
        variable: "grp", level: "C", levels: ["a", "b", "c"], suggestion: "c")
    ) {
      try DesignMatrix.build(
        Formula.parse("y ~ grp"), table: table(), options: DesignOptions(references: ["grp": "C"]))
    }
    #expect(throws: FormulaError.referenceForNonCategorical(variable: "x")) {
      try DesignMatrix.build(
        Formula.parse("y ~ x"), table: table(), options: DesignOptions(references: ["x": "1"]))
    }
  }

  @Test("interactions: numeric:factor, factor:factor, first variable varies fastest")
  func interactions() throws {
    let d = try DesignMatrix.build(Formula.parse("y ~ x*grp"), table: table())
    #expect(
      d.columnNames == ["(Intercept)", "x", "grp[b]", "grp[c]", "x:grp[b]", "x:grp[c]"])
    #expect(column(d, "x:grp[b]") == [1, 0, 0, 6, 0])
    let e = try DesignMatrix.build(Formula.parse("y ~ grp*flag"), table: table())
    #expect(
      e.columnNames == ["(Intercept)", "grp[b]", "grp[c]", "flag", "grp[b]:flag", "grp[c]:flag"])
    let f = try DesignMatrix.build(Formula.parse("y ~ grp:id"), table: table())
    // Neither margin is in the model: all level combinations, grp fastest (R's layout).
    #expect(
      f.columnNames == [
        "(Intercept)", "grp[a]:id[p1]", "grp[b]:id[p1]", "grp[c]:id[p1]", "grp[a]:id[p2]",
        "grp[b]:id[p2]", "grp[c]:id[p2]", "grp[a]:id[p3]", "grp[b]:id[p3]", "grp[c]:id[p3]",
      ])
  }

  @Test("R's TermCode: contrasts when the margin is an earlier term, else every level")
  func margins() throws {
    // Checked against model.matrix in R 4.2.
    let d = try DesignMatrix.build(Formula.parse("y ~ x + x:grp"), table: table())
    #expect(d.columnNames == ["(Intercept)", "x", "x:grp[b]", "x:grp[c]"])
    let e = try DesignMatrix.build(Formula.parse("y ~ x:grp"), table: table())
    #expect(e.columnNames == ["(Intercept)", "x:grp[a]", "x:grp[b]", "x:grp[c]"])
    let f = try DesignMatrix.build(Formula.parse("y ~ grp + x:id"), table: table())
    #expect(
      f.columnNames == ["(Intercept)", "grp[b]", "grp[c]", "x:id[p1]", "x:id[p2]", "x:id[p3]"])
  }

  @Test("no intercept: first factor gets all levels, later factors contrasts")
  func noIntercept() throws {
    let d = try DesignMatrix.build(Formula.parse("y ~ x + grp + factor(tri) - 1"), table: table())
    #expect(d.columnNames == ["x", "grp[a]", "grp[b]", "grp[c]", "tri[2]", "tri[10]"])
  }

  @Test("transformations, offset and cluster")
  func transformations() throws {
    let d = try DesignMatrix.build(
      Formula.parse("y ~ I(x^2) + log(x) + I(x > 3) + offset(x/2) + cluster(id)"), table: table())
    #expect(d.columnNames == ["(Intercept)", "I(x^2)", "log(x)", "I(x > 3)"])
    #expect(column(d, "I(x^2)") == [1, 4, 16, 25, 36, 49])
    #expect(column(d, "I(x > 3)") == [0, 0, 1, 1, 1, 1])
    #expect(d.offset == [0.5, 1, 2, 2.5, 3, 3.5])
    #expect(d.clusters == Grouping(codes: [0, 0, 1, 2, 2, 2], labels: ["p1", "p2", "p3"]))
    let e = try DesignMatrix.build(
      Formula.parse("y ~ x"), table: table(), options: DesignOptions(cluster: "id"))
    #expect(e.clusters?.count == 3)
    #expect(e.droppedByVariable == ["x": 1])
  }

  @Test("missing values refused with .fail name the line and column")
  func missingFail() {
    #expect(throws: FormulaError.missingValue(source: "tiny.csv", line: 4, column: "x")) {
      try DesignMatrix.build(
        Formula.parse("y ~ grp + x"), table: table(), options: DesignOptions(missing: .fail))
    }
    let text = String(
      describing: FormulaError.missingValue(source: "tiny.csv", line: 4, column: "x"))
    #expect(text.hasPrefix("tiny.csv:4: column 'x': missing value"))
  }

  @Test("errors: unknown column, text in arithmetic, log(0), one level")
  func errors() {
    #expect(
      throws: FormulaError.unknownColumn(
        name: "xx", formula: "y ~ xx", position: 4, suggestion: "x")
    ) {
      try DesignMatrix.build(Formula.parse("y ~ xx"), table: table())
    }
    #expect(throws: FormulaError.notNumeric(column: "grp")) {
      try DesignMatrix.build(Formula.parse("y ~ I(grp^2)"), table: table())
    }
    #expect(
      throws: FormulaError.nonFiniteValue(source: "tiny.csv", line: 3, expression: "log(tri)")
    ) {
      try DesignMatrix.build(Formula.parse("y ~ log(tri)"), table: table())
    }
    #expect(throws: FormulaError.singleLevel(variable: "I(x > 0)", level: "1")) {
      try DesignMatrix.build(Formula.parse("y ~ factor(I(x > 0))"), table: table())
    }
    #expect(throws: FormulaError.unknownClusterColumn(name: "ids", suggestion: "id")) {
      try DesignMatrix.build(
        Formula.parse("y ~ x"), table: table(), options: DesignOptions(cluster: "ids"))
    }
  }

  @Test("survival response and strata")
  func survival() throws {
    let d = try DesignMatrix.build(
      Formula.parse("Surv(x, y) ~ flag + strata(grp, flag)"), table: table())
    #expect(
      d.survival == SurvivalOutcome(start: nil, stop: [1, 2, 4, 6, 7], status: [0, 1, 0, 0, 1]))
    #expect(
      d.strata?.labels == ["grp=b, flag=1", "grp=a, flag=0", "grp=b, flag=0", "grp=c, flag=1"])
    #expect(d.strata?.codes == [0, 1, 1, 2, 3])
  }
}
