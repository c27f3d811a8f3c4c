import Glibc

/// Reads a whole file into memory with POSIX calls, mapping failures to ``CSVError``.
enum CSVFile {
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
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
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

    // Regular files: one read of the known size into uninitialized memory.
    // Pipes and devices report size 0 and are read in chunks until end of file.
    let expected = max(Int(status.st_size), 0)
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
