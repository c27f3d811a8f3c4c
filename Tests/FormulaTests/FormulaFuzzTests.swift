import CrampData
import DiarySimulation
import Foundation
import Testing

@testable import Formula

/// The formula fuzzer (issue 13, item 2).
///
/// Random and adversarial formula strings, each
/// parsed and, when it parses, built into a design on a small table. Every case must end in
/// a design or a ``FormulaError`` with a message: no trap, no stack overflow, no hang.
///
/// A trap would end the whole test process, so a finished run means zero crashes; the
/// summary line printed at the end says how many cases parsed, built and were refused.
/// `CRAMPSTAT_FUZZ_CASES=N` runs N random cases instead of the default 3,000.
@Suite("Formula fuzzer")
struct FormulaFuzzTests {
  static let table: Table = {
    var text = "y,a,b,x,g,t,s\n"
    for i in 0..<40 {
      text += "\(i % 2),\(i % 3),\(Double(i) * 0.5),\(Double(i % 7) - 3),\(["u", "v", "w"][i % 3]),"
      text += "\(i + 1),\(i % 5 == 0 ? 0 : 1)\n"
    }
    return (try? CSVReader.read(bytes: Array(text.utf8), source: "fuzz.csv").table)
      ?? Table(source: "empty", columns: [], lineNumbers: [])
  }()

  static let pieces = [
    "y", "a", "b", "x", "g", "t", "s", "zz", "~", "+", "-", "*", "/", "^", ":", "(", ")", ",",
    "<", ">", "<=", "==", "!=", "0", "1", "2", "-1", "0.5", "1e19", "1e10", "1e308", "3e-320",
    "factor(", "I(", "log(", "exp(", "sqrt(", "abs(", "Surv(", "strata(", "cluster(", "offset(",
    "`a b`", "`", ".", "é", "\u{0}", " ", "\t", "\u{FEFF}", "$", "#", "%in%", "Inf", "NaN", "NA",
  ]

  /// Adversarial cases written out: nesting at and past the limit, huge powers, long sums,
  /// overflowing arithmetic, every special misplaced.
  static let adversarial: [String] = {
    func nest(_ k: Int) -> String {
      String(repeating: "(", count: k) + "a" + String(repeating: ")", count: k)
    }
    let depth = FormulaParser.maximumDepth
    return [
      "y ~ a^1e19", "y ~ a^1e10", "y ~ (a + b + x + g)^1e19", "y ~ (a + b)^1e308", "y ~ a^-1",
      "y ~ a^0.5", "y ~ a^NaN", "y ~ I(x^1e308)", "y ~ I(exp(1e308 * x))", "y ~ log(x)",
      "y ~ I(x / 0)", "y ~ sqrt(x)", "y ~ " + nest(depth - 2), "y ~ " + nest(depth + 1),
      "y ~ " + nest(30_000), "y ~ " + String(repeating: "-", count: 30_000) + "a",
      "y ~ I(" + String(repeating: "-", count: 1_000) + "x)",
      "y ~ " + Array(repeating: "a", count: 5_000).joined(separator: " + "),
      "y ~ " + (0..<40).map { "v\($0)" }.joined(separator: "*"),
      "y ~ factor(g) * factor(a) * factor(t)", "y ~ factor(t):factor(b):factor(x)",
      "Surv(t, s) ~ Surv(t, s)", "y ~ strata(strata(g))", "y ~ offset()", "y ~ cluster(g, a)",
      "~", "", "y", "y ~", "~ ~ ~", "y ~ ()", "y ~ (((", "y ~ )))", "y ~ a +", "y ~ + + +",
      "y ~ 1e400", "y ~ -0", "y ~ a - a - a", "y ~ 0 + 0 - 1 + 1", "y ~ `", "y ~ `a",
      "I(y^1e19) ~ a", "log(y) ~ a", "factor(y) ~ a",
    ]
  }()

  enum Outcome { case built, refusedAtBuild, refusedAtParse }

  static func run(_ text: String) -> Outcome {
    let formula: Formula
    do {
      formula = try Formula.parse(text, columns: table.columnNames)
    } catch {
      #expect(!"\(error)".isEmpty)
      return .refusedAtParse
    }
    do {
      _ = try DesignMatrix.build(formula, table: table)
      return .built
    } catch {
      #expect(!"\(error)".isEmpty)
      return .refusedAtBuild
    }
  }

  @Test("adversarial formulas each give a design or an error")
  func adversarialCases() {
    var counts: [Outcome: Int] = [:]
    for text in Self.adversarial { counts[Self.run(text), default: 0] += 1 }
    print(
      "formula fuzzer (adversarial): \(Self.adversarial.count) cases, 0 crashes; "
        + "\(counts[.built] ?? 0) built, \(counts[.refusedAtBuild] ?? 0) refused at build, "
        + "\(counts[.refusedAtParse] ?? 0) refused at parse")
    #expect(Self.run("y ~ a^1e19") == .built)  // clamped: the same terms as a^1
    #expect(Self.run("y ~ " + String(repeating: "(", count: 30_000) + "a") == .refusedAtParse)
  }

  /// Random pieces strung together: mostly nonsense, which the parser must refuse well.
  static func tokenSoup(_ random: inout SplitMix64) -> String {
    var text = random.next() % 3 == 0 ? "" : "y ~ "
    for _ in 0..<Int(random.next() % 24 + 1) {
      text += pieces[Int(random.next() % UInt64(pieces.count))]
      if random.next() % 3 == 0 { text += " " }
    }
    return text
  }

  static let terms = [
    "a", "b", "x", "g", "factor(g)", "factor(a)", "I(x^2)", "I(b^3)", "log(b + 1)", "exp(x)",
    "a:b", "(a + b)^2", "(a + x + g)^3", "x*factor(g)", "b/x", "I(x > 0)", "offset(b)",
    "strata(g)", "cluster(g)", "sqrt(b)", "abs(x)", "I(x^1e19)", "a^4", "-1", "0", "I(1/x)",
  ]

  /// A formula from the grammar (terms joined by operators), then one random piece inserted
  /// or one character deleted: near-misses of real formulas.
  static func grammatical(_ random: inout SplitMix64) -> String {
    let response = ["y", "log(t)", "Surv(t, s)", "factor(y)", "I(y * 2)"]
    var text = response[Int(random.next() % UInt64(response.count))] + " ~ "
    let operators = [" + ", " + ", " * ", ":", " - ", " / "]
    for k in 0..<Int(random.next() % 6 + 1) {
      if k > 0 { text += operators[Int(random.next() % UInt64(operators.count))] }
      text += terms[Int(random.next() % UInt64(terms.count))]
    }
    var scalars = Array(text.unicodeScalars)
    let position = Int(random.next() % UInt64(scalars.count + 1))
    switch random.next() % 4 {
    case 0:
      let piece = pieces[Int(random.next() % UInt64(pieces.count))]
      scalars.insert(contentsOf: piece.unicodeScalars, at: position)
    case 1: if position < scalars.count { scalars.remove(at: position) }
    default: break
    }
    return String(String.UnicodeScalarView(scalars))
  }

  @Test("seeded random formulas each give a design or an error")
  func randomCases() {
    let cases =
      ProcessInfo.processInfo.environment["CRAMPSTAT_FUZZ_CASES"].flatMap(Int.init)
      ?? 3_000
    var random = SplitMix64(state: 0xF04A_011A)
    var counts: [Outcome: Int] = [:]
    for index in 0..<cases {
      let text = index % 2 == 0 ? Self.tokenSoup(&random) : Self.grammatical(&random)
      counts[Self.run(text), default: 0] += 1
    }
    print(
      "formula fuzzer (random, seed 0xF04A011A): \(cases) cases, 0 crashes; "
        + "\(counts[.built] ?? 0) built, \(counts[.refusedAtBuild] ?? 0) refused at build, "
        + "\(counts[.refusedAtParse] ?? 0) refused at parse")
    #expect((counts[.built] ?? 0) > 0)
    #expect((counts[.refusedAtParse] ?? 0) > 0)
  }
}

@Suite("Formula limits")
struct FormulaLimitTests {
  @Test("a power at or past the number of variables gives the fixed point of the expansion")
  func powerFixedPoint() throws {
    let cubed = try Formula.parse("y ~ (a + b + c)^3").termLabels
    #expect(try Formula.parse("y ~ (a + b + c)^1e19").termLabels == cubed)
    #expect(try Formula.parse("y ~ (a + b + c)^1000000").termLabels == cubed)
    #expect(cubed.count == 7)
  }

  @Test("nesting up to the limit parses; one level more is refused with the limit named")
  func nestingLimit() throws {
    let depth = FormulaParser.maximumDepth
    func nest(_ k: Int) -> String {
      "y ~ " + String(repeating: "(", count: k) + "a" + String(repeating: ")", count: k)
    }
    #expect(try Formula.parse(nest(depth)).termLabels == ["a"])
    #expect {
      try Formula.parse(nest(depth + 1))
    } throws: { error in
      "\(error)".contains("deeper than \(depth) levels")
    }
  }

  @Test("an expansion past the term limit is refused, quickly")
  func termLimit() {
    let text = "y ~ " + (0..<20).map { "v\($0)" }.joined(separator: "*")  // 2^20 - 1 terms
    #expect {
      try Formula.parse(text)
    } throws: { error in
      "\(error)".contains("more than \(FormulaParser.maximumTerms) terms")
    }
  }
}
