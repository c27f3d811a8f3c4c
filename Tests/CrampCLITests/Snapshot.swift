import Foundation
import Testing

/// Compares `actual` with `Tests/CrampCLITests/Snapshots/<name>`; with `RECORD_SNAPSHOTS=1`
/// in the environment it rewrites the file instead and records an issue saying so.
func assertSnapshot(
  _ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let path = fixturePath("CrampCLITests/Snapshots/" + name)
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
    try? Data(actual.utf8).write(to: URL(fileURLWithPath: path))
    Issue.record("recorded snapshot \(name)", sourceLocation: sourceLocation)
    return
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    Issue.record(
      "missing snapshot \(name); run with RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
    return
  }
  let expected = String(decoding: data, as: UTF8.self)
  guard expected != actual else { return }
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
  var diff: [String] = []
  for i in 0..<max(e.count, a.count) where i >= e.count || i >= a.count || e[i] != a[i] {
    diff.append(
      "line \(i + 1):\n- \(i < e.count ? String(e[i]) : "")\n+ \(i < a.count ? String(a[i]) : "")")
    if diff.count == 10 { break }
  }
  let message = "snapshot \(name) differs:\n" + diff.joined(separator: "\n")
  Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}
