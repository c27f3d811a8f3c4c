import Foundation
import Survival
import Testing
import _TestSupport

/// Aalen-Johansen curves against survival's multi-state survfit (Tests/Reference/competing.R,
/// fixtures in Tests/Reference/competing.json).
///
/// Tolerance (`Tolerance.cumulativeIncidence`): 1e-10 relative (absolute below 1e-300 of the value) for the probabilities, the
/// infinitesimal-jackknife standard errors and the log intervals: both sides form the same
/// products and sums of a few hundred terms, so only rounding differs.
@Suite("Cumulative incidence against survfit (multi-state)")
struct CumulativeIncidenceReferenceTests {

  struct Case: Decodable, CustomTestStringConvertible {
    struct Curve: Decodable {
      let group: String
      let time: [Double]
      let nRisk: [Double]
      let pstate: [[Double]]
      let stdErr: [[Double]]
      let lower: [[Double?]]
      let upper: [[Double?]]
      enum CodingKeys: String, CodingKey {
        case group, time, pstate, lower, upper
        case nRisk = "n_risk"
        case stdErr = "std_err"
      }
    }
    let name: String
    let call: String
    struct Gray: Decodable {
      let cause: Int
      let statistic: Double
      let pValue: Double
      let df: Int
      enum CodingKeys: String, CodingKey {
        case cause, statistic, df
        case pValue = "p_value"
      }
    }
    let causes: [Int]
    let curves: [Curve]
    let gray: [Gray]
    var testDescription: String { name }
  }

  struct Root: Decodable { let cases: [Case] }

  static var directory: URL { Fixture.directory }

  /// The fixture's cases as test arguments; a missing, unparseable or empty fixture gives
  /// one case that fails naming the file.
  static let cases: [FixtureArgument<Case>] = Fixture.arguments("competing.json") {
    try Fixture.decode(Root.self, from: "competing.json").cases
  }

  /// time, status and group (as text) of `competing_<name>.csv`.
  static func data(_ name: String) throws -> (time: [Double], status: [Double], group: [String]) {
    let url = directory.appendingPathComponent("data/competing_\(name).csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
    let strip = { (s: Substring) in s.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    let header = try #require(lines.first).split(separator: ",").map(strip)
    let (ti, si, gi) = (
      try #require(header.firstIndex(of: "time")), try #require(header.firstIndex(of: "status")),
      try #require(header.firstIndex(of: "group"))
    )
    var out: (time: [Double], status: [Double], group: [String]) = ([], [], [])
    for line in lines.dropFirst() {
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(strip)
      out.time.append(Double(f[ti]) ?? .nan)
      out.status.append(Double(f[si]) ?? .nan)
      out.group.append(f[gi])
    }
    return out
  }

  static func fit(_ name: String) throws -> CumulativeIncidenceFit {
    let d = try data(name)
    let labels = Array(Set(d.group)).sorted()
    let codes = d.group.map { labels.firstIndex(of: $0) ?? 0 }
    return try CumulativeIncidence().fit(
      time: d.time, status: d.status, groups: codes, groupLabels: labels)
  }

  static func close(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= Tolerance.cumulativeIncidence * abs(b) || abs(a - b) < 1e-300
  }

  @Test("competing.json holds its 3 cases")
  func fixture() throws {
    #expect(try Fixture.decode(Root.self, from: "competing.json").cases.count == 3)
  }

  @Test("pstate, std.err, n.risk, lower and upper as survfit", arguments: cases)
  func matchesSurvfit(_ argument: FixtureArgument<Case>) throws {
    let reference = try argument.value()
    // R: survfit(Surv(time, factor(status)) ~ group, data)
    let fit = try Self.fit(reference.name)
    #expect(fit.causes == reference.causes)
    #expect(fit.curves.count == reference.curves.count)
    var worst = 0.0
    for (curve, r) in zip(fit.curves, reference.curves) {
      #expect(curve.label == r.group)
      #expect(curve.steps.map(\.time) == r.time)
      for (j, step) in curve.steps.enumerated() where j < r.time.count {
        #expect(step.atRisk == r.nRisk[j])
        let ours = [step.survival] + step.incidence
        let se = [step.survivalStandardError] + step.standardError
        let low = [step.survivalConfLow] + step.confLow
        let high = [step.survivalConfHigh] + step.confHigh
        for s in 0..<ours.count {
          for (a, b) in [(ours[s], r.pstate[s][j]), (se[s], r.stdErr[s][j])] {
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
            #expect(Self.close(a, b), "\(r.group) t=\(r.time[j]) state \(s): \(a) vs \(b)")
          }
          #expect(Self.close(low[s], r.lower[s][j]), "lower \(r.group) t=\(r.time[j]) \(s)")
          #expect(Self.close(high[s], r.upper[s][j]), "upper \(r.group) t=\(r.time[j]) \(s)")
        }
      }
    }
    print("cif \(reference.name): max relative error \(worst)")
  }

  @Test("Gray's test as cmprsk::cuminc", arguments: cases)
  func gray(_ argument: FixtureArgument<Case>) throws {
    let reference = try argument.value()
    // R: cuminc(time, status, group, cencode = 0)$Tests
    let fit = try Self.fit(reference.name)
    #expect(fit.grayTests.map(\.cause) == reference.gray.map(\.cause))
    for (ours, r) in zip(fit.grayTests, reference.gray) {
      #expect(ours.degreesOfFreedom == r.df)
      #expect(Self.close(ours.statistic, r.statistic), "\(ours.statistic) vs \(r.statistic)")
      #expect(abs(ours.pValue - r.pValue) < 1e-12)
      print(
        "gray \(reference.name) cause \(r.cause): relative error "
          + "\(abs(ours.statistic - r.statistic) / r.statistic)")
    }
  }

  @Test("survival and the cumulative incidences sum to 1 at every time", arguments: cases)
  func sumsToOne(_ argument: FixtureArgument<Case>) throws {
    let reference = try argument.value()
    for curve in try Self.fit(reference.name).curves {
      for step in curve.steps {
        #expect(abs(step.survival + step.incidence.reduce(0, +) - 1) < 1e-14)
      }
    }
  }

  @Test("a requested cause with no events has incidence 0 and SE 0 throughout")
  func causeWithoutEvents() throws {
    let fit = try CumulativeIncidence().fit(
      time: [1, 2, 3, 4], status: [1, 0, 1, 0], causes: [1, 2])
    let last = try #require(fit.curves.first?.steps.last)
    #expect(last.incidence[1] == 0)
    #expect(last.standardError[1] == 0)
    #expect(last.confLow[1] == nil)
  }
}
