import Foundation

/// A file written atomically: bytes go to a hidden temporary file in the target directory,
/// which is renamed over the final path only by ``commit()``.
///
/// A crash or error therefore never leaves a truncated `diary_nights.csv` behind; an
/// uncommitted temporary file is removed when the writer is discarded.
final class OutputFile {
  let path: String
  private let temporaryPath: String
  private let handle: FileHandle
  private var committed = false

  /// Creates (truncating) the temporary file for `path`.
  init(path: String) throws {
    self.path = path
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    temporaryPath =
      directory + "/." + url.lastPathComponent + ".tmp-"
      + String(ProcessInfo.processInfo.processIdentifier)
    guard FileManager.default.createFile(atPath: temporaryPath, contents: nil) else {
      throw SimulationError.cannotWriteFile(path: path, reason: "cannot create temporary file")
    }
    guard let handle = FileHandle(forWritingAtPath: temporaryPath) else {
      throw SimulationError.cannotWriteFile(path: path, reason: "cannot open temporary file")
    }
    self.handle = handle
  }

  deinit {
    if !committed {
      try? handle.close()
      unlink(temporaryPath)
    }
  }

  /// Appends the buffer's bytes to the file and empties the buffer.
  func write(_ buffer: ByteBuffer) throws {
    guard buffer.count > 0 else { return }
    let data = buffer.withBytes { Data(buffer: $0) }
    do {
      try handle.write(contentsOf: data)
    } catch {
      throw SimulationError.cannotWriteFile(path: path, reason: "\(error)")
    }
    buffer.removeAll()
  }

  /// Closes the temporary file and renames it over `path`.
  func commit() throws {
    do {
      try handle.close()
    } catch {
      throw SimulationError.cannotWriteFile(path: path, reason: "\(error)")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw SimulationError.cannotWriteFile(path: path, reason: reason)
    }
    committed = true
  }

  /// Writes `bytes` to `path` atomically in one go.
  static func write(_ buffer: ByteBuffer, to path: String) throws {
    let file = try OutputFile(path: path)
    try file.write(buffer)
    try file.commit()
  }
}
