import LinearAlgebra

/// Named tolerances for this suite, each with the reason it is that size.
enum Tolerance {
  /// Results of a few dozen flops on small integers (products, solves of 2x2 to 5x5 systems with
  /// O(1) condition numbers): rounding leaves a few ulps, so 1e-12 relative is generous but still
  /// catches any algorithmic error, which would show at the 1e-1 level.
  static let roundoff = 1e-12
  /// Quantities that pass through `sqrt(w)` and `sqrt(w)^2` or an iterative eigen-solver: a few
  /// more ulps than plain arithmetic, and still far below any real error.
  static let iterative = 1e-10
  /// Sums of 10^4 terms of size O(10) taken in a different order (blocks vs one pass): the
  /// worst-case rounding bound n * eps is about 2e-12 relative to the sum of magnitudes.
  static let longSum = 1e-10
}

/// `|a - b| <= tolerance * max(1, |b|)`: relative for large values, absolute near zero.
func isClose(_ a: Double, _ b: Double, _ tolerance: Double = Tolerance.roundoff) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(b))
}

/// Elementwise ``isClose(_:_:_:)`` on arrays of equal length.
func isClose(_ a: [Double], _ b: [Double], _ tolerance: Double = Tolerance.roundoff) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, tolerance) }
}

/// Shape equality plus elementwise ``isClose(_:_:_:)``.
func isClose(_ a: Matrix, _ b: Matrix, _ tolerance: Double = Tolerance.roundoff) -> Bool {
  a.rows == b.rows && a.columns == b.columns && isClose(a.storage, b.storage, tolerance)
}
