import Foundation

/// Reads jsonlite output: numbers, arrays (jsonlite unboxes length-1 vectors) and nulls (NA).
extension Dictionary where Key == String, Value == Any {
  /// Numbers of a key; a null is `[nil]`, an absent key `[]`.
  public func numbers(_ key: String) -> [Double?] {
    switch self[key] {
    case let array as [Any]: return array.map { ($0 as? NSNumber)?.doubleValue }
    case let number as NSNumber: return [number.doubleValue]
    case is NSNull: return [nil]
    default: return []
    }
  }

  /// The number of a key (the first of an array); nil for null, absent or non-numeric.
  public func number(_ key: String) -> Double? {
    (self[key] as? NSNumber)?.doubleValue ?? numbers(key).first ?? nil
  }

  public func strings(_ key: String) -> [String] {
    switch self[key] {
    case let array as [Any]: return array.compactMap { $0 as? String }
    case let text as String: return [text]
    default: return []
    }
  }

  public func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }

  /// A matrix written by jsonlite (row-major nested arrays) as rows.
  public func rows(_ key: String) -> [[Double?]] {
    guard let array = self[key] as? [Any] else { return [] }
    return array.map { row in
      if let values = row as? [Any] { return values.map { ($0 as? NSNumber)?.doubleValue } }
      return [(row as? NSNumber)?.doubleValue]
    }
  }
}
