import Foundation
import Testing
import _TestSupport

/// `--save-model` of a random-intercept logistic model and `crampstat risk`: the marginal
/// risk of a new patient is checked against an independent numerical integral over the
/// random effect, the conditional risk against the patient's mode written by `--ranef`.
@Suite("risk from a mixed logistic model")
struct MixedRiskCommandTests {
  static let data = fixturePath("Reference/data/logistic_diary.csv")
  static let formula = "cramp ~ age_over_50 + dialysis + (1 | patient_id)"

  struct Saved {
    var model: [String: Any]
    var ranef: String
    var path: String
  }

  static func saved(_ extra: [String] = []) throws -> Saved {
    let path = try TemporaryFile.path("mixed.json")
    let ranef = try TemporaryFile.path("ranef.csv")
    let out = runCLI(
      ["logit", data, "--formula", formula, "--save-model", path, "--ranef", ranef, "--quiet"]
        + extra)
    #expect(out.status == 0, "\(out.err)")
    return Saved(
      model: try RiskCommandTests.object(try TemporaryFile.read(path)),
      ranef: try TemporaryFile.read(ranef), path: path)
  }

  /// `E g(eta + s Z)` by Simpson's rule on a fine grid (independent of the Gauss-Hermite code).
  static func normalAverage(_ f: (Double) -> Double) -> Double {
    let n = 4000
    let h = 16.0 / Double(n)
    var total = 0.0
    for i in 0...n {
      let z = -8 + Double(i) * h
      let weight: Double = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2)
      total += weight * f(z) * exp(-z * z / 2) / (2 * Double.pi).squareRoot()
    }
    return total * h / 3
  }

  @Test("the saved file holds Sigma and every patient's mode, equal to --ranef")
  func savedRandomEffects() throws {
    let s = try Self.saved()
    let random = try #require(s.model["random_effects"] as? [String: Any])
    #expect(random["group"] as? String == "patient_id")
    #expect(random["link"] as? String == "logit")
    #expect(random["terms"] as? [String] == ["(Intercept)"])
    let modes = try #require(random["modes"] as? [String: [Double]])
    let lines = s.ranef.split(separator: "\n").dropFirst()
    #expect(modes.count == lines.count)
    for line in lines {
      let fields = line.split(separator: ",").map(String.init)
      let mode = try #require(Double(fields[3]))
      // Foundation's JSONSerialization does not round decimal text correctly in the last
      // bit, so the file's mode is compared to a few ulps.
      let saved = try #require(modes[fields[0]]?.first)
      #expect(abs(saved - mode) <= 4 * mode.ulp, "mode of \(fields[0])")
    }
    let sigma = try #require(random["covariance"] as? [[Double]])
    #expect(sigma.count == 1 && sigma[0][0] > 0)
  }

  @Test("a new patient: risks are averages over N(0, sigma^2) of the conditional risks")
  func marginalRisk() throws {
    let s = try Self.saved()
    let random = try #require(s.model["random_effects"] as? [String: Any])
    let sigma = try #require((random["covariance"] as? [[Double]])?.first?.first).squareRoot()
    let json = try RiskCommandTests.risk([
      "--model", s.path, "--patient", "age_over_50=1,dialysis=1",
    ])
    let patient = try #require(json["patient"] as? [String: Any])
    #expect(patient["random_effect"] as? String == "marginal")
    let eta = try #require(patient["linear_predictor"] as? Double)
    let se = try #require(patient["linear_predictor_std_error"] as? Double)
    let nightly = { (e: Double) in Self.normalAverage { RiskCommandTests.expit(e + sigma * $0) } }
    let week = RiskCommandTests.number(patient["expected_per_week"], "estimate")
    #expect(RiskCommandTests.close(week, 7 * nightly(eta), Tolerance.quadrature))
    let low = RiskCommandTests.number(patient["expected_per_week"], "conf_low")
    #expect(
      RiskCommandTests.close(
        low, 7 * nightly(eta - RiskCommandTests.z * se), Tolerance.quadrature))
    let horizons = try #require(patient["horizons"] as? [[String: Any]])
    for h in horizons {
      let k = try #require(h["nights"] as? Int)
      let expected =
        1 - Self.normalAverage { pow(1 - RiskCommandTests.expit(eta + sigma * $0), Double(k)) }
      let p = RiskCommandTests.number(h["probability"], "estimate")
      #expect(RiskCommandTests.close(p, expected, Tolerance.quadrature), "P\(k)")
      // Shared effects make k nights less likely to all be free than independent nights.
      let independent = 1 - pow(1 - nightly(eta), Double(k))
      #expect((p ?? 1) < independent)
    }
  }

  @Test("a training patient: p = expit(x'b + b_i) with that patient's mode")
  func conditionalRisk() throws {
    let s = try Self.saved()
    let random = try #require(s.model["random_effects"] as? [String: Any])
    let modes = try #require(random["modes"] as? [String: [Double]])
    let id = try #require(modes.keys.sorted().first)
    let b = try #require(modes[id]?.first)
    let json = try RiskCommandTests.risk([
      "--model", s.path, "--patient", "age_over_50=0,dialysis=1", "--patient-id", id,
    ])
    let patient = try #require(json["patient"] as? [String: Any])
    #expect(patient["random_effect"] as? String == "conditional")
    #expect(patient["random_effect_group"] as? String == id)
    let eta = try #require(patient["linear_predictor"] as? Double)
    let p = RiskCommandTests.expit(eta + b)
    let horizons = try #require(patient["horizons"] as? [[String: Any]])
    for h in horizons {
      let k = Double(try #require(h["nights"] as? Int))
      let value = RiskCommandTests.number(h["probability"], "estimate")
      #expect(RiskCommandTests.close(value, 1 - pow(1 - p, k), 1e-12))
    }
    let week = RiskCommandTests.number(patient["expected_per_week"], "estimate")
    #expect(RiskCommandTests.close(week, 7 * p, 1e-12))
  }

  @Test("--patients: a training id uses its mode, a new id the marginal risk")
  func batchScoring() throws {
    let s = try Self.saved()
    let random = try #require(s.model["random_effects"] as? [String: Any])
    let modes = try #require(random["modes"] as? [String: [Double]])
    let id = try #require(modes.keys.sorted().first)
    let file = try TemporaryFile.write(
      "patient_id,age_over_50,dialysis\n\(id),1,0\nNEW001,1,0\n", name: "patients.csv")
    let out = runCLI(["risk", "--model", s.path, "--patients", file, "--quiet"])
    #expect(out.status == 0, "\(out.err)")
    let lines = out.out.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasSuffix(",random_effect") == true)
    #expect(lines.count == 3)
    #expect(lines[1].hasPrefix(id + ",") && lines[1].hasSuffix(",conditional"))
    #expect(lines[2].hasPrefix("NEW001,") && lines[2].hasSuffix(",marginal"))
  }

  @Test("an unknown --patient-id, or --patient-id on a model without random effects, is refused")
  func refusals() throws {
    let s = try Self.saved()
    let unknown = runCLI([
      "risk", "--model", s.path, "--patient", "dialysis=1", "--patient-id", "NOPE",
    ])
    #expect(unknown.status == 64)
    #expect(unknown.err.contains("patient_id 'NOPE' is not in the model's training data"))
    let plain = try RiskCommandTests.logisticModel()
    let out = runCLI(["risk", "--model", plain, "--patient", "dialysis=1", "--patient-id", "P1"])
    #expect(out.status == 64)
    #expect(out.err.contains("has none"))
  }

  @Test("a cloglog mixed model saves its link; risk labels hazard ratios")
  func cloglogLink() throws {
    let s = try Self.saved(["--link", "cloglog"])
    let random = try #require(s.model["random_effects"] as? [String: Any])
    #expect(random["link"] as? String == "cloglog")
    let out = runCLI(["risk", "--model", s.path, "--patient", "dialysis=1", "--quiet"])
    #expect(out.status == 0, "\(out.err)")
    #expect(out.out.contains("Hazard ratios (95% CI"))
  }
}
