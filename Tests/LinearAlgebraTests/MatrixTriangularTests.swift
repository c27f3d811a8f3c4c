import LinearAlgebra
import Testing

@Suite("Triangular solves")
struct TriangularTests {
  @Test("upper, transposed and lower solves match back-substitution by hand")
  func solves() throws {
    // [2 1; 0 4] x = [4, 8]: x2 = 2, x1 = (4 - 2) / 2 = 1.
    // Garbage below the diagonal is never read (NaN included).
    let u = try Matrix(rows: [[2, 1], [.nan, 4]])
    #expect(try u.solveTriangular([4, 8]) == [1, 2])
    // [2 0; 1 4] x = [4, 8]: x1 = 2, x2 = (8 - 2) / 4 = 1.5.
    #expect(try u.solveTriangular([4, 8], transpose: true) == [2, 1.5])
    let l = try Matrix(rows: [[2, .infinity], [1, 4]])
    #expect(try l.solveTriangular([4, 8], triangle: .lower) == [2, 1.5])
  }

  @Test("a zero on the diagonal is .singular with LAPACK's 1-based pivot")
  func singular() throws {
    let u = try Matrix(rows: [[1, 2, 3], [0, 0, 1], [0, 0, 2]])
    #expect(throws: LinearAlgebraError.singular(pivot: 2)) { try u.solveTriangular([1, 1, 1]) }
  }

  @Test("NaN in the referenced triangle and shape mismatch are rejected")
  func invalid() throws {
    let u = try Matrix(rows: [[1, .nan], [0, 1]])
    #expect(throws: LinearAlgebraError.nonFinite("solveTriangular: T[0, 1]")) {
      try u.solveTriangular([1, 1])
    }
    #expect(
      throws: LinearAlgebraError.dimensionMismatch(
        "solveTriangular: T is 2x2 but B has 3 rows")
    ) {
      try Matrix.identity(2).solveTriangular([1, 2, 3])
    }
  }
}
