internal import COpenBLAS

/// Checked wrappers over the BLAS products used by the models (column-major, 1 thread assumed).
///
/// Every function validates shapes, finiteness and the 32-bit range before calling OpenBLAS.
/// Set `OPENBLAS_NUM_THREADS=1` for reproducible results: the thread count can change rounding.
public enum BLAS {
  /// Matrix-vector product `y = A x`, or `y = A' x` when `transpose` is true (`dgemv`).
  ///
  /// - Throws: `.dimensionMismatch` if `x.count` is not `A.columns` (`A.rows` when transposed),
  ///   `.nonFinite` for NaN/infinite input, `.dimensionTooLarge` beyond 32-bit dimensions.
  public static func gemv(_ a: Matrix, _ x: [Double], transpose: Bool = false) throws -> [Double] {
    try LAPACK.validate(a, "gemv: A")
    try LAPACK.requireFinite(x, "gemv: x")
    let inner = transpose ? a.rows : a.columns
    let outer = transpose ? a.columns : a.rows
    guard x.count == inner else {
      throw LinearAlgebraError.dimensionMismatch(
        "gemv: A\(transpose ? "'" : "") is \(outer)x\(inner) but x has \(x.count) values")
    }
    var y = [Double](repeating: 0, count: outer)
    let m = try LAPACK.int(a.rows)
    let n = try LAPACK.int(a.columns)
    let lda = try LAPACK.leading(a.rows)
    a.storage.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          cblas_dgemv(
            CblasColMajor, transpose ? CblasTrans : CblasNoTrans, m, n, 1.0, pa.baseAddress, lda,
            px.baseAddress, 1, 0.0, py.baseAddress, 1)
        }
      }
    }
    return y
  }

  /// `y = A x` (`dgemv`) for a block of rows addressed in place.
  ///
  /// `A` is `rows` x `columns` with leading dimension `leadingDimension` starting at `a` (for
  /// rows `r0..<r1` of an `n` x `p` column-major design pass `base + r0`, `r1 - r0`, `p`, `n`);
  /// `y` receives `rows` values. No allocation, and nothing is scanned for non-finite values:
  /// for a large design that the caller checked once and multiplies many times (the result of
  /// a non-finite `A` is unspecified).
  ///
  /// - Throws: `.dimensionMismatch` if `x.count != columns` or `leadingDimension < rows`,
  ///   `.dimensionTooLarge` beyond 32-bit dimensions.
  public static func gemvRows(
    _ a: UnsafePointer<Double>, rows: Int, columns: Int, leadingDimension: Int, vector x: [Double],
    into y: UnsafeMutablePointer<Double>
  ) throws {
    guard x.count == columns, leadingDimension >= max(1, rows) else {
      throw LinearAlgebraError.dimensionMismatch(
        "gemv: block of \(rows)x\(columns) (leading dimension \(leadingDimension)) with "
          + "\(x.count) values")
    }
    let (m, n, lda) = (
      try LAPACK.int(rows), try LAPACK.int(columns), try LAPACK.int(leadingDimension)
    )
    x.withUnsafeBufferPointer { px in
      cblas_dgemv(CblasColMajor, CblasNoTrans, m, n, 1.0, a, lda, px.baseAddress, 1, 0.0, y, 1)
    }
  }

  /// `C = A' B` (`dgemm`) for two column-major blocks of the same rows, addressed in place.
  ///
  /// `A` is `rows` x `aColumns` and `B` is `rows` x `bColumns`, both with leading dimension
  /// `leadingDimension >= rows` (for rows `r0..<r1` of `n`-row designs pass `base + r0`, `n`);
  /// `C` receives `aColumns` x `bColumns` values, column-major. Like
  /// ``gemvRows(_:rows:columns:leadingDimension:vector:into:)`` nothing is scanned for
  /// non-finite values: for a large design checked once and multiplied many times.
  ///
  /// - Throws: `.dimensionMismatch` for a short leading dimension, `.dimensionTooLarge`
  ///   beyond 32-bit dimensions.
  public static func gemmTransposedRows(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, aColumns: Int,
    bColumns: Int, leadingDimension: Int, into c: UnsafeMutablePointer<Double>
  ) throws {
    guard leadingDimension >= max(1, rows) else {
      throw LinearAlgebraError.dimensionMismatch(
        "gemm: \(rows) rows with leading dimension \(leadingDimension)")
    }
    let (m, n, k) = (try LAPACK.int(aColumns), try LAPACK.int(bColumns), try LAPACK.int(rows))
    let ld = try LAPACK.int(leadingDimension)
    let ldc = try LAPACK.int(max(1, aColumns))
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, m, n, k, 1.0, a, ld, b, ld, 0.0, c, ldc)
  }

  /// Matrix product `C = op(A) op(B)` where `op(M)` is `M'` when the flag is set (`dgemm`).
  ///
  /// - Throws: `.dimensionMismatch` if the inner dimensions differ; `.nonFinite`,
  ///   `.dimensionTooLarge` as for ``gemv(_:_:transpose:)``.
  public static func gemm(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
  ) throws -> Matrix {
    try LAPACK.validate(a, "gemm: A")
    try LAPACK.validate(b, "gemm: B")
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    guard k == kb else {
      throw LinearAlgebraError.dimensionMismatch(
        "gemm: op(A) is \(m)x\(k) but op(B) is \(kb)x\(n)")
    }
    var c = Matrix(rows: m, columns: n)
    let (m32, n32, k32) = (try LAPACK.int(m), try LAPACK.int(n), try LAPACK.int(k))
    let (lda, ldb, ldc) = (
      try LAPACK.leading(a.rows), try LAPACK.leading(b.rows), try LAPACK.leading(m)
    )
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        c.storage.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans, m32, n32, k32, 1.0, pa.baseAddress, lda,
            pb.baseAddress, ldb, 0.0, pc.baseAddress, ldc)
        }
      }
    }
    return c
  }

  /// The cross product `A'A` (`dsyrk`, upper triangle), returned fully symmetric.
  ///
  /// Entry `(j, k)` is `sum_i A[i, j] * A[i, k]`; only the upper triangle is computed and it is
  /// mirrored with ``Matrix/symmetrized(fromUpper:)``.
  /// - Throws: `.nonFinite`, `.dimensionTooLarge` as for ``gemv(_:_:transpose:)``.
  public static func syrk(_ a: Matrix) throws -> Matrix {
    try LAPACK.validate(a, "syrk: A")
    let p = a.columns
    var c = Matrix(rows: p, columns: p)
    let (n32, k32) = (try LAPACK.int(p), try LAPACK.int(a.rows))
    let (lda, ldc) = (try LAPACK.leading(a.rows), try LAPACK.leading(p))
    a.storage.withUnsafeBufferPointer { pa in
      c.storage.withUnsafeMutableBufferPointer { pc in
        cblas_dsyrk(
          CblasColMajor, CblasUpper, CblasTrans, n32, k32, 1.0, pa.baseAddress, lda, 0.0,
          pc.baseAddress, ldc)
      }
    }
    return try c.symmetrized(fromUpper: true)
  }
}
