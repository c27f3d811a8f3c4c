import Foundation
import LinearAlgebra
import Survival
import Testing

/// The R reference values in `Tests/Reference/survival.json` (made by `survival.R` beside it)
/// and the CSV rows each case used.
enum Reference {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")

  /// The whole fixture file, parsed on each use (it is read-only and small enough).
  static var root: [String: Any] {
    let url = directory.appendingPathComponent("survival.json")
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object
  }

  /// The cases of one section (`cox`, `km`, `logrank`).
  static func cases(_ section: String) -> [[String: Any]] {
    root[section] as? [[String: Any]] ?? []
  }

  static func named(_ section: String, _ name: String) throws -> [String: Any] {
    guard let found = cases(section).first(where: { $0["name"] as? String == name }) else {
      throw FixtureError.missing("\(section)/\(name)")
    }
    return found
  }

  /// A numeric CSV (header row, comma-separated, `NA` as NaN) as columns by name.
  static func table(_ relativePath: String) throws -> [String: [Double]] {
    let url = directory.appendingPathComponent(relativePath)
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard !lines.isEmpty else { throw FixtureError.missing(relativePath) }
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

enum FixtureError: Error { case missing(String) }

/// Reads JSON numbers, arrays (jsonlite unboxes length-1 vectors) and nulls (NA).
extension Dictionary where Key == String, Value == Any {
  func numbers(_ key: String) -> [Double?] {
    switch self[key] {
    case let array as [Any]: return array.map { ($0 as? NSNumber)?.doubleValue }
    case let number as NSNumber: return [number.doubleValue]
    case is NSNull: return [nil]
    default: return []
    }
  }

  func number(_ key: String) -> Double? {
    (self[key] as? NSNumber)?.doubleValue ?? numbers(key).first ?? nil
  }

  func strings(_ key: String) -> [String] {
    switch self[key] {
    case let array as [Any]: return array.compactMap { $0 as? String }
    case let text as String: return [text]
    default: return []
    }
  }

  func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }

  /// A matrix written by jsonlite (row-major nested arrays) as rows.
  func rows(_ key: String) -> [[Double?]] {
    guard let array = self[key] as? [Any] else { return [] }
    return array.map { row in
      if let values = row as? [Any] { return values.map { ($0 as? NSNumber)?.doubleValue } }
      return [(row as? NSNumber)?.doubleValue]
    }
  }
}

/// Tolerances for comparing with R, one per kind of quantity, each with its reason.
enum Tolerance {
  /// Coefficients, standard errors, log-likelihoods, test statistics: 1e-6 relative.
  ///
  /// Both
  /// programs run the same Newton iterations from 0 with the same stopping rule, so only
  /// rounding differs; 1e-6 leaves room for the summation order of the risk-set sums.
  static let estimate = 1e-6
  /// P-values: 1e-8 absolute; below 1e-8 they are compared on the log scale at 1e-6 relative.
  static let pValue = 1e-8
  /// Kaplan-Meier, hazard and log-rank quantities are closed-form sums: 1e-9 relative.
  static let closedForm = 1e-9

  /// Relative error `|a - b| / max(|b|, floor)` (floor 1e-8 keeps zeros comparable).
  static func relativeError(_ a: Double, _ b: Double, floor: Double = 1e-8) -> Double {
    if a == b { return 0 }
    if a.isNaN && b.isNaN { return 0 }
    return abs(a - b) / max(abs(b), floor)
  }

  /// Checks `actual` against R's `expected` (nil = NA) and returns the relative error seen.
  @discardableResult
  static func check(
    _ actual: Double?, _ expected: Double?, _ tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Double {
    guard let expected else {
      #expect(
        actual == nil || actual?.isNaN == true,
        "\(what): expected NA, got \(String(describing: actual))", sourceLocation: sourceLocation)
      return 0
    }
    guard let actual else {
      Issue.record("\(what): expected \(expected), got NA", sourceLocation: sourceLocation)
      return .infinity
    }
    let error = relativeError(actual, expected)
    #expect(
      error <= tolerance, "\(what): \(actual) vs R \(expected) (rel. error \(error))",
      sourceLocation: sourceLocation)
    return error
  }

  /// P-values: absolute 1e-8, or log scale when both are tiny.
  @discardableResult
  static func checkPValue(
    _ actual: Double?, _ expected: Double?, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Double {
    guard let expected, let actual else {
      return check(actual, expected, pValue, what, sourceLocation: sourceLocation)
    }
    if expected < pValue && actual < pValue && expected > 0 && actual > 0 {
      return check(
        log(actual), log(expected), estimate, "log \(what)", sourceLocation: sourceLocation)
    }
    let error = abs(actual - expected)
    #expect(error <= pValue, "\(what): \(actual) vs R \(expected)", sourceLocation: sourceLocation)
    return error
  }
}

/// Largest errors seen, printed at the end of each reference test for the report.
func reportMaximum(_ label: String, _ errors: [Double]) {
  print("MAXERR \(label): \(errors.max() ?? 0)")
}
