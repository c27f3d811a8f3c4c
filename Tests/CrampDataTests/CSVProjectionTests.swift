import Testing

@testable import CrampData

@Suite("CSV column projection")
struct CSVProjectionTests {
  static let text = """
    id,a,"note, with comma",b,c
    1,2.5,"multi
    line",x,7
    2,3.5,plain,y,8

    """

  @Test("only the chosen columns are typed and kept; line numbers still count quoted breaks")
  func projection() throws {
    var options = CSVOptions()
    options.columns = ["id", "b", "c"]
    let result = try CSVReader.read(bytes: Array(Self.text.utf8), source: "p.csv", options: options)
    let t = result.table
    #expect(t.columnNames == ["id", "b", "c"])
    #expect(t.lineNumbers == [2, 4])
    #expect(t["c"]?.numbers == [7, 8])
    #expect(t["b"]?.levels == ["x", "y"])
  }

  @Test("a ragged row in a dropped column is still an error")
  func raggedStillChecked() {
    var options = CSVOptions()
    options.columns = ["id"]
    #expect(throws: CSVError.self) {
      try CSVReader.read(bytes: Array("id,a\n1,2,3\n".utf8), source: "r.csv", options: options)
    }
  }

  @Test("projection gives the same kept columns as a full read")
  func sameAsFullRead() throws {
    let full = try CSVReader.read(bytes: Array(Self.text.utf8), source: "p.csv").table
    var options = CSVOptions()
    options.columns = ["a", "c"]
    let part = try CSVReader.read(bytes: Array(Self.text.utf8), source: "p.csv", options: options)
      .table
    #expect(part["a"] == full["a"])
    #expect(part["c"] == full["c"])
  }
}
