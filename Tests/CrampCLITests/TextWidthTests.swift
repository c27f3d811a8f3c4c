import Foundation
import Reporting
import Testing

/// Text output fits `COLUMNS`.
///
/// Every command's text output at `COLUMNS` 40, 80 and 300: no line is wider, except a line
/// holding a word (no spaces) longer than the width, which nothing breaks. Width is counted in
/// Unicode scalars, as the charts count it. `validate` is the exception by design: its lines
/// are compiler-style diagnostics (`file:line: column: severity: message [rule]`) that stay
/// on one line for editors and grep.
@Suite("Text width")
struct TextWidthTests {
  static let teaching = repositoryPath("Datasets/teaching/diary_nights.csv")
  static let example = repositoryPath("Datasets/example/diary_nights.csv")
  static let examplePatients = repositoryPath("Datasets/example/patients.csv")
  static let lung = fixturePath("Reference/data/surv_lung.csv")
  static let diary = fixturePath("Reference/data/surv_diary.csv")
  static let veteran = fixturePath("Reference/data/surv_veteran.csv")
  static let coxFormula =
    "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + cluster(patient_id)"
  static let logitFormula =
    "cramp ~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp + fluid_cups"

  static let model: String = {
    let path = (try? TemporaryFile.path("width-logit.json")) ?? "/tmp/crampstat-width.json"
    _ = runCLI([
      "logit", teaching, "--formula", "cramp ~ age_over_50 + sex + dialysis_day", "--cluster",
      "patient_id", "--save-model", path, "-q",
    ])
    return path
  }()

  static let commands: [(String, [String])] = [
    (
      "report",
      [
        "report", example, "--patients", examplePatients, "--covariates",
        "age_over_50,dialysis_day",
      ]
    ),
    ("describe", ["describe", teaching]),
    ("logit", ["logit", teaching, "--formula", logitFormula, "--cluster", "patient_id"]),
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
    ("cox", ["cox", diary, "--formula", coxFormula, "--zph", "--predict", "age_over_50=1"]),
    (
      "recurrent ag",
      [
        "recurrent", teaching, "--model", "ag", "--formula",
        "~ age_over_50 + sex + factor(trimester)",
      ]
    ),
    ("recurrent mcf", ["recurrent", teaching, "--model", "mcf", "--formula", "~ sex"]),
    (
      "recurrent negbin",
      [
        "recurrent", teaching, "--model", "negbin", "--formula",
        "~ age_over_50 + sex",
      ]
    ),
    (
      "layout",
      [
        "layout", example, "--to", "ag", "--covariates", "trimester,age_over_50",
        "--format", "text",
      ]
    ),
  ]

  static let widths = [40, 80, 300]

  /// Lines wider than `width` that hold no word wider than it.
  static func overlong(_ text: String, width: Int) -> [String] {
    text.split(separator: "\n").map(String.init).filter { line in
      TextWidth.columns(line) > width
        && !line.split(separator: " ").contains { TextWidth.columns($0) > width }
    }
  }

  @Test("no line wider than COLUMNS", arguments: commands, widths)
  func fits(command: (String, [String]), width: Int) {
    let r = runCLI(command.1 + ["-q"], environment: ["COLUMNS": String(width)])
    #expect(r.status == 0, "\(command.0): \(r.err)")
    let wide = Self.overlong(r.out, width: width)
    #expect(wide.isEmpty, "\(command.0) at \(width): \(wide.joined(separator: "\n"))")
  }

  @Test("the risk screen fits COLUMNS", arguments: widths)
  func risk(width: Int) {
    let r = runCLI(
      ["risk", "--model", Self.model, "--patient", "age_over_50=1,sex=F", "-q"],
      environment: ["COLUMNS": String(width)])
    #expect(r.status == 0, "\(r.err)")
    let wide = Self.overlong(r.out, width: width)
    #expect(wide.isEmpty, "risk at \(width): \(wide.joined(separator: "\n"))")
  }

  @Test("validate keeps each diagnostic on one line at any width")
  func validateUnwrapped() throws {
    let bad = try TemporaryFile.write(
      "patient_id,night,cramp,severity\nA1,0,1,12\nA1,1,0,\n", name: "diary.csv")
    let r = runCLI(["validate", bad], environment: ["COLUMNS": "40"])
    #expect(r.status == 65)
    #expect(
      r.out.contains(":2: severity: error: must be between 0 and 10 (found 12) [out-of-range]"))
  }

  @Test("COLUMNS outside 40...300 or not a number is refused with a warning; 80 is used")
  func refused() {
    for bad in ["39", "301", "wide", ""] {
      let r = runCLI(
        ["logrank", Self.veteran, "--formula", "Surv(time, status) ~ cellcode"],
        environment: ["COLUMNS": bad])
      #expect(r.status == 0)
      #expect(r.err.contains("Warning: COLUMNS='\(bad)' is not a width in 40...300; using 80"))
    }
    let ok = runCLI(
      ["logrank", Self.veteran, "--formula", "Surv(time, status) ~ cellcode"],
      environment: ["COLUMNS": "40"])
    #expect(ok.err.isEmpty)
  }

  @Test("a wide table splits into blocks that repeat the first column; cells wrap at spaces")
  func tableBlocks() {
    var t = DataTable(headers: ["term", "Estimate", "Std. Error", "z value", "Pr(>|z|)", ""])
    t.append(["age_over_50", "1.783734", "0.304581", "5.856", "4.73e-09", "***"])
    #expect(
      t.renderText(width: 40) == """
        term         Estimate  Std. Error
        age_over_50  1.783734    0.304581
        term         z value  Pr(>|z|)
        age_over_50    5.856  4.73e-09  ***

        """)
    var notes = DataTable(headers: ["variable", "note"], alignments: [.left, .left])
    notes.append(["sex", "not given: cohort median; outside training range"])
    #expect(
      notes.renderText(width: 40) == """
        variable  note
        sex       not given: cohort median;
                  outside training range

        """)
  }

  @Test("long prose lines wrap at spaces with a hanging indent after their label")
  func prose() {
    let line =
      "Formula: cramp ~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp"
    #expect(
      TextWidth.wrap(line, width: 40) == """
        Formula: cramp ~ age_over_50 + sex +
                 factor(trimester) +
                 dialysis_day + mg_supp
        """)
    #expect(TextWidth.wrap("short", width: 40) == "short")
    let path = String(repeating: "x", count: 50)
    #expect(
      TextWidth.wrap("Data: \(path); n = 3", width: 40) == "Data:\n      \(path);\n      n = 3")
  }
}
