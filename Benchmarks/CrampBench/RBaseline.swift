import Glibc

/// Times R baselines by running `Rscript` on a small script written to /tmp.
enum RBaseline {
  /// What one `fread` timing run reported.
  struct FreadTiming {
    var times: [Double]
    var cpuTimes: [Double]
    var peakBytes: Int
    var baselineBytes: Int
    var rows: Int
    var version: String
  }

  /// The R script: warm-up, then `runs` timed calls of `fread(file, nThread = 1)`.
  private static let freadScript = """
    suppressPackageStartupMessages(library(data.table))
    args <- commandArgs(trailingOnly = TRUE)
    f <- args[1]; runs <- as.integer(args[2])
    setDTthreads(1L)
    rss <- function(key) as.numeric(sub("^[A-Za-z]+:\\\\s*([0-9]+).*$", "\\\\1",
      grep(paste0("^", key), readLines("/proc/self/status"), value = TRUE))) * 1024
    base <- rss("VmRSS")
    d <- fread(f, nThread = 1L); rm(d); invisible(gc())
    times <- numeric(runs); cpu <- numeric(runs)
    for (i in seq_len(runs)) {
      t0 <- proc.time()
      d <- fread(f, nThread = 1L)
      t1 <- proc.time()
      times[i] <- t1[["elapsed"]] - t0[["elapsed"]]
      cpu[i] <- (t1[["user.self"]] + t1[["sys.self"]]) - (t0[["user.self"]] + t0[["sys.self"]])
      rows <- nrow(d); rm(d); invisible(gc())
    }
    cat("times", sprintf("%.4f", times), "\\n")
    cat("cpu", sprintf("%.4f", cpu), "\\n")
    cat("peak", format(rss("VmHWM"), scientific = FALSE), "\\n")
    cat("base", format(base, scientific = FALSE), "\\n")
    cat("rows", rows, "\\n")
    cat("version", as.character(packageVersion("data.table")), "\\n")
    """

  /// Runs `fread` on `path` `runs` times in one R process.
  static func fread(path: String, runs: Int) -> Result<FreadTiming, BenchFailure> {
    let fields: [String: [String]]
    switch run(script: freadScript, arguments: [path, String(runs)]) {
    case .failure(let f): return .failure(f)
    case .success(let f): fields = f
    }
    guard let times = fields["times"]?.compactMap(Double.init), !times.isEmpty,
      let peak = fields["peak"]?.first.flatMap(Double.init),
      let base = fields["base"]?.first.flatMap(Double.init),
      let rows = fields["rows"]?.first.flatMap(Int.init)
    else {
      return .failure(BenchFailure("Rscript printed no timings"))
    }
    return .success(
      FreadTiming(
        times: times, cpuTimes: fields["cpu"]?.compactMap(Double.init) ?? [], peakBytes: Int(peak),
        baselineBytes: Int(base), rows: rows,
        version: fields["version"]?.first ?? "?"))
  }

  /// Runs an R script (written to a temporary file) with `arguments` and returns its output
  /// lines as `key -> words` (each line `key word word ...`).
  static func run(script text: String, arguments: [String]) -> Result<
    [String: [String]], BenchFailure
  > {
    var template = Array("/tmp/crampbench-r-XXXXXX.R".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.map { mkstemps($0, 2) } ?? -1
    }
    guard descriptor >= 0 else {
      return .failure(BenchFailure("cannot create a temporary R script"))
    }
    let scriptPath = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { unlink(scriptPath) }
    let script = Array(text.utf8)
    let written = script.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    guard written == script.count else {
      return .failure(BenchFailure("cannot write \(scriptPath)"))
    }
    let quoted = arguments.map(shellQuoted).joined(separator: " ")
    let commandLine = "Rscript \(shellQuoted(scriptPath)) \(quoted) 2>&1"
    guard let pipe = popen(commandLine, "r") else {
      return .failure(BenchFailure("cannot run Rscript"))
    }
    var output = ""
    var buffer = [CChar](repeating: 0, count: 4096)
    while fgets(&buffer, Int32(buffer.count), pipe) != nil {
      output += String(
        decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    let status = pclose(pipe)
    guard status == 0 else {
      let firstLine = output.split(separator: "\n").first.map(String.init) ?? "no output"
      return .failure(BenchFailure("Rscript exited with status \(status): \(firstLine)"))
    }
    var fields: [String: [String]] = [:]
    for line in output.split(separator: "\n") {
      let words = line.split(separator: " ").map(String.init)
      if let key = words.first { fields[key] = Array(words.dropFirst()) }
    }
    return .success(fields)
  }

  /// Times one R expression after loading `path` with fread: prints `fit <seconds>` and
  /// `peak <bytes>`; `setup` loads packages.
  static func timeFit(
    path: String, setup: String, expression: String
  ) -> Result<(seconds: Double, peakBytes: Int), BenchFailure> {
    let script = """
      suppressPackageStartupMessages({ library(data.table); \(setup) })
      setDTthreads(1L)
      d <- fread(commandArgs(trailingOnly = TRUE)[1], nThread = 1L)
      t0 <- proc.time()
      fit <- \(expression)
      t1 <- proc.time()
      cat("fit", sprintf("%.3f", t1[["elapsed"]] - t0[["elapsed"]]), "\\n")
      st <- readLines("/proc/self/status")
      cat("peak", as.numeric(gsub("[^0-9]", "", grep("^VmHWM", st, value = TRUE))) * 1024, "\\n")
      """
    switch run(script: script, arguments: [path]) {
    case .failure(let f): return .failure(f)
    case .success(let fields):
      guard let t = fields["fit"]?.first.flatMap(Double.init),
        let peak = fields["peak"]?.first.flatMap(Double.init)
      else { return .failure(BenchFailure("Rscript printed no fit time")) }
      return .success((t, Int(peak)))
    }
  }

  private static func shellQuoted(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
      + "'"
  }
}
