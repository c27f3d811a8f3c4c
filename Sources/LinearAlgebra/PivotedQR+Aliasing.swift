internal import COpenBLAS

extension PivotedQR {
  /// The 0-based columns of `x` that R's `lm`/`glm` would declare aliased (coefficient `NA`).
  ///
  /// This reproduces the rule of R's LINPACK routine `dqrdc2` ("limited column pivoting"):
  /// columns are examined left to right; column `j` is **aliased** when the norm of what is
  /// left of it after removing the span of the earlier *kept* columns is below
  /// `tolerance * ||x_j||` (its own original norm, or `1` for an all-zero column); aliased
  /// columns move to the end and are never reconsidered; at most `m` columns are kept, so when
  /// `p > m` every column after the `m`-th kept one is aliased. Consequently for `x1` and
  /// `x2 = 2 * x1` it is always the later `x2` that is aliased, whereas `dgeqp3` would keep the
  /// larger-norm `x2`. R's pivot vector is the kept columns in order followed by the returned
  /// columns, and `rank = p - result.count`.
  ///
  /// The residual norms are exact rather than `dqrdc2`'s downdated ones: each kept column
  /// gets one Householder reflector (`dgeqrf` on its remaining rows) which is applied to the
  /// columns to its right (`dormqr`); norms come from `dnrm2`. Results can differ from R only
  /// for a column whose relative residual is within rounding of `tolerance`.
  ///
  /// `lm.fit` uses `tolerance = 1e-7` (the default here). `glm.fit` calls the same routine with
  /// `min(1e-7, epsilon / 1000) = 1e-11` by default, on the design scaled by the square root of
  /// the working weights.
  /// - Parameters:
  ///   - x: an `m` x `p` finite design matrix.
  ///   - tolerance: relative threshold, finite and `>= 0`.
  /// - Returns: aliased column indices in increasing order (empty if `x` has full column rank).
  /// - Throws: `.nonFinite`, `.invalidParameter` (bad tolerance), `.dimensionTooLarge`.
  /// - Complexity: O(m p^2), one small `dgeqrf` and one `dormqr` per kept column.
  public static func aliasedColumns(_ x: Matrix, tolerance: Double = 1e-7) throws -> [Int] {
    guard tolerance.isFinite, tolerance >= 0 else {
      throw LinearAlgebraError.invalidParameter("aliasedColumns: tolerance \(tolerance)")
    }
    try LAPACK.validate(x, "aliasedColumns: X")
    let (m, p) = (x.rows, x.columns)
    let ld = try LAPACK.leading(m)
    let m32 = try LAPACK.int(m)
    // Original norms, taken before any reflector touches the columns.
    let originalNorms = x.storage.withUnsafeBufferPointer { buffer in
      (0..<p).map { j in buffer.baseAddress.map { cblas_dnrm2(m32, $0 + j * m, 1) } ?? 0 }
    }
    var work = x.storage
    var aliased: [Int] = []
    var kept = 0
    try work.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else {
        // No storage: an m x 0 or 0 x p matrix; with m == 0 nothing can be kept.
        aliased = Array(0..<p)
        return
      }
      for j in 0..<p {
        let column = base + j * m
        guard kept < m else {
          aliased.append(j)
          continue
        }
        // Rows kept..<m of column j, after the reflectors of the kept columns were applied: the
        // part of x_j orthogonal to the span of the kept columns.
        let remaining = try LAPACK.int(m - kept)
        let residual = cblas_dnrm2(remaining, column + kept, 1)
        let reference = originalNorms[j] == 0 ? 1 : originalNorms[j]
        if residual < tolerance * reference {
          aliased.append(j)
          continue
        }
        let trailing = p - j - 1
        if kept + 1 < m && trailing > 0 {
          var tau: Double = 0
          let info = LAPACKE_dgeqrf(LAPACK.columnMajor, remaining, 1, column + kept, ld, &tau)
          try LAPACK.check(info, routine: "dgeqrf", positive: .impossible)
          let applied = LAPACKE_dormqr(
            LAPACK.columnMajor, LAPACK.char("L"), LAPACK.char("T"), remaining,
            try LAPACK.int(trailing), 1, column + kept, ld, &tau, column + m + kept, ld)
          try LAPACK.check(applied, routine: "dormqr", positive: .impossible)
        }
        kept += 1
      }
    }
    return aliased
  }
}
