import Foundation
import LinearAlgebra
import Survival
import Testing
import _TestSupport

@Suite("cox.zph against R survival 3.5-3")
struct CoxZphReferenceTests {
  static let names = Reference.names("cox") { $0["zph"] != nil }

  /// The fixture's term groups (1-based R column lists) as 0-based column groups.
  static func groups(_ entry: [String: Any], _ terms: [String]) -> [(name: String, columns: [Int])]?
  {
    guard let groups = entry["term_groups"] as? [String: Any], !groups.isEmpty else { return nil }
    return terms.compactMap { name in
      guard let value = groups[name] else { return nil }
      let columns = (value as? [Any] ?? [value]).compactMap { ($0 as? NSNumber)?.intValue }
      return (name, columns.map { $0 - 1 })
    }
  }

  @Test("per-term and global chi-square, df, p; scaled Schoenfeld residuals", arguments: names)
  func zph(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try Reference.named("cox", name)
    let call = entry["call"] as? String ?? ""
    let input = try CoxCaseInput(entry)
    let fit = try input.fit(ties: call.contains("breslow") ? .breslow : .efron)
    let expected = entry.object("zph")
    let names = expected.strings("terms")
    let test = try fit.proportionalHazardsTest(terms: Self.groups(entry, names))
    let rows = test.terms + [test.global]
    #expect(rows.map(\.term).count == names.count, "\(call)")
    var errors = [Double]()
    var pErrors = [Double]()
    for (k, row) in rows.enumerated() where k < names.count {
      errors.append(
        Tolerance.check(
          row.chiSquare, expected.numbers("chisq")[k], Tolerance.estimate, "\(call) \(names[k])"))
      #expect(Double(row.degreesOfFreedom) == expected.numbers("df")[k])
      pErrors.append(
        Tolerance.checkPValue(row.pValue, expected.numbers("p_value")[k], "\(call) \(names[k]) p"))
    }
    // Plot data: (time, x, y...) rows compared after sorting (tied times may be ordered
    // differently).
    let times = expected.numbers("time").map { $0 ?? .nan }
    let x = expected.numbers("x").map { $0 ?? .nan }
    let y = expected.rows("y")
    #expect(test.times.count == times.count)
    let theirs = times.indices.map { i in [times[i], x[i]] + y[i].map { $0 ?? .nan } }
      .sorted { $0.lexicographicallyPrecedes($1) }
    let ours = test.times.indices.map { i in
      [test.times[i], test.transformedTimes[i]]
        + (0..<test.scaledResiduals.columns).map { test.scaledResiduals[i, $0] }
    }.sorted { $0.lexicographicallyPrecedes($1) }
    for (a, b) in zip(ours, theirs) {
      for (u, v) in zip(a, b) {
        errors.append(Tolerance.check(u, v.isNaN ? nil : v, 1e-6, "\(call) zph residual"))
      }
    }
    reportMaximum("zph \(name) statistics and residuals", errors)
    reportMaximum("zph \(name) p-values", pErrors)
  }
}
