import Distributions
import Foundation
import LinearAlgebra

/// The k-sample log-rank test and its G-rho family, as R's `survdiff`.
public enum LogRank {
  /// Tests equality of the survival curves of the groups.
  ///
  /// At each event time the weight is `S(t-)^rho`, with `S` the pooled left-continuous
  /// Kaplan-Meier estimate within the stratum (`rho = 0`: log-rank; `rho = 1`: Peto-Peto
  /// Prentice-Wilcoxon). Observed and expected counts and the hypergeometric variance are summed
  /// over strata; the statistic is `(O - E)' V^- (O - E)` on the groups with `E > 0`, dropping
  /// the first of them.
  ///
  /// - Parameters:
  ///   - y: right-censored response (R's survdiff has no counting-process form).
  ///   - groups: group codes, one per row.
  ///   - strata: stratum codes, or `nil`.
  ///   - groupLabels: labels for the sorted distinct group codes.
  /// - Throws: ``SurvivalError`` for counting-process data or mismatched lengths.
  public static func test(
    _ y: SurvivalResponse, groups: [Int], strata: [Int]? = nil, groupLabels: [String]? = nil,
    rho: Double = 0
  ) throws -> LogRankResult {
    guard !y.isCountingProcess else {
      throw SurvivalError.invalidParameter("the log-rank test needs right-censored data")
    }
    let n = y.count
    guard n > 0 else { throw SurvivalError.noObservations }
    let groupCodes = try RiskSetData.stratumCodes(groups, count: n)
    let strataCodes = try RiskSetData.stratumCodes(strata, count: n)
    let k = groupCodes.levels.count
    if let groupLabels, groupLabels.count != k {
      throw SurvivalError.lengthMismatch(
        what: "group labels", expected: k, actual: groupLabels.count)
    }
    var counts = [Int](repeating: 0, count: k)
    for i in 0..<n { counts[groupCodes.codes[i]] += 1 }
    var tables = [LogRankTable.Stratum](
      repeating: LogRankTable.Stratum(times: [], exits: [], events: []),
      count: strataCodes.levels.count)
    let time = y.stop
    let order = (0..<n).sorted {
      let (a, b) = ($0, $1)
      if strataCodes.codes[a] != strataCodes.codes[b] {
        return strataCodes.codes[a] < strataCodes.codes[b]
      }
      return time[a] < time[b]
    }
    for row in order {
      let s = strataCodes.codes[row]
      if tables[s].times.last != time[row] {
        tables[s].times.append(time[row])
        tables[s].exits.append([Double](repeating: 0, count: k))
        tables[s].events.append([Double](repeating: 0, count: k))
      }
      let t = tables[s].times.count - 1
      tables[s].exits[t][groupCodes.codes[row]] += 1
      if y.event[row] { tables[s].events[t][groupCodes.codes[row]] += 1 }
    }
    return try test(
      LogRankTable(groups: k, strata: tables), counts: counts,
      groupLabels: (0..<k).map { groupLabels?[$0] ?? "group=\(groupCodes.levels[$0])" },
      rho: rho)
  }

  /// The test from tabulated counts (the solve step of `crampstat partial logrank`): per
  /// stratum and distinct time, each group's rows leaving the risk set and events.
  /// - Throws: ``SurvivalError/lengthMismatch(what:expected:actual:)`` for inconsistent
  ///   tables; what the variance's factorization throws.
  public static func test(
    _ tables: LogRankTable, counts: [Int], groupLabels: [String], rho: Double = 0
  ) throws -> LogRankResult {
    let k = tables.groups
    guard counts.count == k, groupLabels.count == k else {
      throw SurvivalError.lengthMismatch(what: "groups", expected: k, actual: counts.count)
    }
    var observed = [Double](repeating: 0, count: k)
    var expected = [Double](repeating: 0, count: k)
    // V = sum_t c_t (diag(r_t) - r_t r_t' / n_t), c_t = w_t^2 d_t (n_t - d_t) / (n_t (n_t - 1)),
    // r_t the group sizes at risk: the diagonal part is summed here, the outer products go to
    // dsyrk over blocks of the rows sqrt(c_t / n_t) r_t (no per-time rank-1 loops).
    var diagonal = [Double](repeating: 0, count: k)
    var outer = CrossProductAccumulator(columns: k)
    let blockRows = 1024
    var block = [Double](repeating: 0, count: blockRows * k)
    var blockWeights = [Double](repeating: 0, count: blockRows)
    var pending = 0
    func flush() throws {
      guard pending > 0 else { return }
      try block.withUnsafeBufferPointer { rows in
        try blockWeights.withUnsafeBufferPointer { weights in
          try outer.add(
            block: rows, rows: pending, leadingDimension: blockRows,
            weights: UnsafeBufferPointer(rebasing: weights[0..<pending]), response: nil)
        }
      }
      pending = 0
    }
    for stratum in tables.strata {
      let m = stratum.times.count
      let total = stratum.exits.reduce(0.0) { $0 + $1.reduce(0, +) }
      // Left-continuous pooled KM within the stratum (needed only for rho != 0).
      var weightAt = [Double](repeating: 1, count: m)
      if rho != 0 {
        var km = 1.0
        var atRisk = total
        for t in 0..<m {
          weightAt[t] = pow(km, rho)
          let deaths = stratum.events[t].reduce(0, +)
          km *= (atRisk - deaths) / atRisk
          atRisk -= stratum.exits[t].reduce(0, +)
        }
      }
      var risk = [Double](repeating: 0, count: k)
      var atRisk = 0.0
      for t in stride(from: m - 1, through: 0, by: -1) {
        let wt = weightAt[t]
        var deaths = 0.0
        for g in 0..<k {
          risk[g] += stratum.exits[t][g]
          atRisk += stratum.exits[t][g]
          deaths += stratum.events[t][g]
          observed[g] += wt * stratum.events[t][g]
        }
        if deaths > 0 {
          for g in 0..<k { expected[g] += wt * deaths * risk[g] / atRisk }
          if atRisk > 1 {
            let c = wt * wt * deaths * (atRisk - deaths) / (atRisk * (atRisk - 1))
            for a in 0..<k {
              diagonal[a] += c * risk[a]
              block[pending + a * blockRows] = risk[a]
            }
            blockWeights[pending] = c / atRisk
            pending += 1
            if pending == blockRows { try flush() }
          }
        }
      }
    }

    try flush()
    var variance = outer.crossProduct().storage.map { -$0 }
    for a in 0..<k { variance[a * k + a] += diagonal[a] }
    let used = (0..<k).filter { expected[$0] > 0 }
    var statistic = 0.0
    if used.count >= 2 {
      let reduced = Array(used.dropFirst())
      let m = reduced.count
      var v = Matrix(rows: m, columns: m)
      var difference = [Double](repeating: 0, count: m)
      for (r, a) in reduced.enumerated() {
        difference[r] = observed[a] - expected[a]
        for (c, b) in reduced.enumerated() { v[r, c] = variance[a * k + b] }
      }
      let solved = try Cholesky(v).solve(difference)
      for r in 0..<m { statistic += solved[r] * difference[r] }
    }
    let df = max(used.count - 1, 0)
    var table = [LogRankResult.Group]()
    for g in 0..<k {
      table.append(
        LogRankResult.Group(
          label: groupLabels[g], count: counts[g],
          observed: observed[g], expected: expected[g], variance: variance[g * k + g]))
    }
    var matrix = Matrix(rows: k, columns: k)
    for a in 0..<k { for b in 0..<k { matrix[a, b] = variance[a * k + b] } }
    return LogRankResult(
      rho: rho, groups: table, variance: matrix, statistic: statistic, degreesOfFreedom: df,
      pValue: df > 0 ? ChiSquared.survival(statistic, degreesOfFreedom: Double(df)) : .nan)
  }
}

/// R's `survdiff` table and test.
public struct LogRankResult: Sendable {
  /// One group's row: N, Observed, Expected, (O-E)^2/E, (O-E)^2/V.
  public struct Group: Sendable, Equatable {
    public let label: String
    public let count: Int
    public let observed: Double
    public let expected: Double
    /// Diagonal of the variance matrix for this group.
    public let variance: Double
    public var chiSquaredOverExpected: Double {
      (observed - expected) * (observed - expected) / expected
    }
    public var chiSquaredOverVariance: Double {
      (observed - expected) * (observed - expected) / variance
    }
  }

  public let rho: Double
  public let groups: [Group]
  /// The k x k variance matrix of `O - E`.
  public let variance: Matrix
  public let statistic: Double
  public let degreesOfFreedom: Int
  public let pValue: Double
}

/// The counts the log-rank test needs: per stratum, per distinct time (ascending), each
/// group's rows leaving the risk set (events and censorings) and its events.
public struct LogRankTable: Sendable, Equatable {
  /// One stratum's counts.
  public struct Stratum: Sendable, Equatable {
    public var times: [Double]
    /// `exits[t][g]`: rows of group `g` with time `times[t]`.
    public var exits: [[Double]]
    /// `events[t][g]`: events among them.
    public var events: [[Double]]
    public init(times: [Double], exits: [[Double]], events: [[Double]]) {
      self.times = times
      self.exits = exits
      self.events = events
    }
  }

  /// Number of groups `k`.
  public var groups: Int
  public var strata: [Stratum]

  public init(groups: Int, strata: [Stratum]) {
    self.groups = groups
    self.strata = strata
  }
}
