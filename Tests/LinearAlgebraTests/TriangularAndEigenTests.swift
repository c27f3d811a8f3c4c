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

@Suite("Symmetric eigendecomposition")
struct SymmetricEigenTests {
  @Test("2x2: eigenvalues 1 and 3 with vectors (1, -1)/sqrt2 and (1, 1)/sqrt2")
  func twoByTwo() throws {
    let a = try Matrix(rows: [[2, 1], [1, 2]])
    let eigen = try SymmetricEigen(a)
    #expect(isClose(eigen.values, [1, 3], Tolerance.iterative))
    let v0 = eigen.vectors.column(0)
    let v1 = eigen.vectors.column(1)
    let s = 0.5.squareRoot()
    // Eigenvectors are defined up to sign; compare |components|, then check the direction.
    #expect(isClose(v0.map(abs), [s, s], Tolerance.iterative))
    #expect(isClose(v0[0] * v0[1], -0.5, Tolerance.iterative))
    #expect(isClose(v1[0] * v1[1], 0.5, Tolerance.iterative))
  }

  @Test("3x3 second-difference matrix: 2 - sqrt2, 2, 2 + sqrt2; A V = V diag(values)")
  func secondDifference() throws {
    let a = try Matrix(rows: [[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    let eigen = try SymmetricEigen(a)
    let r = 2.0.squareRoot()
    #expect(isClose(eigen.values, [2 - r, 2, 2 + r], Tolerance.iterative))
    let av = try BLAS.gemm(a, eigen.vectors)
    for k in 0..<3 {
      let scaled = eigen.vectors.column(k).map { $0 * eigen.values[k] }
      #expect(isClose(av.column(k), scaled, Tolerance.iterative))
    }
    let vtv = try BLAS.gemm(eigen.vectors, eigen.vectors, transposeA: true)
    #expect(isClose(vtv, Matrix.identity(3), Tolerance.iterative))
  }

  @Test("non-square and NaN input are rejected")
  func invalid() {
    #expect(throws: LinearAlgebraError.self) { try SymmetricEigen(Matrix(rows: 2, columns: 1)) }
    #expect(throws: LinearAlgebraError.nonFinite("SymmetricEigen: A")) {
      try SymmetricEigen(Matrix(rows: [[1, .nan], [.nan, 1]]))
    }
  }
}
