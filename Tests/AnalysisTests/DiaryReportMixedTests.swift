import CrampData
import Foundation
import Testing

@testable import Analysis

/// The report's random-effects sections: the random-intercept logistic model and the frailty
/// refit of the Andersen-Gill model, and the row limit above which the report leaves the
/// mixed model to `crampstat logit` with a note.
@Suite("report: random-intercept logistic and frailty sections")
struct DiaryReportMixedTests {
  static func example() throws -> Table {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    let path = parts.joined(separator: "/") + "/Datasets/example/diary_nights.csv"
    return try CSVReader.read(path: path).table
  }

  @Test("both models are fitted on the example diary, with the patient as group")
  func fitted() throws {
    let report = try DiaryReport.build(
      nights: Self.example(), options: DiaryReportOptions(covariates: ["age_over_50"]))
    let mixed = try #require(report.mixedLogistic)
    #expect(mixed.fit.group == "patient_id")
    #expect(mixed.fit.groupCount == report.summary.patients)
    #expect(mixed.formula.hasSuffix("+ (1 | patient_id)"))
    let frailty = try #require(report.frailty)
    #expect(frailty.fit.frailty.variance >= 0)
    #expect(frailty.formula.contains("frailty(patient_id, distribution = \"gaussian\")"))
  }

  @Test("above the row limit the mixed model is left out with a note naming the command")
  func rowLimit() throws {
    let report = try DiaryReport.build(
      nights: Self.example(),
      options: DiaryReportOptions(covariates: ["age_over_50"], mixedModelRowLimit: 10))
    #expect(report.mixedLogistic == nil)
    #expect(report.logistic != nil)
    let note = try #require(report.notes.first { $0.hasPrefix("random-intercept logistic") })
    #expect(note.contains("not fitted in the report above 10 diary rows"))
    #expect(note.contains("crampstat logit"))
  }
}
