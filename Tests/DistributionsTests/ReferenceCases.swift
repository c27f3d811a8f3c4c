import Foundation
import Testing

/// One R reference value from `Tests/Reference/distributions.json`, written by
/// `Tests/Reference/distributions.R`.
struct ReferenceCase: Decodable, Sendable, CustomTestStringConvertible {
  /// Which function the case exercises (`pnorm`, `pchisq_upper`, `qt`, ...).
  let kind: String
  /// The exact R call whose printed value is `value`.
  let call: String
  let x: Double?
  let p: Double?
  let df: Double?
  let df2: Double?
  let a: Double?
  let b: Double?
  let value: Double

  var testDescription: String { call }
}

/// The fixture file, read once.
struct ReferenceFile: Decodable, Sendable {
  let generatedBy: String
  let rVersion: String
  let counts: [String: Int]
  let cases: [ReferenceCase]

  /// `Tests/Reference/distributions.json`, located relative to this source file.
  static let url = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("Reference/distributions.json")

  /// The decoded file, or nil if it is missing or malformed (`fixtureLoads` then fails).
  static let shared: ReferenceFile? = {
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? JSONDecoder().decode(ReferenceFile.self, from: data)
  }()

  /// The cases of one kind, in file order; empty if the file could not be read.
  static func cases(_ kind: String) -> [ReferenceCase] {
    shared?.cases.filter { $0.kind == kind } ?? []
  }
}

/// Tolerances for comparing against R, with the reason for each.
enum Tolerance {
  /// Relative tolerance against R for every fixture value: 1e−12.
  ///
  /// R and this module each aim at ~1e−15, but neither is exact: where a result is
  /// `exp(u)` with `|u|` near 700 (p-values around 1e−300), the last-bit rounding of `u`
  /// alone is ~1e−13 relative, and R's iterative quantiles (`qchisq`, `qt`) stop at
  /// ~1e−14. 1e−12 leaves room for that and still catches any real algorithmic error.
  static let relative = 1e-12

  /// `|actual − expected| / |expected|` (0 when equal, including equal infinities).
  static func relativeError(_ actual: Double, _ expected: Double) -> Double {
    if actual == expected { return 0 }
    if actual.isNaN || expected.isNaN { return .infinity }
    return abs(actual - expected) / abs(expected)
  }

  /// Whether `actual` matches R's `expected` value.
  ///
  /// Results below the normal range (`|expected| < 2.2e−308`) are subnormal and carry fewer
  /// than 53 significant bits, so a relative comparison is meaningless there; both values
  /// only need to lie in that range. (R 4.2 also flushes `pnorm(x)` to 0 for x < −37.5193,
  /// where the true value is a subnormal number.)
  static func isClose(_ actual: Double, _ expected: Double) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if abs(expected) < Double.leastNormalMagnitude {
      return abs(actual) < Double.leastNormalMagnitude
    }
    return relativeError(actual, expected) <= relative
  }
}

@Suite("Reference fixture")
struct ReferenceFixtureTests {
  @Test("fixture file loads and every kind has the count the R script wrote")
  func fixtureLoads() throws {
    let file = try #require(ReferenceFile.shared, "cannot read \(ReferenceFile.url.path)")
    #expect(file.rVersion.hasPrefix("R version"))
    #expect(file.cases.count > 3000)
    for (kind, count) in file.counts {
      #expect(ReferenceFile.cases(kind).count == count, "kind \(kind)")
    }
  }
}
