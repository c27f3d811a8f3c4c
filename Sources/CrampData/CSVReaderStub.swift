// Temporary stand-in for the CSV reader being built on branch `csv`, so the package builds
// meanwhile. Removed when that branch is merged.

/// Options for reading CSV (stand-in).
public struct CSVOptions: Sendable {
  public var delimiter: UInt8?
  public var decimalComma = false
  public var naStrings = ["", "NA", "N/A", "."]

  public init() {}
}

/// A reader warning (stand-in).
public struct CSVWarning: Sendable, CustomStringConvertible {
  public var description: String
}

/// A reader error (stand-in).
public enum CSVError: Error, Sendable, CustomStringConvertible {
  case unavailable

  public var description: String { "the CSV reader is not built yet" }
  public var exitCode: Int32 { 70 }
}

/// A read table with its warnings (stand-in).
public struct CSVResult: Sendable {
  public var table: Table
  public var warnings: [CSVWarning]
}

/// The CSV reader (stand-in).
public enum CSVReader {
  /// Always throws until the real reader lands.
  public static func read(path: String, options: CSVOptions) throws(CSVError) -> CSVResult {
    throw .unavailable
  }
}
