import Foundation
import LinearAlgebra
import Parallelism

/// The log-likelihood of a location-scale model for right-censored data, with its score and
/// information in `(beta, log sigma_1, ..., log sigma_S)`, as survival's `survregc1`.
///
/// ## Contract
/// - `x`: `n` x `p` column-major design (finite, checked once by the caller); `y`: the
///   transformed times (`log t` for the time distributions); `event[i]`: exact time (`true`)
///   or right-censored (`false`); `strata[i]` in `0..<S` picks row `i`'s scale (empty when
///   `S == 1`); `weights` and `offset`: `nil` or `n` values.
/// - Parameters are `beta` (`p` values) followed by one `log sigma` per stratum, or by none when
///   the scale is fixed (`fixedLogScale`).
/// - With `z_i = (y_i - eta_i) / sigma`, `eta_i = x_i'beta + offset_i`, row `i` contributes
///   `log f(z_i) - log sigma` (exact) or `log S(z_i)` (censored). Let `g_i` be that term: the
///   score is `sum w_i x_i dg_i/deta` and `sum w_i dg_i/dlog sigma`; the information is minus
///   the Hessian. The terms `dg`, `ddg`, `dsig`, `ddsig`, `dsg` are survregc1's, derived in Mayo
///   Biostatistics technical report 53.
/// - Where `f` or `S` underflows, `g_i` is R's floor `-200` with Gaussian-like derivatives, so
///   the step that got there is halved.
///
/// `X'WX` is summed over row blocks of 4096 with `dsyrk` (``CrossProductAccumulator``); the
/// `X'`-vector products are one `dgemm` on `[dg, dsg by stratum]`. The per-row derivative
/// buffers are reused across evaluations: no per-row allocation.
struct SurvregLikelihood {
  /// What an evaluation computes.
  enum Need {
    /// The log-likelihood only (step-halving trials).
    case logLikelihood
    /// Log-likelihood, score and the observed information (minus the Hessian).
    case information
    /// Log-likelihood, score and the outer product of the per-row scores (R's `JJ`, used
    /// when the information is not positive definite).
    case outerProduct
  }

  /// One evaluation.
  struct Evaluation {
    var logLikelihood: Double
    var score: [Double]
    /// `q` x `q`, fully symmetric; empty for ``Need/logLikelihood``.
    var information: Matrix
  }

  let x: Matrix
  let y: [Double]
  let event: [Bool]
  let strata: [Int]
  let strataCount: Int
  let base: SurvregDistribution.Base
  let fixedLogScale: Double?
  let weights: [Double]?
  let offset: [Double]?

  /// Number of covariate columns `p`.
  var covariateCount: Int { x.columns }
  /// Number of estimated scales (0 when fixed).
  var scaleCount: Int { fixedLogScale == nil ? strataCount : 0 }
  /// Number of parameters `q = p + scales`.
  var parameterCount: Int { covariateCount + scaleCount }
  var rowCount: Int { y.count }

  /// `w_i dg_i/deta` per row, from the last full evaluation.
  private(set) var etaScore: [Double]
  /// `w_i dg_i/dlog sigma` per row, from the last full evaluation.
  private(set) var scaleScore: [Double]
  /// Per-row information weight and the `n` x `(1 + S)` right-hand sides of the `X'` product.
  private var rowWeight: [Double]
  private var rightHandSides: Matrix

  init(
    x: Matrix, y: [Double], event: [Bool], strata: [Int], strataCount: Int,
    base: SurvregDistribution.Base, fixedLogScale: Double?, weights: [Double]?,
    offset: [Double]?
  ) {
    self.x = x
    self.y = y
    self.event = event
    self.strata = strata
    self.strataCount = strataCount
    self.base = base
    self.fixedLogScale = fixedLogScale
    self.weights = weights
    self.offset = offset
    let n = y.count
    etaScore = [Double](repeating: 0, count: n)
    scaleScore = [Double](repeating: 0, count: n)
    rowWeight = [Double](repeating: 0, count: n)
    rightHandSides = Matrix(rows: n, columns: 1 + (fixedLogScale == nil ? strataCount : 0))
  }

  /// Evaluates the log-likelihood (without the Jacobian of the time transform) and, unless
  /// only the log-likelihood is needed, its score and information at `parameters`.
  ///
  /// A non-finite parameter gives a NaN log-likelihood (the Newton driver then halves the step).
  /// - Throws: only on a failed BLAS call (shapes are fixed at construction).
  mutating func evaluate(_ parameters: [Double], need: Need) throws -> Evaluation {
    let p = covariateCount
    let q = parameterCount
    let nan = Evaluation(
      logLikelihood: .nan, score: [Double](repeating: .nan, count: q),
      information: Matrix(rows: q, columns: q, repeating: .nan))
    guard parameters.count == q, parameters.allSatisfy(\.isFinite) else { return nan }
    let beta = Array(parameters[0..<p])
    var sigmas = [Double](repeating: 1, count: strataCount)
    for s in 0..<strataCount {
      sigmas[s] = exp(fixedLogScale ?? parameters[p + s])
    }
    guard sigmas.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nan }
    // The design was checked once at construction: the products below do not rescan it.
    // Row passes run on a fixed partition (chunk sums combined in chunk order), so the bits
    // do not depend on the worker count; data under two chunks is one plain pass.
    let partition = RowPartition(rows: rowCount)
    let chunkCount = partition.chunks.count
    var eta = [Double](repeating: 0, count: rowCount)
    // Each chunk records its own BLAS error (shapes are fixed, so none is expected).
    var chunkErrors = [(any Error)?](repeating: nil, count: chunkCount)
    if p > 0 {
      let n = rowCount
      x.withUnsafeBufferPointer { a in
        eta.withUnsafeMutableBufferPointer { y in
          chunkErrors.withUnsafeMutableBufferPointer { errors in
            guard let base = a.baseAddress, let out = y.baseAddress else { return }
            partition.forEachChunk { chunk, range in
              do {
                try BLAS.gemvRows(
                  base + range.lowerBound, rows: range.count, columns: p, leadingDimension: n,
                  vector: beta, into: out + range.lowerBound)
              } catch {
                errors[chunk] = error
              }
            }
          }
        }
      }
    }
    if let error = chunkErrors.compactMap({ $0 }).first { throw error }
    if let offset { for i in eta.indices { eta[i] += offset[i] } }
    let logSigmas = sigmas.map { log($0) }

    let full = need != .logLikelihood
    let outer = need == .outerProduct
    let scales = scaleCount
    // Per chunk: the log-likelihood, then per scale its score and information sums.
    let stride = 1 + 2 * scales
    var chunkSums = [Double](repeating: 0, count: chunkCount * stride)
    let n = rowCount
    let hasStrata = strataCount > 1
    let hasWeights = weights != nil
    rightHandSides.withUnsafeMutableBufferPointer { rhs in
      etaScore.withUnsafeMutableBufferPointer { etaOut in
        scaleScore.withUnsafeMutableBufferPointer { scaleOut in
          rowWeight.withUnsafeMutableBufferPointer { weightOut in
            chunkSums.withUnsafeMutableBufferPointer { sums in
              partition.forEachChunk { chunk, range in
                var logLikelihood = 0.0
                let slot = chunk * stride
                for i in range {
                  let s = hasStrata ? strata[i] : 0
                  let sigma = sigmas[s]
                  let sz = y[i] - eta[i]
                  let z = sz / sigma
                  var g: Double
                  var dg: Double
                  var ddg: Double
                  var dsig = 0.0
                  var ddsig = 0.0
                  var dsg = 0.0
                  if event[i] {
                    let (logF, first, second) = SurvregKernel.logExact(base, z)
                    if logF < SurvregKernel.logUnderflow {
                      g = SurvregKernel.logFloor
                      dg = -z / sigma
                      ddg = -1 / sigma
                    } else {
                      g = logF - logSigmas[s]
                      let t1 = first / sigma
                      let t2 = second / (sigma * sigma)
                      dg = -t1
                      dsig = -t1 * sz
                      ddg = t2 - dg * dg
                      dsg = sz * t2 - dg * (dsig + 1)
                      ddsig = sz * sz * t2 - dsig * (1 + dsig)
                      dsig -= 1
                    }
                  } else {
                    let (logSurv, surv, f, fPrime) = SurvregKernel.logCensored(base, z)
                    if surv <= 0 {
                      g = SurvregKernel.logFloor
                      dg = z / sigma
                      ddg = 0
                    } else {
                      g = logSurv
                      let t1 = -f / (surv * sigma)
                      let t2 = -fPrime / (sigma * sigma * surv)
                      dg = -t1
                      dsig = -t1 * sz
                      ddg = t2 - dg * dg
                      dsg = sz * t2 - dg * (dsig + 1)
                      ddsig = sz * sz * t2 - dsig * (1 + dsig)
                    }
                  }
                  let w = hasWeights ? (weights?[i] ?? 1) : 1
                  logLikelihood += g * w
                  guard full else { continue }
                  etaOut[i] = w * dg
                  scaleOut[i] = w * dsig
                  rhs[i] = w * dg
                  weightOut[i] = outer ? w * dg * dg : -w * ddg
                  if scales > 0 {
                    sums[slot + 1 + s] += w * dsig
                    sums[slot + 1 + scales + s] += outer ? w * dsig * dsig : -w * ddsig
                    // Column 1 + s holds the cross term of stratum s; the other strata columns stay 0.
                    if hasStrata {
                      for k in 0..<scales { rhs[i + (1 + k) * n] = 0 }
                    }
                    rhs[i + (1 + s) * n] = outer ? w * dsig * dg : -w * dsg
                  }
                }
                sums[slot] = logLikelihood
              }
            }
          }
        }
      }
    }
    var logLikelihood = 0.0
    var scaleScoreSum = [Double](repeating: 0, count: scales)
    var scaleInformation = [Double](repeating: 0, count: scales)
    for chunk in 0..<chunkCount {
      let slot = chunk * stride
      logLikelihood += chunkSums[slot]
      for s in 0..<scales {
        scaleScoreSum[s] += chunkSums[slot + 1 + s]
        scaleInformation[s] += chunkSums[slot + 1 + scales + s]
      }
    }
    guard full else {
      return Evaluation(
        logLikelihood: logLikelihood, score: [], information: Matrix(rows: 0, columns: 0))
    }
    var information = Matrix(rows: q, columns: q)
    var score = [Double](repeating: 0, count: q)
    guard rowWeight.allSatisfy(\.isFinite), etaScore.allSatisfy(\.isFinite) else { return nan }
    if p > 0 {
      let xx = try weightedCrossProduct(partition)
      // X' [dg, cross terms]: the beta score and the beta-by-log-sigma information, one
      // dgemm per chunk, summed in chunk order.
      let k = rightHandSides.columns
      var chunkProducts = [Double](repeating: 0, count: chunkCount * p * k)
      x.withUnsafeBufferPointer { a in
        rightHandSides.withUnsafeBufferPointer { b in
          chunkProducts.withUnsafeMutableBufferPointer { c in
            chunkErrors.withUnsafeMutableBufferPointer { errors in
              guard let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress
              else { return }
              partition.forEachChunk { chunk, range in
                do {
                  try BLAS.gemmTransposedRows(
                    pa + range.lowerBound, pb + range.lowerBound, rows: range.count,
                    aColumns: p, bColumns: k, leadingDimension: n, into: pc + chunk * p * k)
                } catch {
                  errors[chunk] = error
                }
              }
            }
          }
        }
      }
      if let error = chunkErrors.compactMap({ $0 }).first { throw error }
      var products = Matrix(rows: p, columns: k)
      for chunk in 0..<chunkCount {
        for e in 0..<(p * k) { products.storage[e] += chunkProducts[chunk * p * k + e] }
      }
      for j in 0..<p {
        score[j] = products[j, 0]
        for k in 0..<p { information[j, k] = xx[j, k] }
        for s in 0..<scales {
          information[j, p + s] = products[j, 1 + s]
          information[p + s, j] = products[j, 1 + s]
        }
      }
    }
    for s in 0..<scales {
      score[p + s] = scaleScoreSum[s]
      information[p + s, p + s] = scaleInformation[s]
    }
    return Evaluation(logLikelihood: logLikelihood, score: score, information: information)
  }

  /// `X' diag(rowWeight) X`, summed over row blocks of 4096.
  ///
  /// The weights are `>= 0` in exact arithmetic for these log-concave distributions; a
  /// rounding-negative weight is summed separately and subtracted, so the result is still
  /// exactly the weighted sum.
  private func weightedCrossProduct(_ partition: RowPartition) throws -> Matrix {
    let p = covariateCount
    let n = rowCount
    let blockRows = 4096
    let hasNegative = rowWeight.contains { $0 < 0 }
    let chunkCount = partition.chunks.count
    var positives = [CrossProductAccumulator](
      repeating: CrossProductAccumulator(columns: p), count: chunkCount)
    var negatives = [CrossProductAccumulator](
      repeating: CrossProductAccumulator(columns: hasNegative ? p : 0), count: chunkCount)
    var errors = [Error?](repeating: nil, count: chunkCount)
    x.withUnsafeBufferPointer { design in
      rowWeight.withUnsafeBufferPointer { weights in
        positives.withUnsafeMutableBufferPointer { pos in
          negatives.withUnsafeMutableBufferPointer { neg in
            errors.withUnsafeMutableBufferPointer { err in
              partition.forEachChunk { chunk, range in
                var plus = [Double](repeating: 0, count: min(blockRows, range.count))
                var minus = [Double](repeating: 0, count: min(blockRows, range.count))
                var start = range.lowerBound
                do {
                  while start < range.upperBound {
                    let r = min(blockRows, range.upperBound - start)
                    let block = UnsafeBufferPointer(rebasing: design[start...])
                    for i in 0..<r {
                      let w = weights[start + i]
                      plus[i] = max(w, 0)
                      minus[i] = max(-w, 0)
                    }
                    try plus.withUnsafeBufferPointer { wp in
                      try pos[chunk].add(
                        block: block, rows: r, leadingDimension: n,
                        weights: UnsafeBufferPointer(rebasing: wp[0..<r]), response: nil,
                        checkFinite: false)
                    }
                    if hasNegative {
                      try minus.withUnsafeBufferPointer { wm in
                        try neg[chunk].add(
                          block: block, rows: r, leadingDimension: n,
                          weights: UnsafeBufferPointer(rebasing: wm[0..<r]), response: nil,
                          checkFinite: false)
                      }
                    }
                    start += r
                  }
                } catch {
                  err[chunk] = error
                }
              }
            }
          }
        }
      }
    }
    if let error = errors.compactMap({ $0 }).first { throw error }
    var positive = CrossProductAccumulator(columns: p)
    var negative = CrossProductAccumulator(columns: p)
    for chunk in 0..<chunkCount {
      try positive.merge(positives[chunk])
      if hasNegative { try negative.merge(negatives[chunk]) }
    }
    var result = positive.crossProduct()
    if hasNegative {
      let minusPart = negative.crossProduct()
      for k in result.storage.indices { result.storage[k] -= minusPart.storage[k] }
    }
    return result
  }
}
