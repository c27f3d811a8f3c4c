internal import COpenBLAS

/// Which triangle of a matrix an operation reads.
public enum Triangle: Sendable, Equatable {
  /// Elements on and above the diagonal.
  case upper
  /// Elements on and below the diagonal.
  case lower
}

extension Matrix {
  /// Solves `T x = b` (or `T' x = b` when `transpose`) with `T` the `triangle` of this square
  /// matrix (`dtrtrs`); the other triangle is ignored and may hold anything finite or not.
  ///
  /// Typical use: `R beta = Q'y` after a QR, or `R' y = b` with a Cholesky factor.
  /// - Throws: `.dimensionMismatch` if the matrix is not square or `b.count != rows`,
  ///   `.nonFinite` for NaN/infinite input in the referenced triangle or `b`,
  ///   `.singular(pivot: k)` if `T[k-1, k-1] == 0` (1-based `k`).
  public func solveTriangular(
    _ b: [Double], triangle: Triangle = .upper, transpose: Bool = false, unitDiagonal: Bool = false
  ) throws -> [Double] {
    let rhs = try Matrix(rows: b.count, columns: 1, columnMajor: b)
    return try solveTriangular(
      rhs, triangle: triangle, transpose: transpose, unitDiagonal: unitDiagonal
    ).storage
  }

  /// Solves `T X = B` (or `T' X = B`) for every column of `B`; see the vector overload.
  public func solveTriangular(
    _ b: Matrix, triangle: Triangle = .upper, transpose: Bool = false, unitDiagonal: Bool = false
  ) throws -> Matrix {
    guard rows == columns, storage.count == rows * columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "solveTriangular: expected a square matrix, got \(rows)x\(columns)")
    }
    guard b.rows == rows else {
      throw LinearAlgebraError.dimensionMismatch(
        "solveTriangular: T is \(rows)x\(columns) but B has \(b.rows) rows")
    }
    let n = rows
    for j in 0..<n {
      let range = triangle == .upper ? 0..<(j + 1) : j..<n
      for i in range where !storage[i + j * n].isFinite {
        throw LinearAlgebraError.nonFinite("solveTriangular: T[\(i), \(j)]")
      }
    }
    try LAPACK.validate(b, "solveTriangular: B")
    var x = b
    let n32 = try LAPACK.int(n)
    let nrhs = try LAPACK.int(b.columns)
    let lda = try LAPACK.leading(n)
    let info = storage.withUnsafeBufferPointer { t in
      x.storage.withUnsafeMutableBufferPointer { rhs in
        LAPACKE_dtrtrs(
          LAPACK.columnMajor, LAPACK.char(triangle == .upper ? "U" : "L"),
          LAPACK.char(transpose ? "T" : "N"), LAPACK.char(unitDiagonal ? "U" : "N"), n32, nrhs,
          t.baseAddress, lda, rhs.baseAddress, lda)
      }
    }
    try LAPACK.check(info, routine: "dtrtrs", positive: .singular)
    return x
  }
}
