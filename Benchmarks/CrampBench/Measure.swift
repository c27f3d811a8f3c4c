import Glibc

/// Wall-clock timing with `CLOCK_MONOTONIC` and a summary of repeated runs.
enum Measure {
  /// Monotonic time in seconds.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  /// CPU time of this process (user + system) in seconds.
  static func cpuTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  /// Runs `body` once to warm up, then `runs` times; returns wall and CPU seconds.
  static func repeated<T>(runs: Int, _ body: () throws -> T) rethrows -> (
    wall: [Double], cpu: [Double]
  ) {
    _ = try body()
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
      let start = now()
      let startCPU = cpuTime()
      let result = try body()
      wall.append(now() - start)
      cpu.append(cpuTime() - startCPU)
      withExtendedLifetime(result) {}
    }
    return (wall, cpu)
  }

  /// Peak resident set size of this process in bytes (`VmHWM` in /proc/self/status).
  static func peakResidentBytes() -> Int? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 512)
    while fgets(&buffer, Int32(buffer.count), file) != nil {
      let line = String(
        decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if line.hasPrefix("VmHWM:") {
        let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return digits.map { $0 * 1024 }
      }
    }
    return nil
  }
}

/// Best, median and mean of a list of timings.
struct Timing {
  let best: Double
  let median: Double
  let mean: Double
  let runs: Int

  init(_ times: [Double]) {
    let sorted = times.sorted()
    runs = sorted.count
    best = sorted.first ?? .nan
    mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
    if sorted.isEmpty {
      median = .nan
    } else if sorted.count % 2 == 1 {
      median = sorted[sorted.count / 2]
    } else {
      median = (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
  }
}

/// Plain-text table with right-aligned numeric columns.
struct TextTable {
  let header: [String]
  var rows: [[String]] = []

  init(_ header: [String]) { self.header = header }

  mutating func append(_ row: [String]) { rows.append(row) }

  func render() -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in
      all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
        return c == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
  }
}

/// Formats `value` with `digits` decimals (no Foundation).
func fixed(_ value: Double, _ digits: Int) -> String {
  guard value.isFinite else { return "n/a" }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let rounded = (abs(value) * scale).rounded()
  let whole = Int(rounded / scale)
  let fraction = Int(rounded - Double(whole) * scale)
  var text = String(whole)
  if digits > 0 {
    let raw = String(fraction)
    text += "." + String(repeating: "0", count: max(0, digits - raw.count)) + raw
  }
  return (value < 0 ? "-" : "") + text
}
