import LinearAlgebra
import _TestSupport

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
