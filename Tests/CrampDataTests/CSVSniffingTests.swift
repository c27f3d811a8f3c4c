import Testing

@testable import CrampData

@Suite("CSV delimiter sniffing and decimal comma")
struct CSVSniffingTests {
  @Test(
    "each candidate delimiter is sniffed",
    arguments: [
      (",", UInt8(ascii: ",")), (";", UInt8(ascii: ";")), ("\t", 0x09), ("|", UInt8(ascii: "|")),
    ]
      as [(String, UInt8)])
  func sniffed(separator: String, byte: UInt8) throws {
    let rows = [["id", "night", "note"], ["1", "2", "a b"], ["2", "3", "c"]]
    let text = rows.map { $0.joined(separator: separator) }.joined(separator: "\n") + "\n"
    let result = try readCSV(text)
    #expect(result.delimiter == byte)
    #expect(result.table.columnNames == ["id", "night", "note"])
  }

  @Test("commas inside values do not fool the sniffer when ';' splits consistently")
  func semicolonWithDecimalCommas() throws {
    let result = try readCSV("a;b\n4,5;1\n3,25;2\n")
    #expect(result.delimiter == UInt8(ascii: ";"))
    #expect(result.table["a"]?.type == .string)
    #expect(result.warnings.map(\.kind) == [.decimalCommaSuspected])
    #expect(result.warnings.first?.line == 2)
  }

  @Test("quoted delimiters do not count when sniffing")
  func quotedDelimiters() throws {
    let result = try readCSV("a;b\n\"x,y,z\";1\n\"p,q\";2\n")
    #expect(result.delimiter == UInt8(ascii: ";"))
    #expect(texts(result.table["a"]) == ["x,y,z", "p,q"])
  }

  @Test("a file with one column sniffs ',' and reads one column")
  func singleColumn() throws {
    let result = try readCSV("x\n1\n2\n")
    #expect(result.delimiter == UInt8(ascii: ","))
    #expect(result.table["x"]?.numbers == [1, 2])
  }

  @Test("an explicit delimiter overrides sniffing")
  func explicitDelimiter() throws {
    let result = try readCSV("a|b,c\n1|2,3\n", options: CSVOptions(delimiter: UInt8(ascii: ",")))
    #expect(result.table.columnNames == ["a|b", "c"])
  }

  @Test("--decimal , reads 4,5 as 4.5 and never sniffs ','")
  func decimalComma() throws {
    let result = try readCSV(
      "id;mg\n1;4,5\n2;-0,25\n3;1e3\n4;NA\n", options: CSVOptions(decimalComma: true))
    let mg = try #require(result.table["mg"])
    #expect(mg.type == .double)
    #expect(mg.numbers[0...2] == [4.5, -0.25, 1000])
    #expect(mg.missing == [false, false, false, true])
  }

  @Test("with --decimal , a period is not a decimal mark")
  func decimalCommaRejectsPeriod() throws {
    let result = try readCSV("id;mg\n1;4.5\n", options: CSVOptions(decimalComma: true))
    #expect(result.table["mg"]?.type == .string)
  }

  @Test("--decimal , with a ',' delimiter is refused")
  func ambiguousDecimal() {
    let options = CSVOptions(delimiter: UInt8(ascii: ","), decimalComma: true)
    let error = csvError { try readCSV("a,b\n1,2\n", options: options) }
    #expect(error == .ambiguousDecimal(source: "t.csv"))
    #expect(error?.exitCode == 64)
  }

  @Test("the Excel (German locale) fixture reads with --decimal ,")
  func excelFixture() throws {
    let result = try CSVReader.read(
      path: fixturePath("excel_de.csv"), options: CSVOptions(decimalComma: true))
    let table = result.table
    #expect(result.delimiter == UInt8(ascii: ";"))
    #expect(table.columnNames == ["patient_id", "night", "magnesium_mg", "note"])
    #expect(table["magnesium_mg"]?.type == .double)
    #expect(texts(table["magnesium_mg"]) == ["4.5", nil, "3.25"])
    #expect(texts(table["note"]) == ["woke up\r\ntwice", "ok", nil])
    #expect(table.lineNumbers == [2, 4, 5])
  }

  @Test(
    "delimiters that clash with numbers or quotes are refused", arguments: Array("\"\n5.e-+".utf8))
  func invalidDelimiter(byte: UInt8) {
    let error = csvError { try readCSV("a\n1\n", options: CSVOptions(delimiter: byte)) }
    guard case .invalidOption = error else {
      Issue.record("expected invalidOption, got \(String(describing: error))")
      return
    }
  }
}
