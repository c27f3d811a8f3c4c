import Testing

@testable import CrampData

/// Reads CSV text given as a Swift string (UTF-8), with the source name `t.csv`.
func readCSV(_ text: String, options: CSVOptions = CSVOptions()) throws(CSVError) -> CSVResult {
  try CSVReader.read(bytes: Array(text.utf8), source: "t.csv", options: options)
}

/// Reads raw bytes, with the source name `t.csv`.
func readCSV(bytes: [UInt8], options: CSVOptions = CSVOptions()) throws(CSVError) -> CSVResult {
  try CSVReader.read(bytes: bytes, source: "t.csv", options: options)
}

/// The error `body` throws, or `nil` when it returns (any other error fails the test).
func csvError(_ body: () throws -> CSVResult) -> CSVError? {
  do {
    _ = try body()
    return nil
  } catch let error as CSVError {
    return error
  } catch {
    Issue.record("not a CSVError: \(error)")
    return nil
  }
}

/// Absolute path of a file in `Tests/Fixtures/csv`.
func fixturePath(_ name: String, file: StaticString = #filePath) -> String {
  let here = "\(file)"
  let testsDirectory = here.split(separator: "/", omittingEmptySubsequences: false)
    .dropLast(2).joined(separator: "/")
  return testsDirectory + "/Fixtures/csv/" + name
}

/// Values of a column as text (`nil` for missing), for compact expectations.
func texts(_ column: Column?) -> [String?] {
  guard let column else { return [] }
  return (0..<column.count).map { column.text(at: $0) }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small seeded generator for tests.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
