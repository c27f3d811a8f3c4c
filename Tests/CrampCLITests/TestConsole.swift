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
  // which tests running in parallel share.
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
