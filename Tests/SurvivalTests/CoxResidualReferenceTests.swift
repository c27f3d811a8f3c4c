import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

@Suite("Cox residuals against R survival 3.5-3")
struct CoxResidualReferenceTests {
  static let names = Reference.names("cox") { $0["martingale"] != nil }

  @Test("martingale, deviance, score, Schoenfeld and dfbeta residuals", arguments: names)
  func residuals(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try Reference.named("cox", name)
    let call = entry["call"] as? String ?? ""
    let input = try CoxCaseInput(entry)
    let fit = try input.fit(ties: call.contains("breslow") ? .breslow : .efron)
    var errors = [Double]()
    // Residuals near zero are compared with an absolute floor of 1e-8 (Tolerance.check's floor).
    for (ours, key) in [
      (fit.martingaleResiduals, "martingale"), (fit.devianceResiduals, "deviance"),
    ] {
      let expected = entry.numbers(key)
      #expect(ours.count == expected.count)
      for (k, value) in ours.enumerated() where k < expected.count {
        errors.append(
          Tolerance.check(value, expected[k], Tolerance.estimate, "\(call) \(key)[\(k)]"))
      }
    }
    let dfbeta = try fit.dfbetaResiduals()
    for (matrix, key) in [(fit.scoreResiduals, "score_residuals"), (dfbeta, "dfbeta")] {
      let expected = entry.rows(key)
      #expect(matrix.rows == expected.count)
      for i in 0..<min(matrix.rows, expected.count) {
        for j in 0..<matrix.columns {
          errors.append(
            Tolerance.check(matrix[i, j], expected[i][j], 1e-5, "\(call) \(key)[\(i), \(j)]"))
        }
      }
    }
    // Schoenfeld rows: R orders by time; within tied times the order may differ, so compare
    // after sorting each tie group's rows.
    let (schoenfeld, _, times) = fit.schoenfeldResiduals
    let expected = entry.rows("schoenfeld")
    let expectedTimes = entry.numbers("schoenfeld_time")
    #expect(schoenfeld.rows == expected.count)
    func key(_ time: Double, _ row: [Double]) -> [Double] { [time] + row }
    let ours = (0..<schoenfeld.rows).map { i in
      key(times[i], (0..<schoenfeld.columns).map { schoenfeld[i, $0] })
    }.sorted { $0.lexicographicallyPrecedes($1) }
    let theirs = expected.enumerated().map { i, row in
      key(expectedTimes[i] ?? .nan, row.map { $0 ?? .nan })
    }.sorted { $0.lexicographicallyPrecedes($1) }
    for (a, b) in zip(ours, theirs) {
      for (x, y) in zip(a, b) {
        errors.append(Tolerance.check(x, y, 1e-5, "\(call) schoenfeld"))
      }
    }
    reportMaximum("residuals \(name)", errors)
  }
}
