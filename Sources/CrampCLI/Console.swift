import Reporting

#if canImport(Glibc)
  import Glibc
#endif

/// Where a command's text goes: results to `out`, diagnostics to `err`.
///
/// The process uses file descriptors 1 and 2; tests pass closures that collect text.
public struct Console: Sendable {
  /// Writes result text (stdout).
  public var out: @Sendable (String) -> Void
  /// Writes diagnostics: warnings, errors, progress (stderr).
  public var err: @Sendable (String) -> Void

  /// Creates a console from two writers.
  public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void)
  {
    self.out = out
    self.err = err
  }

  /// The process's standard output and standard error, written unbuffered in whole chunks.
  public static let standard = Console(
    out: { FileDescriptorWriter.writeAll($0, to: 1) },
    err: { FileDescriptorWriter.writeAll($0, to: 2) })
}

/// Writes whole strings to a file descriptor, retrying short writes.
enum FileDescriptorWriter {
  @discardableResult
  static func writeAll(_ text: String, to fd: Int32) -> Bool {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBytes { buffer -> Bool in
      guard let base = buffer.baseAddress else { return true }
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += n
      }
      return true
    }
  }
}

/// The environment a command runs in.
struct Context: Sendable {
  var console: Console
  var environment: [String: String]
  /// Whether stdout is a terminal (charts then take its width).
  var stdoutIsTerminal = false
  /// Columns text output fits (``TextWidth``): `COLUMNS`, else the terminal's, else 80.
  var textWidth = TextWidth.defaultWidth
}
