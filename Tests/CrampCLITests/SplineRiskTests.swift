import Foundation
import Testing

/// `--save-model` with spline terms and `crampstat risk`: the file carries the training
/// knots, so a new patient's basis is the training one; checked against R's
/// `survfit(coxph(... ns(age, df = 3) ...), newdata)` (Tests/Reference/splines.json).
@Suite("risk from a model with spline terms")
struct SplineRiskTests {
  static let lung = fixturePath("Reference/data/surv_lung.csv")
  static let formula = "Surv(time, status) ~ ns(age, df = 3) + sex"

  @Test("cox with ns(age): P(first event within k) = 1 - S(k) of R's survfit for the profile")
  func coxAgainstR() throws {
    let reference = try ModelCommandTests.reference("splines.json")
    let predictions = try #require(reference["predictions"] as? [[String: Any]])
    let r = try #require(predictions.first { $0["name"] as? String == "lung_cox_ns_age_profile" })
    let times = try #require(r["time"] as? [Double])
    let survival = try #require(r["survival"] as? [Double])
    #expect(times.count == survival.count && !times.isEmpty)
    let path = try RiskCommandTests.save(["cox", Self.lung, "--formula", Self.formula])
    let model = try RiskCommandTests.object(try TemporaryFile.read(path))
    let bases = try #require(model["spline_bases"] as? [String: Any])
    #expect(bases.keys.sorted() == ["ns(age, df = 3)"])
    let json = try RiskCommandTests.risk(["--model", path, "--patient", "age=60,sex=1"])
    let horizons = try #require(
      (json["patient"] as? [String: Any])?["horizons"] as? [[String: Any]])
    for h in horizons {
      let k = Double(try #require(h["nights"] as? Int))
      guard let at = times.lastIndex(where: { $0 <= k }) else { continue }
      // The Cox fit and its baseline agree with R to ~1e-14 (SplineCommandTests); 1e-9
      // covers the risk's own arithmetic.
      #expect(
        RiskCommandTests.close(
          RiskCommandTests.number(h, "probability", "estimate"), 1 - survival[at], 1e-9),
        "P(<= \(k))")
    }
  }

  @Test("a value outside the boundary knots is refused; a broken basis in the file is 65")
  func refusals() throws {
    let path = try RiskCommandTests.save(["cox", Self.lung, "--formula", Self.formula])
    let outside = runCLI(["risk", "--model", path, "--patient", "age=120,sex=1"])
    #expect(outside.status == 64)
    #expect(outside.err.contains("outside the boundary knots"))
    var text = try TemporaryFile.read(path)
    // Drop the interior knots: the basis no longer matches its knot vector.
    let range = try #require(text.range(of: "\"interior_knots\" : ["))
    let end = try #require(text.range(of: "]", range: range.upperBound..<text.endIndex))
    text.replaceSubrange(range.upperBound..<end.lowerBound, with: "\n        50\n      ")
    let broken = try TemporaryFile.write(text, name: "broken.json")
    let out = runCLI(["risk", "--model", broken, "--patient", "age=60,sex=1"])
    #expect(out.status == 65)
    #expect(out.err.contains("is not a valid spline basis"))
  }

  @Test("logit and recurrent poisson models with bs()/ns() terms save and score")
  func otherKinds() throws {
    let diary = fixturePath("Reference/data/logistic_diary.csv")
    let logit = try RiskCommandTests.save([
      "logit", diary, "--formula", "cramp ~ ns(magnesium_mg, df = 2) + dialysis",
    ])
    let j = try RiskCommandTests.risk(["--model", logit, "--patient", "magnesium_mg=300"])
    let p = (j["patient"] as? [String: Any])?["linear_predictor"] as? Double
    #expect(p?.isFinite == true)
  }
}
