import Foundation
import Testing

/// `crampstat survreg` end to end: the summary(survreg) text, the JSON, predictions, and the
/// refusals of data it cannot fit (each with its exit code and the data line at fault).
@Suite("survreg command")
struct SurvregCommandTests {
  static let lung = fixturePath("Reference/data/survreg_lung.csv")
  static let formula = "Surv(time, status) ~ age + sex + ph_ecog"
  /// The same file relative to the repository, for snapshots that print the path.
  static let relativeLung = "Tests/Reference/data/survreg_lung.csv"

  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test("text as summary(survreg): Weibull, hazard ratios and a profile's prediction")
  func weibullText() {
    let r = runCLI(
      [
        "survreg", Self.relativeLung, "--formula", Self.formula, "--predict", "age=60,sex=2",
        "--times", "100,365",
      ], cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("Loglik(model)= -1132.4   Loglik(intercept only)= -1147.4"))
    #expect(r.out.contains("Chisq= 29.98 on 3 degrees of freedom, p= 1.4e-06"))
    assertSnapshot(r.out, named: "survreg-lung-weibull.txt")
  }

  @Test("text with cluster(): Std. Err beside (Naive SE), as R")
  func robustText() {
    let r = runCLI(
      [
        "survreg", Self.relativeLung, "--formula", Self.formula + " + cluster(inst_group)",
        "--dist", "lognormal",
      ], cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("(Naive SE)"))
    #expect(r.out.contains("(Loglikelihood assumes independent observations)"))
    assertSnapshot(r.out, named: "survreg-lung-cluster.txt")
  }

  @Test("JSON: common coefficient keys, scales per stratum, R's values")
  func json() throws {
    let r = runCLI([
      "survreg", Self.lung, "--formula", "Surv(time, status) ~ age + ph_ecog + strata(sex)",
      "--format", "json", "--predict", "sex=2,age=60", "--times", "100",
    ])
    #expect(r.status == 0, "\(r.err)")
    let o = try Self.object(r.out)
    #expect(o["distribution"] as? String == "weibull")
    #expect(o["iterations"] as? Int == 5)
    let coefficients = try #require(o["coefficients"] as? [[String: Any]])
    #expect(coefficients.map { $0["term"] as? String } == ["(Intercept)", "age", "ph_ecog"])
    // R: survreg(Surv(time, status) ~ age + ph_ecog + strata(sex), data = lung): 6.73234505.
    let intercept = try #require(coefficients[0]["estimate"] as? Double)
    #expect(abs(intercept - 6.73234505209454) < 1e-9)
    let scales = try #require(o["scales"] as? [[String: Any]])
    #expect(scales.map { $0["term"] as? String } == ["sex=1", "sex=2"])
    let prediction = try #require(o["prediction"] as? [String: Any])
    #expect(prediction["stratum"] as? String == "sex=2")
    #expect((prediction["quantiles"] as? [Any])?.count == 3)
  }

  @Test("refusals: status, non-positive time, (start, stop], fixed scale with strata")
  func refusals() throws {
    let badStatus = try TemporaryFile.write("time,status,x\n5,1,0\n3,3,1\n4,1,1\n7,1,0\n")
    var r = runCLI(["survreg", badStatus, "--formula", "Surv(time, status) ~ x"])
    #expect(r.status == 65)
    #expect(r.err.contains(":3: column 'status': status '3' is not 0/1"), "\(r.err)")
    let zeroTime = try TemporaryFile.write("time,status,x\n5,1,0\n3,0,1\n0,1,1\n7,1,0\n2,1,1\n")
    r = runCLI(["survreg", zeroTime, "--formula", "Surv(time, status) ~ x"])
    #expect(r.status == 65)
    #expect(r.err.contains(":4: column 'time': time 0 is not positive"), "\(r.err)")
    r = runCLI(["survreg", zeroTime, "--formula", "Surv(time, status) ~ x", "--dist", "gaussian"])
    #expect(r.status == 0, "\(r.err)")
    r = runCLI(["survreg", zeroTime, "--formula", "Surv(x, time, status) ~ 1"])
    #expect(r.status == 64)
    #expect(r.err.contains("right-censored data only"), "\(r.err)")
    r = runCLI([
      "survreg", Self.lung, "--formula", "Surv(time, status) ~ age + strata(sex)", "--dist",
      "exponential",
    ])
    #expect(r.status == 64)
    #expect(r.err.contains("fixed scale"), "\(r.err)")
  }

  @Test("out of iterations: R's warning, and a failure with --strict")
  func nonConvergence() {
    var r = runCLI(["survreg", Self.lung, "--formula", Self.formula, "--max-iterations", "2"])
    #expect(r.status == 0)
    #expect(r.err.contains("Warning: Ran out of iterations and did not converge"), "\(r.err)")
    r = runCLI([
      "survreg", Self.lung, "--formula", Self.formula, "--max-iterations", "2", "--strict",
    ])
    #expect(r.status == 65)
  }
}
