/// A dense matrix of `Double` stored column-major, as BLAS and LAPACK expect.
///
/// Element `(i, j)` (0-based) lives at `storage[i + j * rows]`, so each column is contiguous and
/// the leading dimension is `rows`. `Matrix` is a value type (copy-on-write through its array).
///
/// Invariant: `storage.count == rows * columns`. The initialisers establish it; if you mutate
/// `storage` directly you must keep it, and every BLAS/LAPACK wrapper re-checks it and throws
/// `.dimensionMismatch` rather than reading out of bounds.
public struct Matrix: Sendable, Equatable {
  /// Number of rows (also the leading dimension of `storage`).
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// The elements, column-major: `storage[i + j * rows]` is row `i`, column `j`.
  public var storage: [Double]

  /// Creates a `rows` x `columns` matrix with every element equal to `value`.
  ///
  /// Negative dimensions are a programming error and trap, as `Array(repeating:count:)` does.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// Wraps column-major values, checking that there are exactly `rows * columns` of them.
  ///
  /// - Throws: `.dimensionMismatch` if a dimension is negative or the count is wrong.
  public init(rows: Int, columns: Int, columnMajor values: [Double]) throws {
    guard rows >= 0, columns >= 0, values.count == rows * columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "Matrix(rows: \(rows), columns: \(columns)): got \(values.count) values")
    }
    self.rows = rows
    self.columns = columns
    self.storage = values
  }

  /// Builds a matrix from row arrays, as written on paper: `try Matrix(rows: [[1, 2], [3, 4]])`.
  ///
  /// An empty array gives a 0x0 matrix.
  /// - Throws: `.dimensionMismatch` if the rows have different lengths.
  public init(rows values: [[Double]]) throws {
    let columnCount = values.first?.count ?? 0
    for (index, row) in values.enumerated() where row.count != columnCount {
      throw LinearAlgebraError.dimensionMismatch(
        "Matrix(rows:): row \(index) has \(row.count) values, row 0 has \(columnCount)")
    }
    var storage = [Double](repeating: 0, count: values.count * columnCount)
    for (i, row) in values.enumerated() {
      for (j, value) in row.enumerated() {
        storage[i + j * values.count] = value
      }
    }
    self.rows = values.count
    self.columns = columnCount
    self.storage = storage
  }

  /// The `n` x `n` identity matrix.
  public static func identity(_ n: Int) -> Matrix {
    var result = Matrix(rows: n, columns: n)
    for i in 0..<n {
      result.storage[i + i * n] = 1
    }
    return result
  }

  /// The symmetric `p` x `p` matrix whose upper triangle, row by row, is `upper`
  /// (`p (p + 1) / 2` values: `(0,0), (0,1), ..., (0,p-1), (1,1), ...`), the packing partial
  /// statistics use; a shorter `upper` is a programming error and traps.
  public static func symmetric(upperRows upper: [Double], order p: Int) -> Matrix {
    precondition(upper.count >= p * (p + 1) / 2, "symmetric: too few values")
    var m = Matrix(rows: p, columns: p)
    var k = 0
    for i in 0..<p {
      for j in i..<p {
        m.storage[i + j * p] = upper[k]
        m.storage[j + i * p] = upper[k]
        k += 1
      }
    }
    return m
  }

  /// Element at `row`, `column` (0-based).
  ///
  /// An index outside the matrix is a programming error and traps, like `Array`'s subscript.
  public subscript(row: Int, column: Int) -> Double {
    get {
      precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
      return storage[row + column * rows]
    }
    set {
      precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
      storage[row + column * rows] = newValue
    }
  }

  /// The transpose `A'` (a data copy; no arithmetic).
  public func transposed() -> Matrix {
    var result = Matrix(rows: columns, columns: rows)
    for j in 0..<columns {
      for i in 0..<rows {
        result.storage[j + i * columns] = storage[i + j * rows]
      }
    }
    return result
  }

  /// Column `j` (0-based) as an array; traps if `j` is out of range, like `Array`.
  public func column(_ j: Int) -> [Double] {
    precondition(j >= 0 && j < columns, "column index out of range")
    return Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// A new matrix made of the given columns, in the given order (a copy; no arithmetic).
  ///
  /// Typical use: `x.selectingColumns(kept)` to drop the columns reported by
  /// ``PivotedQR/aliasedColumns(_:tolerance:)`` before forming `X'WX`.
  /// - Throws: `.dimensionMismatch` if an index is outside `0..<columns`.
  public func selectingColumns(_ indices: [Int]) throws -> Matrix {
    var values: [Double] = []
    values.reserveCapacity(rows * indices.count)
    for j in indices {
      guard j >= 0 && j < columns else {
        throw LinearAlgebraError.dimensionMismatch(
          "selectingColumns: index \(j) outside 0..<\(columns)")
      }
      values.append(contentsOf: storage[(j * rows)..<((j + 1) * rows)])
    }
    return try Matrix(rows: rows, columns: indices.count, columnMajor: values)
  }

  /// The main diagonal `A[i, i]` for `i < min(rows, columns)`.
  public var diagonal: [Double] {
    (0..<min(rows, columns)).map { storage[$0 + $0 * rows] }
  }

  /// Calls `body` with the column-major elements (leading dimension `rows`).
  public func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Double>) throws -> R
  ) rethrows -> R {
    try storage.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with mutable access to the column-major elements; the count cannot change.
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Double>) throws -> R
  ) rethrows -> R {
    try storage.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
  }
}

extension Matrix: CustomStringConvertible {
  /// The matrix row by row, for test failure messages and debugging.
  public var description: String {
    var lines = ["Matrix \(rows)x\(columns)"]
    for i in 0..<rows {
      let row = (0..<columns).map { "\(storage[i + $0 * rows])" }
      lines.append("  [" + row.joined(separator: ", ") + "]")
    }
    return lines.joined(separator: "\n")
  }
}
