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
  func truncations() {
    var tables = 0
    var errors = 0
    for length in 0...Self.diary.count {
      do {
        let result = try CSVReader.read(bytes: Array(Self.diary.prefix(length)), source: "cut.csv")
        tables += 1
        // A prefix holds at most the diary's 5 records, each column one value per record.
        #expect(result.table.rowCount <= 5, "prefix \(length)")
        for column in result.table.columns {
          #expect(column.count == result.table.rowCount, "prefix \(length)")
        }
      } catch {
        errors += 1
        #expect(error.description.contains("cut.csv"), "prefix \(length): \(error)")
      }
    }
    // The whole file reads; cuts inside a quoted field (the embedded CRLF) or the header fail.
    let whole = try? CSVReader.read(bytes: Self.diary, source: "cut.csv")
    #expect(whole?.table.rowCount == 5)
    #expect(tables > 0 && errors > 0)
    #expect(tables + errors == Self.diary.count + 1)
  }
}
