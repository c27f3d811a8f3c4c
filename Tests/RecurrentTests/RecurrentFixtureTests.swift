import Foundation
import Testing
import _TestSupport

/// Guards the reference fixture the parameterized tests read.
///
/// Those tests take their cases from `recurrent.json` through `Fixture`, which already fails
/// them when the file is missing, unparseable or empty; this suite also pins the case counts.
@Suite("Recurrent reference fixtures are present")
struct RecurrentFixtureTests {
  /// Cases per section in the committed fixture (`Tests/Reference/recurrent.R`).
  static let expected = ["ag": 4, "pwp": 4, "mcf": 2, "poisson": 2, "negbin": 2]

  @Test("recurrent.json parses and every section holds its cases")
  func sectionsHoldCases() throws {
    let root = try Fixture.json(RecurrentReference.file)
    for (section, count) in Self.expected {
      let cases = try #require(root[section] as? [[String: Any]], "section \(section)")
      #expect(cases.count == count, "section \(section)")
      #expect(try RecurrentReference.cases(section).count == count)
    }
  }
}
