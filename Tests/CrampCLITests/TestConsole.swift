import CrampCLI
import Foundation
import Synchronization

/// Collects what a command writes to stdout and stderr.
final class TestConsole: Sendable {
  private let buffers = Mutex<(out: String, err: String)>(("", ""))

  var console: Console {
    Console(
      out: { text in self.buffers.withLock { $0.out += text } },
      err: { text in self.buffers.withLock { $0.err += text } })
  }

  var out: String { buffers.withLock { $0.out } }
  var err: String { buffers.withLock { $0.err } }
}

/// Runs `crampstat` in-process and returns (status, stdout, stderr).
func runCLI(
  _ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]
) -> (status: Int32, out: String, err: String) {
  let console = TestConsole()
  // Paths inside arguments are made absolute instead of changing the process's directory,
  // which tests running in parallel share. The absolute path goes through a link of fixed
  // length, so text wrapped at a width wraps the same wherever the repository is cloned.
  let cwd = cwd.map(fixedLengthLink)
  let args = arguments.map { arg in
    guard let cwd, arg.hasPrefix("Datasets/") || arg.hasPrefix("Tests/") else { return arg }
    return cwd + arg
  }
  let status = CLI.run(arguments: args, console: console.console, environment: environment)
  let strip: (String) -> String = { text in
    guard let cwd else { return text }
    return text.replacingOccurrences(of: cwd, with: "")
  }
  return (status, strip(console.out), strip(console.err))
}

/// Absolute path of a file under `Tests/`.
func fixturePath(_ relative: String) -> String {
  var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(2)
  return parts.joined(separator: "/") + "/" + relative
}

/// Absolute path of a file under the repository root.
func repositoryPath(_ relative: String) -> String {
  var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)
  return parts.joined(separator: "/") + "/" + relative
}

/// A symbolic link to `directory` whose path has the same length in every run and checkout
/// (`/tmp/crampstat-link-NNNNNNNN/d/`), created once per directory.
func fixedLengthLink(_ directory: String) -> String {
  LinkCache.shared.link(for: directory)
}

/// The links made by ``fixedLengthLink(_:)``.
final class LinkCache: Sendable {
  static let shared = LinkCache()
  private let links = Mutex<[String: String]>([:])

  func link(for directory: String) -> String {
    links.withLock { cache in
      if let known = cache[directory] { return known }
      let pid = String(ProcessInfo.processInfo.processIdentifier % 100_000_000)
      let folder =
        "/tmp/crampstat-link-" + String(repeating: "0", count: 8 - pid.count) + pid
      try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let name = folder + "/" + String(cache.count)
      let target = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
      try? FileManager.default.removeItem(atPath: name)
      try? FileManager.default.createSymbolicLink(atPath: name, withDestinationPath: target)
      let link = name + "/"
      cache[directory] = link
      return link
    }
  }
}
