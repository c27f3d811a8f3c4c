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
  /// Rows whose statistic could not be computed (chi-square and p NaN, shown as NA), with the
  /// reason; R's `cox.zph` stops with "system is computationally singular" there.
  public let notes: [String]
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
    try sweep.run(g: g)

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
    // R's solve() refuses a system whose reciprocal condition is below DBL_EPSILON; such a
    // test is not computable (NaN), and a note says why.
    var notes: [String] = []
    func statistic(_ name: String, _ columns: [Int]) throws -> Double {
      let index = Array(0..<p) + columns.map { $0 + p }
      var sub = Matrix(rows: index.count, columns: index.count)
      for (a, r) in index.enumerated() {
        for (b, c) in index.enumerated() { sub[a, b] = imat[r, c] }
      }
      var u = [Double](repeating: 0, count: index.count)
      for (a, column) in columns.enumerated() { u[p + a] = sweep.u[column] }
      guard let factor = try? Cholesky(sub) else {
        notes.append("\(name): the information for x * g(t) is not positive definite; not computed")
        return .nan
      }
      let rcond = try factor.reciprocalCondition(of: sub)
      guard rcond >= Double.ulpOfOne else {
        notes.append(
          "\(name): the information for x * g(t) is computationally singular (reciprocal "
            + "condition \(String(format: "%.2g", rcond))); not computed (R's cox.zph stops here)")
        return .nan
      }
      let solved = try factor.solve(u)
      return zip(solved, u).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var rows = [ProportionalHazardsTest.Row]()
    for (name, columns) in groups {
      let chi = try statistic(name, columns)
      let test = Test(statistic: chi, degreesOfFreedom: columns.count)
      rows.append(
        .init(term: name, chiSquare: chi, degreesOfFreedom: columns.count, pValue: test.pValue))
    }
    let globalChi = try statistic("GLOBAL", Array(0..<p))
    let global = ProportionalHazardsTest.Row(
      term: "GLOBAL", chiSquare: globalChi, degreesOfFreedom: p,
      pValue: Test(statistic: globalChi, degreesOfFreedom: p).pValue)

    let scaled = try scaledSchoenfeld(groups: groups, information: sweep.i11)
    return ProportionalHazardsTest(
      terms: rows, global: global, transform: "km", times: eventTimes,
      transformedTimes: events.map { transformed[$0] }, scaledResiduals: scaled,
      strata: events.map { data.stratum($0) }, notes: notes)
  }

  /// `1 - S(t-)` at each row's stop time, `S` the unweighted Kaplan-Meier of all rows (strata
  /// ignored; `(start, stop]` rows at risk when `start < t <= stop`), as cox.zph's "km".
  func kaplanMeierTransform() throws -> [Double] {
    let n = data.count
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
        let x = originalDesign.storage[keptColumns[j] * data.count + first]
        for position in range
        where originalDesign.storage[keptColumns[j] * data.count + data.byStop[position]] != x {
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
///
/// ## Contract
/// - Input: the fit's ``RiskSetData`` (centred design in sweep order), the per-row risk
///   `exp(eta_i)` by original row, the tie method, and `g` (the centred transformed time) by
///   original row; `g` is read at each event time from its first event row.
/// - Output: `u` (p), the score for the `x g(t)` columns at the fitted coefficients, and
///   `i11`, `i12`, `i22` (p x p, row-major, symmetric): the information blocks
///   `I_k = sum_t g_t^k sum_s w_s (C_s / d_s - abar_s abar_s')`, `k = 0, 1, 2`, where `s` runs
///   over the Breslow step or the Efron steps at `t`, `C_s` and `d_s` are the risk-weighted
///   cross-product and total of the risk set (the tied events counted with weight `s / d`)
///   and `abar_s` its mean.
/// - Method: as the Cox kernel's information, without per-row rank-1 updates. The first term
///   is `X' diag(r_i H_i^(k)) X`, `H_i^(k)` the sum of `g_t^k sum_s w_s / d_s` over the event
///   times at which row `i` is at risk (its own event time with the Efron fractions), so it is
///   one `dsyrk` pass over the design per `k`; the second is `dsyrk` over the step means. For
///   `k = 1` the weights change sign with `g`, so the positive and negative parts are
///   accumulated separately and subtracted.
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

  mutating func run(g: [Double]) throws {
    let n = data.count
    let p = data.columns
    let x = data.sortedDesign
    let stop = data.sweepStop
    let event = data.sweepEvent
    let weight = data.sweepWeight
    // Risk w_k exp(eta_k) by sweep position.
    let r = (0..<n).map { k in risk[data.byStop[k]] * weight[k] }
    // Per-row hazard sums for k = 0, 1, 2 (by sweep position), built as the kernel builds H.
    var hazard = [[Double]](repeating: [Double](repeating: 0, count: n), count: 3)
    // Step means and their weights w_s g_t^k (k = 0, 1, 2).
    var means: [Double] = []
    var stepWeights: [[Double]] = [[], [], []]
    var a = [Double](repeating: 0, count: p)
    var a2 = [Double](repeating: 0, count: p)
    for range in data.stratumRanges {
      var denom = 0.0
      for j in 0..<p { a[j] = 0 }
      var running = [0.0, 0.0, 0.0]
      var atRisk = 0
      var person = range.lowerBound
      var leaving = range.lowerBound
      while person < range.upperBound {
        var next = person
        while next < range.upperBound && !event[next] { next += 1 }
        if next == range.upperBound { break }
        let eventTime = stop[next]
        let gt = g[data.byStop[next]]
        let powers = [1, gt, gt * gt]
        var entered = next
        while entered < range.upperBound && stop[entered] >= eventTime { entered += 1 }
        var deathEnd = next
        while deathEnd < entered && event[deathEnd] && stop[deathEnd] == eventTime {
          deathEnd += 1
        }
        for k in person..<entered {
          for power in 0..<3 { hazard[power][k] = -running[power] }
        }
        var denom2 = 0.0
        var deadWeight = 0.0
        for k in person..<next { denom += r[k] }
        for k in deathEnd..<entered { denom += r[k] }
        for k in next..<deathEnd {
          denom2 += r[k]
          deadWeight += weight[k]
        }
        for j in 0..<p {
          let column = j * n
          var sum = 0.0
          for k in person..<next { sum += r[k] * x[column + k] }
          for k in deathEnd..<entered { sum += r[k] * x[column + k] }
          var deaths = 0.0
          var score = 0.0
          for k in next..<deathEnd {
            deaths += r[k] * x[column + k]
            score += weight[k] * x[column + k]
          }
          a[j] += sum
          a2[j] = deaths
          u[j] += gt * score
        }
        atRisk += entered - person
        person = entered
        // Rows with start >= eventTime are not at risk at eventTime.
        if let start = data.sweepStart {
          let order = data.leaveOrder
          while leaving < range.upperBound && start[order[leaving]] >= eventTime {
            let k = order[leaving]
            for power in 0..<3 { hazard[power][k] += running[power] }
            atRisk -= 1
            if atRisk == 0 {
              // Everyone has left: restart the sums at exact zero.
              denom = 0
              for j in 0..<p { a[j] = 0 }
            } else {
              denom -= r[k]
              for j in 0..<p { a[j] -= r[k] * x[j * n + k] }
            }
            leaving += 1
          }
        }
        let deaths = deathEnd - next
        let steps = (ties == .breslow || deaths == 1) ? 1 : deaths
        let stepWeight = deadWeight / Double(steps)
        var hazardSum = 0.0
        var deathHazard = 0.0
        for step in 1...steps {
          let fraction = Double(step) / Double(steps)
          let d = denom + fraction * denom2
          let h = stepWeight / d
          hazardSum += h
          deathHazard += fraction * h
          for j in 0..<p {
            let mean = (a[j] + fraction * a2[j]) / d
            means.append(mean)
            u[j] -= gt * stepWeight * mean
          }
          for power in 0..<3 { stepWeights[power].append(stepWeight * powers[power]) }
        }
        for power in 0..<3 { running[power] += hazardSum * powers[power] }
        // Efron: an event row carries only fraction s/d of the s-th step at its own time.
        for k in next..<deathEnd {
          for power in 0..<3 { hazard[power][k] -= (hazardSum - deathHazard) * powers[power] }
        }
        denom += denom2
        for j in 0..<p { a[j] += a2[j] }
      }
      // Rows never entered get H = 0; rows still at risk collect the stratum's totals.
      while person < range.upperBound {
        for power in 0..<3 { hazard[power][person] = -running[power] }
        person += 1
      }
      let remaining = data.sweepStart != nil ? leaving..<range.upperBound : range
      for index in remaining {
        let k = data.sweepStart != nil ? data.leaveOrder[index] : index
        for power in 0..<3 { hazard[power][k] += running[power] }
      }
    }
    // Step means as a steps x p column-major block for the accumulator.
    let stepCount = stepWeights[0].count
    var meanBlock = [Double](repeating: 0, count: stepCount * p)
    for s in 0..<stepCount {
      for j in 0..<p { meanBlock[s + j * stepCount] = means[s * p + j] }
    }
    // I_k = X' diag(r H^(k)) X - sum_s w_s g^k abar_s abar_s'.
    func block(_ power: Int) throws -> [Double] {
      let plus = try Self.signedCrossProduct(
        design: x, rows: n, columns: p, weights: (0..<n).map { r[$0] * hazard[power][$0] })
      let minus = try Self.signedCrossProduct(
        design: meanBlock, rows: stepCount, columns: p, weights: stepWeights[power])
      return zip(plus, minus).map { $0 - $1 }
    }
    let blocks = [try block(0), try block(1), try block(2)]
    i11 = blocks[0]
    i12 = blocks[1]
    i22 = blocks[2]
  }

  /// `X' diag(w) X` (p x p, symmetric) for weights of either sign: `dsyrk` over blocks of
  /// rows (``CrossProductAccumulator/crossProduct(ofDesign:rows:columns:weights:blockRows:checkFinite:)``)
  /// for the positive and the negative parts, subtracted.
  static func signedCrossProduct(
    design: [Double], rows n: Int, columns p: Int, weights: [Double]
  ) throws -> [Double] {
    func part(_ sign: Double) throws -> [Double] {
      let parts = weights.map { max(sign * $0, 0) }
      // I_0 and I_2 have no negative weights: no pass over the design for an empty part.
      guard parts.contains(where: { $0 > 0 }) else { return [Double](repeating: 0, count: p * p) }
      return try design.withUnsafeBufferPointer { xs in
        try parts.withUnsafeBufferPointer { w in
          try CrossProductAccumulator.crossProduct(ofDesign: xs, rows: n, columns: p, weights: w)
        }
      }.crossProduct().storage
    }
    return zip(try part(1), try part(-1)).map { $0 - $1 }
  }
}
