extension Matrix {
  /// Copies one triangle onto the other so the matrix is exactly symmetric.
  ///
  /// BLAS `dsyrk` and LAPACK `dpotri`/`dpotrf` write only one triangle; with
  /// `fromUpper: true` the result has `A[i, j] = A[j, i]` for `i > j` taken from the upper
  /// triangle (the convention used throughout this module), otherwise from the lower one.
  /// - Throws: `.dimensionMismatch` if the matrix is not square.
  public func symmetrized(fromUpper: Bool = true) throws -> Matrix {
    guard rows == columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "symmetrized: expected a square matrix, got \(rows)x\(columns)")
    }
    var result = self
    result.mirrorTriangle(fromUpper: fromUpper)
    return result
  }

  /// Whether `|A[i, j] - A[j, i]| <= tolerance * max(1, |A[i, j]|)` for every pair.
  public func isSymmetric(tolerance: Double = 0) -> Bool {
    guard rows == columns else { return false }
    for j in 0..<columns {
      for i in (j + 1)..<rows {
        let a = storage[i + j * rows]
        let b = storage[j + i * rows]
        if !(abs(a - b) <= tolerance * max(1, abs(a))) { return false }
      }
    }
    return true
  }

  /// Mirrors one triangle of the leading square block onto the other (callers ensure squareness).
  mutating func mirrorTriangle(fromUpper: Bool) {
    let n = min(rows, columns)
    for j in 0..<n {
      for i in (j + 1)..<n {
        // (i, j) is strictly lower, (j, i) strictly upper.
        if fromUpper {
          storage[i + j * rows] = storage[j + i * rows]
        } else {
          storage[j + i * rows] = storage[i + j * rows]
        }
      }
    }
  }

  /// Sets the strictly lower (or strictly upper) triangle to zero to expose a clean factor.
  mutating func zeroTriangle(lower: Bool) {
    for j in 0..<columns {
      let range = lower ? (j + 1)..<rows : 0..<min(j, rows)
      for i in range {
        storage[i + j * rows] = 0
      }
    }
  }
}
