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
    let time = y.stop
    let order = (0..<n).sorted {
      let (a, b) = ($0, $1)
      if strataCodes.codes[a] != strataCodes.codes[b] {
        return strataCodes.codes[a] < strataCodes.codes[b]
      }
      return time[a] < time[b]
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
    var counts = [Int](repeating: 0, count: k)
    for i in 0..<n { counts[groupCodes.codes[i]] += 1 }

    var first = 0
    while first < n {
      var end = first
      while end < n && strataCodes.codes[order[end]] == strataCodes.codes[order[first]] { end += 1 }
      // Left-continuous pooled KM within the stratum (needed only for rho != 0).
      var weightAt = [Double](repeating: 1, count: end - first)
      if rho != 0 {
        var km = 1.0
        var i = first
        while i < end {
          var j = i
          var deaths = 0
          while j < end && time[order[j]] == time[order[i]] {
            weightAt[j - first] = pow(km, rho)
            deaths += y.event[order[j]] ? 1 : 0
            j += 1
          }
          let atRisk = Double(end - i)
          km *= (atRisk - Double(deaths)) / atRisk
          i = j
        }
      }
      var risk = [Double](repeating: 0, count: k)
      var i = end - 1
      while i >= first {
        let wt = weightAt[i - first]
        var deaths = 0.0
        var j = i
        while j >= first && time[order[j]] == time[order[i]] {
          let row = order[j]
          let g = groupCodes.codes[row]
          risk[g] += 1
          if y.event[row] {
            deaths += 1
            observed[g] += wt
          }
          j -= 1
        }
        let atRisk = Double(end - (j + 1))
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
        i = j
      }
      first = end
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
          label: groupLabels?[g] ?? "group=\(groupCodes.levels[g])", count: counts[g],
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
