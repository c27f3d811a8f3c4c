import Foundation
import Testing

/// `--save-model` and `crampstat risk` end to end: fits saved through the CLI, predictions
/// checked against closed forms computed here from the saved file, warnings and errors.
@Suite("risk command")
struct RiskCommandTests {
  static let logisticData = fixturePath("Reference/data/logistic_diary.csv")
  static let firstCramp = fixturePath("Reference/data/surv_firstcramp.csv")
  static let recurrentDiary = fixturePath("Reference/data/recur_diary.csv")
  static let logisticFormula = "cramp ~ age_over_50 + factor(trimester) + dialysis + magnesium_mg"
  /// The two-sided 95% normal quantile.
  static let z = 1.959963984540054

  /// Fits `arguments` with `--save-model` into a fresh file and returns its path.
  static func save(_ arguments: [String]) throws -> String {
    let path = try TemporaryFile.path("fit.json")
    let out = runCLI(arguments + ["--save-model", path])
    #expect(out.status == 0, "\(out.err)")
    return path
  }

  static func logisticModel() throws -> String {
    try save([
      "logit", logisticData, "--formula", logisticFormula, "--cluster", "patient_id",
    ])
  }

  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  static func risk(_ arguments: [String]) throws -> [String: Any] {
    let out = runCLI(["risk"] + arguments + ["--format", "json"])
    #expect(out.status == 0, "\(out.err)")
    return try object(out.out)
  }

  static func number(_ value: Any?, _ keys: String...) -> Double? {
    var current = value
    for key in keys { current = (current as? [String: Any])?[key] }
    return current as? Double
  }

  static func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

  static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-10) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
  }

  @Test("logistic: p = expit(x'b), P7 = 1 - (1 - p)^7 and its delta-method interval")
  func logisticClosedForm() throws {
    let path = try Self.logisticModel()
    let model = try Self.object(try TemporaryFile.read(path))
    let terms = try #require(model["terms"] as? [String])
    let b = try #require(model["coefficients"] as? [Double])
    let v = try #require(model["covariance"] as? [[Double]])
    #expect(
      terms == [
        "(Intercept)", "age_over_50", "trimester[1]", "trimester[2]", "trimester[3]", "dialysis",
        "magnesium_mg",
      ])
    #expect(model["kind"] as? String == "logistic")
    #expect(model["robust_variance"] as? Bool == true)
    #expect(model["source"] as? String == "logistic_diary.csv")
    let x: [Double] = [1, 1, 0, 1, 0, 1, 250]
    let eta = zip(x, b).reduce(0) { $0 + $1.0 * $1.1 }
    var variance = 0.0
    for i in x.indices { for j in x.indices { variance += x[i] * v[i][j] * x[j] } }
    let se = variance.squareRoot()
    let j = try Self.risk([
      "--model", path, "--patient", "age_over_50=1,trimester=2,dialysis=1,magnesium_mg=250",
    ])
    let patient = try #require(j["patient"] as? [String: Any])
    #expect(Self.close(Self.number(patient, "linear_predictor"), eta))
    #expect(Self.close(Self.number(patient, "linear_predictor_std_error"), se))
    let horizons = try #require(patient["horizons"] as? [[String: Any]])
    #expect(horizons.map { $0["nights"] as? Int } == [7, 30])
    for (h, k) in zip(horizons, [7.0, 30.0]) {
      let p = { (e: Double) in 1 - pow(1 - Self.expit(e), k) }
      #expect(Self.close(Self.number(h, "probability", "estimate"), p(eta)))
      #expect(Self.close(Self.number(h, "probability", "conf_low"), p(eta - Self.z * se)))
      #expect(Self.close(Self.number(h, "probability", "conf_high"), p(eta + Self.z * se)))
      #expect(Self.close(Self.number(h, "expected", "estimate"), k * Self.expit(eta)))
    }
    #expect(Self.close(Self.number(patient, "expected_per_week", "estimate"), 7 * Self.expit(eta)))
    #expect((j["warnings"] as? [String])?.isEmpty == true)
  }

  @Test("the one-screen text shows factors, ratios, risks against the median patient")
  func screen() throws {
    let path = try Self.logisticModel()
    let out = runCLI([
      "risk", "--model", path, "--patient", "age_over_50=1,trimester=0,magnesium_mg=250",
      "--ascii",
    ])
    #expect(out.status == 0, "\(out.err)")
    for text in [
      "Patient factors", "Odds ratios (95% CI, Wald, cluster-robust covariance)",
      "P(>= 1 cramp night in 7 nights)", "P(>= 1 cramp night in 30 nights)",
      "cohort median patient", "Odds ratio (log scale)", "assuming nights are independent",
      "dialysis not given: filled with the cohort median patient's value 0",
    ] {
      #expect(out.out.contains(text), "missing '\(text)'")
    }
  }

  @Test("cox: the point risk equals 1 - S(7) of cox --predict for the same profile")
  func coxRoundTrip() throws {
    let formula = "Surv(time, status) ~ age_over_50 + dialysis + factor(site)"
    let path = try Self.save(["cox", Self.firstCramp, "--formula", formula])
    let j = try Self.risk(["--model", path, "--patient", "age_over_50=1,dialysis=0,site=2"])
    let predicted = runCLI([
      "cox", Self.firstCramp, "--formula", formula, "--predict",
      "age_over_50=1,dialysis=0,site=2", "--format", "json",
    ])
    let steps = try #require(
      (try Self.object(predicted.out)["prediction"] as? [String: Any])?["steps"]
        as? [[String: Any]])
    let at7 = try #require(steps.last { (($0["time"] as? Double) ?? .infinity) <= 7 })
    let survival = try #require(at7["survival"] as? Double)
    let horizons = try #require((j["patient"] as? [String: Any])?["horizons"] as? [[String: Any]])
    #expect(Self.close(Self.number(horizons[0], "probability", "estimate"), 1 - survival, 1e-9))
    let ratios = try #require(j["ratios"] as? [[String: Any]])
    #expect(
      ratios.map { $0["term"] as? String } == ["age_over_50", "dialysis", "site[2]", "site[3]"])
    let median = try #require(j["cohort_median_patient"] as? [String: Any])
    let low = try #require(
      Self.number((median["horizons"] as? [[String: Any]])?.first, "probability", "conf_low"))
    let high = try #require(
      Self.number((median["horizons"] as? [[String: Any]])?.first, "probability", "conf_high"))
    #expect(low < high)
  }

  @Test("ag: expected cramp nights = H0(k) exp(x'b) from the saved baseline")
  func agRoundTrip() throws {
    let path = try Self.save([
      "recurrent", Self.recurrentDiary, "--model", "ag", "--formula",
      "~ age_over_50 + sex + mg_supp",
    ])
    let model = try Self.object(try TemporaryFile.read(path))
    #expect(model["kind"] as? String == "ag")
    let b = try #require(model["coefficients"] as? [Double])
    let steps = try #require(model["baseline_cumulative_hazard"] as? [[String: Any]])
    func h0(_ t: Double) -> Double {
      steps.last { (($0["time"] as? Double) ?? .infinity) <= t }?["cumulative_hazard"]
        as? Double ?? 0
    }
    let j = try Self.risk(["--model", path, "--patient", "age_over_50=1,sex=M,mg_supp=0"])
    let eta = b[0] + b[1]
    let horizons = try #require((j["patient"] as? [String: Any])?["horizons"] as? [[String: Any]])
    for (h, k) in zip(horizons, [7.0, 30.0]) {
      let expected = h0(k) * exp(eta)
      #expect(Self.close(Self.number(h, "expected", "estimate"), expected))
      #expect(Self.close(Self.number(h, "probability", "estimate"), 1 - exp(-expected)))
    }
    let last = try #require(steps.last)
    let perWeek =
      7 * ((last["cumulative_hazard"] as? Double) ?? 0) / ((last["time"] as? Double) ?? 1)
      * exp(eta)
    #expect(
      Self.close(
        Self.number(j["patient"], "expected_per_week", "estimate"), perWeek))
  }

  @Test("poisson and negbin: expected per week = 7 exp(x'b)")
  func rateModels() throws {
    for kind in ["poisson", "negbin"] {
      let path = try Self.save([
        "recurrent", Self.recurrentDiary, "--model", kind, "--formula",
        "~ age_over_50 + sex + group",
      ])
      let model = try Self.object(try TemporaryFile.read(path))
      let b = try #require(model["coefficients"] as? [Double])
      #expect((model["theta"] as? Double != nil) == (kind == "negbin"))
      let j = try Self.risk(["--model", path, "--patient", "age_over_50=0,sex=F,group=A"])
      #expect(Self.close(Self.number(j["patient"], "expected_per_week", "estimate"), 7 * exp(b[0])))
    }
  }

  @Test("a value outside the training range is scored with a warning")
  func outsideRange() throws {
    let path = try Self.logisticModel()
    let j = try Self.risk([
      "--model", path, "--patient", "age_over_50=1,trimester=0,dialysis=0,magnesium_mg=5000",
    ])
    let warnings = try #require(j["warnings"] as? [String])
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("magnesium_mg = 5000 is outside the training range") == true)
    #expect(warnings.first?.contains("the model extrapolates") == true)
    let patient = try #require(j["patient"] as? [String: Any])
    #expect(patient["outside_training_range"] as? [String] == ["magnesium_mg"])
  }

  @Test("factors not given take the cohort median patient's value, with a warning")
  func filled() throws {
    let path = try Self.logisticModel()
    let j = try Self.risk(["--model", path, "--patient", "age_over_50=1"])
    let patient = try #require(j["patient"] as? [String: Any])
    #expect(
      patient["filled_from_cohort_median"] as? [String] == [
        "trimester", "dialysis", "magnesium_mg",
      ])
    let median = try #require(j["cohort_median_patient"] as? [String: Any])
    let values = try #require(median["values"] as? [String: String])
    #expect((patient["values"] as? [String: String])?["magnesium_mg"] == values["magnesium_mg"])
    let warnings = try #require(j["warnings"] as? [String])
    #expect(warnings.count == 3)
    #expect(warnings.contains { $0.hasPrefix("trimester not given") })
  }

  @Test("an unknown variable is a usage error (64) with a suggestion")
  func unknownVariable() throws {
    let path = try Self.logisticModel()
    let out = runCLI(["risk", "--model", path, "--patient", "age_over_50=1,magnesium=250"])
    #expect(out.status == 64)
    #expect(out.err.contains("the model has no variable 'magnesium'; did you mean 'magnesium_mg'?"))
  }

  @Test("an unknown level is a usage error listing the levels")
  func unknownLevel() throws {
    let path = try Self.logisticModel()
    let out = runCLI(["risk", "--model", path, "--patient", "trimester=7"])
    #expect(out.status == 64)
    #expect(out.err.contains("'7' is not a level of 'trimester'"))
    #expect(out.err.contains("(levels: 0, 1, 2, 3)"))
  }

  @Test("--patients scores each row to CSV, carrying patient_id")
  func patientsCSV() throws {
    let path = try Self.logisticModel()
    let patients = try TemporaryFile.write(
      "patient_id,age_over_50,trimester,dialysis,magnesium_mg,note\n"
        + "A1,1,0,1,250,x\nB2,0,3,,900,y\n")
    let output = try TemporaryFile.path("scores.csv")
    let out = runCLI(["risk", "--model", path, "--patients", patients, "-o", output])
    #expect(out.status == 0, "\(out.err)")
    let lines = try TemporaryFile.read(output).split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(
      lines.first
        == "patient_id,p7,p7_low,p7_high,p30,p30_low,p30_high,expected_per_week,"
        + "expected_per_week_low,expected_per_week_high,linear_predictor,filled,outside_range,"
        + "warnings")
    #expect(lines[1].hasPrefix("A1,"))
    #expect(lines[2].hasPrefix("B2,"))
    #expect(lines[2].contains(",dialysis,magnesium_mg,"))
    // The first row equals the single-patient answer.
    let j = try Self.risk([
      "--model", path, "--patient", "age_over_50=1,trimester=0,dialysis=1,magnesium_mg=250",
    ])
    let p7 = Double(lines[1].split(separator: ",")[1])
    let horizons = try #require((j["patient"] as? [String: Any])?["horizons"] as? [[String: Any]])
    #expect(Self.close(p7, try #require(Self.number(horizons[0], "probability", "estimate"))))
  }

  @Test("--patients: every bad row is listed, then exit 65 and nothing written")
  func patientsBatchErrors() throws {
    let path = try Self.logisticModel()
    let patients = try TemporaryFile.write(
      "patient_id,age_over_50,trimester,dialysis,magnesium_mg,dialisys\n"
        + "A1,1,0,1,250,1\nB2,0,9,,abc,1\nC3,1,0,1,,1\nD4,1,7,1,250,1\n")
    let output = try TemporaryFile.path("scores.csv")
    let out = runCLI(["risk", "--model", path, "--patients", patients, "-o", output])
    #expect(out.status == 65)
    // Both bad rows (lines 3 and 5) are named; the blank cell (line 4) and the unknown
    // column are warnings on stderr.
    #expect(out.err.contains(":3: patient 'B2'"), "\(out.err)")
    #expect(out.err.contains(":5: patient 'D4'"), "\(out.err)")
    #expect(out.err.contains("2 of 4 patients could not be scored"))
    #expect(out.err.contains("column 'dialisys' is not a variable of the model"))
    #expect(out.err.contains("did you mean 'dialysis'"))
    #expect(out.err.contains(":4: patient 'C3': magnesium_mg not given"))
    #expect(!FileManager.default.fileExists(atPath: output))
  }

  @Test("--patient with a variable given twice is refused")
  func duplicateKey() throws {
    let path = try Self.logisticModel()
    let out = runCLI([
      "risk", "--model", path, "--patient", "age_over_50=1,age_over_50=0,trimester=0",
    ])
    #expect(out.status == 64)
    #expect(out.err.contains("'age_over_50' is given more than once"))
  }

  @Test("JSON carries schema_version, the command and its parameters")
  func jsonKeys() throws {
    let path = try Self.logisticModel()
    let j = try Self.risk(["--model", path, "--patient", "age_over_50=1"])
    #expect(
      Set(j.keys) == [
        "assumptions", "cohort_median_patient", "command", "model", "parameters", "patient",
        "ratios", "schema_version", "warnings",
      ])
    #expect(j["schema_version"] as? Int == 2)
    #expect(j["command"] as? String == "risk")
    let parameters = try #require(j["parameters"] as? [String: String])
    #expect(parameters["patient"] == "age_over_50=1")
    #expect(parameters["model"] == path)
  }

  @Test("other formats: markdown and one-row CSV")
  func formats() throws {
    let path = try Self.logisticModel()
    let markdown = runCLI([
      "risk", "--model", path, "--patient", "age_over_50=1", "--format", "markdown",
    ])
    #expect(markdown.status == 0)
    #expect(markdown.out.contains("## Cramp risk for one patient"))
    #expect(markdown.out.contains("| variable |"))
    let csv = runCLI(["risk", "--model", path, "--patient", "age_over_50=1", "--format", "csv"])
    #expect(csv.status == 0)
    #expect(csv.out.split(separator: "\n").count == 2)
  }

  @Test("the model file is byte-identical across fits and the risk output across runs")
  func determinism() throws {
    let a = try TemporaryFile.read(try Self.logisticModel())
    let b = try TemporaryFile.read(try Self.logisticModel())
    #expect(a == b)
    #expect(!a.contains("/"))
    #expect(a.hasSuffix("}\n"))
    let path = try Self.logisticModel()
    let first = runCLI(["risk", "--model", path, "--patient", "age_over_50=1"])
    let second = runCLI(["risk", "--model", path, "--patient", "age_over_50=1"])
    #expect(first.out == second.out)
  }

  @Test("a missing model file is 66; a file that is not a model is 65")
  func modelFileErrors() throws {
    let missing = runCLI(["risk", "--model", "/nonexistent/fit.json", "--patient", "a=1"])
    #expect(missing.status == 66)
    let junk = try TemporaryFile.write("{\"x\": 1}\n", name: "junk.json")
    let bad = runCLI(["risk", "--model", junk, "--patient", "a=1"])
    #expect(bad.status == 65)
    #expect(bad.err.contains("not a crampstat model file"))
  }

  @Test("--save-model refuses models risk cannot score")
  func unsupportedModels() throws {
    let path = try TemporaryFile.path("fit.json")
    let pwp = runCLI([
      "recurrent", Self.recurrentDiary, "--model", "pwp-gap", "--formula", "~ sex",
      "--save-model", path,
    ])
    #expect(pwp.status == 64)
    let strata = runCLI([
      "cox", Self.firstCramp, "--formula", "Surv(time, status) ~ dialysis + strata(site)",
      "--save-model", path,
    ])
    #expect(strata.status == 65)
    #expect(strata.err.contains("stratified"))
  }
}
