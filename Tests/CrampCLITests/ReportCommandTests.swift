import Foundation
import Testing

@Suite("crampstat report")
struct ReportCommandTests {
  @Test("the example diary report (golden text; two covariates, as 8 patients cannot carry more)")
  func exampleReport() {
    let r = runCLI(
      [
        "report", "Datasets/example/diary_nights.csv", "--patients",
        "Datasets/example/patients.csv", "--covariates", "age_over_50,dialysis_day",
      ], cwd: repositoryPath(""))
    #expect(r.status == 0, "\(r.err)")
    assertSnapshot(r.out, named: "report-example.txt")
  }

  @Test(
    "the teaching diary report has every section, and its models equal the logit and cox commands")
  func teachingReport() throws {
    let diary = repositoryPath("Datasets/teaching/diary_nights.csv")
    let r = runCLI(["report", diary, "--format", "json", "-q"])
    #expect(r.status == 0, "\(r.err)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    for key in [
      "validation", "cohort", "prevalence", "first_cramp", "logistic", "andersen_gill",
      "conventions",
    ] {
      #expect(json[key] != nil, "missing section \(key)")
    }
    let logistic = try #require(json["logistic"] as? [String: Any])
    let formula = try #require(logistic["formula"] as? String)
    let direct = runCLI([
      "logit", diary, "--formula", formula, "--cluster", "patient_id", "--format", "json", "-q",
    ])
    let directJSON = try #require(
      try JSONSerialization.jsonObject(with: Data(direct.out.utf8)) as? [String: Any])
    #expect(
      (logistic["coefficients"] as? [[String: Any]])?.compactMap { $0["estimate"] as? Double }
        == (directJSON["coefficients"] as? [[String: Any]])?.compactMap {
          $0["estimate"] as? Double
        })
  }

  @Test("markdown report to a file")
  func markdown() throws {
    let out = try TemporaryFile.path("report.md")
    let r = runCLI([
      "report", repositoryPath("Datasets/example/diary_nights.csv"), "--format", "markdown", "-o",
      out, "-q",
    ])
    #expect(r.status == 0)
    let text = try TemporaryFile.read(out)
    #expect(text.hasPrefix("# Cramp diary report"))
    #expect(text.contains("## Conventions used"))
  }
}
