import Foundation
import Glibc

/// `CrampBench check BASELINE.json`: the regression guard developers run before they stop.
///
/// The baseline lists whole `crampstat` commands (arguments after the program name) with
/// the best wall time of `runs` runs measured on one machine kind. `check` runs each command
/// the same number of times (after one warm-up) and fails, exit 1, when a task's best time
/// is more than `tolerance` (default 25%) above the baseline's; a command that exits
/// non-zero fails the check too. `--write` measures and writes the baseline instead (atomic
/// replace), keeping the task list. Not a unit test: timings depend on the machine and its
/// load, which is why the baseline names the machine it was measured on.
enum CheckBenchmark {
  static let command = BenchCommand(
    name: "check",
    usage:
      "check <baseline.json> [--crampstat PATH] [--runs N] [--tolerance F] [--only NAME] [--write]",
    summary:
      "Runs the baseline's crampstat commands (best of N) and fails when one is >25% slower.",
    run: run)

  struct Task {
    var name: String
    var arguments: [String]
    var best: Double?
  }

  static func run(_ arguments: [String]) throws -> Int32 {
    let args = try BenchArguments(
      arguments, valued: ["--crampstat", "--runs", "--tolerance", "--only"])
    guard let path = args.positionals.first else {
      throw BenchFailure("check needs the baseline file: check Benchmarks/baseline.json")
    }
    let binary = args.value("--crampstat") ?? ".build/release/crampstat"
    guard access(binary, X_OK) == 0 else {
      throw BenchFailure("no executable at \(binary); run 'swift build -c release' first")
    }
    var baseline = try read(path)
    let runs = try args.integer("--runs", default: baseline.runs)
    let tolerance =
      try args.value("--tolerance").map { text -> Double in
        guard let value = Double(text), value >= 0 else {
          throw BenchFailure("--tolerance needs a number >= 0, not '\(text)'")
        }
        return value
      } ?? 0.25
    let only = args.value("--only")
    var table = TextTable(["task", "baseline s", "best s", "ratio", "verdict"])
    var failed = 0
    for (k, task) in baseline.tasks.enumerated() where only == nil || task.name == only {
      var times: [Double] = []
      for run in 0...runs {
        let start = Measure.now()
        let status = try spawn(binary, task.arguments)
        guard status == 0 else {
          throw BenchFailure(
            "task '\(task.name)' exited with status \(status): crampstat \(task.arguments.joined(separator: " "))"
          )
        }
        if run > 0 { times.append(Measure.now() - start) }
      }
      let best = Timing(times).best
      if args.has("--write") {
        baseline.tasks[k].best = best
        table.append([task.name, "-", fixed(best, 3), "-", "measured"])
        continue
      }
      guard let reference = task.best, reference > 0 else {
        table.append([task.name, "-", fixed(best, 3), "-", "no baseline"])
        continue
      }
      let ratio = best / reference
      let slow = ratio > 1 + tolerance
      if slow { failed += 1 }
      table.append([
        task.name, fixed(reference, 3), fixed(best, 3), fixed(ratio, 2),
        slow ? "SLOWER (over +\(fixed(100 * tolerance, 0))%)" : "ok",
      ])
    }
    print("crampstat \(binary), best of \(runs) runs; baseline: \(baseline.machine)")
    print(table.render())
    if args.has("--write") {
      baseline.runs = runs
      try write(baseline, to: path)
      print("wrote \(path)")
      return 0
    }
    if failed > 0 {
      printError(
        "\(failed) task\(failed == 1 ? "" : "s") more than \(fixed(100 * tolerance, 0))% slower than \(path)"
      )
      return 1
    }
    return 0
  }

  struct Baseline {
    var machine: String
    var note: String
    var runs: Int
    var tasks: [Task]
  }

  static func read(_ path: String) throws -> Baseline {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw BenchFailure("cannot read \(path)")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let tasks = object["tasks"] as? [[String: Any]]
    else {
      throw BenchFailure("\(path): not a baseline (an object with a 'tasks' list)")
    }
    var parsed: [Task] = []
    for (k, task) in tasks.enumerated() {
      guard let name = task["name"] as? String, let command = task["command"] as? [String],
        !command.isEmpty
      else {
        throw BenchFailure("\(path): task \(k + 1) needs a 'name' and a 'command' list")
      }
      parsed.append(Task(name: name, arguments: command, best: task["best_seconds"] as? Double))
    }
    return Baseline(
      machine: object["machine"] as? String ?? "unknown machine",
      note: object["note"] as? String ?? "", runs: object["runs"] as? Int ?? 5, tasks: parsed)
  }

  static func write(_ baseline: Baseline, to path: String) throws {
    let object: [String: Any] = [
      "machine": baseline.machine, "note": baseline.note, "runs": baseline.runs,
      "tasks": baseline.tasks.map { task -> [String: Any] in
        var entry: [String: Any] = ["name": task.name, "command": task.arguments]
        if let best = task.best { entry["best_seconds"] = (best * 1000).rounded() / 1000 }
        return entry
      },
    ]
    let data = try JSONSerialization.data(
      withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
  }

  /// Runs `path` with `arguments` (standard output discarded) and returns its exit status.
  static func spawn(_ path: String, _ arguments: [String]) throws -> Int32 {
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
    guard waitpid(pid, &exitStatus, 0) == pid else {
      throw BenchFailure("lost track of \(path)")
    }
    // WIFEXITED / WEXITSTATUS: the low 7 bits are the signal, the next 8 the exit code.
    return exitStatus & 0x7f == 0 ? (exitStatus >> 8) & 0xff : 128 + (exitStatus & 0x7f)
  }
}
