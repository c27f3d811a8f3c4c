import Testing

@testable import CrampData

@Suite("CSV header repairs")
struct CSVHeaderTests {
  @Test("duplicate names become x.2, x.3 and skip names already taken")
  func duplicates() throws {
    let result = try readCSV("x,x,y,x,x.2\n1,2,3,4,5\n")
    #expect(result.table.columnNames == ["x", "x.3", "y", "x.4", "x.2"])
    #expect(result.warnings.map(\.kind) == [.duplicateHeader, .duplicateHeader])
    #expect(result.warnings.first?.column == "x.3")
    #expect(result.warnings.first?.line == 1)
  }

  @Test("blank names become V<position>")
  func blanks() throws {
    let result = try readCSV("a,,c\n1,2,3\n")
    #expect(result.table.columnNames == ["a", "V2", "c"])
    #expect(result.warnings.map(\.kind) == [.blankHeader])
    #expect(
      result.warnings.first?.description
        == "t.csv:1: column 'V2': column 2 has no name; called it 'V2'")
  }

  @Test("Excel's trailing empty columns are dropped with a warning")
  func trailingEmptyColumns() throws {
    let result = try readCSV("a,b,,\n1,2,,\n3,4,,\n")
    #expect(result.table.columnNames == ["a", "b"])
    #expect(result.warnings.map(\.kind) == [.blankHeader, .blankHeader, .droppedEmptyColumns])
  }

  @Test("a trailing blank-header column with values is kept")
  func trailingColumnWithValues() throws {
    let result = try readCSV("a,\n1,x\n")
    #expect(result.table.columnNames == ["a", "V2"])
  }

  @Test("dropping can be switched off")
  func keepEmptyColumns() throws {
    let options = CSVOptions(dropEmptyTrailingColumns: false)
    let result = try readCSV("a,\n1,\n", options: options)
    #expect(result.table.columnNames == ["a", "V2"])
  }

  @Test("quoted header names may hold delimiters and quotes")
  func quotedNames() throws {
    let result = try readCSV("\"a,b\",\"say \"\"x\"\"\"\n1,2\n")
    #expect(result.table.columnNames == ["a,b", "say \"x\""])
  }
}
