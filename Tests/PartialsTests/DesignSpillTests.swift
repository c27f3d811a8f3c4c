import CrampData
import Formula
import Foundation
import Partials
import Testing
import _TestSupport

@Suite("Design spill for --stream passes")
struct DesignSpillTests {
  /// A fresh path in a directory of its own under the temporary directory.
  static func scratch(_ name: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("crampstat-spill-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
  }

  static func design(cluster: String?) throws -> DesignMatrix {
    let table = try TeachingPartitions.whole()
    var options = DesignOptions()
    options.cluster = cluster
    return try DesignMatrix.build(
      Formula.parse(TeachingPartitions.formula + " + offset(log(fluid_cups + 1))"), table: table,
      options: options)
  }

  @Test("a spilled design reads back bit for bit", arguments: [nil, "patient_id"])
  func roundTrip(cluster: String?) throws {
    let original = try Self.design(cluster: cluster)
    let path = try Self.scratch("design.spill")
    defer {
      try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
    try original.spill(to: path)
    let back = try DesignMatrix(spilledAt: path, formula: original.formula, source: "back")
    #expect(back.rowCount == original.rowCount)
    #expect(back.columnNames == original.columnNames)
    #expect(back.values.map(\.bitPattern) == original.values.map(\.bitPattern))
    #expect(back.response?.map(\.bitPattern) == original.response?.map(\.bitPattern))
    #expect(back.offset?.map(\.bitPattern) == original.offset?.map(\.bitPattern))
    #expect(back.lineNumbers == original.lineNumbers)
    #expect(back.clusters == original.clusters)
    #expect(back.droppedRowCount == original.droppedRowCount)
  }

  @Test("a truncated spill is an error, not a short design")
  func truncated() throws {
    let original = try Self.design(cluster: "patient_id")
    let path = try Self.scratch("short.spill")
    defer {
      try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
    try original.spill(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
    #expect(throws: SpillError.self) {
      try DesignMatrix(spilledAt: path, formula: original.formula, source: "short")
    }
  }

  @Test("blocks are built once, then read back; empty blocks are remembered")
  func cache() throws {
    let original = try Self.design(cluster: "patient_id")
    let spill = DesignSpill(blocks: 2)
    defer { spill.remove() }
    var builds = 0
    for _ in 0..<3 {
      let a = try spill.design(0, formula: original.formula, source: "b0") {
        builds += 1
        return original
      }
      #expect(a?.values.map(\.bitPattern) == original.values.map(\.bitPattern))
      let b = try spill.design(1, formula: original.formula, source: "b1") {
        builds += 1
        return nil
      }
      #expect(b == nil)
    }
    #expect(builds == 2)
  }
}
