import Foundation
import Testing

@testable import Reporting

/// Compares chart text with `Snapshots/<name>.txt` beside this file, exactly.
///
/// With `RECORD_SNAPSHOTS=1` in the environment the file is (re)written instead and an issue
/// is recorded saying so, so a recording run never passes silently. A mismatch records an
/// issue with a line diff (`-` expected, `+` actual).
func expectSnapshot(
  _ text: String, named name: String, filePath: String = #filePath,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")
  let url = directory.appendingPathComponent(name + ".txt")
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
      Issue.record(
        "Recorded snapshot Snapshots/\(name).txt; run without RECORD_SNAPSHOTS to compare.",
        sourceLocation: sourceLocation)
    } catch {
      Issue.record(
        "Could not record snapshot \(name).txt: \(error)", sourceLocation: sourceLocation)
    }
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    Issue.record(
      "Missing snapshot Snapshots/\(name).txt; run with RECORD_SNAPSHOTS=1 to record it.",
      sourceLocation: sourceLocation)
    return
  }
  if expected != text {
    Issue.record(
      "Snapshot \(name).txt differs (- expected, + actual):\n\(lineDiff(expected, text))",
      sourceLocation: sourceLocation)
  }
}

/// A line diff from the longest common subsequence: unchanged lines start with two spaces,
/// removed lines with `- `, added lines with `+ `.
func lineDiff(_ old: String, _ new: String) -> String {
  let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  var common = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in stride(from: a.count - 1, through: 0, by: -1) {
    for j in stride(from: b.count - 1, through: 0, by: -1) {
      common[i][j] =
        a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
    }
  }
  var out: [String] = []
  var i = 0
  var j = 0
  while i < a.count || j < b.count {
    if i < a.count && j < b.count && a[i] == b[j] {
      out.append("  " + a[i])
      i += 1
      j += 1
    } else if j < b.count && (i == a.count || common[i][j + 1] >= common[i + 1][j]) {
      out.append("+ " + b[j])
      j += 1
    } else {
      out.append("- " + a[i])
      i += 1
    }
  }
  return out.joined(separator: "\n")
}

/// The widths and glyph sets every chart is snapshotted in: 80 columns in Unicode and ASCII,
/// and a narrow 48 columns in both.
let snapshotStyles: [(name: String, style: ChartStyle)] = [
  ("unicode-80", ChartStyle(width: 80, unicode: true)),
  ("ascii-80", ChartStyle(width: 80, unicode: false)),
  ("unicode-48", ChartStyle(width: 48, height: 10, unicode: true)),
  ("ascii-48", ChartStyle(width: 48, height: 10, unicode: false)),
]

@Suite("Chart snapshots")
struct ChartSnapshotCases {
  static let charts: [(name: String, render: @Sendable (ChartStyle) -> String)] = [
    ("km", { ChartFixtures.kaplanMeier.render(style: $0) }),
    ("km-band", { ChartFixtures.kaplanMeierWithBand.render(style: $0) }),
    ("mcf", { ChartFixtures.meanCumulative.render(style: $0) }),
    ("forest", { ChartFixtures.forest.render(style: $0) }),
    ("bars-severity", { ChartFixtures.severity.render(style: $0) }),
    ("histogram-week", { ChartFixtures.crampsPerWeek.render(style: $0) }),
    ("strips", { ChartFixtures.strips.render(style: $0) }),
    ("zph", { ChartFixtures.zph.render(style: $0) }),
  ]

  @Test("every chart in Unicode and ASCII at 80 and 48 columns", arguments: 0..<8)
  func snapshot(chart: Int) {
    let (name, render) = ChartSnapshotCases.charts[chart]
    for (styleName, style) in snapshotStyles {
      expectSnapshot(render(style), named: "\(name)-\(styleName)")
    }
  }
}
