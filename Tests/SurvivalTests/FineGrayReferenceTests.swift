import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

/// Fine-Gray against survival's finegray() + coxph(weights = fgwt) on mgus2
/// (Tests/Reference/competing.R, fixture Tests/Reference/competing_finegray.json).
///
/// Tolerances: the expanded data exactly (times) and at 1e-14 relative (weights: products
/// of the same Kaplan-Meier factors); coefficients and SEs at 1e-8 relative, the Cox
/// engine's contract with coxph (both iterate to a relative log-likelihood change of 1e-9).
@Suite("Fine-Gray against finegray + coxph")
struct FineGrayReferenceTests {
  struct Case: Decodable, CustomTestStringConvertible {
    let name: String
    let cause: Int
    let covariates: [String]
    let nExpanded: Int
    let fgstart: [Double]
    let fgstop: [Double]
    let fgstatus: [Double]
    let fgwt: [Double]
    let estimate: [Double]
    let stdError: [Double]
    let modelStdError: [Double]
    var testDescription: String { name }
    enum CodingKeys: String, CodingKey {
      case name, cause, covariates, fgstart, fgstop, fgstatus, fgwt, estimate
      case nExpanded = "n_expanded"
      case stdError = "std_error"
      case modelStdError = "model_std_error"
    }
  }
  struct Root: Decodable { let cases: [Case] }

  static var directory: URL { Fixture.directory }

  /// The fixture's cases as test arguments; a missing, unparseable or empty fixture gives
  /// one case that fails naming the file.
  static let cases: [FixtureArgument<Case>] = Fixture.arguments("competing_finegray.json") {
    try Fixture.decode(Root.self, from: "competing_finegray.json").cases
  }

  @Test("competing_finegray.json holds its 2 cases")
  func fixture() throws {
    #expect(try Fixture.decode(Root.self, from: "competing_finegray.json").cases.count == 2)
  }

  @Test("expanded data and coefficients as finegray + coxph", arguments: cases)
  func matches(_ argument: FixtureArgument<Case>) throws {
    let reference = try argument.value()
    let table = try Reference.table("data/competing_finegray_mgus2.csv")
    let time = try #require(table["time"])
    let status = try #require(table["status"]).map { Int($0) }
    let data = try #require(
      FineGrayData.expand(time: time, status: status, cause: reference.cause))
    #expect(data.row.count == reference.nExpanded)
    // finegray orders rows by subject, the extension rows after the subject's own row.
    #expect(data.start == reference.fgstart)
    #expect(data.stop == reference.fgstop)
    #expect(data.status.map { $0 ? 1.0 : 0 } == reference.fgstatus)
    for (a, b) in zip(data.weight, reference.fgwt) { #expect(abs(a - b) <= 1e-14 * b) }
    var values: [Double] = []
    for name in reference.covariates {
      let column = try #require(table[name])
      values += data.row.map { column[$0] }
    }
    let x = try Matrix(
      rows: data.row.count, columns: reference.covariates.count, columnMajor: values)
    let y = try SurvivalResponse(start: data.start, stop: data.stop, event: data.status)
    let fit = try CoxModel().fit(y, x: x, termNames: reference.covariates, weights: data.weight)
    var worst = 0.0
    for (j, c) in fit.coefficients.enumerated() {
      let pairs = [
        (c.estimate ?? .nan, reference.estimate[j]),
        (c.standardError ?? .nan, reference.stdError[j]),
        (c.modelStandardError ?? .nan, reference.modelStdError[j]),
      ]
      for (a, b) in pairs {
        worst = max(worst, abs(a - b) / abs(b))
        #expect(abs(a - b) <= 1e-8 * abs(b), "\(c.term): \(a) vs \(b)")
      }
    }
    print("finegray \(reference.name): max relative error \(worst)")
  }

  @Test("a cause without events gives no data")
  func noEvents() {
    #expect(FineGrayData.expand(time: [1, 2, 3], status: [1, 0, 1], cause: 2) == nil)
  }
}
