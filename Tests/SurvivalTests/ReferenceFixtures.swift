import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

/// The R reference values in `Tests/Reference/survival.json` (made by `survival.R` beside it)
/// and the CSV rows each case used.
enum Reference {
  static let file = "survival.json"
  static var directory: URL { Fixture.directory }

  /// The cases of one section (`cox`, `km`, `logrank`); throws when the fixture is missing,
  /// unparseable or the section is empty.
  static func cases(_ section: String) throws -> [[String: Any]] {
    try Fixture.section(file, section)
  }

  /// The case names of one section as test arguments, optionally only the cases `include`
  /// accepts; a lost fixture gives one case that fails naming the file.
  static func names(
    _ section: String, where include: ([String: Any]) -> Bool = { _ in true }
  ) -> [FixtureArgument<String>] {
    Fixture.names(file, section, where: include)
  }

  static func named(_ section: String, _ name: String) throws -> [String: Any] {
    try Fixture.named(file, section, name)
  }

  /// A numeric CSV (header row, comma-separated, `NA` as NaN) as columns by name.
  static func table(_ relativePath: String) throws -> [String: [Double]] {
    let text = String(decoding: try Fixture.data(relativePath), as: UTF8.self)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard !lines.isEmpty else {
      throw FixtureError(file: Fixture.displayName(relativePath), reason: .empty("no header line"))
    }
    let header = lines.removeFirst().split(separator: ",").map {
      $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    var columns = [String: [Double]]()
    for name in header { columns[name] = [] }
    for line in lines {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      for (k, name) in header.enumerated() {
        let field = fields[k].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        columns[name, default: []].append(Double(field) ?? .nan)
      }
    }
    return columns
  }
}

/// A piece a reference case needs that its fixture entry or CSV lacks.
enum CaseDataError: Error { case missing(String) }
