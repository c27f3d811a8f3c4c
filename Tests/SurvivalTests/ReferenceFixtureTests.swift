import Foundation
import Testing

/// Guards the reference fixture the parameterized tests read.
///
/// Those tests take their cases from `survival.json`; a missing or
/// unparseable file would give them zero cases and let them pass. This suite fails instead.
@Suite("Survival reference fixtures are present")
struct ReferenceFixtureTests {
  /// Cases per section in the committed fixture (`Tests/Reference/survival.R`).
  static let expected = ["cox": 21, "km": 5, "logrank": 5]

  @Test("survival.json parses and every section holds its cases")
  func sectionsHoldCases() throws {
    let url = Reference.directory.appendingPathComponent("survival.json")
    let data = try Data(contentsOf: url)
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    for (section, count) in Self.expected {
      let cases = try #require(root[section] as? [[String: Any]], "section \(section)")
      #expect(cases.count == count, "section \(section)")
      #expect(Reference.cases(section).count == count)
      #expect(cases.allSatisfy { $0["name"] is String }, "section \(section)")
    }
  }
}
