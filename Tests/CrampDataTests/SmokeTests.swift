import Testing

@testable import CrampData

@Test func smoke() throws {
  let r = try CSVReader.read(bytes: Array("a,b\n1,x\n2,y\n".utf8), source: "t.csv")
  #expect(r.table.rowCount == 2)
}
