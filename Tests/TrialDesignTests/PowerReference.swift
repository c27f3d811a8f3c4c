import Foundation
import Testing
import _TestSupport

/// One R reference value from `Tests/Reference/power.json`, written by `Tests/Reference/power.R`.
struct PowerCase: Decodable, Sendable, CustomTestStringConvertible {
  /// Which formula the case exercises (`events_schoenfeld`, `counts_n`, `nightly_power`, ...).
  let kind: String
  /// The exact R call whose value is `value`.
  let call: String
  /// The call's arguments by name.
  let inputs: [String: Double]
  let value: Double

  var testDescription: String { call }

  /// An input the case must have; a missing one is recorded as an issue and gives NaN.
  func input(_ name: String) -> Double {
    guard let v = inputs[name] else {
      Issue.record("case \(call) has no input \(name)")
      return .nan
    }
    return v
  }
}

/// The fixture file, read once.
struct PowerReferenceFile: Decodable, Sendable {
  let rVersion: String
  let counts: [String: Int]
  let cases: [PowerCase]

  enum CodingKeys: String, CodingKey {
    case rVersion = "r_version"
    case counts
    case cases
  }

  /// The fixture's name under `Tests/Reference`.
  static let file = "power.json"

  /// The decoded file, read once; a missing or malformed file is kept as the error.
  static let shared = Result { try Fixture.decode(PowerReferenceFile.self, from: file) }

  /// The decoded file; throws the ``FixtureError`` naming the file.
  static func load() throws -> PowerReferenceFile { try shared.get() }

  /// The cases of one kind, in file order, as test arguments; a missing, unparseable or
  /// empty selection gives one case that fails naming the file.
  static func cases(_ kind: String) -> [FixtureArgument<PowerCase>] {
    Fixture.arguments(file, what: "kind \"\(kind)\"") {
      try load().cases.filter { $0.kind == kind }
    }
  }
}
