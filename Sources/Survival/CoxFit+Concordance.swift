import Foundation
import LinearAlgebra
import Parallelism

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
///
/// Everything is indexed by sweep position (rows in `RiskSetData.byStop` order), so the sweep
/// reads the scores, ranks, times, events, weights and influences sequentially.
struct ConcordanceCounter {
  let data: RiskSetData
  /// Risk score of each sweep position.
  let score: [Double]
  /// Cluster of each sweep position, or `nil`.
  let clusters: [Int]?
  /// Influence of each position on the concordant, discordant and tied-on-score pair counts.
  var concordantInfluence: [Double]
  var discordantInfluence: [Double]
  var tiedInfluence: [Double]
  var counts = [0.0, 0.0, 0.0]

  init(fit: CoxFit) {
    let data = fit.data
    self.data = data
    let n = fit.data.count
    let rowOf = data.byStop
    clusters = fit.sweepClusters
    // x_i'beta + offset_i on the original scale, summed in a fixed order so that rows with equal
    // covariates get bit-identical scores (ties are found by equality, as R does).
    var lp = data.sweepOffset
    if fit.originalDesign.rows == n {
      for (local, column) in fit.keptColumns.enumerated() {
        let b = fit.beta[local]
        let base = column * n
        fit.originalDesign.storage.withUnsafeBufferPointer { xs in
          for k in 0..<n { lp[k] += xs[base + rowOf[k]] * b }
        }
      }
    } else {
      // Design not retained: the centred sorted copy plus the means, a fixed function of each
      // row's covariates, so equal rows still get bit-identical scores.
      for local in fit.keptColumns.indices {
        let b = fit.beta[local]
        let mean = data.means[local]
        let base = local * n
        data.sortedDesign.withUnsafeBufferPointer { xs in
          for k in 0..<n { lp[k] += (xs[base + k] + mean) * b }
        }
      }
    }
    score = lp
    concordantInfluence = [Double](repeating: 0, count: n)
    discordantInfluence = [Double](repeating: 0, count: n)
    tiedInfluence = [Double](repeating: 0, count: n)
  }

  /// Rank of each position's score among its stratum's distinct scores (1-based, for the
  /// trees), and the number of distinct scores per stratum.
  ///
  /// Strata are contiguous ranges of positions: each is radix-sorted by score. The keys and
  /// sort buffers live only inside this call (on large fits they are freed before the walks
  /// allocate their trees).
  func ranks() -> (rank: [Int], sizes: [Int]) {
    var rank = [Int](repeating: 0, count: data.count)
    let keys = score.map { RiskSetData.orderedBits($0) }
    var stratumSize = [Int](repeating: 0, count: data.stratumRanges.count)
    for (s, range) in data.stratumRanges.enumerated() {
      var byScore = Array(range)
      RiskSetData.radixSort(&byScore, keys: keys)
      var current = 0
      var lastKey: UInt64 = 0
      for k in byScore {
        if current == 0 || keys[k] != lastKey {
          current += 1
          lastKey = keys[k]
        }
        rank[k] = current
      }
      stratumSize[s] = current
    }
    return (rank, stratumSize)
  }

  mutating func run() -> Concordance {
    let n = data.count
    let (rank, stratumSize) = ranks()
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
    // Each position's influence on Somers' d, summed within clusters (or squared per row)
    // without an n-length array of its own.
    func dfbeta(_ k: Int) -> Double {
      let (c, d, t) = (concordantInfluence[k], discordantInfluence[k], tiedInfluence[k])
      return data.sweepWeight[k] * ((c - d) / pairs - somers / pairs * (c + d + t))
    }
    var variance = 0.0
    if let clusters {
      var summed = [Double](repeating: 0, count: (clusters.max() ?? -1) + 1)
      for k in 0..<n { summed[clusters[k]] += dfbeta(k) }
      for value in summed { variance += value * value }
    } else {
      for k in 0..<n {
        let value = dfbeta(k)
        variance += value * value
      }
    }
    // The sweep counts "concordant" as the earlier failure having the lower score; a Cox risk
    // score predicts the opposite, so the roles swap (R's reverse = TRUE).
    return Concordance(
      estimate: 1 - (somers + 1) / 2, standardError: (variance / 4).squareRoot(),
      concordant: discordant, discordant: concordant, tiedRisk: tied)
  }

  /// One stratum: positions by stop time descending (censored before events at a time).
  ///
  /// The sweep keeps two Fenwick trees over the score ranks: the weight at risk (`all`) and
  /// the weight of the events met so far (`deaths`). Their updates never read each other, so
  /// the two walks run at once (``Concurrently/pair(_:_:)``): the at-risk walk returns the
  /// pair counts and each event's split of the risk set, the deaths walk credits every
  /// position's influences; the event splits are then added to their positions in order.
  mutating func sweep(_ range: Range<Int>, rank: [Int], size: Int) {
    let data = self.data
    var deaths = WalkOutput(
      influence: Influence(
        concordant: concordantInfluence, discordant: discordantInfluence, tied: tiedInfluence))
    concordantInfluence = []
    discordantInfluence = []
    tiedInfluence = []
    var atRisk = WalkOutput(influence: Influence(concordant: [], discordant: [], tied: []))
    _ = Concurrently.pair(
      { Self.walk(range, rank: rank, size: size, data: data, tree: .atRisk, output: &atRisk) },
      { Self.walk(range, rank: rank, size: size, data: data, tree: .deaths, output: &deaths) })
    var influence = deaths.influence
    deaths.influence = Influence(concordant: [], discordant: [], tied: [])
    var index = 0
    for k in range where data.sweepEvent[k] {
      influence.concordant[k] += atRisk.splits[index]
      influence.discordant[k] += atRisk.splits[index + 1]
      influence.tied[k] += atRisk.splits[index + 2]
      index += 3
    }
    for c in 0..<3 { counts[c] += atRisk.counts[c] }
    concordantInfluence = influence.concordant
    discordantInfluence = influence.discordant
    tiedInfluence = influence.tied
  }

  /// Per-position influences on the concordant, discordant and tied-on-score counts.
  struct Influence {
    var concordant: [Double]
    var discordant: [Double]
    var tied: [Double]

    /// Subtracts (`sign` -1) or adds (`sign` 1) the event weight below, above and at a rank
    /// to the influences of position `k`.
    @inline(__always)
    mutating func credit(
      _ k: Int, _ d: (less: Double, equal: Double, greater: Double), _ sign: Double
    ) {
      concordant[k] += sign * d.less
      discordant[k] += sign * d.greater
      tied[k] += sign * d.equal
    }
  }

  /// Which of the two Fenwick trees a walk maintains.
  enum Tree {
    /// The weight at risk: rows enter when censored or at their event time (after the
    /// events at that time are compared) and leave at the first event time at or below their
    /// start. Each event reads its split of the risk set (weighted pair counts and the
    /// event's own influence).
    case atRisk
    /// The weight of the events met so far: each row is debited the event weight below, at
    /// and above its rank when it enters the risk set and credited it when it leaves, so it
    /// ends with the weight of the events it was at risk for.
    case deaths
  }

  /// What a walk produces: the at-risk walk fills `counts` (greater, less, equal score among
  /// the rows at risk, summed over weighted events) and `splits` (each event's three splits,
  /// in position order); the deaths walk adds to `influence`.
  struct WalkOutput {
    var counts = [0.0, 0.0, 0.0]
    var splits: [Double] = []
    var influence: Influence
  }

  /// One tree's walk of one stratum, by stop time descending.
  ///
  /// Censored rows enter before the events at their time. Both walks visit rows in the same order and never read each
  /// other's tree, so they can run at once.
  static func walk(
    _ range: Range<Int>, rank: [Int], size: Int, data: RiskSetData, tree: Tree,
    output: inout WalkOutput
  ) {
    var fenwick = FenwickTree(size: size)
    // Work on locals (moved out of `output` and back): no uniqueness checks in the loops.
    var influence = output.influence
    output.influence = Influence(concordant: [], discordant: [], tied: [])
    var splits = output.splits
    output.splits = []
    var (greater, less, equal) = (output.counts[0], output.counts[1], output.counts[2])
    defer {
      output.influence = influence
      output.splits = splits
      output.counts = [greater, less, equal]
    }
    let stop = data.sweepStop
    let event = data.sweepEvent
    let weight = data.sweepWeight
    let atRisk = tree == .atRisk
    var position = range.lowerBound
    var leaving = range.lowerBound
    let end = range.upperBound
    while position < end {
      let time = stop[position]
      var blockEnd = position
      while blockEnd < end && stop[blockEnd] == time { blockEnd += 1 }
      var hasEvent = false
      for k in position..<blockEnd {
        if event[k] {
          hasEvent = true
        } else if atRisk {
          fenwick.add(rank[k], weight[k])
        } else {
          influence.credit(k, fenwick.split(rank[k]), -1)
        }
      }
      if hasEvent {
        if let start = data.sweepStart {
          while leaving < end && start[data.leaveOrder[leaving]] >= time {
            let k = data.leaveOrder[leaving]
            if atRisk {
              fenwick.add(rank[k], -weight[k])
            } else {
              influence.credit(k, fenwick.split(rank[k]), 1)
            }
            leaving += 1
          }
        }
        for k in position..<blockEnd where event[k] {
          if atRisk {
            let s = fenwick.split(rank[k])
            let w = weight[k]
            greater += w * s.greater
            less += w * s.less
            equal += w * s.equal
            splits.append(s.greater)
            splits.append(s.less)
            splits.append(s.equal)
          } else {
            fenwick.add(rank[k], weight[k])
          }
        }
        for k in position..<blockEnd where event[k] {
          if atRisk {
            fenwick.add(rank[k], weight[k])
          } else {
            influence.credit(k, fenwick.split(rank[k]), -1)
          }
        }
      }
      position = blockEnd
    }
    guard !atRisk else { return }
    // Rows still in the risk set at the start of time: credit every later-processed event.
    if data.sweepStart == nil {
      for k in range { influence.credit(k, fenwick.split(rank[k]), 1) }
    } else {
      for index in leaving..<end {
        let k = data.leaveOrder[index]
        influence.credit(k, fenwick.split(rank[k]), 1)
      }
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
