import Foundation
import Testing

@Suite("crampstat power --simulate")
struct PowerSimulateCommandTests {
  static let negbinWorld = [
    "power", "--simulate", "200", "--preset", "negbin", "--rate-ratio", "0.6",
    "--control-rate", "0.1", "--dispersion", "0.5", "--nights", "28", "--sizes", "24,60",
  ]

  @Test("negbin world: text snapshot with the power curve")
  func text() {
    let r = runCLI(Self.negbinWorld + ["--ascii"])
    #expect(r.status == 0)
    #expect(r.err.isEmpty)
    assertSnapshot(r.out, named: "power_simulate_negbin.txt")
  }

  /// Power is rejections / R, its SE sqrt(p (1 - p) / R), and the closed-form column is the
  /// same number `power --outcome counts --n` prints for each size.
  @Test("JSON: power, Monte Carlo SE and the closed form beside it")
  func json() throws {
    let r = runCLI(Self.negbinWorld + ["--format", "json"])
    #expect(r.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    #expect(object["replicates"] as? Int == 200)
    #expect(object["preset"] as? String == "negbin")
    let curve = try #require(object["curve"] as? [[String: Any]])
    #expect(curve.count == 2)
    for row in curve {
      let n = try #require(row["n_patients"] as? Int)
      let rejections = try #require(row["rejections"] as? Int)
      let power = try #require(row["power"] as? Double)
      #expect(power == Double(rejections) / 200)
      let se = try #require(row["monte_carlo_std_error"] as? Double)
      // JSON carries 17 significant digits: equal to the last place.
      #expect(abs(se - (power * (1 - power) / 200).squareRoot()) <= 1e-16)
      let closed = runCLI([
        "power", "--outcome", "counts", "--rate-ratio", "0.6", "--control-rate", "0.1",
        "--dispersion", "0.5", "--nights", "28", "--n", String(n), "--format", "json",
      ])
      let c = try #require(
        try JSONSerialization.jsonObject(with: Data(closed.out.utf8)) as? [String: Any])
      #expect(row["closed_form_power"] as? Double == c["power"] as? Double)
      #expect(abs(power - (c["power"] as? Double ?? -1)) < 4 * se)
    }
  }

  /// Replicates run on worker threads; the output must be the same bytes for 1 and 2
  /// (`CRAMPSTAT_THREADS` is read once per process, so this runs the built executable).
  @Test("bit-identical output for 1 and 2 threads", arguments: ["trial", "negbin"])
  func threads(preset: String) throws {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0])
      .deletingLastPathComponent().appendingPathComponent("crampstat")
    let fallback = URL(fileURLWithPath: repositoryPath(".build/debug/crampstat"))
    let path = [executable, fallback].first {
      FileManager.default.isExecutableFile(atPath: $0.path)
    }
    let binary = try #require(path, "build the crampstat executable first (swift build)")
    var arguments = [
      "power", "--simulate", "60", "--preset", preset, "--rate-ratio", "0.6", "--sizes",
      "20,40", "--format", "json",
    ]
    if preset == "negbin" {
      arguments += ["--control-rate", "0.2", "--dispersion", "0.8", "--nights", "28"]
    }
    func run(_ threads: String) throws -> String {
      let process = Process()
      process.executableURL = binary
      process.arguments = arguments
      var environment = ProcessInfo.processInfo.environment
      environment["CRAMPSTAT_THREADS"] = threads
      process.environment = environment
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      return String(decoding: data, as: UTF8.self)
    }
    let one = try run("1")
    let two = try run("2")
    #expect(one.contains("\"monte_carlo_std_error\""))
    #expect(one == two)
  }

  @Test(
    "usage errors name the option",
    arguments: [
      (["--power", "0.8"], "does not search for a size ('--power')"),
      (["--preset", "nof1", "--nights", "168"], "an N-of-1 patient takes both"),
      (["--sizes", "20,x"], "'--sizes' needs up to 50 whole numbers"),
      (["--sizes", "2"], "'--sizes' needs total sizes from 4 to 100000 patients"),
      (["--outcome", "nightly"], "applies to the closed forms only"),
      (["--preset", "negbin", "--nights", "28"], "'--simulate' needs '--control-rate <value>'"),
      (["--preset", "negbin"], "'--preset negbin' needs '--nights <t>'"),
    ])
  func usageErrors(extra: [String], message: String) {
    let r = runCLI(["power", "--simulate", "10", "--rate-ratio", "0.7"] + extra)
    #expect(r.status == 64)
    #expect(r.err.contains(message), "\(r.err)")
  }

  /// The output says where the closed form's assumptions fail: on the trial preset the
  /// cap and adherence; in the negbin world nowhere.
  @Test("assumptions: the cap on the trial preset, none in the negbin world")
  func assumptions() throws {
    func list(_ arguments: [String]) throws -> [String] {
      let r = runCLI(arguments + ["--format", "json"])
      #expect(r.status == 0, "\(r.err)")
      let o = try #require(
        try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
      return try #require(o["assumptions"] as? [String])
    }
    let trial = try list(["power", "--simulate", "4", "--rate-ratio", "0.5", "--sizes", "8"])
    #expect(trial.contains { $0.contains("capped at 3 cramps") })
    #expect(trial.contains { $0.contains("85% adherence") })
    let world = try list(Self.negbinWorld.map { $0 == "200" ? "4" : $0 })
    #expect(world.count == 1)
    #expect(world.first?.hasPrefix("none by construction") == true)
  }

  /// Replicates with no fit are warnings naming the count; '--strict' makes them exit 65.
  @Test("failed replicates: warning, and --strict fails")
  func failedReplicates() {
    let arguments = [
      "power", "--simulate", "20", "--preset", "negbin", "--rate-ratio", "0.5",
      "--control-rate", "0.01", "--nights", "2", "--sizes", "4",
    ]
    let r = runCLI(arguments)
    #expect(r.status == 0)
    #expect(r.err.contains("replicates at 4 patients could not be fitted"))
    let strict = runCLI(arguments + ["--strict"])
    #expect(strict.status == 65)
    #expect(strict.err.contains("--strict:"))
  }

  @Test("a missing rate ratio is a usage error")
  func missingRateRatio() {
    let r = runCLI(["power", "--simulate", "10"])
    #expect(r.status == 64)
    #expect(r.err.contains("'--simulate' needs '--rate-ratio <value>'"))
  }
}
