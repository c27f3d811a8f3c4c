import Distributions

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Aalen-Johansen cumulative incidence of competing causes, as survival's multi-state
/// `survfit(Surv(time, factor(status)) ~ group)`.
///
/// Each subject has a time and a status: 0 censored, `k > 0` an event of cause `k`. At each
/// distinct time `t_j` with `n_j` at risk (time >= t_j), `d_kj` events of cause `k` and
/// `d_j = sum_k d_kj`:
///
///     S(t_j)   = S(t_{j-1}) (1 - d_j / n_j)                  (no event yet: Kaplan-Meier)
///     F_k(t_j) = F_k(t_{j-1}) + S(t_{j-1}) d_kj / n_j        (cumulative incidence)
///
/// so `S + sum_k F_k = 1` at every time. Standard errors are the infinitesimal jackknife,
/// survfit's variance for multi-state curves: `Var = sum_i U_i^2`, with `U_i` the derivative
/// of the estimate with respect to subject `i`'s case weight. Subjects still at risk share
/// one influence path, and after its own time a subject's influence on `S` scales with `S`
/// and on `F_k` is affine in `F_k`, so the sums take `O(n log n + T K)` for `n` subjects,
/// `T` times and `K` causes. Intervals are survfit's default log intervals,
/// `p exp(+-z se / p)`, the upper limit capped at 1.
///
/// References: Aalen & Johansen (1978) Scand J Statist 5:141-150; Therneau, Crowson & Atkinson,
/// "Multi-state models and competing risks" (survival package vignette).
public struct CumulativeIncidence: Sendable, Equatable {
  public var confidenceLevel: Double
  /// Whether to compute Gray's test between the groups.
  public var grayTest: Bool

  public init(confidenceLevel: Double = 0.95, grayTest: Bool = true) {
    self.confidenceLevel = confidenceLevel
    self.grayTest = grayTest
  }

  /// Errors with no estimate.
  public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
    /// A status is not a whole number `>= 0`; `row` is 0-based among the rows used.
    case invalidStatus(row: Int, value: Double)
    /// A time is negative or not finite.
    case invalidTime(row: Int, value: Double)
    /// No rows.
    case empty

    public var description: String {
      switch self {
      case .invalidStatus(let row, let value):
        return "row \(row + 1): status \(value) must be 0 (censored) or a cause 1, 2, ..."
      case .invalidTime(let row, let value):
        return "row \(row + 1): time \(value) must be finite and >= 0"
      case .empty: return "no rows to estimate from"
      }
    }
  }

  /// Fits one curve per group.
  ///
  /// - Parameters:
  ///   - time: event or censoring times.
  ///   - status: 0 censored, `k >= 1` cause `k`.
  ///   - groups: group code per row (`0..<groupLabels.count`), or `nil` for one group.
  ///   - causes: the causes to report; default: those with at least one event overall.
  /// - Throws: ``Failure``.
  public func fit(
    time: [Double], status: [Double], groups: [Int]? = nil, groupLabels: [String] = ["all"],
    causes requested: [Int]? = nil
  ) throws -> CumulativeIncidenceFit {
    guard !time.isEmpty, time.count == status.count else { throw Failure.empty }
    var codes: [Int] = []
    codes.reserveCapacity(status.count)
    for (i, s) in status.enumerated() {
      guard s >= 0, s == s.rounded(), s < 1e9 else {
        throw Failure.invalidStatus(row: i, value: s)
      }
      guard time[i].isFinite, time[i] >= 0 else {
        throw Failure.invalidTime(row: i, value: time[i])
      }
      codes.append(Int(s))
    }
    let causes = requested ?? Array(Set(codes.filter { $0 > 0 })).sorted()
    let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    let groupCodes = groups ?? [Int](repeating: 0, count: time.count)
    var curves: [CumulativeIncidenceFit.Curve] = []
    for (g, label) in groupLabels.enumerated() {
      let rows = groupCodes.indices.filter { groupCodes[$0] == g }
      curves.append(
        Self.curve(
          label: label, time: rows.map { time[$0] }, status: rows.map { codes[$0] },
          causes: causes, z: z))
    }
    // Gray's test per cause between the groups (cuminc), for causes with events.
    let tests =
      !grayTest || groupLabels.count < 2
      ? []
      : causes.compactMap { cause in
        GrayTest.compute(
          time: time, status: codes, groups: groupCodes, groupCount: groupLabels.count,
          cause: cause)
      }
    return CumulativeIncidenceFit(
      causes: causes, curves: curves, confidenceLevel: confidenceLevel, grayTests: tests)
  }

  /// One group's curve (see the type's formulas).
  static func curve(
    label: String, time: [Double], status: [Int], causes: [Int], z: Double
  ) -> CumulativeIncidenceFit.Curve {
    let n = time.count
    let k = causes.count
    let causeIndex = Dictionary(uniqueKeysWithValues: causes.enumerated().map { ($1, $0) })
    let order = time.indices.sorted { time[$0] < time[$1] }
    // Distinct times and, per time, the events by cause, the censored and the subjects
    // whose own time it is, grouped by status.
    var times: [Double] = []
    var events: [[Double]] = []
    var censored: [Double] = []
    var position = 0
    while position < n {
      let t = time[order[position]]
      var d = [Double](repeating: 0, count: k)
      var c = 0.0
      while position < n, time[order[position]] == t {
        let s = status[order[position]]
        if s == 0 {
          c += 1
        } else if let index = causeIndex[s] {
          d[index] += 1
        } else {
          c += 1  // a cause not reported counts as leaving the risk set without an event
        }
        position += 1
      }
      times.append(t)
      events.append(d)
      censored.append(c)
    }
    let steps = times.count
    var atRisk = [Double](repeating: 0, count: steps)
    var remaining = Double(n)
    for j in 0..<steps {
      atRisk[j] = remaining
      remaining -= events[j].reduce(0, +) + censored[j]
    }
    var survival = 1.0
    var incidence = [Double](repeating: 0, count: k)
    // G, H: influence of a subject still at risk after t_j on S and F_k.
    var g = 0.0
    var h = [Double](repeating: 0, count: k)
    // Sums over subjects whose time has passed: a^2, c_k a, c_k^2 (see the type's comment).
    var sumA2 = 0.0
    var sumCA = [Double](repeating: 0, count: k)
    var sumC2 = [Double](repeating: 0, count: k)
    var out: [CumulativeIncidenceFit.Step] = []
    out.reserveCapacity(steps)
    for j in 0..<steps {
      let nj = atRisk[j]
      let dk = events[j]
      let dj = dk.reduce(0, +)
      let hj = dj / nj
      let previousS = survival
      let previousG = g
      let previousH = h
      survival = previousS * (1 - hj)
      for c in 0..<k { incidence[c] += previousS * dk[c] / nj }
      // The shared path of subjects at risk after t_j (their own time is later).
      g = previousG * (1 - hj) + previousS * hj / nj
      for c in 0..<k {
        h[c] = previousH[c] + previousG * dk[c] / nj - previousS * (dk[c] / nj) / nj
      }
      // Subjects whose time is t_j: censored, or an event of cause e.
      var varianceS = 0.0
      var varianceF = [Double](repeating: 0, count: k)
      func influence(event: Int?) -> (s: Double, f: [Double]) {
        let isEvent = event == nil ? 0.0 : 1.0
        let s = previousG * (1 - hj) - previousS * (isEvent - hj) / nj
        let f = (0..<k).map { c in
          previousH[c] + previousG * dk[c] / nj + previousS
            * ((event == c ? 1.0 : 0.0) - dk[c] / nj) / nj
        }
        return (s, f)
      }
      var leaving: [(count: Double, influence: (s: Double, f: [Double]))] = []
      if censored[j] > 0 { leaving.append((censored[j], influence(event: nil))) }
      for c in 0..<k where dk[c] > 0 { leaving.append((dk[c], influence(event: c))) }
      let stillAtRisk = nj - dj - censored[j]
      varianceS += stillAtRisk * g * g
      for c in 0..<k { varianceF[c] += stillAtRisk * h[c] * h[c] }
      for (count, u) in leaving {
        varianceS += count * u.s * u.s
        for c in 0..<k { varianceF[c] += count * u.f[c] * u.f[c] }
      }
      // Subjects who left earlier: U_S = a S, U_F = c + a F.
      varianceS += sumA2 * survival * survival
      for c in 0..<k {
        varianceF[c] +=
          sumC2[c] + 2 * incidence[c] * sumCA[c] + incidence[c] * incidence[c] * sumA2
      }
      // Move the subjects leaving at t_j into the sums (for later times; none if S = 0).
      if survival > 0 {
        for (count, u) in leaving {
          let a = u.s / survival
          sumA2 += count * a * a
          for c in 0..<k {
            let offset = u.f[c] - a * incidence[c]
            sumCA[c] += count * offset * a
            sumC2[c] += count * offset * offset
          }
        }
      }
      let seS = max(0, varianceS).squareRoot()
      let seF = varianceF.map { max(0, $0).squareRoot() }
      out.append(
        CumulativeIncidenceFit.Step(
          time: times[j], atRisk: nj, events: dk, censored: censored[j], survival: survival,
          survivalStandardError: seS, incidence: incidence, standardError: seF,
          confLow: zip(incidence, seF).map { Self.logInterval($0, $1, -z) },
          confHigh: zip(incidence, seF).map { Self.logInterval($0, $1, z) },
          survivalConfLow: Self.logInterval(survival, seS, -z),
          survivalConfHigh: Self.logInterval(survival, seS, z)))
    }
    return CumulativeIncidenceFit.Curve(
      label: label, n: n, eventsByCause: (0..<k).map { c in events.reduce(0) { $0 + $1[c] } },
      steps: out)
  }

  /// survfit's log interval `p exp(z se / p)` (upper capped at 1); `nil` where `p = 0`.
  static func logInterval(_ p: Double, _ se: Double, _ z: Double) -> Double? {
    guard p > 0 else { return nil }
    return min(1, p * exp(z * se / p))
  }
}
