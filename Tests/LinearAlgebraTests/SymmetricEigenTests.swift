import LinearAlgebra
import Testing
import _TestSupport

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
