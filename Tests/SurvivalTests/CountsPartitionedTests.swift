import Partials
import Survival
import Testing
import _TestSupport

/// Kaplan-Meier and log-rank counts over 1, 2, 7 and 31 partitions (one empty, uneven):
/// merged in any order they give the single-table estimates (Kaplan-Meier to the bit, since
/// every count is an integer and the sweep is the same; log-rank to
/// ``Tolerance/distributed``, whose strata are summed in another order).
@Suite("Kaplan-Meier and log-rank counts over partitions")
struct CountsPartitionedTests {
  /// 300 subjects: tied integer times, censoring, three groups, two strata, and some
  /// delayed entries for Kaplan-Meier.
  struct Data {
    var start: [Double] = []
    var stop: [Double] = []
    var event: [Bool] = []
    var group: [Int] = []
    var stratum: [Int] = []

    init(delayedEntry: Bool) {
      var state: UInt64 = 20_241_204
      func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
      }
      for _ in 0..<300 {
        let g = next(3)
        let entry = delayedEntry && next(4) == 0 ? Double(next(5)) : 0
        start.append(entry)
        stop.append(entry + 1 + Double(next(12 + 6 * g)))
        event.append(next(10) < 7)
        group.append(g)
        stratum.append(next(2))
      }
    }

    func response(_ rows: [Int], counting: Bool) throws -> SurvivalResponse {
      try SurvivalResponse(
        start: counting ? rows.map { start[$0] } : nil, stop: rows.map { stop[$0] },
        event: rows.map { event[$0] })
    }
  }

  static let labels = ["g=A", "g=B", "g=C"]
  static let keys: [PartitionDesign.GroupKey] = ["A", "B", "C"].map { [(number: .nan, text: $0)] }

  /// Subject `i` goes to partition `(i * i + i / 5) % (count - 1)` (the last stays empty).
  static func partitions(_ count: Int) -> [[Int]] {
    var parts = [[Int]](repeating: [], count: count)
    let used = max(1, count - 1)
    for i in 0..<300 { parts[(i * i + i / 5) % used].append(i) }
    return parts
  }

  static func bits(_ s: KaplanMeierFit.Step) -> [UInt64] {
    [
      s.time, s.atRisk, s.events, Double(s.eventCount), s.censored, s.survival,
      s.standardError, s.logStandardError, s.confidenceLow ?? -1, s.confidenceHigh ?? -1,
    ].map(\.bitPattern)
  }

  @Test("Kaplan-Meier counts give the single-table curves to the bit", arguments: [1, 2, 7, 31])
  func kaplanMeier(count: Int) throws {
    let data = Data(delayedEntry: true)
    let all = Array(0..<300)
    let whole = try KaplanMeier().fit(
      data.response(all, counting: true), groups: data.group, groupLabels: Self.labels)
    var merged: KaplanMeierCounts?
    for order in [false, true] {
      var total: KaplanMeierCounts?
      let parts = Self.partitions(count)
      for k in order ? Array(parts.indices.reversed()) : Array(parts.indices) {
        let rows = parts[k]
        let counts = KaplanMeierCounts(
          header: PartialHeader(model: "km", pass: "counts", state: "-", partition: "p\(k)"),
          formula: "Surv(start, stop, event) ~ g",
          y: rows.isEmpty ? nil : try data.response(rows, counting: true),
          codes: rows.map { data.group[$0] }, labels: Self.labels, keys: Self.keys)
        if total == nil { total = counts } else { try total?.merge(counts) }
      }
      if let merged { #expect(merged.document == total?.document) }
      merged = total
    }
    let fit = try KaplanMeier().fit(tables: try #require(merged).tables)
    #expect(fit.curves.map(\.label) == whole.curves.map(\.label))
    for (a, b) in zip(fit.curves, whole.curves) {
      #expect(a.count == b.count)
      // Bit patterns: the last step's standard error is NaN (S = 0), which `==` never equals.
      #expect(a.steps.map(Self.bits) == b.steps.map(Self.bits))
    }
  }

  @Test(
    "log-rank counts give the single-table test", arguments: [1, 2, 7, 31], [0.0, 1.0])
  func logRank(count: Int, rho: Double) throws {
    let data = Data(delayedEntry: false)
    let all = Array(0..<300)
    let whole = try LogRank.test(
      data.response(all, counting: false), groups: data.group, strata: data.stratum,
      groupLabels: Self.labels, rho: rho)
    var total: LogRankCounts?
    for (k, rows) in Self.partitions(count).enumerated() {
      let counts = LogRankCounts(
        header: PartialHeader(model: "logrank", pass: "counts", state: "-", partition: "p\(k)"),
        formula: "Surv(time, status) ~ g + strata(s)",
        y: rows.isEmpty ? nil : try data.response(rows, counting: false),
        codes: rows.map { data.group[$0] }, labels: Self.labels, keys: Self.keys,
        strata: rows.map { "s=\(data.stratum[$0])" })
      if total == nil { total = counts } else { try total?.merge(counts) }
    }
    let test = try #require(total).test(rho: rho)
    Tolerance.check(test.statistic, whole.statistic, Tolerance.distributed, "chi-squared")
    Tolerance.check(test.pValue, whole.pValue, Tolerance.distributed, "p-value")
    #expect(test.degreesOfFreedom == whole.degreesOfFreedom)
    for (a, b) in zip(test.groups, whole.groups) {
      #expect(a.label == b.label)
      #expect(a.count == b.count)
      Tolerance.check(a.observed, b.observed, Tolerance.distributed, "\(b.label) observed")
      Tolerance.check(a.expected, b.expected, Tolerance.distributed, "\(b.label) expected")
    }
  }
}
