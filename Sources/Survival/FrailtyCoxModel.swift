import Distributions
import Foundation
import LinearAlgebra

/// Cox regression with a shared frailty per group, fitted as R's
/// `coxph(Surv(...) ~ x + frailty(id))` does (survival's `coxpenal.fit`).
///
/// The group effects `w_g` enter the linear predictor, `eta_i = x_i'beta + w_g(i)`, and are
/// estimated by penalized partial likelihood `PPL = PL(beta, w) - P(w; theta)`:
/// - gamma frailty (`exp(w_g)` ~ Gamma with mean 1, variance `theta`):
///   `P = -(1/theta) sum_g (w_g - exp(w_g))`, `w` recentred so that `mean(exp(w)) = 1`;
/// - gaussian (log-normal) frailty (`w_g` ~ N(0, theta)):
///   `P = (1/2) sum_g (w_g^2 / theta + log(2 pi theta))`, `w` recentred to mean 0.
///
/// For a fixed `theta` an inner Newton-Raphson (coxfit5/agfit5: step-halving, convergence
/// when `|1 - PPL_old / PPL_new| <= 1e-9`) maximizes the PPL. The information matrix keeps
/// only the diagonal of the frailty-frailty block (coxph's sparse approximation), so the
/// Newton system is solved through the `p` x `p` Schur complement
/// `S = I_bb - I_bw D^-1 I_wb` (LAPACK Cholesky); no `(p + q)^2` matrix is formed.
/// The outer loop chooses `theta` as coxph: gamma by maximizing the marginal likelihood
/// (`method = "em"`, Therneau and Grambsch 2000, section 9.6), gaussian by REML
/// (`method = "reml"`, McGilchrist 1993), at most 10 outer iterations.
///
/// Variances (coxpenal.df, after Gray 1992): `var = S^-1` (the `beta` block of `H^-1`),
/// `var2 = var - (H^-1)_bw P'' (H^-1)_wb` (R's se2), frailty degrees of freedom
/// `q - sum_g (H^-1)_gg P''_g`, and per fixed term `trace(var^-1 var2)`.
public struct FrailtyCoxModel: Sendable {
  /// The frailty distribution, as `frailty(id, distribution = ...)`.
  public enum Distribution: String, Sendable, Codable, CaseIterable {
    case gamma
    case gaussian
  }

  public var distribution: Distribution
  public var ties: CoxModel.Ties
  /// Inner Newton iterations per outer step (`coxph.control(iter.max = 20)`).
  public var maxIterations: Int
  /// `coxph.control(outer.max = 10)`.
  public var maxOuterIterations: Int
  /// `coxph.control(eps = 1e-9)`.
  public var tolerance: Double
  /// Confidence level of the coefficient intervals.
  public var confidenceLevel: Double
  /// A fixed variance (`frailty(id, theta = v)`, coxph's `method = "fixed"`): one penalized fit
  /// at `v`, no search; `nil` chooses it (em for gamma, reml for gaussian).
  public var fixedVariance: Double?

  /// Creates a model with coxph's defaults.
  public init(
    distribution: Distribution = .gamma, ties: CoxModel.Ties = .efron, maxIterations: Int = 20,
    maxOuterIterations: Int = 10, tolerance: Double = 1e-9, confidenceLevel: Double = 0.95,
    fixedVariance: Double? = nil
  ) {
    self.fixedVariance = fixedVariance
    self.distribution = distribution
    self.ties = ties
    self.maxIterations = maxIterations
    self.maxOuterIterations = maxOuterIterations
    self.tolerance = tolerance
    self.confidenceLevel = confidenceLevel
  }

  /// Fits the model.
  ///
  /// - Parameters:
  ///   - y: right-censored or counting-process response.
  ///   - x: `n` x `p` design without an intercept (may have no columns).
  ///   - termNames: one per column of `x`.
  ///   - termGroups: columns of each formula term (a factor's dummies together), for the
  ///     per-term degrees of freedom; `nil` makes every column its own term.
  ///   - groups: the frailty group of each row (any integer codes).
  ///   - strata: stratum codes, or `nil`.
  ///   - offset: fixed term in the linear predictor, or `nil`.
  /// - Returns: the fit, with diagnostics for numerical trouble (variance at its lower limit,
  ///   outer or inner loop out of iterations).
  /// - Throws: ``SurvivalError`` for inconsistent input, no events, or an information matrix
  ///   that is singular (collinear covariates).
  /// - Complexity: O(n log n) once, then O(n p^2 + q p^2) per Newton iteration, independent of
  ///   the number of groups beyond that (coxph's C loop is O(deaths x q x p)).
  public func fit(
    _ y: SurvivalResponse, x: Matrix, termNames: [String], termGroups: [[Int]]? = nil,
    groups: [Int], strata: [Int]? = nil, offset: [Double]? = nil
  ) throws -> FrailtyCoxFit {
    guard termNames.count == x.columns else {
      throw SurvivalError.lengthMismatch(
        what: "term names", expected: x.columns, actual: termNames.count)
    }
    guard groups.count == y.count else {
      throw SurvivalError.lengthMismatch(
        what: "frailty groups", expected: y.count, actual: groups.count)
    }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw SurvivalError.invalidParameter("confidence level \(confidenceLevel) not in (0, 1)")
    }
    guard maxIterations >= 1, maxOuterIterations >= 1, tolerance > 0 else {
      throw SurvivalError.invalidParameter("iterations must be >= 1 and tolerance > 0")
    }
    if let fixedVariance, !(fixedVariance >= 0 && fixedVariance.isFinite) {
      throw SurvivalError.invalidParameter("a fixed frailty variance must be >= 0")
    }
    let codes = try RiskSetData.stratumCodes(groups, count: y.count)
    let q = codes.levels.count
    guard q >= 2 else {
      throw SurvivalError.invalidParameter("a frailty term needs at least 2 groups, found \(q)")
    }
    let data = try RiskSetData(response: y, x: x, strata: strata, weights: nil, offset: offset)
    let events = y.event.reduce(0) { $0 + ($1 ? 1 : 0) }
    guard events > 0 else { throw SurvivalError.invalidParameter("there are no events") }
    var eventsPerGroup = [Double](repeating: 0, count: q)
    for i in 0..<y.count where y.event[i] { eventsPerGroup[codes.codes[i]] += 1 }
    let kernel = FrailtyKernel(
      data: data, groupOfRow: codes.codes, groupCount: q, ties: ties)
    let p = x.columns
    let groupsOfTerms = termGroups ?? (0..<p).map { [$0] }

    let null = try kernel.evaluate(
      beta: [Double](repeating: 0, count: p), frailty: [Double](repeating: 0, count: q))
    var search = FrailtyVarianceSearch(
      distribution: distribution, eventsPerGroup: eventsPerGroup, innerTolerance: tolerance,
      fixed: fixedVariance)
    var theta = search.initialTheta
    var saved: [(theta: Double, beta: [Double], frailty: [Double])] = []
    var startBeta = [Double](repeating: 0, count: p)
    var startFrailty = [Double](repeating: 0, count: q)
    var inner: InnerFit?
    var outer = 0
    var newtonTotal = 0
    var innerFailures: [Int] = []
    var searchDone = false
    for iteration in 1...maxOuterIterations {
      outer = iteration
      let fit = try newton(
        kernel: kernel, theta: theta, beta: startBeta, frailty: startFrailty, groups: q)
      newtonTotal += fit.iterations
      if !fit.converged { innerFailures.append(iteration) }
      let variance = try fit.variances(groupsOfTerms: groupsOfTerms)
      let step = search.next(
        theta: theta, penalizedLogLikelihood: fit.penalizedLogLikelihood,
        frailties: fit.frailty, trace: variance.traceFrailty)
      inner = fit
      saved.append((theta, fit.beta, fit.frailty))
      if step.done {
        searchDone = true
        break
      }
      // Next start: the saved fit whose theta is closest to the next trial (first on ties).
      var which = 0
      for (k, s) in saved.enumerated()
      where (s.theta - step.theta) * (s.theta - step.theta)
        < (saved[which].theta - step.theta) * (saved[which].theta - step.theta)
      {
        which = k
      }
      startBeta = saved[which].beta
      startFrailty = saved[which].frailty
      theta = step.theta
    }
    guard let final = inner else { throw SurvivalError.noObservations }
    let variances = try final.variances(groupsOfTerms: groupsOfTerms)
    return try FrailtyCoxFit.assemble(
      model: self, fit: final, variances: variances, nullLogLikelihood: null.logLikelihood,
      termNames: termNames, groupsOfTerms: groupsOfTerms, groupLevels: codes.levels,
      count: y.count, events: events, outer: outer, newton: newtonTotal,
      searchConverged: searchDone, innerFailures: innerFailures,
      integrated: search.integratedLogLikelihood)
  }
}
