import Reporting
import Synchronization

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
  /// Why a write to `out` failed (the first failure), or `nil` when every write succeeded.
  public var outputFailure: @Sendable () -> String?

  /// Creates a console from two writers and, optionally, a probe for failed result writes.
  public init(
    out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
    outputFailure: @escaping @Sendable () -> String? = { nil }
  ) {
    self.out = out
    self.err = err
    self.outputFailure = outputFailure
  }

  /// The process's standard output and standard error, written unbuffered in whole chunks.
  ///
  /// A failed write to standard output (a full disk, `/dev/full`, a closed descriptor) is
  /// remembered, so the command ends with exit 74 instead of reporting success.
  public static let standard: Console = {
    let failure = Mutex<String?>(nil)
    return Console(
      out: { text in
        if let reason = FileDescriptorWriter.write(text, to: 1) {
          failure.withLock { if $0 == nil { $0 = reason } }
        }
      },
      err: { FileDescriptorWriter.writeAll($0, to: 2) },
      outputFailure: { failure.withLock { $0 } })
  }()
}

/// Writes whole strings or byte arrays to a file descriptor, retrying short writes.
enum FileDescriptorWriter {
  /// Writes `text`; returns `false` when a write failed.
  @discardableResult
  static func writeAll(_ text: String, to fd: Int32) -> Bool {
    write(text, to: fd) == nil
  }

  /// Writes `text`; returns the reason (`strerror`) when a write failed, else `nil`.
  static func write(_ text: String, to fd: Int32) -> String? {
    write(bytes: Array(text.utf8), to: fd)
  }

  /// Writes `bytes`, retrying short writes and `EINTR`; returns the reason when a write
  /// failed (or wrote nothing), else `nil`.
  static func write(bytes: [UInt8], to fd: Int32) -> String? {
    bytes.withUnsafeBytes { buffer -> String? in
      guard let base = buffer.baseAddress else { return nil }
      var offset = 0
      while offset < buffer.count {
        let n = Glibc.write(fd, base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return String(cString: strerror(errno))
        }
        if n == 0 { return "no bytes written" }
        offset += n
      }
      return nil
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
