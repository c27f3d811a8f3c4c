import CrampData
import Foundation

/// The bundled teaching diary, split by patient into partitions of uneven size.
public enum TeachingPartitions {
  public static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Datasets/teaching/diary_nights.csv").path

  public static let formula =
    "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + fluid_cups + footwear"

  public static func lines() throws -> (header: String, rows: [String]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst()
    return (header, lines)
  }

  /// `count` partition tables; patient `k` (in order of appearance) goes to partition
  /// `(k * k) % count`, so sizes are uneven; the last partition is empty when `empty`.
  public static func tables(_ count: Int, empty: Bool = false) throws -> [Table] {
    let (header, rows) = try lines()
    var order: [String: Int] = [:]
    var texts = [String](repeating: header + "\n", count: count)
    let used = empty && count > 1 ? count - 1 : count
    for row in rows {
      let id = String(row.prefix { $0 != "," })
      let k = order[id] ?? order.count
      order[id] = k
      texts[(k * k + k / 3) % used] += row + "\n"
    }
    return try texts.enumerated().map { (i, text) in
      try CSVReader.read(bytes: Array(text.utf8), source: "part-\(i)").table
    }
  }

  public static func whole() throws -> Table { try CSVReader.read(path: path).table }
}
