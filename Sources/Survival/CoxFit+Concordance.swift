import Foundation

/// Harrell's concordance of a Cox fit with its infinitesimal-jackknife standard error.
public struct Concordance: Sendable, Equatable {
  /// Concordance on R's scale: the share of comparable pairs where the row with the higher risk
  /// score fails first, ties in the risk score counting one half.
  public let estimate: Double
  /// Infinitesimal-jackknife standard error (summed within clusters when a cluster was given).
  public let standardError: Double
  /// Weighted number of concordant pairs.
  public let concordant: Double
  /// Weighted number of discordant pairs.
  public let discordant: Double
  /// Weighted number of comparable pairs tied on the risk score.
  public let tiedRisk: Double
}

extension CoxFit {
  /// Concordance as R's `concordance(fit)` (survival 3.5, `timewt = "n"`).
  ///
  /// A pair is comparable when one row has an event at time `t` while the other is still at
  /// risk after `t` (censored at `t` counts as later; for `(start, stop]` rows the other row must
  /// have `start < t`). Pairs are counted within strata and weighted by the product of the case
  /// weights. The variance is `sum_c D_c^2 / 4`, `D_c` the per-cluster (or per-row) influence of
  /// Somers' d, as R computes it.
  /// - Complexity: O(n log n): one sort of the risk scores, then one sweep with two Fenwick trees.
  public var concordance: Concordance {
    var counter = ConcordanceCounter(fit: self)
    return counter.run()
  }
}

/// The state of one concordance sweep (all strata).
struct ConcordanceCounter {
  let data: RiskSetData
  let score: [Double]
  let clusters: [Int]?
  /// Influence of each row on the concordant, discordant and tied-on-score pair counts.
  var influence: [[Double]]
  var counts = [0.0, 0.0, 0.0]

  init(fit: CoxFit) {
    data = fit.data
    clusters = fit.clusterCodes
    // x_i'beta + offset_i on the original scale, summed in a fixed order so that rows with equal
    // covariates get bit-identical scores (ties are found by equality, as R does).
    let n = fit.count
    var lp = fit.data.offset
    if fit.originalDesign.rows == n {
      for (local, column) in fit.keptColumns.enumerated() {
        let b = fit.beta[local]
        let base = column * n
        for i in 0..<n { lp[i] += fit.originalDesign.storage[base + i] * b }
      }
    } else {
      // Design not retained: the centred sorted copy plus the means, a fixed function of each
      // row's covariates, so equal rows still get bit-identical scores.
      let data = fit.data
      for local in fit.keptColumns.indices {
        let b = fit.beta[local]
        let mean = data.means[local]
        let base = local * n
        data.sortedDesign.withUnsafeBufferPointer { xs in
          data.position.withUnsafeBufferPointer { position in
            for i in 0..<n { lp[i] += (xs[base + position[i]] + mean) * b }
          }
        }
      }
    }
    score = lp
    influence = [[Double]](repeating: [Double](repeating: 0, count: n), count: 3)
  }

  mutating func run() -> Concordance {
    let n = data.count
    // Rank of each row's score among its stratum's distinct scores (1-based, for the trees).
    var rank = [Int](repeating: 0, count: n)
    var byScore = Array(0..<n)
    byScore.sort {
      let (a, b) = ($0, $1)
      if data.stratum[a] != data.stratum[b] { return data.stratum[a] < data.stratum[b] }
      return score[a] < score[b]
    }
    var stratumSize = [Int](repeating: 0, count: data.stratumRanges.count)
    var current = 0
    var last = -1
    var lastScore = 0.0
    for i in byScore {
      if data.stratum[i] != last {
        last = data.stratum[i]
        current = 1
        lastScore = score[i]
      } else if score[i] != lastScore {
        current += 1
        lastScore = score[i]
      }
      rank[i] = current
      stratumSize[data.stratum[i]] = current
    }
    for (s, range) in data.stratumRanges.enumerated() {
      sweep(range, rank: rank, size: stratumSize[s])
    }
    let (concordant, discordant, tied) = (counts[0], counts[1], counts[2])
    let pairs = concordant + discordant + tied
    guard pairs > 0 else {
      return Concordance(
        estimate: .nan, standardError: .nan, concordant: 0, discordant: 0, tiedRisk: 0)
    }
    let somers = (concordant - discordant) / pairs
    var dfbeta = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let (c, d, t) = (influence[0][i], influence[1][i], influence[2][i])
      dfbeta[i] = data.weight[i] * ((c - d) / pairs - somers / pairs * (c + d + t))
    }
    var variance = 0.0
    if let clusters {
      var summed = [Double](repeating: 0, count: (clusters.max() ?? -1) + 1)
      for i in 0..<n { summed[clusters[i]] += dfbeta[i] }
      for value in summed { variance += value * value }
    } else {
      for value in dfbeta { variance += value * value }
    }
    // The sweep counts "concordant" as the earlier failure having the lower score; a Cox risk
    // score predicts the opposite, so the roles swap (R's reverse = TRUE).
    return Concordance(
      estimate: 1 - (somers + 1) / 2, standardError: (variance / 4).squareRoot(),
      concordant: discordant, discordant: concordant, tiedRisk: tied)
  }

  /// One stratum: rows by stop time descending (censored before events at a time).
  mutating func sweep(_ range: Range<Int>, rank: [Int], size: Int) {
    var all = FenwickTree(size: size)
    var deaths = FenwickTree(size: size)
    // data.byStop orders events before censored rows at a time; walk each time block twice.
    var position = range.lowerBound
    var leaving = range.lowerBound
    let end = range.upperBound
    while position < end {
      let time = data.stop[data.byStop[position]]
      var blockEnd = position
      while blockEnd < end && data.stop[data.byStop[blockEnd]] == time { blockEnd += 1 }
      // Censored rows at this time enter first (they outlast the events at this time).
      var hasEvent = false
      for k in position..<blockEnd {
        let i = data.byStop[k]
        if data.event[i] {
          hasEvent = true
          continue
        }
        let d = deaths.split(rank[i])
        influence[0][i] -= d.less
        influence[1][i] -= d.greater
        influence[2][i] -= d.equal
        all.add(rank[i], data.weight[i])
      }
      if hasEvent {
        if let start = data.start {
          while leaving < end && start[data.byStart[leaving]] >= time {
            let i = data.byStart[leaving]
            let d = deaths.split(rank[i])
            influence[0][i] += d.less
            influence[1][i] += d.greater
            influence[2][i] += d.equal
            all.add(rank[i], -data.weight[i])
            leaving += 1
          }
        }
        for k in position..<blockEnd {
          let i = data.byStop[k]
          guard data.event[i] else { continue }
          let s = all.split(rank[i])
          let w = data.weight[i]
          counts[0] += w * s.greater
          counts[1] += w * s.less
          counts[2] += w * s.equal
          influence[0][i] += s.greater
          influence[1][i] += s.less
          influence[2][i] += s.equal
          deaths.add(rank[i], w)
        }
        for k in position..<blockEnd {
          let i = data.byStop[k]
          guard data.event[i] else { continue }
          let d = deaths.split(rank[i])
          influence[0][i] -= d.less
          influence[1][i] -= d.greater
          influence[2][i] -= d.equal
          all.add(rank[i], data.weight[i])
        }
      }
      position = blockEnd
    }
    // Rows still in the risk set at the start of time: credit every later-processed event.
    let remaining: [Int] =
      data.start == nil
      ? Array(data.byStop[range]) : Array(data.byStart[leaving..<end])
    for i in remaining {
      let d = deaths.split(rank[i])
      influence[0][i] += d.less
      influence[1][i] += d.greater
      influence[2][i] += d.equal
    }
  }
}

/// Weights by rank `1...size` with prefix sums in O(log size).
struct FenwickTree {
  private var tree: [Double]
  private var node: [Double]
  private var total = 0.0

  init(size: Int) {
    tree = [Double](repeating: 0, count: size + 1)
    node = [Double](repeating: 0, count: size + 1)
  }

  mutating func add(_ rank: Int, _ weight: Double) {
    node[rank] += weight
    total += weight
    var k = rank
    while k < tree.count {
      tree[k] += weight
      k += k & (-k)
    }
  }

  /// Weight below, at and above `rank`.
  func split(_ rank: Int) -> (less: Double, equal: Double, greater: Double) {
    var below = 0.0
    var k = rank - 1
    while k > 0 {
      below += tree[k]
      k -= k & (-k)
    }
    let equal = node[rank]
    return (below, equal, total - below - equal)
  }
}
