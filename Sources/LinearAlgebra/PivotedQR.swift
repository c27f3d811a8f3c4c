internal import COpenBLAS

/// A QR factorisation with column pivoting, `A P = Q R` (`dgeqp3`).
///
/// `dgeqp3` chooses at each step the remaining column of largest residual norm, so
/// `|R[0, 0]| >= |R[1, 1]| >= ...` and the numerical rank is read off the diagonal. This is the
/// right tool for rank and conditioning questions; it is **not** R's choice of which columns
/// are aliased in `lm`/`glm` (use ``aliasedColumns(_:tolerance:)`` for that).
public struct PivotedQR: Sendable, Equatable {
  /// Rows `m` of the factored matrix.
  public let rows: Int
  /// Columns `n` of the factored matrix.
  public let columns: Int
  /// 0-based column order: column `k` of `A P` is column `pivots[k]` of `A`.
  public let pivots: [Int]
  /// Number of leading diagonal elements with `|R[k, k]| > tolerance * |R[0, 0]|`.
  public let rank: Int
  /// The relative tolerance used for ``rank``.
  public let tolerance: Double
  /// `dgeqp3`'s packed output: `R` on and above the diagonal, Householder vectors below.
  let packed: Matrix
  /// Householder scalars of the elementary reflectors.
  let tau: [Double]

  /// Factors `a` with free pivoting on every column.
  ///
  /// - Parameters:
  ///   - a: any `m` x `n` finite matrix.
  ///   - tolerance: relative threshold for ``rank``; must be finite and `>= 0`.
  /// - Throws: `.nonFinite`, `.invalidParameter` (bad tolerance), `.dimensionTooLarge`.
  public init(_ a: Matrix, tolerance: Double = 1e-7) throws {
    guard tolerance.isFinite, tolerance >= 0 else {
      throw LinearAlgebraError.invalidParameter("PivotedQR: tolerance \(tolerance)")
    }
    try LAPACK.validate(a, "PivotedQR: A")
    var qr = a
    var jpvt = [BlasInt](repeating: 0, count: a.columns)  // 0 = free column
    var tau = [Double](repeating: 0, count: min(a.rows, a.columns))
    let m = try LAPACK.int(a.rows)
    let n = try LAPACK.int(a.columns)
    let lda = try LAPACK.leading(a.rows)
    let info = qr.storage.withUnsafeMutableBufferPointer { pa in
      jpvt.withUnsafeMutableBufferPointer { pj in
        tau.withUnsafeMutableBufferPointer { pt in
          LAPACKE_dgeqp3(
            LAPACK.columnMajor, m, n, pa.baseAddress, lda, pj.baseAddress, pt.baseAddress)
        }
      }
    }
    try LAPACK.check(info, routine: "dgeqp3", positive: .impossible)
    rows = a.rows
    columns = a.columns
    packed = qr
    self.tau = tau
    self.tolerance = tolerance
    pivots = jpvt.map { Int($0) - 1 }
    let diagonal = qr.diagonal.map(abs)
    let threshold = tolerance * (diagonal.first ?? 0)
    rank = diagonal.prefix { $0 > threshold }.count
  }

  /// The upper-trapezoidal factor `R`, `min(m, n)` x `n`, for the pivoted columns.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  // `R` is the universal name of this factor (Golub & Van Loan, LAPACK, Julia's `F.R`).
  public var R: Matrix {
    let k = min(rows, columns)
    var r = Matrix(rows: k, columns: columns)
    for j in 0..<columns {
      for i in 0..<min(j + 1, k) {
        r[i, j] = packed[i, j]
      }
    }
    return r
  }

  /// The diagonal `R[k, k]`, `k < min(m, n)`; magnitudes are non-increasing (up to rounding).
  public var rDiagonal: [Double] {
    packed.diagonal
  }
}
