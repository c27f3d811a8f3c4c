internal import COpenBLAS

/// Facts about the BLAS/LAPACK library linked at run time (for `crampstat --version`).
public enum BLASLibrary {
  /// OpenBLAS's build configuration string, e.g. `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...`.
  public static var configuration: String {
    guard let c = openblas_get_config() else { return "unknown" }
    return String(cString: c)
  }

  /// The CPU kernel family OpenBLAS selected at start-up (e.g. `Zen`, `Haswell`).
  public static var coreName: String {
    guard let c = openblas_get_corename() else { return "unknown" }
    return String(cString: c)
  }

  /// Number of threads OpenBLAS will use (1 when `OPENBLAS_NUM_THREADS=1`).
  public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
