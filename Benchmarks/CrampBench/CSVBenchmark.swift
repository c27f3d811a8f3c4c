import CrampData
import Glibc

/// `csv <file>`: times ``CSVReader`` and, when R is present, `data.table::fread`.
enum CSVBenchmark {
  static let command = BenchCommand(
    name: "csv",
    usage: "csv <file> [--runs N] [--r-runs N] [--no-r]",
    summary: "CSVReader.read(path:) vs data.table::fread(nThread=1): best/median of N "
      + "after a warm-up, rows/s, MB/s, peak RSS",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--runs", "--r-runs"])
    guard let path = parsed.positionals.first else {
      throw BenchFailure("csv needs a file: CrampBench \(command.usage)")
    }
    let runs = try parsed.integer("--runs", default: 5)
    let rRuns = try parsed.integer("--r-runs", default: 3)
    let bytes = fileSize(path)
    let baseline = Measure.peakResidentBytes() ?? 0

    var rows = 0
    var shape = ""
    var readError: CSVError?
    let times = Measure.repeated(runs: runs) { () -> Int in
      do throws(CSVError) {
        let result = try CSVReader.read(path: path)
        rows = result.table.rowCount
        shape = describe(result.table)
        return rows
      } catch {
        readError = error
        return 0
      }
    }
    if let readError {
      printError("\(readError)")
      return readError.exitCode
    }
    let peak = Measure.peakResidentBytes() ?? 0

    print("file: \(path) (\(fixed(Double(bytes) / 1e6, 1)) MB, \(rows) rows)")
    print("columns: \(shape)")
    print("CrampStat process RSS before reading: \(fixed(Double(baseline) / 1e6, 1)) MB\n")

    var table = TextTable([
      "reader", "runs", "best s", "median s", "best CPU s", "Mrows/s", "MB/s", "peak RSS MB",
    ])
    table.append(
      row(
        "CrampStat CSVReader", Timing(times.wall), cpu: Timing(times.cpu), rows: rows,
        bytes: bytes, peak: peak))
    var notes: [String] = []
    if !parsed.has("--no-r") {
      switch RBaseline.fread(path: path, runs: rRuns) {
      case .success(let r):
        table.append(
          row(
            "data.table \(r.version) fread, 1 thread", Timing(r.times),
            cpu: Timing(r.cpuTimes), rows: r.rows, bytes: bytes, peak: r.peakBytes))
        notes.append(
          "fread timed inside R with proc.time() around fread() only (CPU = user + system); its peak RSS "
            + "includes the R process (\(fixed(Double(r.baselineBytes) / 1e6, 1)) MB before fread)."
        )
        if r.rows != rows { notes.append("row counts differ: fread \(r.rows), CrampStat \(rows)") }
      case .failure(let failure):
        notes.append("fread not timed: \(failure)")
      }
    }
    print(table.render())
    for note in notes { print("\n" + note) }
    return 0
  }

  private static func row(
    _ name: String, _ timing: Timing, cpu: Timing, rows: Int, bytes: Int, peak: Int
  ) -> [String] {
    [
      name, String(timing.runs), fixed(timing.best, 3), fixed(timing.median, 3), fixed(cpu.best, 3),
      fixed(Double(rows) / timing.best / 1e6, 2), fixed(Double(bytes) / timing.best / 1e6, 0),
      fixed(Double(peak) / 1e6, 0),
    ]
  }

  private static func describe(_ table: Table) -> String {
    var counts: [ColumnType: Int] = [:]
    for column in table.columns { counts[column.type, default: 0] += 1 }
    let parts = ColumnType.allCases.compactMap { type in counts[type].map { "\($0) \(type)" } }
    return "\(table.columns.count) (" + parts.joined(separator: ", ") + ")"
  }

  private static func fileSize(_ path: String) -> Int {
    var status = stat()
    return stat(path, &status) == 0 ? Int(status.st_size) : 0
  }
}
