import Distributions
import LinearAlgebra

extension MeanCumulativeFunction {
  /// The robust pseudo-score test of equal rate functions in `k` groups (`k - 1` df).
  ///
  /// With pooled event times `t_j`, `d_j` events among `Y_j` at risk, and `d_gj`, `Y_gj` in
  /// group `g`: `U_g = sum_j (d_gj - Y_gj d_j / Y_j)` for `g = 1..<k`. Each patient's score
  /// residual is `r_ig = sum_j Y_i(t_j) (x_ig(t_j) - Y_gj / Y_j) (dN_i(t_j) - d_j / Y_j)`
  /// over their rows, `V = sum_i r_i r_i'`, and `U' V^-1 U` is referred to chi-squared with
  /// `k - 1` df. This is R's robust score test `coxph(..., ties = "breslow")$rscore` for the
  /// group indicators at `beta = 0`; it needs no Poisson assumption (Lawless & Nadeau 1995).
  /// - Throws: ``RecurrentError/fit(_:)`` when `V` is singular (a group without events).
  static func robustScoreTest(
    start: [Double], stop: [Double], event: [Bool], patient: [Int], group: [Int],
    groupCount k: Int
  ) throws(RecurrentError) -> Comparison {
    let n = stop.count
    let all = Array(0..<n)
    let pooled = EventGrid(rows: all, start: start, stop: stop, event: event)
    let m = pooled.times.count
    let components = k - 1
    // Y_gj and d_gj at the pooled times, groups 1..<k.
    var atRisk = [[Double]](repeating: [Double](repeating: 0, count: m), count: components)
    var events = atRisk
    for g in 1..<k {
      let rows = all.filter { group[$0] == g }
      let stops = rows.map { stop[$0] }.sorted()
      let starts = rows.map { start[$0] }.sorted()
      for j in 0..<m {
        let t = pooled.times[j]
        atRisk[g - 1][j] = Double(
          (stops.count - EventGrid.lowerBound(stops, t))
            - (starts.count - EventGrid.lowerBound(starts, t)))
      }
      for r in rows where event[r] {
        let j = pooled.firstIndex(after: stop[r]) - 1
        events[g - 1][j] += 1
      }
    }
    let score = scoreVector(pooled: pooled, atRisk: atRisk, events: events)
    let residuals = scoreResiduals(
      rows: all, pooled: pooled, atRisk: atRisk, start: start, stop: stop, event: event,
      patient: patient, group: group)
    let meat: Matrix
    do {
      meat = try BLAS.syrk(residuals)
    } catch {
      throw .fit("MCF comparison: \(error)")
    }
    return try comparison(score: score, meat: meat)
  }

  /// `U_g = sum_j (d_gj - Y_gj d_j / Y_j)` for groups `1..<k`.
  static func scoreVector(pooled: EventGrid, atRisk: [[Double]], events: [[Double]]) -> [Double] {
    var score = [Double](repeating: 0, count: atRisk.count)
    for c in score.indices {
      for j in pooled.times.indices {
        score[c] +=
          events[c][j] - atRisk[c][j] * Double(pooled.events[j]) / Double(pooled.atRisk[j])
      }
    }
    return score
  }

  /// Each patient's score residual `r_ig` over `rows` (whole patients).
  ///
  /// One row per patient in order of first appearance; `atRisk[c][j]` is `Y_gj` for group `c + 1` at pooled time
  /// `j`. `sum_i r_i r_i'` is additive over disjoint sets of patients.
  static func scoreResiduals(
    rows: [Int], pooled: EventGrid, atRisk: [[Double]], start: [Double], stop: [Double],
    event: [Bool], patient: [Int], group: [Int]
  ) -> Matrix {
    let m = pooled.times.count
    let components = atRisk.count
    var patientIndex: [Int: Int] = [:]
    for r in rows where patientIndex[patient[r]] == nil {
      patientIndex[patient[r]] = patientIndex.count
    }
    var residuals = Matrix(rows: patientIndex.count, columns: components)
    let rowsOfPatients = patientIndex.count
    for r in rows {
      let i = patientIndex[patient[r]] ?? 0
      var j = pooled.firstIndex(after: start[r])
      while j < m, pooled.times[j] <= stop[r] {
        let y = Double(pooled.atRisk[j])
        let dN: Double = event[r] && pooled.times[j] == stop[r] ? 1 : 0
        let martingale = dN - Double(pooled.events[j]) / y
        for c in 0..<components {
          let x: Double = group[r] == c + 1 ? 1 : 0
          residuals.storage[i + c * rowsOfPatients] += (x - atRisk[c][j] / y) * martingale
        }
        j += 1
      }
    }
    return residuals
  }

  /// `U' V^-1 U` on `k - 1` df from the score and `V = sum_i r_i r_i'`.
  static func comparison(score: [Double], meat variance: Matrix) throws(RecurrentError)
    -> Comparison
  {
    let components = score.count
    do {
      let solved = try Cholesky(variance).solve(score)
      var statistic = 0.0
      for c in 0..<components { statistic += score[c] * solved[c] }
      return Comparison(
        statistic: statistic, degreesOfFreedom: components,
        pValue: ChiSquared.survival(statistic, degreesOfFreedom: Double(components)))
    } catch {
      throw .fit("MCF comparison: the score variance is singular (\(error))")
    }
  }
}
