import LinearAlgebra

/// The text of `crampstat --version`.
enum VersionInfo {
  static func text(verbose: Bool) -> String {
    var out = "crampstat \(CLI.version)\n"
    out += "BLAS/LAPACK: \(BLASLibrary.configuration)\n"
    if verbose {
      out += "OpenBLAS core: \(BLASLibrary.coreName)\n"
      out += "OpenBLAS threads: \(BLASLibrary.threadCount)\n"
    }
    return out
  }
}
