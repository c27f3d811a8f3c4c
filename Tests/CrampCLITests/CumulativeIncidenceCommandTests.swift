import Foundation
import Testing
import _TestSupport

/// `crampstat cif`: wiring against Tests/Reference/competing.json, golden text, bad input.
///
/// Tolerance: 1e-10 relative, as the engine's own tests (SurvivalTests).
@Suite("crampstat cif")
struct CumulativeIncidenceCommandTests {
  static let teaching = "Tests/Reference/data/competing_teaching.csv"

  static func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= 1e-10 * max(abs(b), 1e-300)
  }

  @Test("JSON on mgus2 equals survfit's pstate and std.err and cuminc's Gray test")
  func mgus2JSON() throws {
    // R: survfit(Surv(time, factor(status)) ~ group, data = mgus2 recoded); cuminc(...)
    let root = try Fixture.json("competing.json")
    let cases = try #require(root["cases"] as? [[String: Any]])
    let r = try #require(cases.first { $0["name"] as? String == "mgus2" })
    let out = runCLI(
      [
        "cif", "Tests/Reference/data/competing_mgus2.csv", "--formula",
        "Surv(time, status) ~ group", "--format", "json",
      ], cwd: repositoryPath(""))
    #expect(out.status == 0, "\(out.err)")
    let j = try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
    let strata = try #require(j["strata"] as? [[String: Any]])
    let curves = try #require(r["curves"] as? [[String: Any]])
    #expect(strata.count == curves.count)
    for (ours, theirs) in zip(strata, curves) {
      let steps = try #require(ours["steps"] as? [[String: Any]])
      let pstate = try #require(theirs["pstate"] as? [[Double]])
      let se = try #require(theirs["std_err"] as? [[Double]])
      #expect(steps.count == pstate[0].count)
      for (t, step) in steps.enumerated() {
        #expect(Self.close(step["survival"] as? Double, pstate[0][t]))
        let causes = try #require(step["causes"] as? [[String: Any]])
        for (c, cause) in causes.enumerated() {
          #expect(Self.close(cause["estimate"] as? Double, pstate[c + 1][t]))
          #expect(Self.close(cause["std_error"] as? Double, se[c + 1][t]))
        }
      }
    }
    let gray = try #require((j["tests"] as? [String: Any])?["gray"] as? [[String: Any]])
    let rGray = try #require(r["gray"] as? [[String: Any]])
    for (a, b) in zip(gray, rGray) {
      #expect(Self.close(a["statistic"] as? Double, try #require(b["statistic"] as? Double)))
    }
  }

  @Test("golden text: teaching first cramp vs dropout, with a cause that has no events")
  func golden() {
    let r = runCLI(
      [
        "cif", Self.teaching, "--formula", "Surv(time, status) ~ group", "--causes",
        "1=cramp,2=delivery,3=dropout", "--times", "30,60,90",
      ], cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    #expect(r.err.contains("Warning: delivery has no events"))
    assertSnapshot(r.out, named: "cif-teaching.txt")
  }

  @Test("a non-integer or negative status is a data error naming file, line and column")
  func badStatus() throws {
    let path = try TemporaryFile.write("time,event_type,g\n1,0,a\n2,1,a\n3,1.5,b\n4,2,b\n")
    let r = runCLI(["cif", path, "--formula", "Surv(time, event_type) ~ g"])
    #expect(r.status == 65)
    #expect(r.err.contains("\(path):4: column 'event_type': 1.5 is not 0"), "\(r.err)")
  }

  @Test("no event at all is a data error; a bad --causes a usage error")
  func noEvents() throws {
    let path = try TemporaryFile.write("time,event_type\n1,0\n2,0\n")
    #expect(runCLI(["cif", path, "--formula", "Surv(time, event_type) ~ 1"]).status == 65)
    let other = try TemporaryFile.write("time,event_type\n1,1\n2,0\n")
    let r = runCLI([
      "cif", other, "--formula", "Surv(time, event_type) ~ 1", "--causes", "0=none",
    ])
    #expect(r.status == 64)
  }

  @Test("finegray JSON on mgus2 equals finegray() + coxph(weights = fgwt)", arguments: [1, 2])
  func fineGray(cause: Int) throws {
    let root = try Fixture.json("competing_finegray.json")
    let cases = try #require(root["cases"] as? [[String: Any]])
    let r = try #require(cases.first { $0["cause"] as? Int == cause })
    let out = runCLI(
      [
        "finegray", "Tests/Reference/data/competing_finegray_mgus2.csv", "--formula",
        "Surv(time, status) ~ age + male + hgb", "--cause", String(cause), "--format", "json",
      ], cwd: repositoryPath(""))
    #expect(out.status == 0, "\(out.err)")
    let j = try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
    #expect(j["n_expanded"] as? Int == r["n_expanded"] as? Int)
    let rows = try #require(j["coefficients"] as? [[String: Any]])
    let estimates = try #require(r["estimate"] as? [Double])
    let se = try #require(r["std_error"] as? [Double])
    for (i, row) in rows.enumerated() {
      #expect(abs((row["estimate"] as? Double ?? .nan) - estimates[i]) <= 1e-8 * abs(estimates[i]))
      #expect(abs((row["std_error"] as? Double ?? .nan) - se[i]) <= 1e-8 * se[i])
    }
  }

  @Test("finegray for a cause with no events is a data error naming the causes present")
  func fineGrayNoEvents() {
    let r = runCLI(
      [
        "finegray", Self.teaching, "--formula", "Surv(time, status) ~ group", "--cause", "2",
      ], cwd: repositoryPath(""))
    #expect(r.status == 65)
    #expect(r.err.contains("cause 2 has no events"), "\(r.err)")
    #expect(r.err.contains("causes with events: 1, 3"), "\(r.err)")
  }
}
