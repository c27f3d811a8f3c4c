import CrampData
import Foundation
import Recurrent
import Testing

/// The R reference values in `Tests/Reference/recurrent.json` (made by `recurrent.R`).
enum RecurrentReference {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")

  /// The whole fixture file, parsed on each use (read-only and small).
  static var root: [String: Any] {
    let url = directory.appendingPathComponent("recurrent.json")
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object
  }

  static func cases(_ section: String) -> [[String: Any]] {
    root[section] as? [[String: Any]] ?? []
  }

  static func names(_ section: String) -> [String] {
    cases(section).compactMap { $0["name"] as? String }
  }

  static func named(_ section: String, _ name: String) throws -> [String: Any] {
    try #require(cases(section).first { $0["name"] as? String == name })
  }

  /// The diary a case was computed from, read by CrampStat's CSV reader.
  static func diary(_ entry: [String: Any]) throws -> Table {
    let file = try #require(entry["data"] as? String)
    return try CSVReader.read(path: directory.appendingPathComponent(file).path).table
  }
}

extension Dictionary where Key == String, Value == Any {
  /// Numbers of a key (jsonlite unboxes length-1 vectors; null is NA).
  func numbers(_ key: String) -> [Double?] {
    switch self[key] {
    case let array as [Any]: return array.map { ($0 as? NSNumber)?.doubleValue }
    case let number as NSNumber: return [number.doubleValue]
    default: return []
    }
  }

  func number(_ key: String) -> Double? { numbers(key).first ?? nil }
}

/// Tolerances against R, one per kind of quantity.
enum Tolerance {
  /// Coefficients, SEs, deviances, statistics: 1e-6 relative (the project's contract with R;
  /// only rounding and summation order differ between the two programs).
  static let estimate = 1e-6
  /// P-values: 1e-8 absolute.
  static let pValue = 1e-8

  /// Relative error with a floor that keeps values near zero comparable.
  static func relative(_ a: Double, _ b: Double) -> Double {
    a == b ? 0 : abs(a - b) / max(abs(b), 1e-8)
  }

  /// Checks `actual` against `expected` and returns the error seen.
  @discardableResult
  static func check(
    _ actual: Double?, _ expected: Double?, _ what: String, tolerance: Double = estimate,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Double {
    guard let expected else {
      #expect(actual == nil, "\(what): expected NA", sourceLocation: sourceLocation)
      return 0
    }
    guard let actual else {
      Issue.record("\(what): got NA, R has \(expected)", sourceLocation: sourceLocation)
      return .infinity
    }
    let error = relative(actual, expected)
    #expect(
      error <= tolerance, "\(what): \(actual) vs R \(expected) (relative error \(error))",
      sourceLocation: sourceLocation)
    return error
  }

  /// P-values compared on the absolute scale.
  @discardableResult
  static func checkPValue(
    _ actual: Double?, _ expected: Double?, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Double {
    guard let actual, let expected else {
      return check(actual, expected, what, sourceLocation: sourceLocation)
    }
    let error = abs(actual - expected)
    #expect(error <= pValue, "\(what): \(actual) vs R \(expected)", sourceLocation: sourceLocation)
    return error
  }
}

/// Prints the largest error of a group of comparisons, for the report.
func reportMaximum(_ label: String, _ errors: [Double]) {
  print("MAXERR \(label): \(errors.max() ?? 0)")
}
