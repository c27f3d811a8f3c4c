import Foundation
import Testing

@Suite("crampstat power --design crossover|nof1")
struct PowerCrossoverCommandTests {
  static func json(_ arguments: [String]) throws -> [String: Any] {
    let r = runCLI(arguments + ["--format", "json"])
    #expect(r.status == 0, "\(r.err)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
  }

  /// By hand: d = 1, sd = 2, 80%, two-sided 5%: parallel N = 16 z^2 = 125.582; the AB/BA
  /// crossover at rho = 0.5 needs a quarter, 31.3955, so 16 patients per sequence.
  @Test("continuous crossover by hand")
  func continuousCrossover() throws {
    let o = try Self.json([
      "power", "--outcome", "continuous", "--difference", "1", "--sd", "2", "--design",
      "crossover", "--within-correlation", "0.5",
    ])
    #expect(o["design"] as? String == "crossover")
    #expect(abs((o["n_parallel_exact"] as? Double ?? 0) - 125.58207574958537) < 1e-9)
    #expect(abs((o["n_exact"] as? Double ?? 0) - 31.395518937396343) < 1e-9)
    #expect(o["n_patients"] as? Int == 32)
    #expect(o["n_control"] as? Int == 16)
  }

  /// The N-of-1 size is the parallel size times (1 - rho) / (2 k), and its power at that
  /// size is the parallel power at the parallel size.
  @Test("nof1 counts: factor and power round trip")
  func nof1Counts() throws {
    let counts = [
      "power", "--outcome", "counts", "--rate-ratio", "0.7", "--control-rate", "0.1",
      "--dispersion", "0.5", "--nights", "28",
    ]
    let parallel = try Self.json(counts + ["--n", "200"])
    let nof1 = try Self.json(
      counts + ["--design", "nof1", "--within-correlation", "0.3", "--pairs", "2"])
    let factor = try #require(nof1["design_factor"] as? Double)
    #expect(abs(factor - 0.7 / 4) < 1e-15)
    let exact = try #require(nof1["n_exact"] as? Double)
    let parallelExact = try #require(nof1["n_parallel_exact"] as? Double)
    #expect(abs(exact - parallelExact * factor) < 1e-9)
    let atSize = try Self.json(
      counts + [
        "--design", "nof1", "--within-correlation", "0.3", "--pairs", "2", "--n", "35",
      ])
    #expect(
      abs((atSize["power"] as? Double ?? 0) - (parallel["power"] as? Double ?? 1)) < 1e-12)
  }

  @Test(
    "usage errors name the option",
    arguments: [
      (["--outcome", "first-cramp", "--hazard-ratio", "0.7"], "does not apply to first-cramp"),
      (
        ["--outcome", "continuous", "--difference", "1", "--sd", "2"],
        "needs '--within-correlation <rho>'"
      ),
    ])
  func usageErrors(extra: [String], message: String) {
    let r = runCLI(["power", "--design", "crossover"] + extra)
    #expect(r.status == 64)
    #expect(r.err.contains(message), "\(r.err)")
  }

  @Test("crossover options need the design, and the design 1:1")
  func optionErrors() {
    let a = runCLI([
      "power", "--outcome", "continuous", "--difference", "1", "--sd", "2",
      "--within-correlation", "0.5",
    ])
    #expect(a.status == 64)
    #expect(a.err.contains("'--within-correlation' applies to '--design crossover'"))
    let b = runCLI([
      "power", "--outcome", "continuous", "--difference", "1", "--sd", "2", "--design",
      "crossover", "--within-correlation", "0.5", "--allocation", "0.6",
    ])
    #expect(b.status == 64)
    #expect(b.err.contains("'--allocation' must be 0.5"))
    let c = runCLI([
      "power", "--outcome", "continuous", "--difference", "1", "--sd", "2", "--design",
      "crossover", "--within-correlation", "1",
    ])
    #expect(c.status == 64)
    #expect(c.err.contains("'--within-correlation' must be in [0, 1)"), "\(c.err)")
    let d = runCLI(["power", "--outcome", "counts", "--sizes", "10,20"])
    #expect(d.status == 64)
    #expect(d.err.contains("'--sizes' applies to '--simulate N' only"))
  }
}
