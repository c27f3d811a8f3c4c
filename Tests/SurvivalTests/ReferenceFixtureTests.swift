import Foundation
import Testing
import _TestSupport

/// Guards the reference fixture the parameterized tests read.
///
/// Those tests take their cases from `survival.json` through `Fixture`, which already fails
/// them when the file is missing, unparseable or empty; this suite also pins the case counts.
@Suite("Survival reference fixtures are present")
struct ReferenceFixtureTests {
  /// Cases per section in the committed fixture (`Tests/Reference/survival.R`).
  static let expected = ["cox": 21, "km": 5, "logrank": 5]

  @Test("survival.json parses and every section holds its cases")
  func sectionsHoldCases() throws {
    let root = try Fixture.json(Reference.file)
    for (section, count) in Self.expected {
      let cases = try #require(root[section] as? [[String: Any]], "section \(section)")
      #expect(cases.count == count, "section \(section)")
      #expect(try Reference.cases(section).count == count)
      #expect(cases.allSatisfy { $0["name"] is String }, "section \(section)")
    }
  }
}
