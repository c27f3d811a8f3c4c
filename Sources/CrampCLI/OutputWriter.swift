#if canImport(Glibc)
  import Glibc
#endif

/// Delivers a command's rendered result to stdout or to a file given with `-o`.
///
/// Regular files are written atomically: the text goes to a new temporary file in the same
/// directory, which is flushed, given the old file's permissions and renamed over the
/// destination, so a reader never sees half a report and an interrupted run leaves the old
/// file intact. A symbolic link is followed, so the link stays and its target is replaced.
/// Anything that is not a regular file (`/dev/null`, a terminal, a FIFO, `/dev/stdout`) is
/// written directly: renaming over it would replace the device node with a file. Every
/// write, `fsync`, `close` and `rename` is checked.
enum OutputWriter {
  /// Writes `text` to `path` (`nil` or `-` means the console).
  static func deliver(_ text: String, to path: String?, console: Console) throws(CLIError) {
    guard let path, path != "-" else {
      console.out(text)
      return
    }
    try write(Array(text.utf8), to: path)
  }

  /// Writes `bytes` to `path`: atomically for a regular file (or a new one), directly for
  /// a device, a pipe or a descriptor alias.
  /// - Throws: ``CLIError/io(_:)`` with the system's reason.
  static func write(_ bytes: [UInt8], to path: String) throws(CLIError) {
    if let descriptor = descriptorAlias(path) {
      if let reason = FileDescriptorWriter.write(bytes: bytes, to: descriptor) {
        throw .io("cannot write '\(path)': \(reason)")
      }
      return
    }
    var status = stat()
    if stat(path, &status) == 0 {
      let type = status.st_mode & S_IFMT
      if type == S_IFDIR { throw .io("cannot write '\(path)': it is a directory") }
      if type != S_IFREG { return try writeDirectly(bytes, to: path) }
      return try writeAtomically(
        bytes, to: resolvedTarget(path), mode: mode_t(status.st_mode & 0o7777))
    }
    try writeAtomically(bytes, to: path, mode: nil)
  }

  /// The descriptor a path names directly (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`),
  /// written to as it is so that `>>` keeps appending and nothing is reopened.
  static func descriptorAlias(_ path: String) -> Int32? {
    switch path {
    case "/dev/stdout": return 1
    case "/dev/stderr": return 2
    default: break
    }
    for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
      return Int32(path.dropFirst(prefix.count))
    }
    return nil
  }

  /// The file a symbolic link points to (the path itself when it is no link).
  private static func resolvedTarget(_ path: String) -> String {
    var link = stat()
    guard lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK,
      let resolved = realpath(path, nil)
    else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  private static func writeDirectly(_ bytes: [UInt8], to path: String) throws(CLIError) {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
    var failure = FileDescriptorWriter.write(bytes: bytes, to: fd)
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if let failure { throw .io("cannot write '\(path)': \(failure)") }
  }

  /// Writes `bytes` to `path` through a new temporary sibling and `rename(2)`; `mode` is
  /// the replaced file's permissions (`nil` for a new file: 0644 less the umask).
  private static func writeAtomically(
    _ bytes: [UInt8], to path: String, mode: mode_t?
  ) throws(CLIError) {
    let temporary = "\(path).tmp-\(getpid())"
    // O_EXCL: never truncate a file that happens to carry the temporary name.
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .io("cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
    var failure = FileDescriptorWriter.write(bytes: bytes, to: fd)
    if failure == nil, let mode, fchmod(fd, mode) != 0 {
      failure = String(cString: strerror(errno))
    }
    if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporary)
      throw .io("cannot write '\(path)': \(failure)")
    }
  }
}
