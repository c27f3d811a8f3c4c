import Foundation
import Reporting
import Testing

@testable import CrampCLI

/// Every command's JSON against the one documented key list (`JSONVocabulary`).
///
/// Each case runs a command in-process with `--format json`; the walk visits every key of
/// every object and fails on a key that is not in `JSONVocabulary.keys`, on a banned synonym,
/// on a deprecated alias without the key that replaced it, and on `ci_method` or `variance`
/// values outside their sets. Keys of the objects in `JSONVocabulary.dataKeyedObjects` are
/// names from the data (not checked), except `parameters`, whose keys must be the command's
/// option or argument names.
@Suite("JSON vocabulary of every command")
struct JSONVocabularyTests {
  static let teaching = repositoryPath("Datasets/teaching/diary_nights.csv")
  static let example = repositoryPath("Datasets/example/diary_nights.csv")
  static let examplePatients = repositoryPath("Datasets/example/patients.csv")
  static let lung = fixturePath("Reference/data/surv_lung.csv")
  static let diary = fixturePath("Reference/data/surv_diary.csv")
  static let veteran = fixturePath("Reference/data/surv_veteran.csv")
  static let coxFormula =
    "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + cluster(patient_id)"

  /// Saved models for `risk`, written once.
  static let models: (logistic: String, cox: String, poisson: String, mixed: String) = {
    let mixed = (try? TemporaryFile.path("mixed.json")) ?? "/tmp/crampstat-mixed.json"
    _ = runCLI([
      "logit", fixturePath("Reference/data/logistic_diary.csv"), "--formula",
      "cramp ~ age_over_50 + dialysis + (1 | patient_id)", "--save-model", mixed, "-q",
    ])
    let logistic = (try? TemporaryFile.path("logit.json")) ?? "/tmp/crampstat-logit.json"
    let cox = (try? TemporaryFile.path("cox.json")) ?? "/tmp/crampstat-cox.json"
    let poisson = (try? TemporaryFile.path("poisson.json")) ?? "/tmp/crampstat-poisson.json"
    _ = runCLI([
      "logit", teaching, "--formula", "cramp ~ age_over_50 + sex", "--cluster", "patient_id",
      "--save-model", logistic, "-q",
    ])
    _ = runCLI(["cox", diary, "--formula", coxFormula, "--save-model", cox, "-q"])
    _ = runCLI([
      "recurrent", teaching, "--model", "poisson", "--formula", "~ age_over_50 + sex",
      "--save-model", poisson, "-q",
    ])
    return (logistic, cox, poisson, mixed)
  }()

  /// Every command and the options that change its JSON.
  static let cases: [(String, [String])] = [
    (
      "report",
      [
        "report", example, "--patients", examplePatients, "--covariates",
        "age_over_50,dialysis_day",
      ]
    ),
    (
      "report (trial and competing sections)",
      [
        "report", repositoryPath("Tests/Fixtures/diary/trial_small_nights.csv"), "--patients",
        repositoryPath("Tests/Fixtures/diary/trial_small_patients.csv"),
      ]
    ),
    ("validate", ["validate", example, "--patients", examplePatients]),
    ("describe", ["describe", example]),
    ("logit", ["logit", teaching, "--formula", "cramp ~ age_over_50 + sex"]),
    (
      "logit --cluster",
      [
        "logit", teaching, "--formula", "cramp ~ age_over_50 + sex",
        "--cluster", "patient_id",
      ]
    ),
    ("logit --firth", ["logit", teaching, "--formula", "cramp ~ age_over_50 + sex", "--firth"]),
    (
      "logit (1 | patient_id)",
      ["logit", example, "--formula", "cramp ~ age_over_50 + dialysis_day + (1 | patient_id)"]
    ),
    (
      "logit --ci profile",
      [
        "logit", teaching, "--formula", "cramp ~ age_over_50 + sex", "--ci",
        "profile",
      ]
    ),
    (
      "logit --gee",
      [
        "logit", teaching, "--formula", "cramp ~ age_over_50 + sex", "--gee",
        "exchangeable", "--id", "patient_id",
      ]
    ),
    (
      "km",
      [
        "km", lung, "--formula", "Surv(time, status) ~ sex", "--times", "100,365", "--rmean",
        "500", "--cumhaz", "nelson-aalen",
      ]
    ),
    ("logrank", ["logrank", veteran, "--formula", "Surv(time, status) ~ cellcode + strata(trt)"]),
    (
      "logrank --provenance",
      [
        "logrank", veteran, "--formula", "Surv(time, status) ~ cellcode",
        "--provenance",
      ]
    ),
    ("cox", ["cox", lung, "--formula", "Surv(time, status) ~ age + sex"]),
    (
      "survreg --predict",
      [
        "survreg", lung, "--formula", "Surv(time, status) ~ age + sex + cluster(inst_group)",
        "--predict", "age=60", "--times", "100,365",
      ]
    ),
    (
      "survreg strata",
      [
        "survreg", lung, "--formula", "Surv(time, status) ~ age + strata(sex)", "--dist",
        "lognormal", "--predict", "sex=2", "--times", "100",
      ]
    ),
    (
      "cox --zph --predict",
      [
        "cox", diary, "--formula", coxFormula, "--zph", "--predict",
        "age_over_50=1",
      ]
    ),
    (
      "cox --residuals",
      [
        "cox", lung, "--formula", "Surv(time, status) ~ age + sex",
        "--residuals", "dfbeta",
      ]
    ),
    (
      "cox frailty",
      [
        "cox", fixturePath("Reference/data/frailty_kidney.csv"), "--formula",
        "Surv(time, status) ~ age + sex + frailty(id)",
      ]
    ),
    (
      "recurrent ag --frailty",
      [
        "recurrent", teaching, "--model", "ag", "--formula", "~ age_over_50 + sex",
        "--frailty", "gaussian",
      ]
    ),
    ("recurrent ag", ["recurrent", teaching, "--model", "ag", "--formula", "~ age_over_50 + sex"]),
    (
      "recurrent pwp-gap",
      [
        "recurrent", teaching, "--model", "pwp-gap", "--formula",
        "~ age_over_50",
      ]
    ),
    (
      "recurrent pwp-total",
      [
        "recurrent", teaching, "--model", "pwp-total", "--formula",
        "~ age_over_50",
      ]
    ),
    ("recurrent mcf", ["recurrent", teaching, "--model", "mcf", "--formula", "~ sex"]),
    (
      "recurrent poisson",
      [
        "recurrent", teaching, "--model", "poisson", "--formula",
        "~ age_over_50 + sex",
      ]
    ),
    (
      "recurrent negbin",
      [
        "recurrent", teaching, "--model", "negbin", "--formula",
        "~ age_over_50 + sex",
      ]
    ),
    ("layout", ["layout", example, "--to", "ag", "--covariates", "trimester"]),
    (
      "severity",
      [
        "severity", teaching, "--formula", "severity ~ stretch_bedtime + mg_supp",
        "--cluster", "patient_id", "--predict", "mg_supp=1",
      ]
    ),
    (
      "cif",
      [
        "cif", repositoryPath("Tests/Reference/data/competing_teaching.csv"), "--formula",
        "Surv(time, status) ~ group", "--causes", "1=cramp,2=delivery,3=dropout",
      ]
    ),
    (
      "finegray",
      [
        "finegray", repositoryPath("Tests/Reference/data/competing_finegray_mgus2.csv"),
        "--formula", "Surv(time, status) ~ age + male", "--cause", "1",
      ]
    ),
    (
      "severity --link probit",
      ["severity", teaching, "--formula", "severity ~ mg_supp", "--link", "probit"]
    ),
    (
      "severity (Brant test)",
      [
        "severity", repositoryPath("Tests/Reference/data/ordinal_teaching.csv"), "--formula",
        "band ~ stretch_bedtime + mg_supp",
      ]
    ),
    (
      "power first-cramp",
      [
        "power", "--outcome", "first-cramp", "--hazard-ratio", "0.7", "--event-probability",
        "0.6", "--curve", "100:400:100",
      ]
    ),
    (
      "power counts --n",
      [
        "power", "--outcome", "counts", "--rate-ratio", "0.7", "--control-rate", "0.1",
        "--dispersion", "0.5", "--nights", "28", "--n", "200",
      ]
    ),
    (
      "power nightly",
      [
        "power", "--outcome", "nightly", "--p0", "0.3", "--p1", "0.2", "--icc", "0.1",
        "--nights-per-patient", "28",
      ]
    ),
    (
      "power continuous crossover",
      [
        "power", "--outcome", "continuous", "--difference", "1", "--sd", "2", "--design",
        "crossover", "--within-correlation", "0.5",
      ]
    ),
    (
      "power counts nof1",
      [
        "power", "--outcome", "counts", "--rate-ratio", "0.7", "--control-rate", "0.1",
        "--nights", "28", "--design", "nof1", "--within-correlation", "0.3",
      ]
    ),
    (
      "power --simulate",
      [
        "power", "--simulate", "10", "--rate-ratio", "0.6", "--sizes", "20,30", "--model", "ag",
      ]
    ),
  ]

  /// The risk cases, which need the saved models.
  static func riskCases() throws -> [(String, [String])] {
    let patients = try TemporaryFile.write("patient_id,age_over_50,sex\na,1,F\nb,0,M\n")
    return [
      ("risk logistic", ["risk", "--model", models.logistic, "--patient", "age_over_50=1"]),
      ("risk cox", ["risk", "--model", models.cox, "--patient", "age_over_50=1,dialysis=1"]),
      ("risk poisson", ["risk", "--model", models.poisson, "--patient", "sex=F"]),
      ("risk --patients", ["risk", "--model", models.logistic, "--patients", patients]),
      ("risk mixed", ["risk", "--model", models.mixed, "--patient", "dialysis=1"]),
      (
        "risk mixed --patient-id",
        ["risk", "--model", models.mixed, "--patient", "dialysis=1", "--patient-id", "P001"]
      ),
    ]
  }

  /// Option and argument names of a command (the keys `parameters` may have).
  static func parameterNames(_ command: String) -> Set<String> {
    guard let spec = CLI.commands.first(where: { $0.name == command }) else { return [] }
    return Set(spec.options.map(\.name) + spec.arguments.map(\.name))
  }

  /// Problems with one document: unknown, banned or orphaned keys and bad values.
  static func problems(_ value: Any, path: String, command: String) -> [String] {
    var out: [String] = []
    let allowed = JSONVocabulary.keySet
    func walk(_ v: Any, _ path: String, parentKey: String?) {
      if let array = v as? [Any] {
        for (i, item) in array.enumerated() {
          walk(item, "\(path)[\(i)]", parentKey: parentKey)
        }
        return
      }
      guard let object = v as? [String: Any] else { return }
      if let parentKey, JSONVocabulary.dataKeyedObjects.contains(parentKey) {
        if parentKey == "parameters" {
          let names = parameterNames(command)
          for key in object.keys where !names.contains(key) {
            out.append("\(path).\(key): not an option of '\(command)'")
          }
        }
        return
      }
      for (key, child) in object {
        let here = "\(path).\(key)"
        if let instead = JSONVocabulary.bannedSynonyms[key] {
          out.append("\(here): banned synonym, use '\(instead)'")
        } else if !allowed.contains(key) {
          out.append("\(here): not in JSONVocabulary.keys")
        }
        if let canonical = JSONVocabulary.deprecatedAliases[key], object[canonical] == nil {
          out.append("\(here): alias without '\(canonical)' beside it")
        }
        if key == "ci_method", let s = child as? String, !JSONVocabulary.ciMethods.contains(s) {
          out.append("\(here): '\(s)' is not one of \(JSONVocabulary.ciMethods.sorted())")
        }
        if key == "variance", let s = child as? String,
          !JSONVocabulary.varianceValues.contains(s)
        {
          out.append("\(here): '\(s)' is not model or robust")
        }
        if let s = child as? String, s.hasSuffix(")"), s.contains(" (cohort median)") {
          out.append("\(here): annotation inside a value: '\(s)'")
        }
        walk(child, here, parentKey: key)
      }
    }
    walk(value, path, parentKey: nil)
    return out
  }

  static func check(_ name: String, _ arguments: [String]) throws {
    let r = runCLI(arguments + ["--format", "json", "-q"])
    #expect(r.status == 0, "\(name): \(r.err)")
    let document = try JSONSerialization.jsonObject(with: Data(r.out.utf8))
    let top = try #require(document as? [String: Any], "\(name): not an object")
    #expect(top["schema_version"] as? Int == JSONVocabulary.schemaVersion, "\(name)")
    let command = arguments[0]
    #expect(top["command"] as? String == command, "\(name)")
    let found = problems(top, path: name, command: command)
    #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
  }

  @Test("every key of every command's JSON is in the vocabulary", arguments: cases)
  func vocabulary(name: String, arguments: [String]) throws {
    try Self.check(name, arguments)
  }

  @Test("risk: every key is in the vocabulary")
  func risk() throws {
    for (name, arguments) in try Self.riskCases() { try Self.check(name, arguments) }
  }

  @Test("simulate: every key is in the vocabulary")
  func simulate() throws {
    let dir = try TemporaryFile.path("sim")
    try Self.check(
      "simulate", ["simulate", "--preset", "nof1", "--seed", "1", "--patients", "3", "-o", dir])
  }

  @Test("the walk catches unknown keys, banned synonyms, orphaned aliases and bad values")
  func walkFails() {
    let bad: [String: Any] = [
      "conf_level": 0.95, "novel_key": 1, "ph_test": ["terms": [["chisq": 1.0]]],
      "ci_method": "wald-robust", "variance": "robust (HC0)",
      "parameters": ["formula": "y ~ x", "bogus": "1"], "values": ["anything": "F"],
      "patient": ["sex": "F (cohort median)"],
    ]
    let found = Self.problems(bad, path: "doc", command: "logit")
    for expected in [
      "doc.conf_level: banned synonym", "doc.novel_key: not in", "chisq: alias without",
      "doc.ci_method: 'wald-robust'", "doc.variance: 'robust (HC0)'", "doc.parameters.bogus",
      "annotation inside a value",
    ] {
      #expect(found.contains { $0.contains(expected) }, "missing '\(expected)' in \(found)")
    }
    #expect(!found.contains { $0.contains("anything") || $0.contains("parameters.formula") })
  }

  @Test("CONTRIBUTING.md lists every key of the vocabulary")
  func documented() throws {
    let text = try TemporaryFile.read(repositoryPath("CONTRIBUTING.md"))
    let missing = JSONVocabulary.keys.map(\.key).filter { !text.contains("| `\($0)` |") }
    #expect(missing.isEmpty, "CONTRIBUTING.md has no row for \(missing)")
  }
}
