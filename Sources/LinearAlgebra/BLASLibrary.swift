internal import COpenBLAS

/// Facts about the BLAS/LAPACK library linked at run time (for `crampstat --version`).
public enum BLASLibrary {
  /// OpenBLAS's build configuration string, such as `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH`.
  public static var configuration: String {
    guard let c = openblas_get_config() else { return "unknown" }
    return String(cString: c)
  }

  /// The CPU kernel family OpenBLAS selected at start-up, such as `Zen` or `Haswell`.
  public static var coreName: String {
    guard let c = openblas_get_corename() else { return "unknown" }
    return String(cString: c)
  }

  /// Number of threads OpenBLAS will use (1 when `OPENBLAS_NUM_THREADS=1`).
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// Makes OpenBLAS run every call on the calling thread, unless the environment chose a
  /// thread count (`OPENBLAS_NUM_THREADS`, `GOTO_NUM_THREADS` or `OMP_NUM_THREADS`).
  ///
  /// CrampStat's products are small-`p` blocks that its own row partition already spreads
  /// over the cores; BLAS threads on top would only compete with those workers, and a BLAS
  /// thread count can change rounding. With one BLAS thread the results are the same bits
  /// whatever the machine.
  /// - Parameter environment: the process environment.
  /// - Returns: whether the thread count was set.
  @discardableResult
  public static func useCallingThreadUnlessConfigured(environment: [String: String]) -> Bool {
    let keys = ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"]
    guard !keys.contains(where: { environment[$0] != nil }) else { return false }
    openblas_set_num_threads(1)
    return true
  }
}
