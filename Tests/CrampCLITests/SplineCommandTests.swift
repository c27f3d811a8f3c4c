import Foundation
import Testing
import _TestSupport

/// `logit` and `cox` with `ns()`/`bs()` terms against R (`Tests/Reference/splines.json`,
/// written by `splines.R`): glm(binomial) on the teaching diary, coxph on survival::lung.
///
/// Tolerances (relative): the design equals R's basis to about 1e-15, and both fits solve the
/// same likelihood to convergence, so estimates and SEs agree far below the 1e-10 asked for.
@Suite("Model commands with spline terms against R")
struct SplineCommandTests {
  static func fits() throws -> [[String: Any]] {
    let root = try Fixture.json("splines.json")
    let fits = try #require(root["fits"] as? [[String: Any]])
    try #require(!fits.isEmpty, "splines.json has no fit cases")
    return fits
  }

  static func relative(_ a: Double?, _ b: Double) -> Double {
    guard let a else { return .infinity }
    return abs(a - b) / max(abs(b), 1e-300)
  }

  @Test("every fit in splines.json: coefficients, SEs and log-likelihood")
  func fitsAgainstR() throws {
    let cases = try Self.fits()
    for c in cases {
      let name = try #require(c["name"] as? String)
      let command = try #require(c["command"] as? String)
      let file = try #require(c["file"] as? String)
      let formula = try #require(c["formula"] as? String)
      let estimates = try #require(c["estimate"] as? [Double])
      let se = try #require(c["std_error"] as? [Double])
      let rTerms = try #require(c["terms"] as? [String])
      let out = runCLI(
        [command, repositoryPath(file), "--formula", formula, "--format", "json"])
      #expect(out.status == 0, "\(name): \(out.err)")
      let j = try #require(
        try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
      let rows = try #require(j["coefficients"] as? [[String: Any]])
      #expect(rows.count == estimates.count, "\(name)")
      for (k, row) in rows.enumerated() where k < estimates.count {
        // R's `ns(age, df = 3)2` is our `ns(age)[2]`; `sexM` is `sex[M]`.
        let term = try #require(row["term"] as? String)
        let rTerm = rTerms[k]
        if term.hasPrefix("ns(") || term.hasPrefix("bs("), let bracket = term.firstIndex(of: "[") {
          let head = term[..<bracket].dropLast()  // "ns(age"
          let index = term[bracket...].dropFirst().dropLast()  // "2"
          #expect(rTerm.hasPrefix(head) && rTerm.hasSuffix(")" + index), "\(term) vs \(rTerm)")
        }
        #expect(
          Self.relative(row["estimate"] as? Double, estimates[k]) <= Tolerance.splineFitEstimate,
          "\(name) \(term)")
        #expect(
          Self.relative(row["std_error"] as? Double, se[k]) <= Tolerance.splineFitStandardError,
          "\(name) \(term)")
      }
      let loglik = try #require(c["log_likelihood"] as? Double)
      #expect(
        Self.relative(j["log_likelihood"] as? Double, loglik) <= Tolerance.splineFitLogLikelihood,
        "\(name)")
    }
  }

  static let diary = "Datasets/teaching/diary_nights.csv"

  @Test("logit text output names the basis columns ns(age)[1..3]")
  func logitText() {
    let r = runCLI(
      ["logit", Self.diary, "--formula", "cramp ~ ns(age, df = 3) + sex"],
      cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    assertSnapshot(r.out, named: "logit_ns_age")
  }

  @Test("a spline of a text column is a data error")
  func textColumn() {
    let r = runCLI(["logit", repositoryPath(Self.diary), "--formula", "cramp ~ ns(sex, df = 3)"])
    #expect(r.status == 65)
    #expect(
      r.err.contains(
        "spline term 'ns(sex, df = 3)': column 'sex' holds text; a spline needs a numeric variable"
      ))
  }

  @Test("df below 1 is a data error with the formula and a caret")
  func smallDF() {
    let r = runCLI(["logit", repositoryPath(Self.diary), "--formula", "cramp ~ ns(age, df = 0)"])
    #expect(r.status == 65)
    #expect(r.err.contains("df must be a whole number from 1 to 1000"))
    let b = runCLI(["logit", repositoryPath(Self.diary), "--formula", "cramp ~ bs(age, df = 2)"])
    #expect(b.status == 65)
    #expect(b.err.contains("spline term 'bs(age, df = 2)': df must be at least 3"))
  }

  @Test("knots collapsing on few distinct values name the variable and the count")
  func fewDistinct() {
    let r = runCLI([
      "logit", repositoryPath(Self.diary), "--formula", "cramp ~ ns(trimester, df = 4)",
    ])
    #expect(r.status == 65)
    #expect(r.err.contains("'trimester' has 4 distinct values"))
  }

  @Test("a knot outside the data is a data error")
  func knotOutside() {
    let r = runCLI([
      "logit", repositoryPath(Self.diary), "--formula", "cramp ~ ns(age, knots = c(10, 50))",
    ])
    #expect(r.status == 65)
    #expect(r.err.contains("knot 10 is not inside the range of 'age' (19 to 94)"))
  }

  @Test("cox --predict evaluates ns() on the training knots, as survfit(fit, newdata)")
  func predictAgainstR() throws {
    let root = try Fixture.json("splines.json")
    let cases = try #require(root["predictions"] as? [[String: Any]])
    try #require(!cases.isEmpty, "splines.json has no prediction cases")
    for c in cases {
      let name = try #require(c["name"] as? String)
      let out = runCLI([
        try #require(c["command"] as? String), repositoryPath(try #require(c["file"] as? String)),
        "--formula", try #require(c["formula"] as? String), "--predict",
        try #require(c["profile"] as? String), "--format", "json",
      ])
      #expect(out.status == 0, "\(name): \(out.err)")
      let j = try #require(
        try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
      let prediction = try #require(j["prediction"] as? [String: Any])
      let steps = try #require(prediction["steps"] as? [[String: Any]])
      let times = try #require(c["time"] as? [Double])
      let survival = try #require(c["survival"] as? [Double])
      let se = try #require(c["std_error"] as? [Double])
      #expect(steps.count == times.count, "\(name)")
      for (k, step) in steps.enumerated() where k < times.count {
        #expect(step["time"] as? Double == times[k])
        #expect(
          Self.relative(step["survival"] as? Double, survival[k]) <= Tolerance.splineFitEstimate,
          "\(name) step \(k)")
        #expect(
          Self.relative(step["std_error"] as? Double, se[k]) <= Tolerance.splineFitStandardError,
          "\(name) step \(k)")
      }
    }
  }

  @Test("a --predict value outside the boundary knots is a data error")
  func predictOutside() {
    let r = runCLI([
      "cox", fixturePath("Reference/data/surv_lung.csv"), "--formula",
      "Surv(time, status) ~ ns(age, df = 3) + sex", "--predict", "age=99,sex=1",
    ])
    #expect(r.status == 65)
    #expect(r.err.contains("99 is outside the boundary knots 39 to 82 of the fitted basis"))
  }
}
