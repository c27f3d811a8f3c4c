internal import COpenBLAS

/// The eigendecomposition `A = V diag(values) V'` of a real symmetric matrix (`dsyev`).
///
/// Only the upper triangle of the input is read. Eigenvalues are in ascending order and column
/// `k` of `vectors` is a unit-norm eigenvector for `values[k]` (its sign is LAPACK's choice).
public struct SymmetricEigen: Sendable, Equatable {
  /// Eigenvalues in ascending order.
  public let values: [Double]
  /// Orthonormal eigenvectors, one per column, in the order of `values`.
  public let vectors: Matrix

  /// Decomposes `a`.
  ///
  /// - Throws: `.dimensionMismatch` if `a` is not square, `.nonFinite` for NaN/infinite input,
  ///   `.didNotConverge(routine: "dsyev", info:)` if the QL/QR iteration fails.
  public init(_ a: Matrix) throws {
    try LAPACK.validateSquare(a, "SymmetricEigen: A")
    var v = a
    var w = [Double](repeating: 0, count: a.rows)
    let n = try LAPACK.int(a.rows)
    let lda = try LAPACK.leading(a.rows)
    let info = v.storage.withUnsafeMutableBufferPointer { buffer in
      w.withUnsafeMutableBufferPointer { values in
        LAPACKE_dsyev(
          LAPACK.columnMajor, LAPACK.char("V"), LAPACK.char("U"), n, buffer.baseAddress, lda,
          values.baseAddress)
      }
    }
    try LAPACK.check(info, routine: "dsyev", positive: .didNotConverge)
    values = w
    vectors = v
  }
}
