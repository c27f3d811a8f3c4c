internal import COpenBLAS
import Parallelism

/// Accumulates the weighted cross products `X'WX` and `X'Wz` over blocks of rows.
///
/// This is the kernel behind IRLS (`X'WX b = X'Wz`) and Cox information sums. It lets a caller
/// stream a large design through in blocks (about 4096 rows keeps the scratch in cache) without
/// copying the whole design, and lets partial sums from different workers be merged.
///
/// ## Layout contract
/// - `block`: an `r` x `p` column-major block with leading dimension `ld >= max(1, r)`; element
///   `(i, j)` (0-based) is `block[i + j * ld]`, and the buffer must hold at least
///   `(p - 1) * ld + r` values. For rows `start..<start + r` of an `n` x `p` column-major design
///   (leading dimension `n`), pass `UnsafeBufferPointer(rebasing: design[start...])` with
///   `rows: r, leadingDimension: n`: no copy of the design is made.
/// - `weights`: `nil` (every `w_i = 1`) or exactly `r` finite values `w_i >= 0`. They are the
///   full per-row weights of the sum (for a GLM: prior weight times working weight); a zero
///   weight drops the row from both sums.
/// - `response`: `nil` (leave `X'Wz` unchanged for this block) or exactly `r` finite values `z_i`
///   (for IRLS: the working response).
/// - Effect: `XtWX += sum_i w_i x_i x_i'` and `XtWz += sum_i w_i z_i x_i`, where `x_i` is row
///   `i` of the block. Only the upper triangle of `XtWX` is stored.
///
/// ## Numerical choices
/// `XtWX` uses `dsyrk` on the rows scaled by `sqrt(w_i)` (copied into a reusable `r` x `p`
/// scratch block), which costs half of a `dgemm` and keeps the result symmetric positive
/// semi-definite. `XtWz` uses `dgemv` with `X'` on the unscaled block and the vector `w_i z_i`,
/// so the weights enter exactly rather than through `sqrt(w)^2`.
public struct CrossProductAccumulator: Sendable {
  /// Number of columns `p` of every block.
  public let columns: Int
  /// Number of rows added so far (including zero-weight rows).
  public private(set) var rowCount = 0
  /// Upper triangle of `X'WX`, `p` x `p` column-major.
  private var upper: [Double]
  /// `X'Wz`, length `p`.
  private var weightedResponse: [Double]
  /// Reusable buffer for the `sqrt(w)`-scaled block and the roots.
  private var scratch: [Double] = []
  /// Reusable buffer for `w_i z_i`.
  private var scaledResponse: [Double] = []

  /// Starts empty sums for blocks with `p` columns (`p >= 0`; a negative `p` traps).
  public init(columns p: Int) {
    precondition(p >= 0, "CrossProductAccumulator: column count must be non-negative")
    columns = p
    upper = [Double](repeating: 0, count: p * p)
    weightedResponse = [Double](repeating: 0, count: p)
  }

  /// Adds the rows of one column-major block; see the layout contract on the type.
  ///
  /// - Parameters:
  ///   - block: `r` x `p` values with leading dimension `leadingDimension` (default `r`).
  ///   - rows: `r`, the number of rows in the block (may be 0).
  ///   - leadingDimension: the stride between columns, `>= max(1, r)`.
  ///   - weights: `nil` for unit weights, else `r` finite values `>= 0`.
  ///   - response: `nil` to skip `X'Wz`, else `r` finite values.
  ///   - checkFinite: scan the block for NaN and infinity first (default); pass `false` only
  ///     for data already checked.
  /// - Throws: `.dimensionMismatch` (bad counts or leading dimension, buffer too short),
  ///   `.nonFinite`, `.negativeWeight(row:value:)`, `.dimensionTooLarge`. Nothing is added when
  ///   it throws.
  public mutating func add(
    block: UnsafeBufferPointer<Double>, rows r: Int, leadingDimension: Int? = nil,
    weights: UnsafeBufferPointer<Double>?, response: UnsafeBufferPointer<Double>?,
    checkFinite: Bool = true
  ) throws {
    let p = columns
    let ld = leadingDimension ?? max(1, r)
    guard r >= 0, ld >= max(1, r) else {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.add: rows \(r) with leading dimension \(ld)")
    }
    if let weights, weights.count != r {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.add: \(weights.count) weights for \(r) rows")
    }
    if let response, response.count != r {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.add: \(response.count) responses for \(r) rows")
    }
    if r == 0 || p == 0 {
      rowCount += r
      return
    }
    // 32-bit checks first, so (p - 1) * ld + r below cannot overflow.
    let (p32, r32, ld32) = (try LAPACK.int(p), try LAPACK.int(r), try LAPACK.int(ld))
    let needed = (p - 1) * ld + r
    guard block.count >= needed, let base = block.baseAddress else {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.add: block of \(r)x\(p) with leading dimension \(ld) "
          + "needs \(needed) values, buffer has \(block.count)")
    }
    // `checkFinite: false` skips this scan for callers that stream data they already checked
    // (IRLS re-reads a design checked once at build time). A non-finite value then still
    // cannot pass silently: it reaches the sums, and every factorization of them checks
    // finiteness before calling LAPACK.
    for j in 0..<p where checkFinite {
      for i in 0..<r where !base[i + j * ld].isFinite {
        throw LinearAlgebraError.nonFinite(
          "CrossProductAccumulator.add: block row \(i), column \(j)")
      }
    }
    if let weights {
      for (i, w) in weights.enumerated() {
        guard w.isFinite else {
          throw LinearAlgebraError.nonFinite("CrossProductAccumulator.add: weight at row \(i)")
        }
        guard w >= 0 else { throw LinearAlgebraError.negativeWeight(row: i, value: w) }
      }
    }
    if let response {
      try LAPACK.requireFinite(response, "CrossProductAccumulator.add: response")
    }

    // X'WX: dsyrk on sqrt(w)-scaled rows, or on the block itself when unweighted.
    if let weights {
      // The block scaled by sqrt(w_i), then r more values for the roots (one sqrt per row).
      if scratch.count < r * (p + 1) {
        scratch = [Double](repeating: 0, count: r * (p + 1))
      }
      scratch.withUnsafeMutableBufferPointer { s in
        let roots = r * p
        for i in 0..<r { s[roots + i] = weights[i].squareRoot() }
        for j in 0..<p {
          for i in 0..<r {
            s[i + j * r] = s[roots + i] * base[i + j * ld]
          }
        }
      }
      scratch.withUnsafeBufferPointer { s in
        upper.withUnsafeMutableBufferPointer { c in
          cblas_dsyrk(
            CblasColMajor, CblasUpper, CblasTrans, p32, r32, 1.0, s.baseAddress, r32, 1.0,
            c.baseAddress, p32)
        }
      }
    } else {
      upper.withUnsafeMutableBufferPointer { c in
        cblas_dsyrk(
          CblasColMajor, CblasUpper, CblasTrans, p32, r32, 1.0, base, ld32, 1.0, c.baseAddress,
          p32)
      }
    }

    // X'Wz: dgemv with X' on the unscaled block and the vector (w_i z_i).
    if let response {
      if scaledResponse.count < r {
        scaledResponse = [Double](repeating: 0, count: r)
      }
      scaledResponse.withUnsafeMutableBufferPointer { v in
        for i in 0..<r {
          v[i] = (weights?[i] ?? 1) * response[i]
        }
      }
      scaledResponse.withUnsafeBufferPointer { v in
        weightedResponse.withUnsafeMutableBufferPointer { y in
          cblas_dgemv(
            CblasColMajor, CblasTrans, r32, p32, 1.0, base, ld32, v.baseAddress, 1, 1.0,
            y.baseAddress, 1)
        }
      }
    }
    rowCount += r
  }

  /// Adds all rows of `block` (a convenience over the buffer-based kernel, for tests and small data).
  ///
  /// - Throws: as ``add(block:rows:leadingDimension:weights:response:)``, plus
  ///   `.dimensionMismatch` if `block.columns != columns`.
  public mutating func add(
    _ block: Matrix, weights: [Double]? = nil, response: [Double]? = nil
  ) throws {
    guard block.columns == columns, block.storage.count == block.rows * block.columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.add: block is \(block.rows)x\(block.columns), "
          + "accumulator has \(columns) columns")
    }
    try block.storage.withUnsafeBufferPointer { b in
      try Self.withOptionalBuffer(weights) { w in
        try Self.withOptionalBuffer(response) { z in
          try add(block: b, rows: block.rows, weights: w, response: z)
        }
      }
    }
  }

  /// Adds another accumulator's sums (for example from another partition of the rows).
  ///
  /// The merge is elementwise addition done with `daxpy`.
  /// - Throws: `.dimensionMismatch` if the column counts differ.
  public mutating func merge(_ other: CrossProductAccumulator) throws {
    guard other.columns == columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.merge: \(other.columns) columns into \(columns)")
    }
    let count = try LAPACK.int(columns * columns)
    let p32 = try LAPACK.int(columns)
    upper.withUnsafeMutableBufferPointer { y in
      other.upper.withUnsafeBufferPointer { x in
        cblas_daxpy(count, 1.0, x.baseAddress, 1, y.baseAddress, 1)
      }
    }
    weightedResponse.withUnsafeMutableBufferPointer { y in
      other.weightedResponse.withUnsafeBufferPointer { x in
        cblas_daxpy(p32, 1.0, x.baseAddress, 1, y.baseAddress, 1)
      }
    }
    rowCount += other.rowCount
  }

  /// Replaces the sums with ones computed elsewhere (for example `c X'X` when every weight is
  /// the same constant `c`).
  ///
  /// - Parameters:
  ///   - crossProduct: `p * p` values, column-major; only the upper triangle is read.
  ///   - crossResponse: `p` values of `X'Wz`.
  ///   - rows: the number of rows the sums cover.
  /// - Throws: `.dimensionMismatch` on wrong lengths.
  public mutating func setSums(crossProduct: [Double], crossResponse: [Double], rows: Int) throws {
    guard crossProduct.count == columns * columns, crossResponse.count == columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.setSums: \(crossProduct.count) and \(crossResponse.count) "
          + "values for \(columns) columns")
    }
    upper = crossProduct
    weightedResponse = crossResponse
    rowCount = rows
  }

  /// Clears the sums (keeping the scratch buffers) so the accumulator can serve the next iteration.
  public mutating func reset() {
    for index in upper.indices { upper[index] = 0 }
    for index in weightedResponse.indices { weightedResponse[index] = 0 }
    rowCount = 0
  }

  /// The accumulated `X'WX`, `p` x `p` and fully symmetric.
  public func crossProduct() -> Matrix {
    var result = Matrix(rows: columns, columns: columns)
    result.storage = upper
    result.mirrorTriangle(fromUpper: true)
    return result
  }

  /// The accumulated `X'Wz`, length `p` (zeros if no block carried a response).
  public func crossResponse() -> [Double] {
    weightedResponse
  }

  /// Calls `body` with a buffer over `values`, or with `nil`.
  private static func withOptionalBuffer<R>(
    _ values: [Double]?, _ body: (UnsafeBufferPointer<Double>?) throws -> R
  ) rethrows -> R {
    guard let values else { return try body(nil) }
    return try values.withUnsafeBufferPointer { try body($0) }
  }
}

extension CrossProductAccumulator {
  /// `X'WX` (unit weights when `weights` is `nil`) of a whole `n` x `p` column-major design,
  /// summed over a ``RowPartition`` of its rows in parallel.
  ///
  /// Each chunk streams its rows in blocks of `blockRows` straight from the design (no copy
  /// without weights; with weights each block is scaled by `sqrt(w)` into the accumulator's
  /// scratch) into its own accumulator; the chunks are merged in order, so the sums do not
  /// depend on the number of threads.
  /// - Parameters:
  ///   - design: `n * p` values, column `j` at `design[j * n ..< (j + 1) * n]`.
  ///   - weights: `nil`, or `n` finite values `>= 0`.
  ///   - checkFinite: scan every block for NaN and infinity (as ``add(block:rows:leadingDimension:weights:response:checkFinite:)``).
  /// - Throws: as ``add(block:rows:leadingDimension:weights:response:checkFinite:)`` (the
  ///   first chunk's error in chunk order).
  public static func crossProduct(
    ofDesign design: UnsafeBufferPointer<Double>, rows n: Int, columns p: Int,
    weights: UnsafeBufferPointer<Double>? = nil, blockRows: Int = 4096, checkFinite: Bool = true
  ) throws -> CrossProductAccumulator {
    guard design.count >= n * p, weights.map({ $0.count == n }) ?? true else {
      throw LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.crossProduct: \(design.count) values and "
          + "\(weights?.count ?? n) weights for \(n)x\(p)")
    }
    // No rows or no columns: the sum is the empty (or zero) matrix; the block loop below
    // would otherwise slice past the end of an empty design.
    guard n > 0, p > 0 else { return CrossProductAccumulator(columns: p) }
    let partition = RowPartition(rows: n, alignment: blockRows)
    var results = [Result<CrossProductAccumulator, Error>](
      repeating: .success(CrossProductAccumulator(columns: p)), count: partition.chunks.count)
    results.withUnsafeMutableBufferPointer { slots in
      partition.forEachChunk { k, range in
        slots[k] = Result {
          var accumulator = CrossProductAccumulator(columns: p)
          var start = range.lowerBound
          while start < range.upperBound {
            let r = min(blockRows, range.upperBound - start)
            try accumulator.add(
              block: UnsafeBufferPointer(rebasing: design[start...]), rows: r,
              leadingDimension: n,
              weights: weights.map { UnsafeBufferPointer(rebasing: $0[start..<(start + r)]) },
              response: nil, checkFinite: checkFinite)
            start += r
          }
          return accumulator
        }
      }
    }
    var total = try results[0].get()
    for result in results.dropFirst() { try total.merge(result.get()) }
    return total
  }
}
