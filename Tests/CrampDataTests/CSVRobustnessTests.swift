import Testing

@testable import CrampData

@Suite("CSV robustness: mutated input never traps")
struct CSVRobustnessTests {
  /// A valid little diary touching every feature: quotes, escapes, an embedded CRLF,
  /// NA strings, every column type.
  private static let diary = Array(
    ("\u{FEFF}patient_id,night,date,cramp,magnesium_mg,supplement,note\r\n"
      + "1,1,2024-06-01,0,402.7,true,\"ok\"\r\n"
      + "1,2,2024-06-02,1,NA,false,\"woke \"\"twice\"\"\"\r\n"
      + "2,1,2024-06-01,1,3.5e2,TRUE,\"a,b\r\nc\"\r\n"
      + "2,2,,0,.,False,\r\n"
      + "3,1,2024-02-29,0,-1.25,true,plain\r\n").utf8)

  private static let alphabet: [UInt8] = [
    0x22, 0x2C, 0x3B, 0x09, 0x0D, 0x0A, 0xFF, 0xE9, 0x30, 0x31, 0x39, 0x2E, 0x2D, 0x65,
  ]

  @Test("10,000 seeded random mutations each give a table or a CSVError")
  func mutations() {
    var random = SplitMix64(seed: 0xC5A_0001)
    var tables = 0
    var errors = 0
    for _ in 0..<10_000 {
      var bytes = Self.diary
      for _ in 0..<Int(random.next() % 4 + 1) {
        let position = Int(random.next() % UInt64(bytes.count + 1))
        let byte = Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))]
        switch random.next() % 3 {
        case 0: bytes.insert(byte, at: position)
        case 1: if position < bytes.count { bytes.remove(at: position) }
        default: if position < bytes.count { bytes[position] = byte }
        }
      }
      var options = CSVOptions()
      if random.next() % 4 == 0 { options.numericColumns = ["night"] }
      if random.next() % 8 == 0 { options.decimalComma = true }
      do {
        let result = try CSVReader.read(bytes: bytes, source: "fuzz.csv", options: options)
        tables += 1
        // Every column has one value per record, and lines only go forward.
        for column in result.table.columns {
          #expect(column.count == result.table.rowCount)
        }
        #expect(
          zip(result.table.lineNumbers, result.table.lineNumbers.dropFirst()).allSatisfy { $0 < $1 }
        )
      } catch {
        errors += 1
        #expect(!error.description.isEmpty)
      }
    }
    #expect(tables > 0)
    #expect(errors > 0)
  }

  @Test("every prefix of the diary gives a table or a CSVError")
  func truncations() throws {
    var tables = 0
    var errors = 0
    // Byte counts at which a record ends: after a line break outside quotes.
    var boundaries = [Int]()
    var quoted = false
    for (k, byte) in Self.diary.enumerated() {
      if byte == 0x22 { quoted.toggle() }
      if byte == 0x0A && !quoted { boundaries.append(k + 1) }
    }
    #expect(boundaries.count == 6, "header and 5 records")
    for length in 0...Self.diary.count {
      // `read` throws only CSVError (typed throws): the annotation would not compile otherwise.
      let outcome: Result<CSVResult, CSVError> = Result { () throws(CSVError) in
        try CSVReader.read(bytes: Array(Self.diary.prefix(length)), source: "cut.csv")
      }
      switch outcome {
      case .success(let result):
        tables += 1
        // A table: at most the diary's 7 columns and 5 records, every column one value per
        // record; a cut just after a record's line break keeps exactly the records before it.
        let table = result.table
        #expect(table.columns.count <= 7, "prefix \(length)")
        #expect(table.rowCount <= 5, "prefix \(length)")
        for column in table.columns {
          #expect(column.count == table.rowCount, "prefix \(length)")
        }
        if let records = boundaries.firstIndex(of: length) {
          #expect(table.columns.count == 7, "prefix \(length)")
          #expect(table.rowCount == records, "prefix \(length)")
        }
      case .failure(let error):
        errors += 1
        // A CSVError naming the file, of a kind a cut can cause: nothing left but (part of)
        // the byte-order mark, a record cut short, or a quoted field left open.
        switch error {
        case .empty, .invalidUTF8, .raggedRow, .unterminatedQuote: break
        default: Issue.record("prefix \(length): a cut gave \(error)")
        }
        #expect(error.description.hasPrefix("cut.csv"), "prefix \(length): \(error)")
        #expect(!boundaries.contains(length), "prefix \(length) ends a record: \(error)")
      }
    }
    // Every prefix gave one of the two, and both occur; the whole diary reads its 5 records.
    #expect(tables + errors == Self.diary.count + 1)
    #expect(tables > 0 && errors > 0)
    let whole = try CSVReader.read(bytes: Self.diary, source: "cut.csv")
    #expect(whole.table.rowCount == 5)
  }
}
