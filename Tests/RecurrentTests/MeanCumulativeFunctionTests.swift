import Foundation
import Recurrent
import Testing
import _TestSupport

@Suite("Mean cumulative function")
struct MeanCumulativeFunctionTests {
  /// A hand-worked MCF of four patients.
  ///
  /// Rows (start, stop]: 1: (0,2]e (2,5]e (5,7]; 2: (0,3]e (3,6];
  /// 3: (0,1]e (1,4]e; 4: (0,4]. Event times 1, 2, 3, 4, 5 with 4, 4, 4, 4, 2 at risk, one
  /// event each: MCF = 0.25, 0.5, 0.75, 1.0, 1.5. R (survfit(..., id = id)) gives std.chaz
  /// 0.2165064, 0.25, 0.2165064, 0.3535534, 0.5, which the influences
  /// (dN_i - Y_i dH) / Y summed over times reproduce by hand.
  @Test("hand-worked example equals survfit(id = id) and Lawless-Nadeau")
  func handWorked() throws {
    let mcf = try MeanCumulativeFunction.estimate(
      start: [0, 2, 5, 0, 3, 0, 1, 0], stop: [2, 5, 7, 3, 6, 1, 4, 4],
      event: [true, true, false, true, false, true, true, false],
      patient: [1, 1, 1, 2, 2, 3, 3, 4], group: [Int](repeating: 0, count: 8),
      groupLabels: ["all"])
    let steps = try #require(mcf.groups.first?.steps)
    #expect(steps.map(\.time) == [1, 2, 3, 4, 5])
    #expect(steps.map(\.atRisk) == [4, 4, 4, 4, 2])
    let expected = [0.25, 0.5, 0.75, 1.0, 1.5]
    let se = [0.2165063509461097, 0.25, 0.2165063509461097, 0.3535533905932738, 0.5]
    for k in steps.indices {
      #expect(abs(steps[k].estimate - expected[k]) < 1e-14)
      #expect(abs(steps[k].standardError - se[k]) < 1e-12)
      let z = 1.959963984540054
      #expect(abs(steps[k].upper - expected[k] * exp(z * se[k] / expected[k])) < 1e-12)
    }
    #expect(mcf.comparison == nil)
  }

  @Test(
    "survfit MCF, Lawless-Nadeau SE and the robust score test",
    arguments: RecurrentReference.names("mcf"))
  func reference(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    let entry = try RecurrentReference.named("mcf", name)
    let call = entry["call"] as? String ?? name
    let design = try RecurrentDesign.build(
      diary: try RecurrentReference.diary(entry),
      formula: try #require(entry["formula"] as? String), model: .meanCumulativeFunction)
    let fit = try MeanCumulativeFunction.estimate(design)
    let groups = try #require(entry["groups"] as? [[String: Any]])
    #expect(fit.groups.map(\.label) == groups.compactMap { $0["label"] as? String })
    var errors: [Double] = []
    for (g, r) in zip(fit.groups, groups) {
      let times = r.numbers("time")
      #expect(g.steps.count == times.count, "\(g.label)")
      for (k, step) in g.steps.enumerated() where k < times.count {
        #expect(step.time == times[k])
        #expect(Double(step.atRisk) == r.numbers("n_risk")[k])
        #expect(Double(step.events) == r.numbers("n_event")[k])
        errors.append(Tolerance.check(step.estimate, r.numbers("mcf")[k], "\(call) \(g.label) mcf"))
        errors.append(
          Tolerance.check(step.standardError, r.numbers("std_error")[k], "\(g.label) std.chaz"))
        errors.append(
          Tolerance.check(step.standardError, r.numbers("ln_std_error")[k], "\(g.label) LN se"))
      }
    }
    let test = try #require(fit.comparison)
    errors.append(Tolerance.check(test.statistic, entry.number("test_statistic"), "\(call) rscore"))
    Tolerance.checkPValue(test.pValue, entry.number("test_p_value"), "\(call) p")
    #expect(Double(test.degreesOfFreedom) == entry.number("test_df"))
    reportMaximum("mcf \(name)", errors)
  }
}
