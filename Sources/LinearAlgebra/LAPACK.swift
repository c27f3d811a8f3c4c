internal import COpenBLAS

/// The integer type of BLAS/LAPACK dimensions (`blasint`, `lapack_int`: 32-bit in this build).
///
/// Switching to an ILP64 OpenBLAS would be this one line.
typealias BlasInt = Int32

/// Shared plumbing for every BLAS/LAPACK wrapper: argument checks and the `info` mapping.
enum LAPACK {
  /// What a positive `info` means for the routine being checked.
  enum PositiveInfo {
    /// `dpotrf`: leading minor of order `info` is not positive definite.
    case notPositiveDefinite
    /// `dtrtrs`, `dpotri`: diagonal element `info` of the triangular factor is zero.
    case singular
    /// `dsyev`: `info` off-diagonal elements did not converge to zero.
    case didNotConverge
    /// The routine never returns a positive `info` (`dgeqrf`, `dgeqp3`, `dormqr`, `dpotrs`).
    case impossible
  }

  /// The single map from LAPACK's `info` to ``LinearAlgebraError``; every wrapper calls it.
  ///
  /// `0` is success. `-1010`/`-1011` are LAPACKE's workspace and transposition allocation
  /// failures. Any other negative value `-i` means argument `i` was illegal, which can only be a
  /// bug in our call because shapes are validated first. Positive values mean `positive`.
  static func check(_ info: BlasInt, routine: String, positive: PositiveInfo) throws {
    if info == 0 { return }
    let code = Int(info)
    if info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR {
      throw LinearAlgebraError.workspaceAllocation(routine: routine)
    }
    if code < 0 {
      throw LinearAlgebraError.invalidArgument(routine: routine, position: -code)
    }
    switch positive {
    case .notPositiveDefinite:
      throw LinearAlgebraError.notPositiveDefinite(minor: code)
    case .singular:
      throw LinearAlgebraError.singular(pivot: code)
    case .didNotConverge, .impossible:
      throw LinearAlgebraError.didNotConverge(routine: routine, info: code)
    }
  }

  /// Converts a dimension to `BlasInt`, throwing `.dimensionTooLarge` outside its range.
  static func int(_ value: Int) throws -> BlasInt {
    guard let converted = BlasInt(exactly: value) else {
      throw LinearAlgebraError.dimensionTooLarge(value)
    }
    return converted
  }

  /// A leading dimension: at least 1 even for empty matrices, as BLAS/LAPACK require.
  static func leading(_ rows: Int) throws -> BlasInt {
    try int(max(1, rows))
  }

  /// A LAPACK character argument (`CChar` is `Int8` on x86_64 Linux but `UInt8` on aarch64).
  static func char(_ ascii: Unicode.Scalar) -> CChar {
    CChar(truncatingIfNeeded: UInt8(ascii: ascii))
  }

  /// Column-major layout code for LAPACKE.
  static let columnMajor = Int32(LAPACK_COL_MAJOR)

  /// Throws `.nonFinite` if any element of `values` is NaN or infinite.
  static func requireFinite(_ values: some Sequence<Double>, _ what: @autoclosure () -> String)
    throws
  {
    for value in values where !value.isFinite {
      throw LinearAlgebraError.nonFinite(what())
    }
  }

  /// Checks a matrix's storage count, finiteness and 32-bit dimensions before a call.
  static func validate(_ a: Matrix, _ what: @autoclosure () -> String) throws {
    guard a.storage.count == a.rows * a.columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "\(what()): storage holds \(a.storage.count) values for \(a.rows)x\(a.columns)")
    }
    _ = try int(a.rows)
    _ = try int(a.columns)
    try requireFinite(a.storage, what())
  }

  /// Like ``validate(_:_:)`` and additionally requires a square matrix.
  static func validateSquare(_ a: Matrix, _ what: @autoclosure () -> String) throws {
    guard a.rows == a.columns else {
      throw LinearAlgebraError.dimensionMismatch(
        "\(what()): expected a square matrix, got \(a.rows)x\(a.columns)")
    }
    try validate(a, what())
  }
}
