import Foundation
import LinearAlgebra
import Parallelism

/// The partial log-likelihood, score and information of a Cox model at one `beta`.
struct CoxEvaluation: Sendable {
  var logLikelihood: Double
  var score: [Double]
  var information: Matrix
}

/// Per-row quantities from the residual pass at the final `beta`.
struct CoxRowTerms: Sendable {
  /// `eta_i = x_i'beta + offset_i` on the original (uncentred) scale of `x`.
  var linearPredictor: [Double]
  /// `H_i`: the (Efron-weighted) cumulative hazard increments over the event times at which row
  /// `i` is at risk, so that the martingale residual is `delta_i - exp(eta_i) H_i`.
  var hazard: [Double]
  /// `exp(eta_i)` with `eta` centred as in the kernel (ratios between rows are exact).
  var risk: [Double]
  /// Score residuals, `n` x `p` column-major with rows in sweep order (`RiskSetData.byStop`),
  /// unweighted, as R's `residuals(type = "score")`.
  var scoreResiduals: [Double]
  /// Weighted score residuals `w_i L_i` summed within clusters, `clusters` x `p` row-major
  /// (empty unless clusters were given to the residual pass).
  var clusterScores: [Double]
  /// Schoenfeld residuals: one row per event row, in the order of `eventRows`, `p` columns
  /// column-major (`x_i - xbar(t_i)`, Efron-averaged).
  var schoenfeld: [Double]
  /// Rows with an event, ordered by stratum then time ascending (R's Schoenfeld order).
  var eventRows: [Int]
}

/// One backward sweep over the rows per call: risk-set sums for the Cox partial likelihood.
///
/// ## Contract
/// - Input: a ``RiskSetData`` (the column-major `n` x `p` centred design with its rows already in
///   sweep order: stratum ascending, stop descending, events first at tied stops; times,
///   weights and offsets in the same order; `leaveOrder` the sweep positions by stratum and
///   start descending), `beta` of length `p`, the tie method.
/// - Layout: the sweep walks positions `0..<n` in order, so the design columns, weights and
///   per-row buffers are read sequentially; the rows entering (or leaving) at an event time form
///   a contiguous range whose risk-set sums are taken column by column.
/// - Status: `event[i] == true` means row `i` ends in an event at `stop[i]`; otherwise it is
///   censored there. Row `i` is at risk at `t` exactly when `start[i] < t <= stop[i]`: a row
///   is added when the sweep reaches an event time `<= stop[i]` and removed at the first event
///   time `<= start[i]`, so a row that starts at an event time is not at risk then.
/// - Output: log-likelihood, score and information (Breslow, or Efron for tied events: for `d`
///   tied events the `k`-th of `d` terms counts the events with weight `k/d`).
/// - Information: `I = X' diag(v) X - sum_s w_s abar_s abar_s'`, where `v_i = w_i exp(eta_i) H_i`
///   (`H_i` the hazard increments summed over the steps where row `i` is at risk) and `abar_s` the
///   risk-weighted mean at each event step. Both terms are accumulated with `dsyrk` over blocks of
///   rows (``CrossProductAccumulator``), never by per-row rank-1 updates.
/// - Residual pass: per-row hazards, Schoenfeld rows, and either the `n` x `p` score residuals
///   or only their weighted sums within clusters (what the robust variance needs).
/// - Cost: O(n p) vector work plus O(n p^2) in BLAS-3 per call; buffers are reused.
struct RiskSetKernel {
  let data: RiskSetData
  let ties: CoxModel.Ties
  /// Rows per block for the minus-term accumulator.
  private let blockRows = 1024
  private var eta: [Double]
  /// `w_k exp(eta_k)` by sweep position.
  private var risk: [Double]
  private var hazard: [Double]
  /// Weights `w_k exp(eta_k) H_k` of the information's plus term, by sweep position.
  private var rowWeight: [Double]
  private var minusBlock: [Double]
  private var plus: CrossProductAccumulator
  private var minus: CrossProductAccumulator

  init(data: RiskSetData, ties: CoxModel.Ties) {
    self.data = data
    self.ties = ties
    eta = [Double](repeating: 0, count: data.count)
    risk = [Double](repeating: 0, count: data.count)
    hazard = [Double](repeating: 0, count: data.count)
    rowWeight = [Double](repeating: 0, count: data.count)
    minusBlock = [Double](repeating: 0, count: 1024 * data.columns)
    plus = CrossProductAccumulator(columns: data.columns)
    minus = CrossProductAccumulator(columns: data.columns)
  }

  /// Log-likelihood, score and information at `beta` (one sweep).
  mutating func evaluate(_ beta: [Double]) throws -> CoxEvaluation {
    var terms: CoxRowTerms?
    return try sweep(beta, residuals: &terms, output: ScoreOutput(full: false))
  }

  /// Which score residuals a residual pass produces.
  struct ScoreOutput {
    /// The `n` x `p` score residuals (memory `n p`).
    var full = true
    /// Cluster code (`0..<clusterCount`) of each sweep position: sum `w_i L_i` within clusters
    /// on the fly instead of storing rows.
    var clusters: [Int]? = nil
    var clusterCount = 0
    /// Also return the per-row linear predictor, risk and hazard (memory `3 n`).
    var rowTerms = true
  }

  /// Evaluates at `beta` and also returns the per-row terms behind the residuals.
  mutating func evaluateWithResiduals(_ beta: [Double], scores: ScoreOutput = ScoreOutput())
    throws -> (CoxEvaluation, CoxRowTerms)
  {
    var terms: CoxRowTerms?
    let evaluation = try sweep(beta, residuals: &terms, output: scores, wantResiduals: true)
    guard let terms else { throw SurvivalError.invalidParameter("residual pass produced no terms") }
    return (evaluation, terms)
  }

  // Everything below works in sweep positions `k` (rows in `byStop` order, see RiskSetData):
  // the design, times, weights and per-row buffers are read sequentially. Residual outputs are
  // written back at the original row `byStop[k]`.
  private mutating func sweep(
    _ beta: [Double], residuals: inout CoxRowTerms?, output: ScoreOutput,
    wantResiduals: Bool = false
  ) throws -> CoxEvaluation {
    let full = wantResiduals && output.full
    let clusterOf = wantResiduals ? output.clusters : nil
    let n = data.count
    let p = data.columns
    let x = data.sortedDesign
    let w = data.sweepWeight
    let stop = data.sweepStop
    let event = data.sweepEvent
    let rowOf = data.byStop
    // Work on local buffers (moved out of self and back) so loops write without uniqueness
    // checks on self's storage.
    var eta = [Double]()
    var risk = [Double]()
    var hazard = [Double]()
    var rowWeight = [Double]()
    var block = [Double]()
    swap(&block, &minusBlock)
    swap(&eta, &self.eta)
    swap(&risk, &self.risk)
    swap(&hazard, &self.hazard)
    swap(&rowWeight, &self.rowWeight)
    defer {
      swap(&block, &minusBlock)
      swap(&eta, &self.eta)
      swap(&risk, &self.risk)
      swap(&hazard, &self.hazard)
      swap(&rowWeight, &self.rowWeight)
    }
    // eta = X beta + offset, then shifted by its weighted mean: the shift cancels within every
    // risk set (log-likelihood, score and information are unchanged) and guards exp() overflow.
    // Both passes run over a fixed row partition (in parallel); the partial sums of the shift
    // are added in chunk order, so the result does not depend on the thread count.
    let partition = RowPartition(rows: n, alignment: 4096)
    var partialShift = [Result<(Double, Double), Error>](
      repeating: .success((0, 0)), count: partition.chunks.count)
    try eta.withUnsafeMutableBufferPointer { e in
      try x.withUnsafeBufferPointer { design in
        for j in 0..<p where !beta[j].isFinite {
          throw LinearAlgebraError.nonFinite("Cox kernel: coefficient \(j) is not finite")
        }
        data.sweepOffset.withUnsafeBufferPointer { o in
          w.withUnsafeBufferPointer { ws in
            partialShift.withUnsafeMutableBufferPointer { sums in
              partition.forEachChunk { chunk, range in
                sums[chunk] = Result {
                  // X beta over the chunk's rows: dgemv on the rows of the design in place.
                  if p > 0, range.count > 0, let base = design.baseAddress,
                    let out = e.baseAddress
                  {
                    try BLAS.gemvRows(
                      base + range.lowerBound, rows: range.count, columns: p,
                      leadingDimension: n, vector: beta, into: out + range.lowerBound)
                  } else {
                    for k in range { e[k] = 0 }
                  }
                  var shiftSum = 0.0
                  var weightSum = 0.0
                  for k in range {
                    e[k] += o[k]
                    shiftSum += ws[k] * e[k]
                    weightSum += ws[k]
                  }
                  return (shiftSum, weightSum)
                }
              }
            }
          }
        }
      }
    }
    var shiftSum = 0.0
    var weightSum = 0.0
    for partial in partialShift {
      let (shiftPart, weightPart) = try partial.get()
      shiftSum += shiftPart
      weightSum += weightPart
    }
    let shift = weightSum > 0 ? shiftSum / weightSum : 0
    eta.withUnsafeMutableBufferPointer { e in
      risk.withUnsafeMutableBufferPointer { r in
        w.withUnsafeBufferPointer { ws in
          partition.forEachChunk { _, range in
            for k in range {
              e[k] -= shift
              r[k] = exp(e[k]) * ws[k]
            }
          }
        }
      }
    }

    var logLikelihood = 0.0
    var score = [Double](repeating: 0, count: p)
    var a = [Double](repeating: 0, count: p)
    var a2 = [Double](repeating: 0, count: p)
    var abarMean = [Double](repeating: 0, count: p)
    var deathG = [Double](repeating: 0, count: p)
    var runningG = [Double](repeating: 0, count: p)
    // Score residuals by sweep position; during the sweep they hold the G terms.
    var scoreResiduals = full ? [Double](repeating: 0, count: n * p) : []
    var clusterScores =
      clusterOf != nil ? [Double](repeating: 0, count: output.clusterCount * p) : []
    var eventRows = [Int]()
    var schoenfeld = [Double]()
    plus.reset()
    minus.reset()
    var minusRows = 0

    for range in data.stratumRanges {
      var denom = 0.0
      var atRisk = 0
      var runningHazard = 0.0
      for j in 0..<p {
        a[j] = 0
        runningG[j] = 0
      }
      var person = range.lowerBound
      var leaving = range.lowerBound
      var stratumEvents = [(rows: Range<Int>, schoenfeld: [Double])]()

      while person < range.upperBound {
        // The next event time: the first event row at or after `person` in the sweep.
        var next = person
        while next < range.upperBound && !event[next] { next += 1 }
        if next == range.upperBound { break }
        let eventTime = stop[next]

        // Enter every row with stop >= eventTime: the contiguous positions person..<entered.
        // The events at eventTime (firstDeath..<deathEnd, events first at a tied stop) go to
        // the tied sums, the rest to the risk set; sums run column by column over the range.
        var entered = next
        while entered < range.upperBound && stop[entered] >= eventTime { entered += 1 }
        let firstDeath = next
        var deathEnd = firstDeath
        while deathEnd < entered && event[deathEnd] && stop[deathEnd] == eventTime {
          deathEnd += 1
        }
        let deaths = deathEnd - firstDeath
        var denom2 = 0.0
        var deadWeight = 0.0
        hazard.withUnsafeMutableBufferPointer { h in
          for k in person..<entered { h[k] = -runningHazard }
        }
        for k in firstDeath..<deathEnd {
          denom2 += risk[k]
          deadWeight += w[k]
          logLikelihood += w[k] * eta[k]
        }
        for k in person..<firstDeath { denom += risk[k] }
        for k in deathEnd..<entered { denom += risk[k] }
        RiskSetKernel.enter(
          x: x, n: n, p: p, risk: risk, weight: w,
          ranges: (person..<firstDeath, firstDeath..<deathEnd, deathEnd..<entered),
          a: &a, a2: &a2, score: &score)
        if full {
          for j in 0..<p {
            for k in person..<entered { scoreResiduals[k + j * n] = -runningG[j] }
          }
        }
        if let clusterOf {
          RiskSetKernel.addToClusters(
            &clusterScores, clusters: clusterOf, risk: risk, vector: runningG, sign: -1,
            positions: person..<entered, order: nil)
        }
        atRisk += entered - person
        person = entered
        let deathRows = firstDeath..<(firstDeath + deaths)

        // Leave: rows whose start is at or after eventTime are not at risk at eventTime.
        if data.sweepStart != nil {
          removeRows(
            hazard: &hazard, risk: risk, through: eventTime, from: &leaving, end: range.upperBound,
            denom: &denom, a: &a,
            atRisk: &atRisk, runningHazard: runningHazard, runningG: runningG,
            scoreResiduals: &scoreResiduals, full: full, clusterOf: clusterOf,
            clusterScores: &clusterScores)
        }

        // Event steps: Breslow (one step) or Efron (d steps, events weighted k/d).
        let steps = (ties == .breslow || deaths == 1) ? 1 : deaths
        let stepWeight = deadWeight / Double(steps)
        var hazardSum = 0.0
        var deathHazard = 0.0
        for j in 0..<p {
          abarMean[j] = 0
          deathG[j] = 0
        }
        for step in 1...steps {
          let fraction = Double(step) / Double(steps)
          let d = denom + fraction * denom2
          logLikelihood -= stepWeight * log(d)
          let h = stepWeight / d
          hazardSum += h
          deathHazard += fraction * h
          let root = stepWeight.squareRoot()
          let inverse = 1 / d
          let perStep = 1 / Double(steps)
          let rest = (1 - fraction) * h
          let offset = minusRows
          let stride = blockRows
          block.withUnsafeMutableBufferPointer { mb in
            score.withUnsafeMutableBufferPointer { sc in
              abarMean.withUnsafeMutableBufferPointer { am in
                runningG.withUnsafeMutableBufferPointer { rg in
                  deathG.withUnsafeMutableBufferPointer { dg in
                    a.withUnsafeBufferPointer { ap in
                      a2.withUnsafeBufferPointer { bp in
                        for j in 0..<p {
                          let mean = (ap[j] + fraction * bp[j]) * inverse
                          sc[j] -= stepWeight * mean
                          am[j] += mean * perStep
                          mb[offset + j * stride] = root * mean
                          rg[j] += h * mean
                          dg[j] += rest * mean
                        }
                      }
                    }
                  }
                }
              }
            }
          }
          if p > 0 {
            minusRows += 1
            if minusRows == blockRows {
              try flushMinus(block, rows: minusRows)
              minusRows = 0
            }
          }
        }
        runningHazard += hazardSum
        // Efron: an event row carries only fraction k/d of the k-th step at its own time.
        for k in deathRows {
          hazard[k] -= hazardSum - deathHazard
          if full {
            for j in 0..<p { scoreResiduals[k + j * n] -= deathG[j] }
          }
          if let clusterOf {
            let base = clusterOf[k] * p
            for j in 0..<p { clusterScores[base + j] -= risk[k] * deathG[j] }
          }
        }
        if wantResiduals {
          stratumEvents.append((deathRows, abarMean))
        }
        denom += denom2
        for j in 0..<p { a[j] += a2[j] }
      }

      // Close the stratum: rows never entered get H = 0, rows still at risk collect the total.
      while person < range.upperBound {
        hazard[person] = -runningHazard
        if full {
          for j in 0..<p { scoreResiduals[person + j * n] = -runningG[j] }
        }
        if let clusterOf {
          let base = clusterOf[person] * p
          for j in 0..<p { clusterScores[base + j] -= risk[person] * runningG[j] }
        }
        person += 1
      }
      let remaining = data.sweepStart != nil ? leaving..<range.upperBound : range
      for index in remaining {
        let k = data.sweepStart != nil ? data.leaveOrder[index] : index
        hazard[k] += runningHazard
        if full {
          for j in 0..<p { scoreResiduals[k + j * n] += runningG[j] }
        }
      }
      if let clusterOf {
        RiskSetKernel.addToClusters(
          &clusterScores, clusters: clusterOf, risk: risk, vector: runningG, sign: 1,
          positions: remaining, order: data.sweepStart != nil ? data.leaveOrder : nil)
      }
      if wantResiduals {
        // Schoenfeld rows in time order (ascending) within the stratum, as R returns them; tied
        // events by original row.
        for (rows, mean) in stratumEvents.reversed() {
          for k in rows.sorted(by: { rowOf[$0] < rowOf[$1] }) {
            eventRows.append(rowOf[k])
            for j in 0..<p { schoenfeld.append(x[k + j * n] - mean[j]) }
          }
        }
      }
      _ = atRisk
    }
    if minusRows > 0 { try flushMinus(block, rows: minusRows) }

    // Plus term: X' diag(v) X, v_k = w_k exp(eta_k) H_k, with dsyrk over row blocks of the
    // design, summed per chunk of a fixed row partition (in parallel) and merged in order. The
    // design was checked finite once (RiskSetData); the weights are checked per block.
    rowWeight.withUnsafeMutableBufferPointer { v in
      for k in 0..<n { v[k] = max(0, risk[k] * hazard[k]) }
    }
    plus = try x.withUnsafeBufferPointer { design in
      try rowWeight.withUnsafeBufferPointer { v in
        try CrossProductAccumulator.crossProduct(
          ofDesign: design, rows: n, columns: p, weights: v, checkFinite: false)
      }
    }
    var information = plus.crossProduct()
    let minusMatrix = minus.crossProduct()
    for index in information.storage.indices {
      information.storage[index] -= minusMatrix.storage[index]
    }

    if wantResiduals {
      var centredPart = 0.0
      for j in 0..<p { centredPart += data.means[j] * beta[j] }
      let rowCount = output.rowTerms ? n : 0
      var linear = [Double](repeating: 0, count: rowCount)
      var rowRisk = [Double](repeating: 0, count: rowCount)
      var rowHazard = [Double](repeating: 0, count: rowCount)
      for k in 0..<rowCount {
        let row = rowOf[k]
        let e = exp(eta[k])
        rowRisk[row] = e
        rowHazard[row] = hazard[k]
        linear[row] = eta[k] + shift + centredPart
      }
      // Score residual: delta_i (x_i - abar*_i) - exp(eta_i) (x_i H_i - G_i); the G_i part
      // was accumulated (with sign) during the sweep.
      if full {
        for j in 0..<p {
          for k in 0..<n {
            let g = scoreResiduals[k + j * n]
            scoreResiduals[k + j * n] = -exp(eta[k]) * (x[k + j * n] * hazard[k] - g)
          }
        }
      }
      if let clusterOf {
        clusterScores.withUnsafeMutableBufferPointer { sums in
          clusterOf.withUnsafeBufferPointer { codes in
            x.withUnsafeBufferPointer { xs in
              for k in 0..<n {
                let base = codes[k] * p
                let scale = risk[k] * hazard[k]
                for j in 0..<p { sums[base + j] -= scale * xs[k + j * n] }
              }
            }
          }
        }
      }
      let events = eventRows.count
      for (index, row) in eventRows.enumerated() {
        let k = data.position[row]
        if full {
          for j in 0..<p { scoreResiduals[k + j * n] += schoenfeld[index * p + j] }
        }
        if let clusterOf {
          let base = clusterOf[k] * p
          for j in 0..<p { clusterScores[base + j] += w[k] * schoenfeld[index * p + j] }
        }
      }
      // Transpose the Schoenfeld rows to column-major events x p.
      var schoenfeldColumns = [Double](repeating: 0, count: events * p)
      for index in 0..<events {
        for j in 0..<p { schoenfeldColumns[index + j * events] = schoenfeld[index * p + j] }
      }
      residuals = CoxRowTerms(
        linearPredictor: linear, hazard: rowHazard, risk: rowRisk,
        scoreResiduals: scoreResiduals, clusterScores: clusterScores,
        schoenfeld: schoenfeldColumns, eventRows: eventRows)
    }
    return CoxEvaluation(logLikelihood: logLikelihood, score: score, information: information)
  }

  /// `sums[cluster(k)] += sign * risk[k] * vector` for the rows at `positions` (read through
  /// `order` when given): the G-part of the weighted score residuals, summed within clusters.
  static func addToClusters(
    _ sums: inout [Double], clusters: [Int], risk: [Double], vector: [Double], sign: Double,
    positions: Range<Int>, order: [Int]?
  ) {
    let p = vector.count
    sums.withUnsafeMutableBufferPointer { out in
      clusters.withUnsafeBufferPointer { codes in
        risk.withUnsafeBufferPointer { rs in
          vector.withUnsafeBufferPointer { v in
            for index in positions {
              let k = order?[index] ?? index
              let base = codes[k] * p
              let scale = sign * rs[k]
              for j in 0..<p { out[base + j] += scale * v[j] }
            }
          }
        }
      }
    }
  }

  /// Column sums over contiguous sweep positions: `a += sum r x` over the two at-risk ranges,
  /// `a2 = sum r x` and `score += sum w x` over the event range.
  static func enter(
    x: [Double], n: Int, p: Int, risk: [Double], weight: [Double],
    ranges: (Range<Int>, Range<Int>, Range<Int>), a: inout [Double], a2: inout [Double],
    score: inout [Double]
  ) {
    x.withUnsafeBufferPointer { xs in
      risk.withUnsafeBufferPointer { rs in
        weight.withUnsafeBufferPointer { ws in
          for j in 0..<p {
            let column = j * n
            var atRisk = 0.0
            for k in ranges.0 { atRisk += rs[k] * xs[column + k] }
            for k in ranges.2 { atRisk += rs[k] * xs[column + k] }
            var events = 0.0
            var weighted = 0.0
            for k in ranges.1 {
              events += rs[k] * xs[column + k]
              weighted += ws[k] * xs[column + k]
            }
            a[j] += atRisk
            a2[j] = events
            score[j] += weighted
          }
        }
      }
    }
  }

  /// Removes rows with `start >= eventTime` from the running sums (counting-process data).
  private func removeRows(
    hazard: inout [Double], risk: [Double], through eventTime: Double, from leaving: inout Int,
    end: Int, denom: inout Double,
    a: inout [Double], atRisk: inout Int, runningHazard: Double, runningG: [Double],
    scoreResiduals: inout [Double], full: Bool, clusterOf: [Int]?,
    clusterScores: inout [Double]
  ) {
    guard let start = data.sweepStart else { return }
    let n = data.count
    let p = data.columns
    let order = data.leaveOrder
    let first = leaving
    while leaving < end && start[order[leaving]] >= eventTime { leaving += 1 }
    guard leaving > first else { return }
    let batch = first..<leaving
    for index in batch { hazard[order[index]] += runningHazard }
    if full {
      for j in 0..<p {
        for index in batch { scoreResiduals[order[index] + j * n] += runningG[j] }
      }
    }
    if let clusterOf {
      RiskSetKernel.addToClusters(
        &clusterScores, clusters: clusterOf, risk: risk, vector: runningG, sign: 1,
        positions: batch, order: order)
    }
    atRisk -= batch.count
    if atRisk == 0 {
      // Everyone has left: restart the sums at exact zero rather than accumulate roundoff.
      denom = 0
      for j in 0..<p { a[j] = 0 }
      return
    }
    for index in batch { denom -= risk[order[index]] }
    data.sortedDesign.withUnsafeBufferPointer { xs in
      risk.withUnsafeBufferPointer { rs in
        order.withUnsafeBufferPointer { os in
          for j in 0..<p {
            let column = j * n
            var sum = 0.0
            for index in batch {
              let k = os[index]
              sum += rs[k] * xs[column + k]
            }
            a[j] -= sum
          }
        }
      }
    }
  }

  private mutating func flushMinus(_ values: [Double], rows: Int) throws {
    try values.withUnsafeBufferPointer { block in
      try minus.add(
        block: block, rows: rows, leadingDimension: blockRows, weights: nil, response: nil)
    }
  }
}
