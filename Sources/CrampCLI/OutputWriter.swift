#if canImport(Glibc)
  import Glibc
#endif

/// Delivers a command's rendered result to stdout or to a file given with `-o`.
///
/// Files are written atomically: the text goes to a temporary file in the same directory,
/// which is flushed and renamed over the destination, so a reader never sees half a report
/// and an interrupted run leaves the old file intact.
enum OutputWriter {
  /// Writes `text` to `path` (`nil` or `-` means the console).
  static func deliver(_ text: String, to path: String?, console: Console) throws(CLIError) {
    guard let path, path != "-" else {
      console.out(text)
      return
    }
    try writeAtomically(Array(text.utf8), to: path)
  }

  /// Writes `bytes` to `path` through a temporary sibling and `rename(2)`.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CLIError) {
    let temporary = "\(path).tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .io("cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
    var failure: String?
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = String(cString: strerror(errno))
          return
        }
        offset += n
      }
    }
    if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    close(fd)
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporary)
      throw .io("cannot write '\(path)': \(failure)")
    }
  }
}
