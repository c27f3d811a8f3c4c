import Foundation
import Testing

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

  static let url = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("Reference/power.json")

  /// The decoded file, or nil if it is missing or malformed (`fixtureLoads` then fails).
  static let shared: PowerReferenceFile? = {
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? JSONDecoder().decode(PowerReferenceFile.self, from: data)
  }()

  /// The cases of one kind, in file order; empty if the file could not be read.
  static func cases(_ kind: String) -> [PowerCase] {
    shared?.cases.filter { $0.kind == kind } ?? []
  }
}

/// Tolerances against R, with the reason.
enum PowerTolerance {
  /// Relative 1e-10 for sizes and powers.
  ///
  /// Both sides evaluate the same closed form with qnorm/pnorm accurate to ~1e-15, so agreement is near machine precision; the one
  /// iterative value (power.prop.test's uniroot at tol = 1e-13 on n of a few hundred) is
  /// within ~1e-15 relative. 1e-10 leaves room and still catches any formula slip.
  static let relative = 1e-10

  static func isClose(_ actual: Double, _ expected: Double) -> Bool {
    if actual == expected { return true }
    return abs(actual - expected) <= relative * abs(expected)
  }
}
