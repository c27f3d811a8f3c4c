import Foundation
import LinearAlgebra
import Testing

/// A = [4 12 -16; 12 37 -43; -16 -43 98] = R'R with R = [2 6 -8; 0 1 5; 0 0 3] (a textbook
/// example), so det A = (2 * 1 * 3)^2 = 36 and, from R's `solve(A) * 36`,
/// A^-1 = [1777 -488 76; -488 136 -20; 76 -20 4] / 36.
@Suite("Cholesky factorisation")
struct CholeskyTests {
  let a: Matrix

  init() throws {
    a = try Matrix(rows: [[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
  }

  @Test("factor, log-determinant, solve and inverse match the hand values")
  func factorization() throws {
    let cholesky = try Cholesky(a)
    #expect(cholesky.factor == (try Matrix(rows: [[2, 6, -8], [0, 1, 5], [0, 0, 3]])))
    #expect(isClose(cholesky.logDeterminant, log(36.0)))
    // A [1, 2, 3] = [-20, -43, 192].
    #expect(isClose(try cholesky.solve([-20, -43, 192]), [1, 2, 3]))
    let inverse = try cholesky.inverse()
    let expected = try Matrix(rows: [[1777, -488, 76], [-488, 136, -20], [76, -20, 4]])
    // Entries up to 1777/36 after two triangular inversions: relative 1e-12 on O(50) values.
    #expect(isClose(inverse.storage, expected.storage.map { $0 / 36 }))
    #expect(inverse.isSymmetric())
    let identity = try cholesky.solve(a)
    #expect(isClose(identity, Matrix.identity(3)))
  }

  @Test("only the upper triangle is read")
  func upperOnly() throws {
    var upper = a
    upper[1, 0] = 0
    upper[2, 0] = 0
    upper[2, 1] = 1000
    #expect(try Cholesky(upper) == (try Cholesky(a)))
  }

  @Test(
    "non-positive-definite matrices report the exact leading minor",
    arguments: [
      ([[-1.0]], 1),
      ([[1.0, 2.0], [2.0, 1.0]], 2),  // det = -3
      ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]], 3),
      ([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]], 2),  // singular PSD: minor 2 is 0
    ])
  func notPositiveDefinite(rows: [[Double]], minor: Int) throws {
    let m = try Matrix(rows: rows)
    #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: minor)) { try Cholesky(m) }
  }

  @Test("NaN and shape errors are caught before dpotrf")
  func invalidInput() throws {
    var bad = a
    bad[1, 1] = .nan
    #expect(throws: LinearAlgebraError.nonFinite("Cholesky: A")) { try Cholesky(bad) }
    #expect(
      throws: LinearAlgebraError.dimensionMismatch(
        "Cholesky: A: expected a square matrix, got 2x3")
    ) {
      try Cholesky(Matrix(rows: 2, columns: 3))
    }
    let cholesky = try Cholesky(a)
    #expect(
      throws: LinearAlgebraError.dimensionMismatch("Cholesky.solve: A is 3x3 but B has 2 rows")
    ) {
      try cholesky.solve([1, 2])
    }
    #expect(throws: LinearAlgebraError.nonFinite("Cholesky.solve: B")) {
      try cholesky.solve([1, .nan, 2])
    }
  }
}
