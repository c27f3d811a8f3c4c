import Foundation
import LinearAlgebra

/// The partial likelihood of a shared-frailty Cox model at one `(beta, w)`, with the pieces of
/// the information that coxph's sparse frailty code keeps.
struct FrailtyEvaluation: Sendable {
  /// Unpenalized partial log-likelihood (frailties enter the linear predictor as offsets).
  var logLikelihood: Double
  /// Score for `beta` (`p`) and for the frailties `w` (`q`).
  var scoreBeta: [Double]
  var scoreFrailty: [Double]
  /// `p` x `p` information of `beta`.
  var informationBeta: Matrix
  /// `p` x `q` cross information `-d^2 l / d beta d w_g` (column `g` for group `g`).
  var cross: Matrix
  /// Diagonal of the frailty-frailty information, the only part coxph's sparse code keeps.
  ///
  /// (`sum_t sum_k p_gk (1 - p_gk)`, `p_gk` the risk share of group `g` in the `k`-th Efron
  /// risk set at event time `t`). The off-diagonal `-p_g p_h` terms are dropped, as in
  /// survival's coxfit5/agfit5.
  var frailtyDiagonal: [Double]
}

/// One backward sweep per call over rows in ``RiskSetData`` order, for the frailty model.
///
/// ## Contract
/// - Input: a ``RiskSetData`` (centred design in sweep order: stratum ascending, stop
///   descending, events first at tied stops; `leaveOrder` for counting-process data), the
///   group `0..<q` of every sweep position, `beta` (`p`) and frailties `w` (`q`). Unit case
///   weights only (the frailty fit refuses others).
/// - At risk: row `i` is at risk at event time `t` when `start_i < t <= stop_i`.
/// - Output: partial log-likelihood (Breslow or Efron), scores, the `p` x `p` information, the
///   `p` x `q` beta-frailty block and the diagonal of the frailty block.
/// - Method: everything that is linear in the rows of a risk set (the frailty score, the
///   linear part of the frailty diagonal, the cross block and `X' diag(r H) X`) is summed per
///   row from cumulative sums over event times, taken at the row's entry and exit (`H_i` is the
///   Efron-weighted sum of `1 / d_k` over the risk sets the row is in). The squared part of the
///   frailty diagonal, `sum_t a_g(t)^2 / d(t)^2`, is piecewise constant in `a_g` and is added
///   whenever a row of group `g` enters or leaves. Cost O(n p^2) per call, independent of the
///   number of groups: coxph's C code instead loops over all groups at every death.
struct FrailtyKernel {
  let data: RiskSetData
  /// Group of each sweep position.
  let group: [Int]
  let groupCount: Int
  let efron: Bool
  /// The centred design in sweep order, row-major (`p` values per row): the sweep reads whole
  /// rows at entry, at exit (in start order, not sequential) and at deaths.
  let rows: [Double]

  init(data: RiskSetData, groupOfRow: [Int], groupCount: Int, ties: CoxModel.Ties) {
    self.data = data
    group = data.byStop.map { groupOfRow[$0] }
    self.groupCount = groupCount
    efron = ties == .efron
    let n = data.count
    let p = data.columns
    var rowMajor = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      for k in 0..<n { rowMajor[k * p + j] = data.sortedDesign[j * n + k] }
    }
    rows = rowMajor
  }

  /// Evaluates the likelihood pieces at `(beta, w)`.
  func evaluate(beta: [Double], frailty w: [Double]) throws -> FrailtyEvaluation {
    let n = data.count
    let p = data.columns
    let q = groupCount
    let x = data.sortedDesign
    let xr = rows
    let stop = data.sweepStop
    let event = data.sweepEvent
    var eta = [Double](repeating: 0, count: n)
    for k in 0..<n { eta[k] = data.sweepOffset[k] + w[group[k]] }
    for j in 0..<p {
      let b = beta[j]
      guard b.isFinite else { throw SurvivalError.invalidParameter("coefficient not finite") }
      let base = j * n
      for k in 0..<n { eta[k] += b * x[base + k] }
    }
    // Centre eta: cancels within every risk set, keeps exp() in range.
    let shift = n > 0 ? eta.reduce(0, +) / Double(n) : 0
    var risk = [Double](repeating: 0, count: n)
    for k in 0..<n { risk[k] = exp(eta[k] - shift) }

    var logLikelihood = 0.0
    var scoreBeta = [Double](repeating: 0, count: p)
    var scoreFrailty = [Double](repeating: 0, count: q)
    // The sweep's mutable state lives in raw buffers (freed on return): the row loop touches
    // them several times per row, and array writes through a nested function's captures
    // would each pay a uniqueness check.
    func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
      let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
      pointer.initialize(repeating: 0, count: max(count, 1))
      return pointer
    }
    let minus = buffer(p * p)  // sum of xbar xbar' over Efron sets, lower triangle
    let cross = buffer(p * q)  // column g at [g * p ..< (g + 1) * p]
    let squared = buffer(q)
    let rowHazard = buffer(n)
    let a = buffer(q)  // risk of group g in the current risk set
    let lastS = buffer(q)
    let ax = buffer(p)
    let a2x = buffer(p)
    let xbar = buffer(p)
    let gSum = buffer(p)
    let gDeath = buffer(p)
    let gCum = buffer(p)
    defer {
      for pointer in [
        minus, cross, squared, rowHazard, a, lastS, ax, a2x, xbar, gSum, gDeath, gCum,
      ] {
        pointer.deallocate()
      }
    }
    var deathGroupRisk = [Int: Double]()

    for range in data.stratumRanges {
      var denom = 0.0
      for j in 0..<p {
        ax[j] = 0
        gCum[j] = 0
      }
      var hCum = 0.0
      var sCum = 0.0
      var leave = range.lowerBound

      // A row enters (at its stop) or exits (at an event time <= its start, or at the end).
      func move(_ k: Int, entering: Bool) {
        let r = risk[k]
        let g = group[k]
        let sign = entering ? 1.0 : -1.0
        squared[g] += a[g] * a[g] * (sCum - lastS[g])
        lastS[g] = sCum
        a[g] += sign * r
        denom += sign * r
        rowHazard[k] += entering ? -hCum : hCum
        let base = g * p
        for j in 0..<p {
          let xj = xr[k * p + j]
          ax[j] += sign * r * xj
          cross[base + j] -= sign * r * (xj * hCum - gCum[j])
        }
      }

      var k = range.lowerBound
      while k < range.upperBound {
        if !event[k] {
          move(k, entering: true)
          k += 1
          continue
        }
        let time = stop[k]
        if let leaving = data.sweepStart {
          while leave < range.upperBound {
            let position = data.leaveOrder[leave]
            if leaving[position] < time { break }
            move(position, entering: false)
            leave += 1
          }
        }
        var deaths = 0
        var efronWeight = 0.0
        for j in 0..<p { a2x[j] = 0 }
        deathGroupRisk.removeAll(keepingCapacity: true)
        let first = k
        while k < range.upperBound && stop[k] == time {
          move(k, entering: true)
          if event[k] {
            deaths += 1
            let r = risk[k]
            efronWeight += r
            logLikelihood += eta[k] - shift
            scoreFrailty[group[k]] += 1
            deathGroupRisk[group[k], default: 0] += r
            for j in 0..<p {
              let xj = xr[k * p + j]
              a2x[j] += r * xj
              scoreBeta[j] += xj
            }
          }
          k += 1
        }
        let d = Double(deaths)
        var h = 0.0
        var hDeath = 0.0
        var s = 0.0
        var s1 = 0.0
        var s2 = 0.0
        for j in 0..<p {
          gSum[j] = 0
          gDeath[j] = 0
        }
        for step in 0..<deaths {
          let temp = efron ? Double(step) / d : 0
          let d2 = denom - temp * efronWeight
          logLikelihood -= log(d2)
          h += 1 / d2
          hDeath += (1 - temp) / d2
          s += 1 / (d2 * d2)
          s1 += temp / (d2 * d2)
          s2 += temp * temp / (d2 * d2)
          for j in 0..<p {
            xbar[j] = (ax[j] - temp * a2x[j]) / d2
            scoreBeta[j] -= xbar[j]
            gSum[j] += xbar[j] / d2
            gDeath[j] += (1 - temp) * xbar[j] / d2
          }
          for c in 0..<p {
            let xc = xbar[c]
            for r in c..<p { minus[c * p + r] += xbar[r] * xc }
          }
        }
        hCum += h
        sCum += s
        for j in 0..<p { gCum[j] += gSum[j] }
        // Death rows count with weight (1 - k/d) in the k-th Efron set, not 1.
        for position in first..<k where event[position] {
          let r = risk[position]
          let base = group[position] * p
          rowHazard[position] += hDeath - h
          for j in 0..<p {
            let xj = xr[position * p + j]
            cross[base + j] += r * (xj * (hDeath - h) - (gDeath[j] - gSum[j]))
          }
        }
        for (g, risk2) in deathGroupRisk {
          squared[g] += -2 * a[g] * risk2 * s1 + risk2 * risk2 * s2
        }
      }
      // Everyone still at risk leaves at the end of the stratum.
      if data.sweepStart != nil {
        while leave < range.upperBound {
          move(data.leaveOrder[leave], entering: false)
          leave += 1
        }
      } else {
        for position in range { move(position, entering: false) }
      }
      for position in range { a[group[position]] = 0 }
    }

    // Row-linear parts: v_i = r_i H_i.
    var linear = [Double](repeating: 0, count: q)
    var root = [Double](repeating: 0, count: n)
    for k in 0..<n {
      let v = risk[k] * rowHazard[k]
      let g = group[k]
      scoreFrailty[g] -= v
      linear[g] += v
      root[k] = max(v, 0).squareRoot()
    }
    // X' diag(v) X by blocks of rows (dsyrk on sqrt(v) X), never an n x p copy.
    var information = Matrix(rows: p, columns: p)
    if p > 0 && n > 0 {
      let blockRows = 4096
      var block = Matrix(rows: min(blockRows, n), columns: p)
      var first = 0
      while first < n {
        let count = min(blockRows, n - first)
        if count != block.rows { block = Matrix(rows: count, columns: p) }
        for k in 0..<count {
          let scale = root[first + k]
          let base = (first + k) * p
          for j in 0..<p { block.storage[j * count + k] = scale * xr[base + j] }
        }
        let part = try BLAS.syrk(block)
        for e in 0..<(p * p) { information.storage[e] += part.storage[e] }
        first += count
      }
      for c in 0..<p {
        for r in c..<p {
          information[r, c] -= minus[c * p + r]
          information[c, r] = information[r, c]
        }
      }
    }
    var diagonal = [Double](repeating: 0, count: q)
    for g in 0..<q { diagonal[g] = linear[g] - squared[g] }
    return FrailtyEvaluation(
      logLikelihood: logLikelihood, scoreBeta: scoreBeta, scoreFrailty: scoreFrailty,
      informationBeta: information,
      cross: try Matrix(
        rows: p, columns: q, columnMajor: Array(UnsafeBufferPointer(start: cross, count: p * q))),
      frailtyDiagonal: diagonal)
  }
}
