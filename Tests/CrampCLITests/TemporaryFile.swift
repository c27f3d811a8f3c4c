import Foundation

/// Scratch files for CLI tests, under a per-process temporary directory.
enum TemporaryFile {
  static let directory: String = {
    let dir =
      NSTemporaryDirectory() + "crampstat-tests-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }()

  /// A fresh path (not created) in the scratch directory.
  static func path(_ name: String) throws -> String {
    directory + "/" + UUID().uuidString + "-" + name
  }

  /// Writes `text` to a new file and returns its path.
  static func write(_ text: String, name: String = "data.csv") throws -> String {
    let p = try path(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: p))
    return p
  }

  /// Reads a file as UTF-8 text.
  static func read(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
  }
}
