import Testing

@testable import CrampData

@Suite("Number parser: grammar first, then correctly rounded conversion")
struct NumberParserTests {
  private func parse(_ text: String, decimalMark: UInt8 = UInt8(ascii: ".")) -> ScannedNumber? {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer {
      NumberParser.parse($0, from: 0, to: $0.count, decimalMark: decimalMark)
    }
  }

  @Test(
    "the lexical grammar accepts only plain decimal numbers",
    arguments: [
      ("0", true), ("-0", true), ("+7", true), ("12.5", true), (".5", true), ("5.", true),
      ("1e5", true), ("1E-5", true), ("-.5e+2", true), ("00012", true),
      ("", false), (".", false), ("-", false), ("+.", false), ("e5", false), ("1e", false),
      ("1e+", false), ("1.2.3", false), ("nan", false), ("NaN", false), ("inf", false),
      ("Infinity", false), ("0x10", false), ("1_000", false), (" 1", false), ("1 ", false),
      ("1,5", false), ("１", false), ("--1", false),
    ] as [(String, Bool)])
  func grammar(text: String, accepted: Bool) {
    #expect((parse(text) != nil) == accepted)
  }

  @Test("lexemes: bit, integer within 2^53, decimal")
  func lexemes() {
    #expect(parse("0")?.lexeme == .bit)
    #expect(parse("1")?.lexeme == .bit)
    #expect(parse("01")?.lexeme == .integer)
    #expect(parse("-1")?.lexeme == .integer)
    #expect(parse("9007199254740992")?.lexeme == .integer)
    #expect(parse("9007199254740993")?.lexeme == .decimal)
    #expect(parse("1.0")?.lexeme == .decimal)
    #expect(parse("1e0")?.lexeme == .decimal)
  }

  @Test("the decimal mark can be a comma")
  func decimalComma() {
    #expect(parse("4,5", decimalMark: UInt8(ascii: ","))?.value == 4.5)
    #expect(parse("4.5", decimalMark: UInt8(ascii: ",")) == nil)
  }

  @Test("edge values match Double(String)")
  func edges() {
    let cases = [
      "0.1", "0.2", "0.3", "1e22", "1e23", "9007199254740993", "2.2250738585072014e-308",
      "4.9e-324", "2e-324", "1.7976931348623157e308", "1.8e308", "1e400", "1e-400",
      "0.000000000000000000000000000001", "123456789012345678901234567890",
      "3.14159265358979323846264338327950288", "0.30000000000000004", "-0.0",
      "1" + String(repeating: "0", count: 400) + "e-400",
    ]
    for text in cases {
      let value = parse(text)?.value
      let expected = Double(text)
      #expect(value?.bitPattern == expected?.bitPattern, "\(text)")
    }
  }

  @Test("100,000 random values match Double(String) bit for bit")
  func randomValues() {
    var random = SplitMix64(seed: 20_240_601)
    var mismatches: [String] = []
    for k in 0..<100_000 {
      let text: String
      switch k % 4 {
      case 0:
        // Shortest round-trip text of a random double.
        let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
        text = "\(value)"
      case 1:
        // Diary-like: up to 6 integer and 4 fraction digits.
        let whole = random.next() % 1_000_000
        let fraction = random.next() % 10_000
        text = "\(whole).\(String(fraction).leftPadded(to: 4))"
      case 2:
        // Long mantissas and wide exponents (the strtod path).
        let digits = (0..<Int(random.next() % 30 + 1)).map { _ in String(random.next() % 10) }
        let exponent = Int(random.next() % 700) - 350
        text = "0." + digits.joined() + "e\(exponent)"
      default:
        // Fast-path boundary: up to 19 digits with exponents near +-22.
        let mantissa = random.next() % 10_000_000_000_000_000_000
        let exponent = Int(random.next() % 60) - 30
        text = "\(mantissa)e\(exponent)"
      }
      let value = parse(text)?.value
      if value?.bitPattern != Double(text)?.bitPattern { mismatches.append(text) }
    }
    #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
