import Foundation
import Testing

/// Guards the reference fixture the parameterized tests read.
///
/// Those tests take their cases from `recurrent.json`; a missing or
/// unparseable file would give them zero cases and let them pass. This suite fails instead.
@Suite("Recurrent reference fixtures are present")
struct RecurrentFixtureTests {
  /// Cases per section in the committed fixture (`Tests/Reference/recurrent.R`).
  static let expected = ["ag": 4, "pwp": 4, "mcf": 2, "poisson": 2, "negbin": 2]

  @Test("recurrent.json parses and every section holds its cases")
  func sectionsHoldCases() throws {
    let url = RecurrentReference.directory.appendingPathComponent("recurrent.json")
    let data = try Data(contentsOf: url)
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    for (section, count) in Self.expected {
      let cases = try #require(root[section] as? [[String: Any]], "section \(section)")
      #expect(cases.count == count, "section \(section)")
      #expect(RecurrentReference.names(section).count == count)
    }
  }
}
