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
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard status == 0 else { throw BenchFailure("cannot start \(path): error \(status)") }
    var exitStatus: Int32 = 0
    waitpid(pid, &exitStatus, 0)
  }

  static func format(_ seconds: Double) -> String {
    let ms = Int((seconds * 1000).rounded())
    let fraction = String(ms % 1000)
    return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
  }
}
