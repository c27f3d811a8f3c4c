import LinearAlgebra
import Testing

@Suite("BLAS products")
struct BLASTests {
  /// A = [1 2; 3 4; 5 6].
  let a: Matrix

  init() throws {
    a = try Matrix(rows: [[1, 2], [3, 4], [5, 6]])
  }

  @Test("gemv computes A x and A' y")
  func gemv() throws {
    // [1 2; 3 4; 5 6] [1, -1] = [-1, -1, -1]; A' [1, 0, 1] = [1 + 5, 2 + 6].
    #expect(try BLAS.gemv(a, [1, -1]) == [-1, -1, -1])
    #expect(try BLAS.gemv(a, [1, 0, 1], transpose: true) == [6, 8])
  }

  @Test("gemm matches the hand product, with and without transposes")
  func gemm() throws {
    let b = try Matrix(rows: [[7, 8, 9], [10, 11, 12]])
    // Row i of A times column j of B, e.g. (0, 0) = 1*7 + 2*10 = 27.
    let expected = try Matrix(rows: [[27, 30, 33], [61, 68, 75], [95, 106, 117]])
    #expect(try BLAS.gemm(a, b) == expected)
    #expect(try BLAS.gemm(a.transposed(), b, transposeA: true) == expected)
    #expect(try BLAS.gemm(a, b.transposed(), transposeB: true) == expected)
  }

  @Test("syrk gives the full symmetric A'A")
  func syrk() throws {
    // A'A = [1+9+25, 2+12+30; ., 4+16+36] = [35 44; 44 56].
    let expected = try Matrix(rows: [[35, 44], [44, 56]])
    #expect(try BLAS.syrk(a) == expected)
    #expect(try BLAS.gemm(a, a, transposeA: true) == expected)
  }

  @Test("inner dimensions must agree")
  func mismatch() {
    #expect(throws: LinearAlgebraError.dimensionMismatch("gemm: op(A) is 3x2 but op(B) is 3x2")) {
      try BLAS.gemm(a, a)
    }
    #expect(throws: LinearAlgebraError.dimensionMismatch("gemv: A is 3x2 but x has 3 values")) {
      try BLAS.gemv(a, [1, 2, 3])
    }
  }

  @Test("NaN input is rejected before the call")
  func nonFinite() {
    #expect(throws: LinearAlgebraError.nonFinite("gemv: x")) {
      try BLAS.gemv(a, [1, .nan])
    }
    var bad = a
    bad[2, 1] = .infinity
    #expect(throws: LinearAlgebraError.nonFinite("syrk: A")) { try BLAS.syrk(bad) }
  }

  @Test("storage that breaks the count invariant is caught")
  func brokenInvariant() {
    var broken = a
    broken.storage.append(7)
    #expect(throws: LinearAlgebraError.dimensionMismatch("gemv: A: storage holds 7 values for 3x2"))
    {
      try BLAS.gemv(broken, [1, 1])
    }
  }
}
