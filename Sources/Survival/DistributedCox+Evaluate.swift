import Foundation
import LinearAlgebra
import Partials

/// What the robust pass broadcasts at one (stratum, event time): enough for every partition to
/// compute each row's score residual without seeing the other partitions' rows.
///
/// With `h_k = (w_d / s) / D_k` the hazard increment of Efron step `k` of `s` (one step for
/// Breslow or a single event), `D_k` its denominator, `m_k` its risk-weighted mean and `f_k =
/// k / s` the share of the tied events still at risk in it (as ``RiskSetKernel`` counts them):
/// a row at risk at `t` collects `hazard` and `hazardMean`; an event row at its own time
/// collects `eventHazard` and `eventHazardMean` instead, and its Schoenfeld term is
/// `x - mean`.
public struct ScoreStep: Sendable, Equatable {
  public var stratum: String
  public var time: Double
  /// `sum_k h_k`.
  public var hazard: Double
  /// `sum_k f_k h_k`.
  public var eventHazard: Double
  /// `sum_k h_k m_k` (centred covariates).
  public var hazardMean: [Double]
  /// `sum_k f_k h_k m_k`.
  public var eventHazardMean: [Double]
  /// `sum_k m_k / s`, the Efron-averaged risk-set mean.
  public var mean: [Double]
}

/// Log-likelihood, score and information rebuilt from merged statistics.
struct RiskSetEvaluation: Sendable, Equatable {
  var logLikelihood: Double
  var score: [Double]
  /// Upper triangle, row by row.
  var information: [Double]
  var maxLinearPredictor: Double

  var matrix: Matrix {
    let p = score.count
    var m = Matrix(rows: p, columns: p)
    var k = 0
    for i in 0..<p {
      for j in i..<p {
        m[i, j] = information[k]
        m[j, i] = information[k]
        k += 1
      }
    }
    return m
  }

  var coxEvaluation: CoxEvaluation {
    CoxEvaluation(logLikelihood: logLikelihood, score: score, information: matrix)
  }

  /// All numbers in one list: log-likelihood, max linear predictor, score, information.
  var numbers: [Double] { [logLikelihood, maxLinearPredictor] + score + information }

  init(logLikelihood: Double, score: [Double], information: [Double], maxLinear: Double) {
    self.logLikelihood = logLikelihood
    self.score = score
    self.information = information
    maxLinearPredictor = maxLinear
  }

  /// Reads ``numbers`` back for `p` covariates.
  init?(numbers: [Double], order p: Int) {
    guard numbers.count == 2 + p + p * (p + 1) / 2 else { return nil }
    logLikelihood = numbers[0]
    maxLinearPredictor = numbers[1]
    score = Array(numbers[2..<(2 + p)])
    information = Array(numbers[(2 + p)...])
  }
}

extension DistributedCox {
  /// The partial log-likelihood, score and information from merged statistics, as
  /// ``RiskSetKernel`` computes them from rows; with `steps`, also the robust pass's
  /// broadcast.
  ///
  /// Per stratum (labels in sorted order) a descending sweep over the distinct times keeps the
  /// exact running sums of the exits at times `>= t` minus the entries at times `>= t`: the
  /// risk set at `t` (`start < t <= stop`), exact because every sum is an ``ExactSum``, so a
  /// risk set that empties is exactly zero. At an event time the tied events' sums are split
  /// off (the others `O`, the events `E`) and Efron's steps `k = 1...s` use the denominator
  /// `O_0 + (k / s) E_0` and mean `(O_1 + (k / s) E_1) / D_k`; Breslow takes one step with
  /// `k / s = 1`. The information is `sum_k (w_d / s) [(O_2 + (k / s) E_2) / D_k - m_k m_k']`.
  static func evaluate(
    _ stats: RiskSetStatistics, ties: CoxModel.Ties, steps wanted: Bool
  ) -> (RiskSetEvaluation, [ScoreStep]) {
    let p = stats.columns.count
    var logLikelihood = stats.eventLinear.value
    var score = stats.eventX.map(\.value)
    var information = [Double](repeating: 0, count: p * (p + 1) / 2)
    var broadcast: [ScoreStep] = []
    var mean = [Double](repeating: 0, count: p)
    let keys = stats.points.keys.sorted()
    var end = keys.count
    while end > 0 {
      // One stratum: keys[first..<end], swept from the last (largest) time down.
      let stratum = keys[end - 1].stratum
      var first = end - 1
      while first > 0 && keys[first - 1].stratum == stratum { first -= 1 }
      var running = RiskSums(order: p)
      var stratumSteps: [ScoreStep] = []
      for index in stride(from: end - 1, through: first, by: -1) {
        guard let point = stats.points[keys[index]] else { continue }
        running.merge(point.exits)
        if point.entryCount > 0 { running.subtract(point.entries) }
        guard point.eventCount > 0 else { continue }
        var others = running
        others.subtract(point.eventRisk)
        let o0 = others.s0.value
        let o1 = others.s1.map(\.value)
        let o2 = others.s2.map(\.value)
        let e0 = point.eventRisk.s0.value
        let e1 = point.eventRisk.s1.map(\.value)
        let e2 = point.eventRisk.s2.map(\.value)
        let count = (ties == .breslow || point.eventCount == 1) ? 1 : point.eventCount
        let stepWeight = point.eventWeight.value / Double(count)
        var step = ScoreStep(
          stratum: stratum, time: keys[index].time, hazard: 0, eventHazard: 0,
          hazardMean: [Double](repeating: 0, count: p),
          eventHazardMean: [Double](repeating: 0, count: p),
          mean: [Double](repeating: 0, count: p))
        for k in 1...count {
          let fraction = Double(k) / Double(count)
          let d = o0 + fraction * e0
          logLikelihood -= stepWeight * log(d)
          let h = stepWeight / d
          for j in 0..<p {
            mean[j] = (o1[j] + fraction * e1[j]) / d
            score[j] -= stepWeight * mean[j]
          }
          var u = 0
          for i in 0..<p {
            for j in i..<p {
              information[u] += h * (o2[u] + fraction * e2[u]) - stepWeight * mean[i] * mean[j]
              u += 1
            }
          }
          if wanted {
            step.hazard += h
            step.eventHazard += fraction * h
            for j in 0..<p {
              step.hazardMean[j] += h * mean[j]
              step.eventHazardMean[j] += fraction * h * mean[j]
              step.mean[j] += mean[j] / Double(count)
            }
          }
        }
        if wanted { stratumSteps.append(step) }
      }
      broadcast += stratumSteps.reversed()
      end = first
    }
    // Strata were swept from the last label down; the broadcast lists them in label order.
    if wanted {
      broadcast.sort { $0.stratum != $1.stratum ? $0.stratum < $1.stratum : $0.time < $1.time }
    }
    return (
      RiskSetEvaluation(
        logLikelihood: logLikelihood, score: score, information: information,
        maxLinear: stats.maxLinearPredictor),
      broadcast
    )
  }

  /// The robust pass on one partition: per cluster (patient) the weighted score residuals
  /// `U_g = sum_i w_i L_i` at the final estimate, from the state's broadcast; returns
  /// `sum_g U_g U_g'` (R's `coxph(..., cluster = id)` meat).
  ///
  /// `L_i = delta_i (x_i - mean(t_i)) - exp(eta_i) (x_i H_i - G_i)`, with `H_i` and `G_i` the
  /// broadcast's `hazard` and `hazardMean` summed over the event times in `(start_i, stop_i]`
  /// (for an event row, its own time's `eventHazard` and `eventHazardMean` instead): R's score
  /// residuals, as ``RiskSetKernel``'s residual pass computes them. Rows without a cluster
  /// label are each their own cluster.
  /// - Throws: ``PartialsError/mismatch(source:reason:)`` when the state is not at its robust
  ///   pass or a partition's event time is missing from the broadcast (statistics and state
  ///   of different data).
  public func robustMeat(partition: String, rows input: RiskSetRows?) throws -> ClusterMeat {
    guard pass == .robust else {
      throw PartialsError.mismatch(source: partition, reason: "the state is not at its robust pass")
    }
    let header = header(partition: partition)
    let p = columns.count
    guard let input, input.count > 0 else {
      return ClusterMeat(
        header: header, clusters: 0, order: p, matrix: [Double](repeating: 0, count: p * p))
    }
    guard input.x.columns == p else {
      throw PartialsError.mismatch(
        source: partition, reason: "its design has \(input.x.columns) covariates, the state \(p)")
    }
    // Per stratum: event times ascending and the running sums of the hazard pieces.
    struct Table {
      var times: [Double] = []
      var cumulativeHazard: [Double] = []
      var cumulativeMean: [Double] = []
      var steps: [ScoreStep] = []
    }
    var tables: [String: Table] = [:]
    for step in broadcast {
      var table = tables[step.stratum] ?? Table()
      let last = table.times.count - 1
      table.times.append(step.time)
      table.cumulativeHazard.append((last >= 0 ? table.cumulativeHazard[last] : 0) + step.hazard)
      for j in 0..<p {
        table.cumulativeMean.append(
          (last >= 0 ? table.cumulativeMean[last * p + j] : 0) + step.hazardMean[j])
      }
      table.steps.append(step)
      tables[step.stratum] = table
    }
    /// Number of event times `<= t`.
    func through(_ t: Double, _ times: [Double]) -> Int {
      var low = 0
      var high = times.count
      while low < high {
        let mid = (low + high) / 2
        if times[mid] <= t { low = mid + 1 } else { high = mid }
      }
      return low
    }
    let n = input.count
    let xc = try input.centred(center)
    let eta = input.linearPredictors(centred: xc, beta: beta)
    var clusterOf: [String: Int] = [:]
    var code = [Int](repeating: 0, count: n)
    for i in 0..<n {
      if let label = input.clusters?[i] {
        if let c = clusterOf[label] {
          code[i] = c
        } else {
          code[i] = clusterOf.count
          clusterOf[label] = clusterOf.count
        }
      } else {
        code[i] = i
      }
    }
    let clusterCount = input.clusters == nil ? n : clusterOf.count
    // Exact per-cluster sums, and an exact sum of their products: the meat depends on the
    // clusters' score sums only, not on the order of the rows or of the clusters.
    var sums = [ExactSum](repeating: ExactSum(), count: clusterCount * p)
    let empty = Table()
    var hazardMean = [Double](repeating: 0, count: p)
    for i in 0..<n {
      let table = tables[input.stratum(i)] ?? empty
      let stop = input.response.stop[i]
      let high = through(stop, table.times)
      let low = input.response.start.map { through($0[i], table.times) } ?? 0
      var hazard = 0.0
      for j in 0..<p { hazardMean[j] = 0 }
      if high > 0 {
        hazard += table.cumulativeHazard[high - 1]
        for j in 0..<p { hazardMean[j] += table.cumulativeMean[(high - 1) * p + j] }
      }
      if low > 0 {
        hazard -= table.cumulativeHazard[low - 1]
        for j in 0..<p { hazardMean[j] -= table.cumulativeMean[(low - 1) * p + j] }
      }
      let w = input.weights?[i] ?? 1
      let event = input.response.event[i]
      var own: ScoreStep?
      if event {
        guard high > 0, table.times[high - 1] == stop else {
          throw PartialsError.mismatch(
            source: partition,
            reason: "its event at time \(stop) is not in the state's broadcast: the state was "
              + "made from other data")
        }
        let step = table.steps[high - 1]
        hazard += step.eventHazard - step.hazard
        for j in 0..<p { hazardMean[j] += step.eventHazardMean[j] - step.hazardMean[j] }
        own = step
      }
      let risk = exp(eta[i])
      for j in 0..<p {
        let x = xc.storage[i + j * n]
        var residual = -risk * (x * hazard - hazardMean[j])
        if let own { residual += x - own.mean[j] }
        sums[code[i] * p + j].add(w * residual)
      }
    }
    var upper = [ExactSum](repeating: ExactSum(), count: p * (p + 1) / 2)
    var score = [Double](repeating: 0, count: p)
    for g in 0..<clusterCount {
      for j in 0..<p { score[j] = sums[g * p + j].value }
      var k = 0
      for i in 0..<p {
        for j in i..<p {
          upper[k].add(score[i] * score[j])
          k += 1
        }
      }
    }
    return try ClusterMeat(header: header, clusters: clusterCount, order: p, upper: upper)
  }
}
