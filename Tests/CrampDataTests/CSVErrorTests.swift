import Testing

@testable import CrampData

@Suite("CSV errors: exact case, location and message")
struct CSVErrorTests {
  @Test("a ragged row names its line and shows its text")
  func raggedRow() {
    let error = csvError { try CSVReader.read(path: fixturePath("ragged.csv")) }
    let path = fixturePath("ragged.csv")
    #expect(
      error == .raggedRow(source: path, line: 4, expected: 3, found: 4, text: "2,ok,4,extra"))
    #expect(
      error?.description
        == "\(path):4: expected 3 fields (as in the header) but found 4: <<2,ok,4,extra>>")
    #expect(error?.exitCode == 65)
  }

  @Test("a short row is ragged too")
  func shortRow() {
    let error = csvError { try readCSV("a,b,c\n1,2,3\n4,5\n") }
    #expect(error == .raggedRow(source: "t.csv", line: 3, expected: 3, found: 2, text: "4,5"))
  }

  @Test("a quote inside an unquoted field")
  func quoteInsideField() {
    let error = csvError { try readCSV("id,height\n1,5\"11\n") }
    #expect(error == .unexpectedQuote(source: "t.csv", line: 2, column: "height"))
  }

  @Test("text after a closing quote")
  func textAfterClosingQuote() {
    let error = csvError { try readCSV("id,note\n1,\"a\"b\n") }
    #expect(error == .unexpectedQuote(source: "t.csv", line: 2, column: "note"))
  }

  @Test("an unterminated quote reports the line where it opened")
  func unterminatedQuote() {
    let error = csvError { try readCSV("id,note\n1,ok\n2,\"never\nclosed\n3,x\n") }
    #expect(error == .unterminatedQuote(source: "t.csv", line: 3))
    #expect(error?.description == "t.csv:3: a quoted field starts here and is never closed")
  }

  @Test("Latin-1 bytes are invalid UTF-8, shown as hex, with line and column")
  func latin1() {
    let path = fixturePath("latin1.csv")
    let error = csvError { try CSVReader.read(path: path) }
    #expect(error == .invalidUTF8(source: path, line: 3, column: "site", text: "Orl\\xE9ans"))
    #expect(
      error?.description
        == "\(path):3: column 'site': 'Orl\\xE9ans' is not valid UTF-8; the file looks like "
        + "Latin-1/cp1252: re-save it as UTF-8 (Excel: 'CSV UTF-8')")
  }

  @Test("invalid UTF-8 in the header and in a numeric-looking column")
  func invalidUTF8Elsewhere() {
    #expect(
      csvError { try readCSV(bytes: Array("caf".utf8) + [0xE9] + Array(",x\n1,2\n".utf8)) }
        == .invalidUTF8(source: "t.csv", line: 1, column: nil, text: "caf\\xE9"))
    #expect(
      csvError { try readCSV(bytes: Array("x\n1\n2".utf8) + [0xFF] + Array("\n".utf8)) }
        == .invalidUTF8(source: "t.csv", line: 3, column: "x", text: "2\\xFF"))
  }

  @Test("a text value in a required numeric column fails with the physical line")
  func requiredNumeric() {
    let path = fixturePath("redcap_unk.csv")
    let options = CSVOptions(numericColumns: ["severity"])
    let error = csvError { try CSVReader.read(path: path, options: options) }
    #expect(
      error
        == .unparsableValue(
          source: path, line: 3, column: "severity", text: "UNK", expected: "a number"))
    #expect(error?.description == "\(path):3: column 'severity': cannot read 'UNK' as a number")
  }

  @Test("without numericColumns the same file reads, as a string column")
  func notRequired() throws {
    let result = try CSVReader.read(path: fixturePath("redcap_unk.csv"))
    #expect(result.table["severity"]?.type == .string)
    #expect(
      csvError {
        _ = try CSVReader.requireNumeric(result.table, column: "severity")
        return result
      }
        == .unparsableValue(
          source: fixturePath("redcap_unk.csv"), line: 3, column: "severity", text: "UNK",
          expected: "a number"))
  }

  @Test("a decimal comma in a required column suggests --decimal ,")
  func decimalCommaHint() {
    let options = CSVOptions(numericColumns: ["magnesium_mg"])
    let text = "id;magnesium_mg\n" + (2...16).map { "\($0);300\n" }.joined() + "17;4,5\n"
    let error = csvError { try readCSV(text, options: options) }
    #expect(
      error?.description
        == "t.csv:17: column 'magnesium_mg': cannot read '4,5' as a number (use --decimal , ?)")
  }

  @Test("required columns accept missing values and may be all missing")
  func requiredMissing() throws {
    let table = try readCSV("x,y\n1,NA\n,\n", options: CSVOptions(numericColumns: ["x", "y"])).table
    #expect(table["x"]?.type == .boolean)
    #expect(table["y"]?.type == .double)
    #expect(table["y"]?.missing == [true, true])
  }

  @Test("a date in a required column is not a number")
  func requiredDate() {
    let error = csvError {
      try readCSV("d\n2024-01-01\n", options: CSVOptions(numericColumns: ["d"]))
    }
    #expect(
      error
        == .unparsableValue(
          source: "t.csv", line: 2, column: "d", text: "2024-01-01", expected: "a number"))
  }

  @Test("an unknown required column is reported")
  func unknownColumn() {
    let error = csvError { try readCSV("a\n1\n", options: CSVOptions(numericColumns: ["b"])) }
    #expect(error == .unknownColumn(source: "t.csv", name: "b"))
  }

  @Test("missing files and directories map to sysexits codes")
  func fileErrors() {
    let missing = csvError { try CSVReader.read(path: "/nonexistent/diary.csv") }
    #expect(missing == .fileNotFound(path: "/nonexistent/diary.csv"))
    #expect(missing?.exitCode == 66)
    let directory = csvError { try CSVReader.read(path: "/tmp") }
    #expect(directory == .unreadable(path: "/tmp", reason: "it is a directory"))
    #expect(directory?.exitCode == 74)
  }

  @Test("control bytes are escaped in messages")
  func renderedText() {
    #expect(CSVByte.render(Array("a\tb".utf8) + [0xC3]) == "a\\x09b\\xC3")
    #expect(CSVByte.render(Array("é".utf8)) == "é")
  }
}
