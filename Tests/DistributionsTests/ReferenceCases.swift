import Foundation
import Testing
import _TestSupport

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

  /// The fixture's name under `Tests/Reference`.
  static let file = "distributions.json"

  /// The decoded file, read once; a missing or malformed file is kept as the error.
  static let shared = Result { try Fixture.decode(ReferenceFile.self, from: file) }

  /// The decoded file; throws the ``FixtureError`` naming the file.
  static func load() throws -> ReferenceFile { try shared.get() }

  /// The cases of one kind, in file order, as test arguments; a missing, unparseable or
  /// empty selection gives one case that fails naming the file.
  static func cases(_ kind: String) -> [FixtureArgument<ReferenceCase>] {
    Fixture.arguments(file, what: "kind \"\(kind)\"") {
      try load().cases.filter { $0.kind == kind }
    }
  }
}

@Suite("Reference fixture")
struct ReferenceFixtureTests {
  @Test("fixture file loads and every kind has the count the R script wrote")
  func fixtureLoads() throws {
    let file = try ReferenceFile.load()
    #expect(file.rVersion.hasPrefix("R version"))
    #expect(file.cases.count > 3000)
    for (kind, count) in file.counts {
      #expect(file.cases.filter { $0.kind == kind }.count == count, "kind \(kind)")
    }
  }
}
