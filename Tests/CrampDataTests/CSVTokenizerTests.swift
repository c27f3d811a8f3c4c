import Testing

@testable import CrampData

@Suite("CSV tokenizer: quoting, line endings, BOM")
struct CSVTokenizerTests {
  @Test("quoted fields keep delimiters and doubled quotes")
  func quotedFields() throws {
    let result = try readCSV("id,note\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"\"\n")
    #expect(texts(result.table["note"]) == ["a,b", "say \"hi\"", nil])
  }

  @Test("a quoted line break is content and still counts as a physical line")
  func embeddedNewline() throws {
    let result = try readCSV("id,note\n1,\"two\nlines\"\n2,x\n3,\"a\r\nb\"\n4,y\n")
    #expect(texts(result.table["note"]) == ["two\nlines", "x", "a\r\nb", "y"])
    #expect(result.table.lineNumbers == [2, 4, 5, 7])
  }

  @Test("the line after an embedded newline is reported correctly in errors")
  func lineAfterEmbeddedNewline() {
    let error = csvError { try readCSV("id,note\n1,\"two\nlines\"\n2,x,oops\n") }
    #expect(
      error
        == .raggedRow(source: "t.csv", line: 4, expected: 2, found: 3, text: "2,x,oops"))
  }

  @Test("a UTF-8 byte-order mark is dropped from the first header name")
  func byteOrderMark() throws {
    let result = try readCSV(bytes: [0xEF, 0xBB, 0xBF] + Array("id,x\n1,2\n".utf8))
    #expect(result.table.columnNames == ["id", "x"])
  }

  @Test(
    "LF, CRLF and lone CR line endings, with or without a final break",
    arguments: [
      "a,b\n1,x\n2,y\n", "a,b\r\n1,x\r\n2,y\r\n", "a,b\r1,x\r2,y\r", "a,b\n1,x\n2,y",
      "a,b\r\n1,x\r\n2,y", "a,b\n1,x\n2,y\n\n\n", "a,b\r\n1,x\r\n2,y\r\n\r\n",
    ])
  func lineEndings(text: String) throws {
    let result = try readCSV(text)
    #expect(result.table.rowCount == 2)
    #expect(texts(result.table["a"]) == ["1", "2"])
    #expect(texts(result.table["b"]) == ["x", "y"])
    #expect(result.table.lineNumbers == [2, 3])
    #expect(result.warnings.isEmpty)
  }

  @Test("lone CR file fixture")
  func loneCarriageReturnFixture() throws {
    let result = try CSVReader.read(path: fixturePath("mac_cr.csv"))
    #expect(texts(result.table["b"]) == ["x", "y"])
    #expect(result.table.lineNumbers == [2, 3])
  }

  @Test("blank lines between records are skipped with a warning and keep line numbers")
  func interiorBlankLines() throws {
    let result = try readCSV("a,b\n1,x\n\n\n2,y\n")
    #expect(result.table.lineNumbers == [2, 5])
    #expect(result.warnings.map(\.kind) == [.blankLinesSkipped])
    #expect(result.warnings.first?.line == 3)
  }

  @Test("with one column a blank line is a missing value, trailing blank lines are not rows")
  func singleColumnBlankLines() throws {
    let result = try readCSV("x\n1\n\n3\n\n\n")
    #expect(texts(result.table["x"]) == ["1", nil, "3"])
  }

  @Test("a header without records gives an empty table")
  func headerOnly() throws {
    let result = try readCSV("a,b\n")
    #expect(result.table.rowCount == 0)
    #expect(result.table.columnNames == ["a", "b"])
  }

  @Test(
    "an empty file, or one with only a BOM or blank lines, is an error",
    arguments: [
      [], [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8),
    ] as [[UInt8]])
  func emptyInput(bytes: [UInt8]) {
    #expect(csvError { try readCSV(bytes: bytes) } == .empty(source: "t.csv"))
  }

  @Test("reading a path (mmap) and reading its bytes give the same result")
  func pathAndBytesAgree() throws {
    let path = fixturePath("excel_de.csv")
    let bytes = try CSVFile.contents(of: path)
    let options = CSVOptions(decimalComma: true)
    let fromPath = try CSVReader.read(path: path, options: options)
    let fromBytes = try CSVReader.read(bytes: bytes, source: path, options: options)
    // Column's synthesized == compares the NaN of missing numbers, so compare values.
    #expect(fromPath.table.columns.map(texts) == fromBytes.table.columns.map(texts))
    #expect(fromPath.table.lineNumbers == fromBytes.table.lineNumbers)
    #expect(fromPath.warnings == fromBytes.warnings)
    #expect(bytes.count == 87)
  }
}
