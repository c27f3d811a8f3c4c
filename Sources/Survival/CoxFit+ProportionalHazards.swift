import Foundation
import LinearAlgebra

/// The Schoenfeld-residual test of proportional hazards, as R's `cox.zph(fit)` (survival 3.5).
public struct ProportionalHazardsTest: Sendable {
  /// One row of the table: a term (possibly several columns) or `GLOBAL`.
  public struct Row: Sendable, Equatable {
    public let term: String
    public let chiSquare: Double
    public let degreesOfFreedom: Int
    public let pValue: Double
  }

  /// Per-term rows in model order.
  public let terms: [Row]
  /// The joint test over all coefficients (R's `GLOBAL` row).
  public let global: Row
  /// The time transform used (`"km"`: one minus the left-continuous Kaplan-Meier).
  public let transform: String
  /// Event times, one per event row, ordered by stratum then time (R's `zph$time`).
  public let times: [Double]
  /// Transformed event times (R's `zph$x`), the horizontal axis of the beta(t) plot.
  public let transformedTimes: [Double]
  /// Scaled Schoenfeld residuals plus the coefficient, `events` x `terms` (R's `zph$y`); NaN
  /// where a term's covariates are constant within the event's stratum.
  public let scaledResiduals: Matrix
  /// The stratum code (0-based) of each event row.
  public let strata: [Int]
}

extension CoxFit {
  /// The proportional-hazards test of R's `cox.zph(fit, transform = "km", terms = TRUE)`.
  ///
  /// A one-step score test, at the fitted coefficients, for adding `x * g(t)` to the model,
  /// `g` the centred transformed time; per term (all of its columns together) and globally.
  /// - Parameter terms: groups of columns of the design (indices into ``coefficients``) that
  ///   form one term, e.g. the dummies of a factor; `nil` makes every column its own term.
  ///   Aliased columns are dropped from their group and empty groups are skipped.
  /// - Throws: ``SurvivalError/invalidParameter(_:)`` for a bad column index or a fit without
  ///   coefficients; `LinearAlgebraError` if the information matrix is singular.
  /// - Complexity: O(n p^2) in one sweep, plus O(n log n) for the Kaplan-Meier transform.
  public func proportionalHazardsTest(terms: [(name: String, columns: [Int])]? = nil) throws
    -> ProportionalHazardsTest
  {
    let p = keptColumns.count
    guard p > 0 else { throw SurvivalError.invalidParameter("the model has no coefficients") }
    var localOf = [Int: Int]()
    for (local, column) in keptColumns.enumerated() { localOf[column] = local }
    let requested = terms ?? coefficients.enumerated().map { ($1.term, [$0]) }
    var groups = [(name: String, columns: [Int])]()
    for (name, columns) in requested {
      for column in columns where column < 0 || column >= coefficients.count {
        throw SurvivalError.invalidParameter("term \(name): column \(column) out of range")
      }
      let local = columns.compactMap { localOf[$0] }
      if !local.isEmpty { groups.append((name, local)) }
    }

    let events = rowTerms.eventRows
    let eventTimes = events.map { data.stop[$0] }
    let transformed = try kaplanMeierTransform()
    let eventMean = events.reduce(0.0) { $0 + transformed[$1] } / Double(max(events.count, 1))
    let g = transformed.map { $0 - eventMean }
    var sweep = ZphSweep(data: data, risk: rowTerms.risk, ties: ties)
    sweep.run(g: g)

    // imat = [[I, I_g], [I_g, I_gg]] over 2p; u = (0, u_g).
    let full = 2 * p
    var imat = Matrix(rows: full, columns: full)
    for j in 0..<p {
      for k in 0..<p {
        imat[j, k] = sweep.i11[j * p + k]
        imat[j, k + p] = sweep.i12[j * p + k]
        imat[j + p, k] = sweep.i12[k * p + j]
        imat[j + p, k + p] = sweep.i22[j * p + k]
      }
    }
    func statistic(_ columns: [Int]) throws -> Double {
      let index = Array(0..<p) + columns.map { $0 + p }
      var sub = Matrix(rows: index.count, columns: index.count)
      for (a, r) in index.enumerated() {
        for (b, c) in index.enumerated() { sub[a, b] = imat[r, c] }
      }
      var u = [Double](repeating: 0, count: index.count)
      for (a, column) in columns.enumerated() { u[p + a] = sweep.u[column] }
      let solved = try Cholesky(sub).solve(u)
      return zip(solved, u).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var rows = [ProportionalHazardsTest.Row]()
    for (name, columns) in groups {
      let chi = try statistic(columns)
      let test = Test(statistic: chi, degreesOfFreedom: columns.count)
      rows.append(
        .init(term: name, chiSquare: chi, degreesOfFreedom: columns.count, pValue: test.pValue))
    }
    let globalChi = try statistic(Array(0..<p))
    let global = ProportionalHazardsTest.Row(
      term: "GLOBAL", chiSquare: globalChi, degreesOfFreedom: p,
      pValue: Test(statistic: globalChi, degreesOfFreedom: p).pValue)

    let scaled = try scaledSchoenfeld(groups: groups, information: sweep.i11)
    return ProportionalHazardsTest(
      terms: rows, global: global, transform: "km", times: eventTimes,
      transformedTimes: events.map { transformed[$0] }, scaledResiduals: scaled,
      strata: events.map { data.stratum($0) })
  }

  /// `1 - S(t-)` at each row's stop time, `S` the unweighted Kaplan-Meier of all rows (strata
  /// ignored; `(start, stop]` rows at risk when `start < t <= stop`), as cox.zph's "km".
  func kaplanMeierTransform() throws -> [Double] {
    let n = count
    let stops = data.stop.sorted()
    let starts = (data.start ?? []).sorted()
    var eventTimes = [Double]()
    for i in 0..<n where data.event[i] { eventTimes.append(data.stop[i]) }
    eventTimes.sort()
    // Survival just before each distinct event time.
    var uniqueTimes = [Double]()
    var before = [Double]()
    var survival = 1.0
    var k = 0
    while k < eventTimes.count {
      let t = eventTimes[k]
      var deaths = 0
      while k < eventTimes.count && eventTimes[k] == t {
        deaths += 1
        k += 1
      }
      let atRisk = (stops.count - lowerBound(stops, t)) - (starts.count - lowerBound(starts, t))
      uniqueTimes.append(t)
      before.append(survival)
      if atRisk > 0 { survival *= 1 - Double(deaths) / Double(atRisk) }
    }
    return data.stop.map { t in
      // The survival just before t: after every event time strictly below t.
      let index = lowerBound(uniqueTimes, t)
      let s = index < before.count ? before[index] : survival
      return 1 - s
    }
  }

  /// cox.zph's scaled residuals: Schoenfeld residuals times the inverse of the per-event
  /// information `I / d` (within each stratum, over the terms that vary there), plus beta.
  func scaledSchoenfeld(groups: [(name: String, columns: [Int])], information: [Double]) throws
    -> Matrix
  {
    let p = keptColumns.count
    let events = rowTerms.eventRows
    let e = events.count
    let strataCount = data.stratumRanges.count
    // used[s][j]: events in stratum s if column j varies within s, else 0.
    var used = [[Int]](repeating: [Int](repeating: 0, count: p), count: strataCount)
    for (s, range) in data.stratumRanges.enumerated() {
      var deaths = 0
      for position in range where data.event[data.byStop[position]] { deaths += 1 }
      let first = data.byStop[range.lowerBound]
      for j in 0..<p {
        let x = originalDesign.storage[keptColumns[j] * count + first]
        for position in range
        where originalDesign.storage[keptColumns[j] * count + data.byStop[position]] != x {
          used[s][j] = deaths
          break
        }
      }
    }
    var vmean = Matrix(rows: p, columns: p)
    for j in 0..<p {
      for k in 0..<p {
        var w = 0
        for s in 0..<strataCount { w += min(used[s][j], used[s][k]) }
        vmean[j, k] = information[j * p + k] / Double(w == 0 ? 1 : w)
      }
    }
    // Collapse multi-column terms onto their linear predictor (R's terms = TRUE).
    let m = groups.count
    var collapse = Matrix(rows: p, columns: m)
    for (t, group) in groups.enumerated() {
      for j in group.columns { collapse[j, t] = group.columns.count == 1 ? 1 : beta[j] }
    }
    let schoenfeld = schoenfeldResiduals.residuals
    var residual = try BLAS.gemm(schoenfeld, collapse)
    let termVariance = try BLAS.gemm(collapse.transposed(), try BLAS.gemm(vmean, collapse))
    let termUsed = used.map { row in groups.map { row[$0.columns[0]] } }
    for s in 0..<strataCount {
      let varying = (0..<m).filter { termUsed[s][$0] > 0 }
      let rows = (0..<e).filter { data.stratum(events[$0]) == s }
      guard !varying.isEmpty, !rows.isEmpty else { continue }
      var sub = Matrix(rows: varying.count, columns: varying.count)
      for (a, j) in varying.enumerated() {
        for (b, k) in varying.enumerated() { sub[a, b] = termVariance[j, k] }
      }
      let factor = try Cholesky(sub)
      for r in rows {
        let solved = try factor.solve(varying.map { residual[r, $0] })
        for t in 0..<m { residual[r, t] = .nan }
        for (a, t) in varying.enumerated() { residual[r, t] = solved[a] }
      }
    }
    for (t, group) in groups.enumerated() {
      let shift = group.columns.count == 1 ? beta[group.columns[0]] : 1
      for r in 0..<e { residual[r, t] += shift }
    }
    return residual
  }
}

/// The first index of a sorted array whose value is `>= value`.
func lowerBound(_ sorted: [Double], _ value: Double) -> Int {
  var low = 0
  var high = sorted.count
  while low < high {
    let mid = (low + high) / 2
    if sorted[mid] < value { low = mid + 1 } else { high = mid }
  }
  return low
}

/// One sweep for cox.zph: the score for `x g(t)` and the blocks of the 2p x 2p information.
struct ZphSweep {
  let data: RiskSetData
  let risk: [Double]
  let ties: CoxModel.Ties
  var u: [Double]
  var i11: [Double]
  var i12: [Double]
  var i22: [Double]

  init(data: RiskSetData, risk: [Double], ties: CoxModel.Ties) {
    self.data = data
    self.risk = risk
    self.ties = ties
    let p = data.columns
    u = [Double](repeating: 0, count: p)
    i11 = [Double](repeating: 0, count: p * p)
    i12 = i11
    i22 = i11
  }

  /// Adds `sign * weight * x_i` to `a` and `sign * weight * x_i x_i'` to `c`.
  private func accumulate(
    _ i: Int, _ weight: Double, _ a: inout [Double], _ c: inout [Double]
  ) {
    let p = data.columns
    for j in 0..<p {
      let xj = weight * data.x(i, j)
      a[j] += xj
      for k in 0...j { c[j * p + k] += xj * data.x(i, k) }
    }
  }

  mutating func run(g: [Double]) {
    let p = data.columns
    var a = [Double](repeating: 0, count: p)
    var a2 = a
    var c = [Double](repeating: 0, count: p * p)
    var c2 = c
    var step = c
    var abar = a
    for range in data.stratumRanges {
      var denom = 0.0
      for j in 0..<p { a[j] = 0 }
      for j in 0..<(p * p) { c[j] = 0 }
      var atRisk = 0
      var person = range.lowerBound
      var leaving = range.lowerBound
      while person < range.upperBound {
        var next = person
        while next < range.upperBound && !data.event[data.byStop[next]] { next += 1 }
        if next == range.upperBound { break }
        let eventTime = data.stop[data.byStop[next]]
        let gt = g[data.byStop[next]]
        var denom2 = 0.0
        var deadWeight = 0.0
        var deaths = 0
        for j in 0..<p { a2[j] = 0 }
        for j in 0..<(p * p) { c2[j] = 0 }
        while person < range.upperBound && data.stop[data.byStop[person]] >= eventTime {
          let i = data.byStop[person]
          let r = risk[i] * data.weight[i]
          atRisk += 1
          if data.event[i] && data.stop[i] == eventTime {
            deaths += 1
            denom2 += r
            deadWeight += data.weight[i]
            for j in 0..<p { u[j] += gt * data.weight[i] * data.x(i, j) }
            accumulate(i, r, &a2, &c2)
          } else {
            denom += r
            accumulate(i, r, &a, &c)
          }
          person += 1
        }
        if let start = data.start {
          while leaving < range.upperBound && start[data.byStart[leaving]] >= eventTime {
            let i = data.byStart[leaving]
            atRisk -= 1
            if atRisk == 0 {
              denom = 0
              for j in 0..<p { a[j] = 0 }
              for j in 0..<(p * p) { c[j] = 0 }
            } else {
              denom -= risk[i] * data.weight[i]
              accumulate(i, -risk[i] * data.weight[i], &a, &c)
            }
            leaving += 1
          }
        }
        let steps = (ties == .breslow || deaths == 1) ? 1 : deaths
        let stepWeight = deadWeight / Double(steps)
        for j in 0..<(p * p) { step[j] = 0 }
        for k in 1...steps {
          let fraction = Double(k) / Double(steps)
          let d = denom + fraction * denom2
          for j in 0..<p {
            abar[j] = (a[j] + fraction * a2[j]) / d
            u[j] -= gt * stepWeight * abar[j]
          }
          for j in 0..<p {
            for l in 0...j {
              let cross = (c[j * p + l] + fraction * c2[j * p + l]) / d
              step[j * p + l] += stepWeight * (cross - abar[j] * abar[l])
            }
          }
        }
        for j in 0..<p {
          for l in 0...j {
            let v = step[j * p + l]
            for index in j == l ? [j * p + l] : [j * p + l, l * p + j] {
              i11[index] += v
              i12[index] += gt * v
              i22[index] += gt * gt * v
            }
          }
        }
        denom += denom2
        for j in 0..<p { a[j] += a2[j] }
        for j in 0..<(p * p) { c[j] += c2[j] }
      }
    }
  }
}
