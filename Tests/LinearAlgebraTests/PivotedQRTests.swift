import LinearAlgebra
import Testing

/// Builds a matrix from columns (designs read more naturally that way).
private func design(_ columns: [[Double]]) throws -> Matrix {
  let rows = columns.first?.count ?? 0
  return try Matrix(rows: rows, columns: columns.count, columnMajor: columns.flatMap { $0 })
}

@Suite("Pivoted QR (dgeqp3)")
struct PivotedQRTests {
  @Test("R'R equals (AP)'(AP), diagonal magnitudes decrease, rank of a full-rank matrix")
  func factorization() throws {
    let a = try design([[1, 1, 1, 1], [1, 2, 3, 4], [1, 0, 0, 1]])
    let qr = try PivotedQR(a)
    #expect(qr.rank == 3)
    #expect(qr.pivots.sorted() == [0, 1, 2])
    var permuted = Matrix(rows: 4, columns: 3)
    for (k, j) in qr.pivots.enumerated() {
      for i in 0..<4 { permuted[i, k] = a[i, j] }
    }
    let rtr = try BLAS.gemm(qr.R, qr.R, transposeA: true)
    #expect(isClose(rtr, try BLAS.syrk(permuted)))
    let magnitudes = qr.rDiagonal.map(abs)
    #expect(magnitudes == magnitudes.sorted(by: >))
  }

  @Test("x2 = 2 * x1: dgeqp3 puts the larger x2 first, rank 2")
  func geqp3PrefersLargerNorm() throws {
    let x1: [Double] = [1, 2, 3, 4, 5]
    let qr = try PivotedQR(design([[1, 1, 1, 1, 1], x1, x1.map { 2 * $0 }]))
    #expect(qr.rank == 2)
    #expect(qr.pivots == [2, 0, 1])  // as R's qr(X, LAPACK = TRUE)$pivot - 1
  }

  @Test("a negative tolerance is an invalid parameter")
  func badTolerance() {
    #expect(throws: LinearAlgebraError.invalidParameter("PivotedQR: tolerance -1.0")) {
      try PivotedQR(Matrix.identity(2), tolerance: -1)
    }
  }
}

/// Each expected value below was checked against R 4.x: with `q <- qr(X)` (LINPACK dqrdc2,
/// tol = 1e-7, what `lm.fit` uses), the aliased columns are
/// `sort(q$pivot[(q$rank + 1):ncol(X)]) - 1`; the `dgeqp3` order quoted is
/// `qr(X, LAPACK = TRUE)$pivot - 1`.
@Suite("Aliased columns as R's lm/glm chooses them")
struct AliasedColumnsTests {
  static let x1: [Double] = [1, 2, 3, 4, 5]
  static let ones5: [Double] = [1, 1, 1, 1, 1]

  @Test("collinear x2 = 2 * x1: R drops the later x2 (dgeqp3 would drop x1)")
  func collinear() throws {
    let x = try design([Self.ones5, Self.x1, Self.x1.map { 2 * $0 }])
    #expect(try PivotedQR.aliasedColumns(x) == [2])
    // The pivoted QR ranks the same matrix differently: x2 first, x1 left out (R: 2 0 1).
    #expect(try PivotedQR(x).pivots.last == 1)
  }

  @Test("constant column next to an intercept is aliased (dgeqp3 would keep it first)")
  func constantWithIntercept() throws {
    let x = try design([[1, 1, 1, 1], [1, 2, 3, 4], [5, 5, 5, 5]])
    #expect(try PivotedQR.aliasedColumns(x) == [2])
    #expect(try PivotedQR(x).pivots == [2, 1, 0])
  }

  @Test("duplicate column: the second copy is aliased")
  func duplicate() throws {
    let v: [Double] = [1, 3, 2, 5]
    #expect(try PivotedQR.aliasedColumns(design([v, [1, 1, 1, 1], v])) == [2])
  }

  @Test("x3 = x1 + x2 in the middle: x3 aliased, the later independent x4 kept")
  func sumInTheMiddle() throws {
    let a: [Double] = [1, 2, 3, 4, 5, 6]
    let b: [Double] = [2, 1, 4, 3, 6, 5]
    let x = try design([
      [1, 1, 1, 1, 1, 1], a, b, zip(a, b).map { $0 + $1 }, [1, 0, 0, 1, 1, 0],
    ])
    #expect(try PivotedQR.aliasedColumns(x) == [3])
    #expect(try PivotedQR(x).pivots.first == 3)  // R: qr(X, LAPACK = TRUE)$pivot - 1 = 3 4 2 0 1
  }

  @Test("more columns than rows: at most m columns are kept")
  func wide() throws {
    let x = try Matrix(rows: [[1, 2, 3, 4], [2, 1, 0, 1]])
    #expect(try PivotedQR.aliasedColumns(x) == [2, 3])
  }

  @Test("an all-zero column is aliased")
  func zeroColumn() throws {
    #expect(try PivotedQR.aliasedColumns(design([[1, 1, 1], [0, 0, 0], [1, 2, 3]])) == [1])
  }

  @Test("the tolerance is relative to the column's own norm")
  func tolerance() throws {
    // x2 = x1 + 1e-9 * (1, -1, 1, -1, 0): relative residual about 2e-10.
    let near = zip(Self.x1, [1, -1, 1, -1, 0]).map { $0 + 1e-9 * $1 }
    let x = try design([Self.x1, near])
    #expect(try PivotedQR.aliasedColumns(x) == [1])
    #expect(try PivotedQR.aliasedColumns(x, tolerance: 1e-12) == [])
    // A tiny but independent column keeps its full (relative) norm, so R keeps it, while the
    // rank of dgeqp3 (relative to |R[0, 0]|) leaves it out.
    let tiny = try design([Self.ones5, Self.x1, [0, 0, 1e-10, 0, 0]])
    #expect(try PivotedQR.aliasedColumns(tiny) == [])
    #expect(try PivotedQR(tiny).rank == 2)
  }

  @Test("full-rank design: nothing aliased; NaN rejected")
  func fullRankAndNaN() throws {
    #expect(try PivotedQR.aliasedColumns(design([Self.ones5, Self.x1])) == [])
    #expect(throws: LinearAlgebraError.nonFinite("aliasedColumns: X")) {
      try PivotedQR.aliasedColumns(design([[1, .nan]]))
    }
  }
}
