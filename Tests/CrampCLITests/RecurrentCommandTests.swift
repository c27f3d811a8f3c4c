import Foundation
import Testing
import _TestSupport

/// `crampstat recurrent` end to end: the JSON against the R fixtures of
/// `Tests/Reference/recurrent.json` (1e-6 relative), the keys, and the tie note.
@Suite("recurrent command")
struct RecurrentCommandTests {
  static let diary = fixturePath("Reference/data/recur_diary.csv")

  static func reference(_ section: String, _ name: String) throws -> [String: Any] {
    let root = try Fixture.json("recurrent.json")
    let cases = try #require(root[section] as? [[String: Any]])
    return try #require(cases.first { $0["name"] as? String == name })
  }

  static func json(_ arguments: [String]) throws -> [String: Any] {
    let out = runCLI(arguments + ["--format", "json"])
    #expect(out.status == 0, "\(out.err)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
  }

  static func close(_ a: Any?, _ b: Any?) -> Bool {
    guard let a = a as? Double, let b = b as? Double else { return false }
    return abs(a - b) <= 1e-6 * max(abs(b), 1e-8)
  }

  @Test("ag: coxph(Surv(start, stop, event) ~ age_over_50 + sex + mg_supp + cluster(patient_id))")
  func andersenGill() throws {
    let r = try Self.reference("ag", "small_ag")
    let j = try Self.json([
      "recurrent", Self.diary, "--model", "ag", "--formula", "~ age_over_50 + sex + mg_supp",
    ])
    let coefficients = try #require(j["coefficients"] as? [[String: Any]])
    let estimates = try #require(r["coefficients"] as? [Double])
    let se = try #require(r["std_error"] as? [Double])
    #expect(coefficients.count == 3)
    for (k, c) in coefficients.enumerated() {
      #expect(Self.close(c["estimate"], estimates[k]))
      #expect(Self.close(c["std_error"], se[k]))
      for key in [
        "term", "model_std_error", "z", "p_value", "conf_low", "conf_high", "exp_estimate",
        "exp_conf_low", "exp_conf_high",
      ] {
        #expect(c[key] != nil, "missing \(key)")
      }
    }
    #expect(j["schema_version"] as? Int == 2)
    #expect(j["command"] as? String == "recurrent")
    #expect((j["parameters"] as? [String: Any])?["model"] as? String == "ag")
    #expect((j["estimand"] as? String)?.contains("intensity") == true)
    let ties = try #require(j["ties"] as? [String: Any])
    #expect(ties["method"] as? String == "efron")
    #expect((ties["tied_share"] as? Double ?? 0) > 0.5)
    #expect(j["warnings"] is [Any])
  }

  @Test("ag --multiple split: the R split layout (k sub-intervals per k-cramp night)")
  func andersenGillSplit() throws {
    let r = try Self.reference("ag", "small_ag_split")
    let j = try Self.json([
      "recurrent", Self.diary, "--model", "ag", "--multiple", "split", "--formula",
      "~ age_over_50 + sex + mg_supp",
    ])
    let coefficients = try #require(j["coefficients"] as? [[String: Any]])
    let estimates = try #require(r["coefficients"] as? [Double])
    let se = try #require(r["std_error"] as? [Double])
    #expect(coefficients.count == estimates.count)
    for (k, c) in coefficients.enumerated() where k < estimates.count {
      #expect(Self.close(c["estimate"], estimates[k]))
      #expect(Self.close(c["std_error"], se[k]))
    }
  }

  @Test("--age-at-enrolment: age_over_50 derived per night, split where a patient turns 50")
  func ageAtEnrolment() throws {
    // A enrolled at 49.99 turns 50 on night 4; B at 62. No age_over_50 column in the file.
    var lines = ["patient_id,night,cramp,age,sex"]
    for night in 0..<8 { lines.append("A,\(night),\(night == 6 ? 1 : 0),49.99,F") }
    for night in 0..<3 { lines.append("B,\(night),\(night == 1 ? 1 : 0),62,M") }
    let file = try TemporaryFile.write(lines.joined(separator: "\n") + "\n")
    let out = runCLI(["layout", file, "--to", "ag", "--age-at-enrolment", "age", "-q"])
    #expect(out.status == 0, "\(out.err)")
    #expect(
      out.out
        == """
        patient_id,start,stop,event,age_over_50
        A,0,4,0,0
        A,4,7,1,1
        A,7,8,0,1
        B,0,2,1,1
        B,2,3,0,1

        """)
    let fit = runCLI([
      "recurrent", file, "--formula", "~ age_over_50", "--age-at-enrolment", "age", "-q",
      "--variance", "model",
    ])
    #expect(fit.status == 0, "\(fit.err)")
    #expect(fit.out.contains("age_over_50"))
    // Without the option the formula names a column the file does not have.
    let missing = runCLI(["recurrent", file, "--formula", "~ age_over_50", "-q"])
    #expect(missing.status != 0)
  }

  @Test("negbin: MASS::glm.nb theta and coefficients; poisson robust SE")
  func rates() throws {
    let r = try Self.reference("negbin", "small_negbin")
    let j = try Self.json([
      "recurrent", Self.diary, "--model", "negbin", "--formula", "~ age_over_50 + sex + group",
    ])
    #expect(Self.close(j["theta"], r["theta"]))
    #expect(Self.close(j["two_log_likelihood"], r["twologlik"]))
    let p = try Self.reference("poisson", "small_poisson")
    let k = try Self.json([
      "recurrent", Self.diary, "--model", "poisson", "--formula", "~ age_over_50 + sex + group",
    ])
    let coefficients = try #require(k["coefficients"] as? [[String: Any]])
    let se = try #require(p["std_error"] as? [Double])
    for (i, c) in coefficients.enumerated() { #expect(Self.close(c["std_error"], se[i])) }
  }

  @Test("mcf: step tables by group and the robust score test")
  func meanCumulativeFunction() throws {
    let r = try Self.reference("mcf", "small_mcf_group")
    let j = try Self.json(["recurrent", Self.diary, "--model", "mcf", "--formula", "~ group"])
    let groups = try #require(j["groups"] as? [[String: Any]])
    #expect(groups.map { $0["label"] as? String } == ["group=A", "group=B"])
    let comparison = try #require(j["comparison"] as? [String: Any])
    #expect(Self.close(comparison["statistic"], r["test_statistic"]))
    let text = runCLI(["recurrent", Self.diary, "--model", "mcf", "--formula", "~ group"])
    #expect(text.out.contains("n.risk  n.event"))
    #expect(text.out.contains("Test of equal rate functions"))
  }

  @Test("text output states the estimand, the tie method and points to logit when ties dominate")
  func textAndTies() {
    let out = runCLI([
      "recurrent", Self.diary, "--model", "pwp-gap", "--formula", "~ sex", "--ties", "breslow",
    ])
    #expect(out.status == 0)
    #expect(out.out.contains("Estimand: effect on the hazard of the next cramp night"))
    #expect(out.out.contains("Ties: Breslow;"))
    #expect(
      out.out.contains("crampstat logit DIARY --formula \"cramp ~ sex\" --cluster patient_id"))
    #expect(out.out.contains("robust se"))
  }

  @Test("errors: unknown model value and unknown column")
  func errors() {
    let bad = runCLI(["recurrent", Self.diary, "--model", "cox"])
    #expect(bad.status == 64)
    #expect(bad.err.contains("--model"))
    let column = runCLI(["recurrent", Self.diary, "--formula", "~ sexx"])
    #expect(column.status == 65)
    #expect(column.err.contains("sexx"))
  }
}
