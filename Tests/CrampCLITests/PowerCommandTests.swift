import Foundation
import Testing

@Suite("crampstat power")
struct PowerCommandTests {
  @Test("first-cramp sample size with a curve: text snapshot")
  func firstCrampText() {
    let r = runCLI([
      "power", "--outcome", "first-cramp", "--hazard-ratio", "0.7", "--event-probability",
      "0.6", "--curve", "100:600:50", "--ascii",
    ])
    #expect(r.status == 0)
    #expect(r.err.isEmpty)
    assertSnapshot(r.out, named: "power_first_cramp.txt")
  }

  @Test("counts and nightly: text snapshots")
  func otherOutcomes() {
    let counts = runCLI([
      "power", "--outcome", "counts", "--rate-ratio", "0.7", "--control-rate", "0.1",
      "--dispersion", "0.5", "--nights", "28",
    ])
    #expect(counts.status == 0)
    assertSnapshot(counts.out, named: "power_counts.txt")
    let nightly = runCLI([
      "power", "--outcome", "nightly", "--p0", "0.3", "--p1", "0.2", "--icc", "0.1",
      "--nights-per-patient", "28", "--n", "100",
    ])
    #expect(nightly.status == 0)
    assertSnapshot(nightly.out, named: "power_nightly.txt")
  }

  /// JSON of a Schoenfeld and a Freedman design.
  ///
  /// Schoenfeld, HR 0.5, two-sided 5%, 80%: d = 65.3457 events; event probability 0.6 gives
  /// N = 108.909, 55 per arm. Freedman gives 70.6399 events.
  @Test("JSON values")
  func json() throws {
    let r = runCLI([
      "power", "--outcome", "first-cramp", "--hazard-ratio", "0.5", "--event-probability", "0.6",
      "--format", "json",
    ])
    #expect(r.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    #expect(object["command"] as? String == "power")
    #expect(object["outcome"] as? String == "first_cramp")
    #expect(object["n_events"] as? Int == 66)
    #expect(object["n_patients"] as? Int == 110)
    #expect(object["n_control"] as? Int == 55)
    let events = try #require(object["events_exact"] as? Double)
    #expect(abs(events - 65.3456592588709) < 1e-10)
    #expect((object["reference"] as? String)?.hasPrefix("Schoenfeld (1983)") == true)
    let freedman = runCLI([
      "power", "--outcome", "first-cramp", "--method", "freedman", "--hazard-ratio", "0.5",
      "--format", "json",
    ])
    let f = try #require(
      try JSONSerialization.jsonObject(with: Data(freedman.out.utf8)) as? [String: Any])
    let freedmanEvents = try #require(f["events_exact"] as? Double)
    #expect(abs(freedmanEvents - 70.63991760914178) < 1e-10)
    #expect(f["n_patients"] == nil)
  }

  @Test("power for a size, and the curve agree")
  func powerForSize() throws {
    let r = runCLI([
      "power", "--outcome", "counts", "--rate-ratio", "0.7", "--control-rate", "0.1",
      "--dispersion", "0.5", "--nights", "28", "--n", "200", "--curve", "200:200:1",
      "--format", "json",
    ])
    #expect(r.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    let power = try #require(object["power"] as? Double)
    let curve = try #require(object["curve"] as? [[String: Any]])
    #expect(curve.count == 1)
    #expect(curve.first?["power"] as? Double == power)
    #expect(power > 0.7 && power < 0.8)
  }

  @Test(
    "bad input is a usage error with a clear message",
    arguments: [
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "0.7", "--power", "1.5"],
        "Error: '--power' must be in (0, 1), not 1.5."
      ),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "0.7", "--power", "0"],
        "Error: '--power' must be in (0, 1), not 0."
      ),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "1"],
        "Error: '--hazard-ratio' gives no difference between the arms"
      ),
      (
        [
          "--outcome", "counts", "--rate-ratio", "0.7", "--control-rate", "0.1", "--nights",
          "28", "--dispersion", "-0.2",
        ],
        "Error: '--dispersion' must be in [0, infinity), not -0.2."
      ),
      (["--hazard-ratio", "0.7"], "Error: Missing '--outcome <outcome>'"),
      (["--outcome", "counts", "--rate-ratio", "0.7"], "needs '--control-rate <value>'."),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "0.7", "--n", "100"],
        "'--n' and '--curve' with first-cramp need '--event-probability <p>'."
      ),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "0.7", "--n", "100", "--power", "0.8"],
        "Give '--power' or '--n', not both."
      ),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "abc"],
        "'--hazard-ratio' needs a number, not 'abc'."
      ),
      (
        ["--outcome", "nightly", "--p0", "0.3", "--p1", "0.2", "--nights-per-patient", "0"],
        "'--nights-per-patient' must be in [1, 1e6], not 0."
      ),
      (
        [
          "--outcome", "nightly", "--p0", "0.3", "--p1", "0.2", "--nights-per-patient", "28",
          "--allocation", "0.3",
        ],
        "'--outcome nightly' is 1:1, as power.prop.test: '--allocation' must be 0.5, not 0.3."
      ),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "0.7", "--curve", "10:5:1"],
        "'--curve' needs a:b:step"
      ),
      (
        ["--outcome", "first-cramp", "--hazard-ratio", "1.0000000001"],
        "more than 1e9"
      ),
    ])
  func badInput(arguments: [String], message: String) {
    let r = runCLI(["power"] + arguments)
    #expect(r.status == 64)
    #expect(r.err.contains(message), "stderr: \(r.err)")
    #expect(r.out.isEmpty)
  }

  @Test("help states the references")
  func help() {
    let r = runCLI(["power", "--help"])
    #expect(r.status == 0)
    for reference in ["Schoenfeld (1983)", "Freedman", "Zhu and Lakkis (2014)", "power.prop.test"] {
      #expect(r.out.contains(reference))
    }
  }
}
