import Testing

@testable import Reporting

@Suite("JSON rendering")
struct JSONValueTests {
  @Test("keys are sorted, NaN becomes null, strings are escaped")
  func rendering() {
    let v = JSONValue.object([
      "b": .number(.nan), "a": .array([.int(1), .number(0.1), .bool(true)]),
      "c": .string("q\"\n\u{1}"), "d": .object([:]), "e": .number(2.0),
    ])
    #expect(
      v.rendered() == """
        {
          "a": [
            1,
            0.1,
            true
          ],
          "b": null,
          "c": "q\\"\\n\\u0001",
          "d": {},
          "e": 2
        }

        """)
  }

  @Test("doubles round-trip")
  func roundTrip() throws {
    for x in [0.1, 1.0 / 3.0, 1e-300, 6.02214076e23, -2.5e-8, 123456.789] {
      let text = JSONValue.format(x)
      #expect(Double(text) == x)
    }
    #expect(JSONValue.format(.infinity) == "null")
  }
}

@Suite("Number formatting")
struct NumberFormatTests {
  @Test("fixed decimals round half away from zero and never use the locale")
  func fixed() {
    #expect(NumberFormat.fixed(1.005, digits: 1) == "1.0")
    #expect(NumberFormat.fixed(2.5, digits: 0) == "3")
    #expect(NumberFormat.fixed(-0.04, digits: 1) == "0.0")
    #expect(NumberFormat.fixed(-1.25, digits: 1) == "-1.3")
    #expect(NumberFormat.fixed(nil, digits: 2) == "NA")
    #expect(NumberFormat.fixed(.infinity, digits: 2) == "Inf")
  }

  @Test("significant digits and scientific notation like R")
  func significant() {
    #expect(NumberFormat.significant(0.000012345, digits: 3) == "1.23e-05")
    #expect(NumberFormat.significant(123.456, digits: 4) == "123.5")
    #expect(NumberFormat.significant(0.5, digits: 4) == "0.5")
    #expect(NumberFormat.significant(1e20, digits: 3) == "1e+20")
    #expect(NumberFormat.pValue(1e-20) == "<2e-16")
    #expect(NumberFormat.pValue(0.0123456) == "0.0123")
  }
}

@Suite("Tables")
struct DataTableTests {
  static let table = DataTable(
    headers: ["term", "estimate"], rows: [["(Intercept)", "-1.5"], ["a,b", nil], ["x\"y", "2"]])

  @Test("text aligns columns; NA for missing cells")
  func text() {
    #expect(
      Self.table.renderText() == """
        term         estimate
        (Intercept)      -1.5
        a,b                NA
        x"y                 2

        """)
  }

  @Test("CSV quotes fields with commas and quotes; missing is empty")
  func csv() {
    #expect(Self.table.renderCSV() == "term,estimate\n(Intercept),-1.5\n\"a,b\",\n\"x\"\"y\",2\n")
  }

  @Test("Markdown pipe table with alignment row")
  func markdown() {
    #expect(
      Self.table.renderMarkdown().hasPrefix(
        "| term | estimate |\n| :--- | ---: |\n| (Intercept) | -1.5 |"))
  }
}
