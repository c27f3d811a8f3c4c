internal import COpenBLAS

extension Matrix {
  /// The complete orthogonal factor `Q` (`m` x `m`) of the unpivoted Householder QR
  /// `A = Q R` of this `m` x `n` matrix (`dgeqrf`, then `dorgqr` on all `m` columns).
  ///
  /// The reflectors are LAPACK's (`beta = -sign(alpha) |x|`), which define the same
  /// reflections as LINPACK's `dqrdc2` behind R's `qr()` when no column is pivoted, so
  /// `Q` equals R's `qr.Q(qr(A), complete = TRUE)` up to rounding. Columns `n..<m` span the
  /// orthogonal complement of the column space of a full-rank `A`.
  ///
  /// - Throws: `.nonFinite`, `.dimensionTooLarge`, or a LAPACK failure.
  public func completeOrthogonalFactor() throws -> Matrix {
    try LAPACK.validate(self, "completeOrthogonalFactor: A")
    let k = Swift.min(rows, columns)
    var q = Matrix(rows: rows, columns: rows)
    for j in 0..<k {
      for i in 0..<rows { q[i, j] = self[i, j] }
    }
    var tau = [Double](repeating: 0, count: Swift.max(1, k))
    let m = try LAPACK.int(rows)
    let kk = try LAPACK.int(k)
    let lda = try LAPACK.leading(rows)
    let factored = q.storage.withUnsafeMutableBufferPointer { pa in
      tau.withUnsafeMutableBufferPointer { pt in
        LAPACKE_dgeqrf(LAPACK.columnMajor, m, kk, pa.baseAddress, lda, pt.baseAddress)
      }
    }
    try LAPACK.check(factored, routine: "dgeqrf", positive: .impossible)
    let generated = q.storage.withUnsafeMutableBufferPointer { pa in
      tau.withUnsafeMutableBufferPointer { pt in
        LAPACKE_dorgqr(LAPACK.columnMajor, m, m, kk, pa.baseAddress, lda, pt.baseAddress)
      }
    }
    try LAPACK.check(generated, routine: "dorgqr", positive: .impossible)
    return q
  }
}
