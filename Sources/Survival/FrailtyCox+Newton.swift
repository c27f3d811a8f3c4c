import Foundation
import LinearAlgebra

/// The penalty of one frailty distribution at one `theta`, after recentring (coxph's `pfun`).
struct FrailtyPenalty {
  /// `true` at `theta = 0`: the frailties are held at their values (coxph's `flag`).
  var fixed: Bool
  /// What the penalty adds to the log-likelihood (coxph's `coxlist1$penalty`, the negative of
  /// the penalty with the gamma's constant `sum exp(w) / theta` dropped).
  var logPenalty: Double
  /// Added to the frailty score.
  var first: [Double]
  /// Added to the frailty diagonal of the information (R's `pen1` in coxpenal.df).
  var second: [Double]

  /// Recentres `w` in place and evaluates the penalty.
  ///
  /// Gamma: `w <- w - log(mean(exp(w)))`, first `-(exp(w) - 1) / theta`, second
  /// `exp(w) / theta`, log-penalty `sum(w) / theta`. Gaussian: `w <- w - mean(w)`, first
  /// `-w / theta`, second `1 / theta`, log-penalty `-(1/2) sum(w^2 / theta + log(2 pi theta))`.
  init(_ distribution: FrailtyCoxModel.Distribution, theta: Double, frailty w: inout [Double]) {
    let q = w.count
    guard theta != 0 else {
      fixed = true
      logPenalty = 0
      first = [Double](repeating: 0, count: q)
      second = [Double](repeating: 0, count: q)
      return
    }
    fixed = false
    switch distribution {
    case .gamma:
      let recenter = log(w.reduce(0) { $0 + exp($1) } / Double(q))
      for g in 0..<q { w[g] -= recenter }
      let nu = 1 / theta
      first = w.map { -(exp($0) - 1) * nu }
      second = w.map { exp($0) * nu }
      logPenalty = w.reduce(0, +) * nu
    case .gaussian:
      let recenter = w.reduce(0, +) / Double(q)
      for g in 0..<q { w[g] -= recenter }
      first = w.map { -$0 / theta }
      second = [Double](repeating: 1 / theta, count: q)
      logPenalty = -0.5 * w.reduce(0) { $0 + $1 * $1 / theta + log(2 * Double.pi * theta) }
    }
  }
}

/// The penalized Newton solution at one `theta`.
struct InnerFit {
  var theta: Double
  var beta: [Double]
  /// Recentred frailties.
  var frailty: [Double]
  /// `PL + log-penalty` at the solution (coxph's `coxfit$loglik`).
  var penalizedLogLikelihood: Double
  /// The final evaluation and penalty.
  var evaluation: FrailtyEvaluation
  var penalty: FrailtyPenalty
  /// Newton steps taken (coxph's per-outer `iter`).
  var iterations: Int
  var converged: Bool

  /// The variance pieces of coxpenal.df for a sparse frailty plus unpenalized covariates.
  struct Variances {
    /// `S^-1`: R's `var` (model variance of `beta`).
    var variance: Matrix
    /// R's `var2`.
    var variance2: Matrix
    /// Diagonal of the frailty block of `H^-1` (R's `fvar`).
    var frailtyVariance: [Double]
    /// `q - sum_g fvar_g P''_g`.
    var frailtyDegreesOfFreedom: Double
    /// `sum_g fvar_g` (R's `trH`).
    var traceFrailty: Double
    /// `trace(var[j,j]^-1 var2[j,j])` for each term.
    var termDegreesOfFreedom: [Double]
    /// The Schur complement `S = var^-1`, for the Wald test.
    var schur: Matrix
  }

  /// Builds the Schur complement `S = I_bb - I_bw D^-1 I_wb` and `D` for this evaluation.
  static func schur(_ e: FrailtyEvaluation, penalty: FrailtyPenalty) throws -> (
    schur: Matrix, diagonal: [Double], active: [Bool]
  ) {
    let p = e.informationBeta.rows
    let q = e.frailtyDiagonal.count
    var diagonal = [Double](repeating: 1, count: q)
    var active = [Bool](repeating: false, count: q)
    var scaled = Matrix(rows: q, columns: p)
    if !penalty.fixed {
      for g in 0..<q {
        let d = e.frailtyDiagonal[g] + penalty.second[g]
        // cholesky3 drops a pivot below its tolerance (that frailty is not moved).
        guard d.isFinite, d >= InnerFit.pivotTolerance else { continue }
        diagonal[g] = d
        active[g] = true
        let root = d.squareRoot()
        for j in 0..<p { scaled.storage[g + j * q] = e.cross.storage[g * p + j] / root }
      }
    }
    var s = e.informationBeta
    if p > 0 && q > 0 {
      let product = try BLAS.syrk(scaled)
      for k in 0..<(p * p) { s.storage[k] -= product.storage[k] }
    }
    return (s, diagonal, active)
  }

  /// The coxpenal.df quantities at this fit.
  func variances(groupsOfTerms: [[Int]]) throws -> Variances {
    let e = evaluation
    let p = e.informationBeta.rows
    let q = e.frailtyDiagonal.count
    let (s, diagonal, active) = try InnerFit.schur(e, penalty: penalty)
    var variance = Matrix(rows: p, columns: p)
    var variance2 = Matrix(rows: p, columns: p)
    var frailtyVariance = [Double](repeating: 0, count: q)
    for g in 0..<q where active[g] { frailtyVariance[g] = 1 / diagonal[g] }
    if p > 0 {
      let factor = InnerFit.Reduced(s)
      variance = try factor.inverse()
      // M = I_bw D^-1 (p x q) and W = S^-1 M: column g of W is (H^-1)_{b, g} up to sign.
      var m = Matrix(rows: p, columns: q)
      for g in 0..<q where active[g] {
        for j in 0..<p { m.storage[g * p + j] = e.cross.storage[g * p + j] / diagonal[g] }
      }
      let w = q > 0 ? try factor.solve(m) : m
      var scaled = Matrix(rows: q, columns: p)
      for g in 0..<q where active[g] {
        var quadratic = 0.0
        for j in 0..<p { quadratic += m.storage[g * p + j] * w.storage[g * p + j] }
        frailtyVariance[g] += quadratic
        let root = max(penalty.second[g], 0).squareRoot()
        for j in 0..<p { scaled.storage[g + j * q] = root * w.storage[g * p + j] }
      }
      variance2 = variance
      if q > 0 {
        let correction = try BLAS.syrk(scaled)
        for k in 0..<(p * p) { variance2.storage[k] -= correction.storage[k] }
      }
    }
    var degrees = Double(q)
    var trace = 0.0
    for g in 0..<q {
      degrees -= frailtyVariance[g] * penalty.second[g]
      trace += frailtyVariance[g]
    }
    var termDegrees = [Double]()
    for columns in groupsOfTerms {
      let k = columns.count
      var a = Matrix(rows: k, columns: k)
      var b = Matrix(rows: k, columns: k)
      for (r, jr) in columns.enumerated() {
        for (c, jc) in columns.enumerated() {
          a[r, c] = variance[jr, jc]
          b[r, c] = variance2[jr, jc]
        }
      }
      // A dropped column (zero block) has no degrees of freedom.
      guard let factor = try? Cholesky(a) else {
        termDegrees.append(0)
        continue
      }
      let solved = try factor.solve(b)
      var t = 0.0
      for r in 0..<k { t += solved[r, r] }
      termDegrees.append(t)
    }
    return Variances(
      variance: variance, variance2: variance2, frailtyVariance: frailtyVariance,
      frailtyDegreesOfFreedom: degrees, traceFrailty: trace, termDegreesOfFreedom: termDegrees,
      schur: s)
  }

  /// coxph's `toler.chol`, `.Machine$double.eps^0.75`: pivots below it are dropped.
  static let pivotTolerance = pow(Double.ulpOfOne, 0.75)

  /// The Schur complement restricted to the columns cholesky3 keeps, and its factor.
  ///
  /// survival's cholesky3 eliminates the columns in order and drops one whose pivot (given the
  /// columns kept before it) is below `toler.chol`: that coefficient does not move in this
  /// Newton step. The same choice made with LAPACK: column `k` is kept when the leading block
  /// of the kept columns plus `k` still factors with a last pivot above the tolerance.
  struct Reduced {
    var kept: [Int]
    var factor: Cholesky?
    let dimension: Int

    init(_ s: Matrix) {
      dimension = s.rows
      kept = []
      factor = nil
      for k in 0..<s.rows {
        let trial = kept + [k]
        guard let block = try? InnerFit.submatrix(s, trial),
          let candidate = try? Cholesky(block)
        else { continue }
        let last = candidate.factor[trial.count - 1, trial.count - 1]
        guard last * last >= InnerFit.pivotTolerance else { continue }
        kept = trial
        factor = candidate
      }
    }

    /// Solves on the kept columns; dropped entries are 0.
    func solve(_ b: [Double]) throws -> [Double] {
      var x = [Double](repeating: 0, count: dimension)
      guard let factor else { return x }
      let solved = try factor.solve(kept.map { b[$0] })
      for (r, k) in kept.enumerated() { x[k] = solved[r] }
      return x
    }

    /// Solves for every column of `b`; dropped rows are 0.
    func solve(_ b: Matrix) throws -> Matrix {
      var x = Matrix(rows: dimension, columns: b.columns)
      guard let factor, b.columns > 0 else { return x }
      var rhs = Matrix(rows: kept.count, columns: b.columns)
      for c in 0..<b.columns {
        for (r, k) in kept.enumerated() { rhs[r, c] = b[k, c] }
      }
      let solved = try factor.solve(rhs)
      for c in 0..<b.columns {
        for (r, k) in kept.enumerated() { x[k, c] = solved[r, c] }
      }
      return x
    }

    /// The generalized inverse: the inverse on the kept block, 0 elsewhere.
    func inverse() throws -> Matrix {
      var x = Matrix(rows: dimension, columns: dimension)
      guard let factor else { return x }
      let inverse = try factor.inverse()
      for (r, kr) in kept.enumerated() {
        for (c, kc) in kept.enumerated() { x[kr, kc] = inverse[r, c] }
      }
      return x
    }
  }

  static func submatrix(_ a: Matrix, _ indices: [Int]) throws -> Matrix {
    var block = Matrix(rows: indices.count, columns: indices.count)
    for (r, kr) in indices.enumerated() {
      for (c, kc) in indices.enumerated() { block[r, c] = a[kr, kc] }
    }
    return block
  }
}

extension FrailtyCoxModel {
  /// Penalized Newton-Raphson at a fixed `theta`, as survival's coxfit5_b/agfit5_b.
  ///
  /// Convergence when `|1 - PPL_old / PPL_new| <= tolerance` outside step-halving (the first
  /// evaluation is compared with 0, so it never converges by itself); a step that lowers the
  /// PPL is halved back toward the previous point.
  func newton(
    kernel: FrailtyKernel, theta: Double, beta start: [Double], frailty startFrailty: [Double],
    groups q: Int
  ) throws -> InnerFit {
    let p = start.count
    var beta = start
    var frailty = startFrailty
    var oldBeta = beta
    var oldFrailty = frailty
    var previous = 0.0
    var halving = false
    var last: InnerFit?
    for iteration in 0...maxIterations {
      let penalty = FrailtyPenalty(distribution, theta: theta, frailty: &frailty)
      let e = try? kernel.evaluate(beta: beta, frailty: frailty)
      let value = e.map { $0.logLikelihood + penalty.logPenalty } ?? .nan
      guard let e, value.isFinite else {
        // A Newton step that overflows the risk scores (a large first step on covariates
        // with wide ranges) is halved back toward the last finite point, as later survival
        // versions do; coxph 3.5 would carry the NaN on. At the start there is no such point.
        guard iteration > 0, let last, last.penalizedLogLikelihood.isFinite else {
          throw SurvivalError.invalidParameter("the penalized partial likelihood is not finite")
        }
        halving = true
        for j in 0..<p { beta[j] = (oldBeta[j] + beta[j]) / 2 }
        for g in 0..<q { frailty[g] = (oldFrailty[g] + frailty[g]) / 2 }
        continue
      }
      let current = InnerFit(
        theta: theta, beta: beta, frailty: frailty, penalizedLogLikelihood: value, evaluation: e,
        penalty: penalty, iterations: iteration, converged: true)
      if abs(value) < tolerance || (abs(1 - previous / value) <= tolerance && !halving) {
        return current
      }
      last = current
      if iteration == maxIterations { break }
      if iteration > 0 && value < previous {
        halving = true
        for j in 0..<p { beta[j] = (oldBeta[j] + beta[j]) / 2 }
        for g in 0..<q { frailty[g] = (oldFrailty[g] + frailty[g]) / 2 }
        continue
      }
      halving = false
      previous = value
      // Newton step through the Schur complement: solve S db = u_b - I_bw D^-1 u_w, then
      // dw = D^-1 (u_w - I_wb db).
      let (s, diagonal, active) = try InnerFit.schur(e, penalty: penalty)
      var uw = [Double](repeating: 0, count: q)
      for g in 0..<q where active[g] { uw[g] = e.scoreFrailty[g] + penalty.first[g] }
      var rhs = e.scoreBeta
      for g in 0..<q where active[g] {
        let scale = uw[g] / diagonal[g]
        for j in 0..<p { rhs[j] -= e.cross.storage[g * p + j] * scale }
      }
      let db = p > 0 ? try InnerFit.Reduced(s).solve(rhs) : []
      oldBeta = beta
      oldFrailty = frailty
      for j in 0..<p { beta[j] += db[j] }
      for g in 0..<q where active[g] {
        var t = uw[g]
        for j in 0..<p { t -= e.cross.storage[g * p + j] * db[j] }
        frailty[g] += t / diagonal[g]
      }
    }
    guard var result = last else { throw SurvivalError.noObservations }
    result.iterations = maxIterations
    result.converged = false
    return result
  }
}
