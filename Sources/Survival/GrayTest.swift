import Distributions
import LinearAlgebra

/// Gray's (1988) k-sample test of equal cumulative incidence of one cause, as
/// `cmprsk::cuminc(ftime, fstatus, group)$Tests` (rho = 0, no strata).
///
/// The score compares, at each time with an event, each group's events of the cause with
/// what the pooled subdistribution hazard predicts for its subdistribution risk set
/// `R_g (1 - F_g(t-)) / S_g(t-)` (`R_g` at risk, `S_g` the group's Kaplan-Meier of any event,
/// `F_g` its cumulative incidence of the cause). The variance is Gray's estimator (his
/// section 3), including the finite-sample corrections for tied events that cmprsk applies
/// (`1 - (d - 1) / (R - 1)` terms). The statistic `s' V^-1 s` over the first `G - 1` groups
/// is chi-square on `G - 1` df.
///
/// Reference: Gray, R. J. (1988) A class of K-sample tests for comparing the cumulative
/// incidence of a competing risk. Annals of Statistics 16, 1141-1154.
public struct GrayTest: Sendable, Equatable {
  /// The cause tested (status code).
  public var cause: Int
  public var statistic: Double
  public var degreesOfFreedom: Int
  public var pValue: Double

  /// Status per subject after recoding: the cause of interest, another cause, or censored.
  enum Outcome { case censored, cause, other }

  /// The test for `cause` among groups `0..<groupCount`.
  ///
  /// - Returns: `nil` with fewer than 2 groups, no event of the cause, or a singular variance.
  public static func compute(
    time: [Double], status: [Int], groups: [Int], groupCount: Int, cause: Int
  ) -> GrayTest? {
    let n = time.count
    guard groupCount >= 2, status.contains(cause) else { return nil }
    let order = time.indices.sorted { time[$0] < time[$1] }
    let g = groupCount
    let h = g - 1
    var atRisk = [Double](repeating: 0, count: g)
    for i in 0..<n { atRisk[groups[i]] += 1 }
    var survivalBefore = [Double](repeating: 1, count: g)  // S_g(t-)
    var incidenceBefore = [Double](repeating: 0, count: g)  // F_g(t-)
    var pooledBefore = 0.0  // the pooled cumulative subdistribution, at t-
    var score = [Double](repeating: 0, count: h)
    // Running sums of the variance estimator (Gray's notation: c accumulates the effect of
    // earlier times through the pooled estimate).
    var c = [[Double]](repeating: [Double](repeating: 0, count: g), count: g)
    var v = [[Double]](repeating: [Double](repeating: 0, count: h), count: h)
    var v2 = [[Double]](repeating: [Double](repeating: 0, count: g), count: h)
    var v3 = [Double](repeating: 0, count: g)
    var position = 0
    while position < n {
      let t = time[order[position]]
      var censored = [Double](repeating: 0, count: g)
      var d1 = censored
      var d2 = censored
      var end = position
      while end < n, time[order[end]] == t {
        let i = order[end]
        switch status[i] == 0 ? Outcome.censored : status[i] == cause ? .cause : .other {
        case .censored: censored[groups[i]] += 1
        case .cause: d1[groups[i]] += 1
        case .other: d2[groups[i]] += 1
        }
        end += 1
      }
      let total1 = d1.reduce(0, +)
      let total2 = d2.reduce(0, +)
      var survivalAfter = survivalBefore
      var incidenceAfter = incidenceBefore
      if total1 > 0 || total2 > 0 {
        var weightSum = 0.0  // sum_g R_g / S_g(t-)
        var subRiskSum = 0.0  // sum_g R_g (1 - F_g(t-)) / S_g(t-)
        for k in 0..<g where atRisk[k] > 0 {
          survivalAfter[k] = survivalBefore[k] * (atRisk[k] - d1[k] - d2[k]) / atRisk[k]
          incidenceAfter[k] = incidenceBefore[k] + survivalBefore[k] * d1[k] / atRisk[k]
          weightSum += atRisk[k] / survivalBefore[k]
          subRiskSum += atRisk[k] * (1 - incidenceBefore[k]) / survivalBefore[k]
        }
        let pooledAfter = pooledBefore + total1 / weightSum
        // a[i][j]: derivative of group i's score increment with respect to group j.
        var a = [[Double]](repeating: [Double](repeating: 0, count: g), count: g)
        for i in 0..<g where atRisk[i] > 0 {
          let wi = atRisk[i] / survivalBefore[i]
          a[i][i] = wi * (1 - wi / weightSum)
          for j in (i + 1)..<max(i + 1, g) where atRisk[j] > 0 {
            a[i][j] = -wi * atRisk[j] / (survivalBefore[j] * weightSum)
            a[j][i] = a[i][j]
          }
        }
        let drift = total1 / (weightSum * (1 - pooledBefore))
        for i in 0..<g {
          for j in 0..<g { c[i][j] += a[i][j] * drift }
        }
        for i in 0..<h where atRisk[i] > 0 {
          score[i] +=
            d1[i] - total1 * atRisk[i] * (1 - incidenceBefore[i]) / (survivalBefore[i] * subRiskSum)
        }
        if total1 > 0 {
          for k in 0..<g where atRisk[k] > 0 {
            let t4 = survivalAfter[k] > 0 ? 1 - (1 - pooledAfter) / survivalAfter[k] : 1
            let tie =
              total1 > 1 ? 1 - (total1 - 1) / (weightSum * survivalBefore[k] - 1) : 1
            let t3 = tie * survivalBefore[k] * total1 / (weightSum * atRisk[k])
            v3[k] += t4 * t4 * t3
            for i in 0..<h {
              let ui = a[i][k] - t4 * c[i][k]
              v2[i][k] += ui * t4 * t3
              for j in 0...i { v[i][j] += ui * (a[j][k] - t4 * c[j][k]) * t3 }
            }
          }
        }
        if total2 > 0 {
          for k in 0..<g where survivalAfter[k] > 0 && d2[k] > 0 {
            let t4 = (1 - pooledAfter) / survivalAfter[k]
            let tie = d2[k] > 1 ? 1 - (d2[k] - 1) / (atRisk[k] - 1) : 1
            let t3 = tie * survivalBefore[k] * survivalBefore[k] * d2[k] / (atRisk[k] * atRisk[k])
            v3[k] += t4 * t4 * t3
            for i in 0..<h {
              let ui = t4 * c[i][k]
              v2[i][k] -= ui * t4 * t3
              for j in 0...i { v[i][j] += ui * t4 * c[j][k] * t3 }
            }
          }
        }
        pooledBefore = pooledAfter
      }
      for k in 0..<g { atRisk[k] -= censored[k] + d1[k] + d2[k] }
      survivalBefore = survivalAfter
      incidenceBefore = incidenceAfter
      position = end
    }
    // V += C_h diag(v3) C_h' + C_h V2' + V2 C_h', C_h the first h rows of c (dgemm).
    guard
      let ch = try? Matrix(rows: (0..<h).map { c[$0] }),
      let v2m = try? Matrix(rows: v2),
      let scaled = try? Matrix(rows: (0..<h).map { i in (0..<g).map { c[i][$0] * v3[$0] } }),
      let first = try? BLAS.gemm(scaled, ch, transposeB: true),
      let second = try? BLAS.gemm(ch, v2m, transposeB: true)
    else { return nil }
    var variance = Matrix(rows: h, columns: h)
    for i in 0..<h {
      for j in 0...i {
        let value = v[i][j] + first[i, j] + second[i, j] + second[j, i]
        variance[i, j] = value
        variance[j, i] = value
      }
    }
    guard let factor = try? Cholesky(variance), let solved = try? factor.solve(score),
      let row = try? Matrix(rows: 1, columns: h, columnMajor: score),
      let statistic = try? BLAS.gemv(row, solved).first
    else { return nil }
    return GrayTest(
      cause: cause, statistic: statistic, degreesOfFreedom: h,
      pValue: ChiSquared.survival(statistic, degreesOfFreedom: Double(h)))
  }
}
