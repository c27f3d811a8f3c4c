import Glibc
import Synchronization

/// Reads a whole file into memory with POSIX calls, mapping failures to ``CSVError``.
///
/// The path `-` is standard input: read to its end once, then kept, so a command that
/// reads its input twice (a header pass, then the table) sees the same bytes.
public enum CSVFile {
  /// The name used in messages for `path` (`<stdin>` for `-`).
  public static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

  private static let standardInput = Mutex<[UInt8]?>(nil)

  /// Standard input, read once.
  private static func standardInputBytes() throws(CSVError) -> [UInt8] {
    let result: Result<[UInt8], CSVError> = standardInput.withLock { cached in
      if let cached { return .success(cached) }
      do throws(CSVError) {
        let bytes = try readToEnd(descriptor: 0, path: "<stdin>", expected: 0)
        cached = bytes
        return .success(bytes)
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// Calls `body` with the bytes of the file at `path`.
  ///
  /// Regular files are mapped read-only (`MAP_PRIVATE | MAP_POPULATE`): no copy and
  /// no zeroed pages, the page cache is used directly. Pipes, devices and files that
  /// cannot be mapped are read into memory instead.
  ///
  /// - Throws: the errors of ``contents(of:)``, or whatever `body` throws.
  static func withContents<R>(
    of path: String, _ body: (UnsafeBufferPointer<UInt8>) throws(CSVError) -> R
  ) throws(CSVError) -> R {
    let descriptor = path == "-" ? -1 : open(path, O_RDONLY | O_CLOEXEC)
    if descriptor >= 0 {
      var status = stat()
      let regular = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
      let size = Int(status.st_size)
      if regular && size > 0,
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0),
        mapped != MAP_FAILED
      {
        close(descriptor)
        defer { munmap(mapped, size) }
        let bytes = UnsafeBufferPointer(
          start: mapped.assumingMemoryBound(to: UInt8.self), count: size)
        return try body(bytes)
      }
      close(descriptor)
    }
    let bytes = try contents(of: path)
    return try bytes.withUnsafeBufferPointer { (buffer) throws(CSVError) in try body(buffer) }
  }

  /// The bytes of the file at `path` (regular files, pipes and devices alike).
  ///
  /// - Throws: ``CSVError/fileNotFound(path:)`` when the path does not exist,
  ///   ``CSVError/unreadable(path:reason:)`` for anything else that stops the read.
  static func contents(of path: String) throws(CSVError) -> [UInt8] {
    if path == "-" { return try standardInputBytes() }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw CSVError.fileNotFound(path: path) }
      throw CSVError.unreadable(path: path, reason: reason(code))
    }
    defer { close(descriptor) }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw CSVError.unreadable(path: path, reason: reason(errno))
    }
    if status.st_mode & S_IFMT == S_IFDIR {
      throw CSVError.unreadable(path: path, reason: "it is a directory")
    }

    return try readToEnd(
      descriptor: descriptor, path: path, expected: max(Int(status.st_size), 0))
  }

  /// Reads `descriptor` to end of file: first `expected` bytes (a regular file's size) in
  /// one read into uninitialized memory, then chunks (pipes and devices report size 0).
  private static func readToEnd(
    descriptor: Int32, path: String, expected: Int
  ) throws(CSVError) -> [UInt8] {
    var failure: Int32 = 0
    var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
      initialized = 0
      while initialized < expected {
        guard let base = buffer.baseAddress else { break }
        let got = Glibc.read(descriptor, base + initialized, expected &- initialized)
        if got < 0 {
          if errno == EINTR { continue }
          failure = errno
          break
        }
        if got == 0 { break }
        initialized &+= got
      }
    }
    if failure != 0 { throw CSVError.unreadable(path: path, reason: reason(failure)) }

    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if got < 0 {
        if errno == EINTR { continue }
        throw CSVError.unreadable(path: path, reason: reason(errno))
      }
      if got == 0 { break }
      bytes.append(contentsOf: chunk[0..<got])
    }
    return bytes
  }

  private static func reason(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}

/// Whole-file reads for inputs that are not tables (state and statistics documents).
public enum InputFile {
  /// The bytes of `path` (`-` is standard input, read once per process).
  /// - Throws: ``CSVError/fileNotFound(path:)`` or ``CSVError/unreadable(path:reason:)``.
  public static func bytes(of path: String) throws(CSVError) -> [UInt8] {
    try CSVFile.contents(of: path)
  }
}
