/// A columnar table read from one CSV file.
///
/// Rows are not objects: each ``Column`` stores its values contiguously. ``lineNumbers``
/// maps each row to the physical line of the file where the record starts (1-based,
/// counting the header and every line break, including breaks inside quoted fields), so
/// that any later check can point at the exact line.
public struct Table: Sendable, Equatable {
  /// Name of the source shown in messages (usually the path as the user gave it).
  public let source: String
  /// Columns in file order.
  public let columns: [Column]
  /// Physical line where each row starts (1-based).
  public let lineNumbers: [Int32]

  /// Creates a table; every column must have `lineNumbers.count` rows.
  public init(source: String, columns: [Column], lineNumbers: [Int32]) {
    precondition(columns.allSatisfy { $0.count == lineNumbers.count })
    self.source = source
    self.columns = columns
    self.lineNumbers = lineNumbers
  }

  /// Number of rows (records, not lines).
  public var rowCount: Int { lineNumbers.count }

  /// Column names in file order.
  public var columnNames: [String] { columns.map(\.name) }

  /// The position of the column called `name`, if any.
  public func index(of name: String) -> Int? {
    columns.firstIndex { $0.name == name }
  }

  /// The column called `name`, if any.
  public subscript(name: String) -> Column? {
    index(of: name).map { columns[$0] }
  }
}
