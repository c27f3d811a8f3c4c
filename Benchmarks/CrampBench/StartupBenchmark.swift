import Glibc

/// Times whole `crampstat` processes for the start-up target (`--version`, `--help` <= 0.1 s).
enum StartupBenchmark {
  static let command = BenchCommand(
    name: "startup",
    usage: "startup [<crampstat binary>] [--runs N]",
    summary: "Wall time of 'crampstat --version' and 'crampstat --help' as whole processes.",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let args = try BenchArguments(arguments, valued: ["--runs"])
    let runs = try args.integer("--runs", default: 20)
    let binary = args.positionals.first ?? ".build/release/crampstat"
    guard access(binary, X_OK) == 0 else {
      throw BenchFailure("no executable at \(binary); run 'swift build -c release' first")
    }
    print("crampstat start-up, \(runs) runs each (target <= 0.100 s)")
    for flag in ["--version", "--help"] {
      var times: [Double] = []
      for _ in 0...runs {
        let start = Measure.now()
        try spawnAndWait(binary, [flag])
        times.append(Measure.now() - start)
      }
      let t = Timing(Array(times.dropFirst()))
      print(
        "  crampstat \(flag): best \(format(t.best)) s, median \(format(t.median)) s")
    }
    return 0
  }

  /// Runs `path` with `arguments`, output discarded, and waits for it.
  static func spawnAndWait(_ path: String, _ arguments: [String]) throws {
    _ = try CheckBenchmark.spawn(path, arguments)
  }

  static func format(_ seconds: Double) -> String {
    let ms = Int((seconds * 1000).rounded())
    let fraction = String(ms % 1000)
    return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
  }
}
