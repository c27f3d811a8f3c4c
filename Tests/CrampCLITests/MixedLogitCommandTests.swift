import Foundation
import Testing

/// `crampstat logit` with a random-effects term: the wiring (formula split, options, JSON
/// contract of issue 11, `--ranef`, refusals) on lme4::cbpp expanded to 0/1 rows
/// (Tests/Reference/glmer.json, model `cbpp_laplace`; MixedModelsTests checks the numbers).
@Suite("logit with (1 | group) as glmer")
struct MixedLogitCommandTests {
  static let data = fixturePath("Reference/data/glmer_cbpp.csv")
  static let formula = "y ~ factor(period) + (1 | herd)"

  static func model(_ name: String) throws -> [String: Any] {
    let reference = try ModelCommandTests.reference("glmer.json")
    let models = try #require(reference["models"] as? [String: Any])
    return try #require(models[name] as? [String: Any])
  }

  @Test("JSON keys and values of the contract; --ranef writes the conditional modes")
  func json() throws {
    let r = try Self.model("cbpp_laplace")
    let ranef = try TemporaryFile.path("ranef.csv")
    let out = runCLI([
      "logit", Self.data, "--formula", Self.formula, "--format", "json", "--ranef", ranef,
    ])
    #expect(out.status == 0, "\(out.err)")
    let j = try ModelCommandTests.json(out.out)
    let random = try #require(j["random_effects"] as? [String: Any])
    #expect(random["group"] as? String == "herd")
    #expect(random["n_groups"] as? Int == 15)
    #expect(random["method"] as? String == "laplace")
    #expect(random["nagq"] as? Int == 1)
    #expect((random["correlations"] as? [Any])?.isEmpty == true)
    let terms = try #require(random["terms"] as? [[String: Any]])
    let variances = try #require(r["variances"] as? [[String: Any]])
    #expect(terms.first?["term"] as? String == "(Intercept)")
    #expect(
      ModelCommandTests.close(
        terms.first?["variance"] as? Double, variances.first?["variance"] as? Double, 1e-5))
    #expect(terms.first?["std_dev"] is Double)
    for key in ["log_likelihood", "aic", "bic", "deviance", "icc", "median_odds_ratio"] {
      #expect(j[key] is Double, "\(key)")
    }
    #expect(ModelCommandTests.close(j["log_likelihood"] as? Double, r["log_likelihood"] as? Double))
    #expect(ModelCommandTests.close(j["aic"] as? Double, r["aic"] as? Double))
    #expect(ModelCommandTests.close(j["bic"] as? Double, r["bic"] as? Double))
    let coefficients = try #require(j["coefficients"] as? [[String: Any]])
    let expected = try #require(r["coefficients"] as? [[String: Any]])
    #expect(coefficients.map { $0["term"] as? String } == expected.map { $0["term"] as? String })
    for (ours, theirs) in zip(coefficients, expected) {
      #expect(
        ModelCommandTests.close(ours["estimate"] as? Double, theirs["estimate"] as? Double, 1e-5))
      #expect(ours["exp_estimate"] is Double && ours["conf_low"] is Double)
    }
    let csv = try TemporaryFile.read(ranef).split(separator: "\n")
    #expect(csv.first == "herd,rows,term,mode,cond_sd")
    #expect(csv.count == 16)
  }

  @Test("text output explains the ICC and the MOR; --nagq and --link reach the fit")
  func text() throws {
    let out = runCLI(
      [
        "logit", Self.data, "--formula", Self.formula, "--nagq", "10", "--link", "cloglog",
      ], environment: ["COLUMNS": "300"])
    #expect(out.status == 0, "\(out.err)")
    #expect(out.out.contains("Adaptive Gauss-Hermite Quadrature, nAGQ = 10"))
    #expect(out.out.contains("Family: binomial  ( cloglog )"))
    #expect(out.out.contains("ICC (latent scale)"))
    #expect(out.out.contains("pi^2/6"))
    #expect(out.out.contains("Median hazard ratio"))
  }

  @Test("golden text output (cbpp, random intercept by herd)")
  func golden() {
    let out = runCLI(["logit", Self.data, "--formula", Self.formula])
    #expect(out.status == 0, "\(out.err)")
    assertSnapshot(
      out.out.replacingOccurrences(of: Self.data, with: "glmer_cbpp.csv"),
      named: "logit-mixed-cbpp.txt")
  }

  @Test("--ci profile: the SD's interval is the profile one (R's roots), fixed effects stay Wald")
  func profileInterval() throws {
    let out = runCLI([
      "logit", Self.data, "--formula", Self.formula, "--ci", "profile", "--format", "json",
    ])
    #expect(out.status == 0, "\(out.err)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
    let random = try #require(json["random_effects"] as? [String: Any])
    let term = try #require((random["terms"] as? [[String: Any]])?.first)
    #expect(term["std_dev_ci_method"] as? String == "profile")
    let reference = try ModelCommandTests.reference("glmer_profile.json")
    let cases = try #require(reference["cases"] as? [[String: Any]])
    let cbpp = try #require(cases.first { $0["name"] as? String == "cbpp_laplace" })
    let limits = try #require(cbpp["limits"] as? [Double])
    let low = try #require(term["std_dev_conf_low"] as? Double)
    let high = try #require(term["std_dev_conf_high"] as? Double)
    // GLMMProfileTests' root tolerance.
    #expect(abs(low - limits[0]) <= 1e-5 * limits[0])
    #expect(abs(high - limits[1]) <= 1e-5 * limits[1])
    #expect(json["ci_method"] as? String == "wald")
    let wald = runCLI(["logit", Self.data, "--formula", Self.formula, "--format", "json"])
    #expect(wald.out.contains("\"std_dev_ci_method\": \"wald\""))
  }

  @Test("two grouping terms, a bad --nagq and --cluster are refused with a message")
  func refusals() {
    let two = runCLI([
      "logit", Self.data, "--formula", "y ~ factor(period) + (1 | herd) + (1 | period)",
    ])
    #expect(two.status == 65)
    #expect(two.err.contains("only one random-effects term is supported"))
    let nagq = runCLI(["logit", Self.data, "--formula", Self.formula, "--nagq", "30"])
    #expect(nagq.status == 64)
    let cluster = runCLI(["logit", Self.data, "--formula", Self.formula, "--cluster", "herd"])
    #expect(cluster.status == 64)
  }
}
