import Foundation

@testable import DiarySimulation

/// A fresh scratch directory under the system temporary directory.
func scratchDirectory(_ name: String) -> String {
  let path = NSTemporaryDirectory() + "crampstat-sim-tests-\(getpid())/\(name)"
  try? FileManager.default.removeItem(atPath: path)
  return path
}

/// A small CSV file split into header and rows (our files never quote fields).
struct SimpleCSV {
  var header: [String]
  var rows: [[String]]

  init(path: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    header = lines.isEmpty ? [] : lines.removeFirst().split(separator: ",").map(String.init)
    rows = lines.map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }

  func column(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
}

/// Runs a request into a scratch directory and returns the directory path.
func simulate(_ request: SimulationRequest, into name: String) throws -> String {
  let directory = scratchDirectory(name)
  _ = try DiarySimulator.run(request, outputDirectory: directory)
  return directory
}
