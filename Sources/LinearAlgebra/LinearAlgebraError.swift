/// Why a linear-algebra routine produced no answer.
///
/// Shape, finiteness and 32-bit range are checked in Swift before any BLAS/LAPACK call; the
/// remaining cases come from LAPACK's `info` through the single mapping in `LAPACK.check`.
/// Index conventions follow LAPACK, so they are **1-based**: `.notPositiveDefinite(minor: k)`
/// means the leading minor of order `k` is not positive definite, and `.singular(pivot: k)` means
/// the `k`-th diagonal element of the factor is exactly zero.
public enum LinearAlgebraError: Error, Equatable, Sendable {
  /// Operand shapes do not fit together; the text names the routine and the shapes.
  case dimensionMismatch(String)
  /// An operand holds NaN or an infinity; the text names the routine and the operand.
  case nonFinite(String)
  /// A dimension or leading dimension does not fit LAPACK's 32-bit integer (`lapack_int`).
  case dimensionTooLarge(Int)
  /// A scalar parameter is outside its domain (for example a negative tolerance).
  case invalidParameter(String)
  /// A weight passed to a weighted cross product is negative (`row` is 0-based within the block).
  case negativeWeight(row: Int, value: Double)
  /// `dpotrf`: the leading minor of order `minor` (1-based) is not positive definite.
  case notPositiveDefinite(minor: Int)
  /// A triangular factor has an exact zero on its diagonal at `pivot` (1-based).
  case singular(pivot: Int)
  /// An iterative routine (for example `dsyev`) failed to converge; `info` is LAPACK's count.
  case didNotConverge(routine: String, info: Int)
  /// LAPACK rejected argument number `position` (1-based): a bug in this module's call.
  case invalidArgument(routine: String, position: Int)
  /// LAPACKE could not allocate its workspace or transposition buffer (info -1010 or -1011).
  case workspaceAllocation(routine: String)
}

extension LinearAlgebraError: CustomStringConvertible {
  /// A one-line message suitable for a CLI `Error:` line.
  public var description: String {
    switch self {
    case .dimensionMismatch(let detail):
      return "dimension mismatch: \(detail)"
    case .nonFinite(let detail):
      return "non-finite value (NaN or infinity) in \(detail)"
    case .dimensionTooLarge(let value):
      return "dimension \(value) exceeds the 32-bit LAPACK integer range (max \(Int32.max))"
    case .negativeWeight(let row, let value):
      return "weight \(value) at row \(row) is negative; weights must be finite and >= 0"
    case .invalidParameter(let detail):
      return "invalid parameter: \(detail)"
    case .notPositiveDefinite(let minor):
      return "matrix is not positive definite: leading minor of order \(minor) is not positive"
    case .singular(let pivot):
      return "matrix is singular: diagonal element \(pivot) of the factor is exactly zero"
    case .didNotConverge(let routine, let info):
      return "\(routine) did not converge (info = \(info))"
    case .invalidArgument(let routine, let position):
      return
        "internal error: \(routine) rejected argument \(position) (please report this bug)"
    case .workspaceAllocation(let routine):
      return "\(routine) could not allocate its workspace"
    }
  }
}
