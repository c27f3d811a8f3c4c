import CrampData
import Foundation
import Recurrent
import Testing
import _TestSupport

/// The R reference values in `Tests/Reference/recurrent.json` (made by `recurrent.R`).
enum RecurrentReference {
  static let file = "recurrent.json"
  static var directory: URL { Fixture.directory }

  /// The cases of one section; throws when the fixture is missing, unparseable or empty.
  static func cases(_ section: String) throws -> [[String: Any]] {
    try Fixture.section(file, section)
  }

  /// The case names of one section, as test arguments (a lost fixture fails the test).
  static func names(_ section: String) -> [FixtureArgument<String>] {
    Fixture.names(file, section)
  }

  static func named(_ section: String, _ name: String) throws -> [String: Any] {
    try Fixture.named(file, section, name)
  }

  /// The diary a case was computed from, read by CrampStat's CSV reader.
  static func diary(_ entry: [String: Any]) throws -> Table {
    let file = try #require(entry["data"] as? String)
    return try CSVReader.read(path: directory.appendingPathComponent(file).path).table
  }
}
