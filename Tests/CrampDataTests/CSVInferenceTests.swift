import Testing

@testable import CrampData

@Suite("CSV type inference over the whole column")
struct CSVInferenceTests {
  /// One column's values and the type the ladder must give them.
  struct Case: Sendable, CustomStringConvertible {
    let values: [String]
    let type: ColumnType
    var description: String { "\(values) -> \(type)" }
  }

  @Test(
    "the ladder boolean < integer < double < date < string",
    arguments: [
      Case(values: ["0", "1", "1", "0"], type: .boolean),
      Case(values: ["true", "FALSE", "True", "false"], type: .boolean),
      Case(values: ["1", "true", "0"], type: .boolean),
      Case(values: ["0", "1", "2"], type: .integer),
      Case(values: ["-3", "+4", "007", "9007199254740992"], type: .integer),
      Case(values: ["9007199254740993"], type: .double),
      Case(values: ["1", "2.5"], type: .double),
      Case(values: [".5", "5.", "1e3", "-2.5E-3", "+1.0"], type: .double),
      Case(values: ["2024-02-29", "2023-12-31"], type: .date),
      Case(values: ["2023-02-29"], type: .string),
      Case(values: ["2024-13-01"], type: .string),
      Case(values: ["2024-1-01"], type: .string),
      Case(values: ["1", "2024-01-01"], type: .string),
      Case(values: ["true", "2"], type: .string),
      Case(values: ["2", "true"], type: .string),
      Case(values: ["1", "2", "UNK"], type: .string),
      Case(values: ["nan"], type: .string),
      Case(values: ["inf"], type: .string),
      Case(values: ["-Infinity"], type: .string),
      Case(values: ["0x1p3"], type: .string),
      Case(values: ["1_000"], type: .string),
      Case(values: [" 1"], type: .string),
      Case(values: ["1 "], type: .string),
      Case(values: ["1e"], type: .string),
      Case(values: ["+"], type: .string),
      Case(values: ["1.2.3"], type: .string),
      Case(values: ["yes", "no"], type: .string),
    ])
  func ladder(example: Case) throws {
    let text = "id,x\n" + example.values.enumerated().map { "\($0),\($1)" }.joined(separator: "\n")
    let column = try #require(try readCSV(text).table["x"])
    #expect(column.type == example.type)
    #expect(column.missingCount == 0)
  }

  @Test("numbers are converted from bytes exactly")
  func numberValues() throws {
    let result = try readCSV("x\n0.1\n-2.5e-3\n1e22\n123456789012345678901234\n.5\n5.\n-0\n")
    #expect(
      result.table["x"]?.numbers == [0.1, -2.5e-3, 1e22, 1.2345678901234568e23, 0.5, 5, -0.0])
  }

  @Test("dates are stored as days since 1970-01-01")
  func dateValues() throws {
    let column = try #require(try readCSV("d\n1970-01-01\n2024-06-01\n1969-12-31\n").table["d"])
    #expect(column.numbers == [0, 19875, -1])
    #expect(texts(column) == ["1970-01-01", "2024-06-01", "1969-12-31"])
  }

  @Test("default NA strings are missing in every type")
  func defaultMissing() throws {
    let text = "b,i,d,t,s\n1,1,1.5,2024-01-01,a\nNA,N/A,.,,NA\n0,2,2.5,2024-01-02,b\n"
    let table = try readCSV(text).table
    #expect(table.columns.map(\.type) == [.boolean, .integer, .double, .date, .string])
    for column in table.columns { #expect(column.missing == [false, true, false]) }
    #expect(table["s"]?.codes == [0, -1, 1])
    #expect(table["d"]?.numbers[1].isNaN == true)
  }

  @Test("custom NA strings replace the defaults, also when they look like numbers")
  func customMissing() throws {
    let options = CSVOptions(naStrings: ["-99", "UNK"])
    let table = try readCSV("x,y\n1,NA\n-99,a\nUNK,b\n2.5,\n", options: options).table
    #expect(table["x"]?.type == .double)
    #expect(table["x"]?.missing == [false, true, true, false])
    #expect(texts(table["y"]) == ["NA", "a", "b", ""])
  }

  @Test("quoted values are typed like unquoted ones")
  func quotedNumbers() throws {
    let table = try readCSV("x,y\n\"1\",\"NA\"\n\"2.5\",\"3\"\n").table
    #expect(table["x"]?.numbers == [1, 2.5])
    #expect(table["y"]?.type == .integer)
    #expect(table["y"]?.missing == [true, false])
  }

  @Test("an all-missing column is a string column with no levels")
  func allMissing() throws {
    let column = try #require(try readCSV("id,x\n1,\n2,NA\n").table["x"])
    #expect(column.type == .string)
    #expect(column.levels.isEmpty)
    #expect(column.codes == [-1, -1])
  }

  @Test("leading missing values do not decide the type")
  func leadingMissing() throws {
    let table = try readCSV("a,b,c\n,,\nNA,NA,NA\n1.5,2024-01-01,x\n").table
    #expect(table.columns.map(\.type) == [.double, .date, .string])
    #expect(table["c"]?.codes == [-1, -1, 0])
  }

  @Test("a late text value turns the column into strings in order of first appearance")
  func lateWidening() throws {
    var text = "id,x\n"
    for k in 0..<3000 { text += "\(k),\(k % 3)\n" }
    text += "3000,UNK\n3001,1\n"
    let column = try #require(try readCSV(text).table["x"])
    #expect(column.type == .string)
    #expect(column.levels == ["0", "1", "2", "UNK"])
    #expect(column.codes.count == 3002)
    #expect(column.codes[2999] == 2)
    #expect(column.codes[3000] == 3)
    #expect(column.codes[3001] == 1)
  }

  @Test("string levels are dictionary encoded in order of first appearance")
  func levels() throws {
    let column = try #require(try readCSV("s\nM\nF\nM\nM\nF\n\"F\"\n").table["s"])
    #expect(column.levels == ["M", "F"])
    #expect(column.codes == [0, 1, 0, 0, 1, 1])
  }

  @Test("non-ASCII UTF-8 text is kept")
  func unicodeText() throws {
    let column = try #require(try readCSV("site\nOrléans\n東京\n").table["site"])
    #expect(column.levels == ["Orléans", "東京"])
  }

  @Test("re-reading for a late text value follows quotes, escapes and blank lines")
  func lateWideningAfterQuotesAndBlankLines() throws {
    let text = "id,x,note\n1,\"2\",\"a\"\"b\"\n\n2,3,\"line\nbreak\"\n3,NA,c\n4,x\"y,d\n"
    let error = csvError { try readCSV(text) }
    #expect(error == .unexpectedQuote(source: "t.csv", line: 7, column: "x"))
    let table = try readCSV(text.replacingQuoteInX()).table
    #expect(texts(table["x"]) == ["2", "3", nil, "xy"])
    #expect(table["x"]?.levels == ["2", "3", "xy"])
    #expect(texts(table["note"]) == ["a\"b", "line\nbreak", "c", "d"])
    #expect(table.lineNumbers == [2, 4, 6, 7])
  }

  @Test("one column: re-reading keeps blank lines as missing values")
  func singleColumnWidening() throws {
    let column = try #require(try readCSV("x\n1\n\n2\nabc\n").table["x"])
    #expect(column.levels == ["1", "2", "abc"])
    #expect(column.codes == [0, -1, 1, 2])
  }
}

extension String {
  /// The test text with its one stray quote removed.
  fileprivate func replacingQuoteInX() -> String {
    split(separator: "x\"y", omittingEmptySubsequences: false).joined(separator: "xy")
  }
}
