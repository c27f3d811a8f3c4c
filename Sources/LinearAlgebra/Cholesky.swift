internal import COpenBLAS
import Foundation

/// The Cholesky factorisation `A = R'R` of a symmetric positive-definite matrix (`dpotrf`, upper).
///
/// Only the upper triangle of the input is read (the triangle `dsyrk` writes), so a matrix from
/// ``BLAS/syrk(_:)`` or ``CrossProductAccumulator/crossProduct()`` can be passed directly.
public struct Cholesky: Sendable, Equatable {
  /// The upper-triangular factor `R` with `A = R'R`; its strictly lower triangle is zero.
  public let factor: Matrix

  /// The order `n` of the factored matrix.
  public var dimension: Int { factor.rows }

  /// Factors `a`.
  ///
  /// - Throws: `.dimensionMismatch` if `a` is not square, `.nonFinite` if it holds NaN or an
  ///   infinity, `.notPositiveDefinite(minor: k)` if the leading minor of order `k` (1-based)
  ///   is not positive definite, `.dimensionTooLarge` beyond 32-bit dimensions.
  public init(_ a: Matrix) throws {
    try LAPACK.validateSquare(a, "Cholesky: A")
    var r = a
    let n = try LAPACK.int(a.rows)
    let lda = try LAPACK.leading(a.rows)
    let info = r.storage.withUnsafeMutableBufferPointer { buffer in
      LAPACKE_dpotrf(LAPACK.columnMajor, LAPACK.char("U"), n, buffer.baseAddress, lda)
    }
    try LAPACK.check(info, routine: "dpotrf", positive: .notPositiveDefinite)
    // dpotrf leaves the strictly lower triangle as it was; clear it so `factor` is exactly R.
    r.zeroTriangle(lower: true)
    factor = r
  }

  /// Estimate of the reciprocal condition number `1 / (||A||_1 ||A^-1||_1)` of the factored
  /// matrix `a` (`dlange` for the norm, `dpocon` for the estimate), as R's `solve()` checks
  /// against `.Machine$double.eps` before it answers.
  ///
  /// - Parameter a: the matrix this factorisation was made from (only its norm is read).
  /// - Throws: `.dimensionMismatch` if `a` is not the factored matrix's order, LAPACK errors.
  public func reciprocalCondition(of a: Matrix) throws -> Double {
    guard a.rows == dimension, a.columns == dimension else {
      throw LinearAlgebraError.dimensionMismatch(
        "Cholesky.reciprocalCondition: A is \(a.rows)x\(a.columns), factor \(dimension)")
    }
    guard dimension > 0 else { return 1 }
    let n = try LAPACK.int(dimension)
    let lda = try LAPACK.leading(dimension)
    // The full matrix's 1-norm (A is symmetric: read both triangles as given).
    let norm = a.storage.withUnsafeBufferPointer { buffer in
      LAPACKE_dlange(LAPACK.columnMajor, LAPACK.char("1"), n, n, buffer.baseAddress, lda)
    }
    var rcond = 0.0
    let info = factor.storage.withUnsafeBufferPointer { buffer in
      LAPACKE_dpocon(LAPACK.columnMajor, LAPACK.char("U"), n, buffer.baseAddress, lda, norm, &rcond)
    }
    try LAPACK.check(info, routine: "dpocon", positive: .notPositiveDefinite)
    return rcond
  }

  /// `log det A = 2 * sum_i log R[i, i]` (finite, since every `R[i, i] > 0`).
  public var logDeterminant: Double {
    2 * factor.diagonal.reduce(0) { $0 + log($1) }
  }

  /// Solves `A x = b` for one right-hand side (`dpotrs`).
  ///
  /// - Throws: `.dimensionMismatch` if `b.count != dimension`, `.nonFinite` for NaN/infinite `b`.
  public func solve(_ b: [Double]) throws -> [Double] {
    let rhs = try Matrix(rows: b.count, columns: 1, columnMajor: b)
    return try solve(rhs).storage
  }

  /// Solves `A X = B` for every column of `B` (`dpotrs`).
  ///
  /// - Throws: `.dimensionMismatch` if `B.rows != dimension`, `.nonFinite` for NaN/infinite `B`.
  public func solve(_ b: Matrix) throws -> Matrix {
    guard b.rows == dimension else {
      throw LinearAlgebraError.dimensionMismatch(
        "Cholesky.solve: A is \(dimension)x\(dimension) but B has \(b.rows) rows")
    }
    try LAPACK.validate(b, "Cholesky.solve: B")
    var x = b
    let n = try LAPACK.int(dimension)
    let nrhs = try LAPACK.int(b.columns)
    let lda = try LAPACK.leading(dimension)
    let info = factor.storage.withUnsafeBufferPointer { r in
      x.storage.withUnsafeMutableBufferPointer { rhs in
        LAPACKE_dpotrs(
          LAPACK.columnMajor, LAPACK.char("U"), n, nrhs, r.baseAddress, lda, rhs.baseAddress,
          lda)
      }
    }
    try LAPACK.check(info, routine: "dpotrs", positive: .impossible)
    return x
  }

  /// The inverse `A^-1 = R^-1 R^-T` (`dpotri`), returned fully symmetric.
  ///
  /// For an information matrix this is the covariance of the estimates.
  /// - Throws: `.singular(pivot:)` if a diagonal element of `R` is zero (cannot happen for a
  ///   factor produced by ``init(_:)``, but LAPACK reports it and we map it).
  public func inverse() throws -> Matrix {
    var inverse = factor
    let n = try LAPACK.int(dimension)
    let lda = try LAPACK.leading(dimension)
    let info = inverse.storage.withUnsafeMutableBufferPointer { buffer in
      LAPACKE_dpotri(LAPACK.columnMajor, LAPACK.char("U"), n, buffer.baseAddress, lda)
    }
    try LAPACK.check(info, routine: "dpotri", positive: .singular)
    return try inverse.symmetrized(fromUpper: true)
  }
}

extension Cholesky {
  /// The columns of `a` (whose factor this is) nearly in the span of the earlier ones:
  /// `R[j, j] < threshold * sqrt(a[j, j])`.
  ///
  /// `R[j, j]` is the norm of what is left of column `j` of `X` after projecting out the
  /// earlier columns when `a = X'X` (R's `dqrdc2` compares it with `1e-11 ||x_j||`). From the
  /// normal equations it carries rounding of about `sqrt(eps) ||x_j||`, so a ratio below
  /// about `1e-7` cannot tell an aliased column from a kept one: callers without the rows
  /// refuse such columns instead of guessing.
  public func nearlyCollinearColumns(of a: Matrix, threshold: Double) -> [Int] {
    (0..<dimension).filter { j in
      !(factor[j, j] >= threshold * a[j, j].squareRoot()) || !(a[j, j] > 0)
    }
  }
}
