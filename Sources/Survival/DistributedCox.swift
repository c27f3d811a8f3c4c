import Foundation
import LinearAlgebra
import Partials

/// A Cox (or Andersen-Gill) fit driven pass by pass over partitions of whole patients:
/// `coxph`'s Newton-Raphson as a state machine whose every step is one pass of
/// ``RiskSetStatistics`` over the data (WebDISCO, Lu et al., JAMIA 2015).
///
/// Passes, after the `schema` pass (``PartitionSchema``): `center` (``CovariateTotals``: the
/// weighted covariate means every partition centres by, as coxph centres), then `newton` until
/// R's rule `|1 - loglik_old / loglik| <= eps` holds, with the start `beta = 0`, the
/// step-halving and the iteration limit of ``CoxModel`` (each Newton evaluation is one pass),
/// then, for a robust variance, one `robust` pass (``ClusterMeat``, from the per-(stratum,
/// event time) pieces the state broadcasts: ``ScoreStep``). The result is the ``CoxFit`` the
/// in-memory fit builds, through the same assembly; only the order of floating-point sums
/// differs. A fit without rows keeps none: residuals, concordance, prediction and the PH test
/// see zero rows.
///
/// Not done from partial statistics: aliased columns (the in-memory fit finds them by a
/// pivoted QR of the rows; here a singular information at `beta = 0` is an error), and R's
/// robust variance for fractional weights without a cluster is available only when the
/// caller asks for it (`robust: true`, each row its own cluster).
public struct DistributedCox: Sendable, Equatable {
  /// What the next pass computes.
  public enum Pass: String, Sendable, Equatable {
    /// ``CovariateTotals``: the centre.
    case center
    /// ``RiskSetStatistics`` at ``beta``.
    case newton
    /// ``ClusterMeat`` from ``robustMeat(partition:rows:)``.
    case robust
  }

  /// The model's settings from the schema pass (formula, cluster, ...).
  public var settings: [String: [String]]
  /// Levels agreed in the schema pass.
  public var levels: [String: [String]]
  public var dropped: Int
  public var droppedByVariable: [String: Int]
  /// Patients over all partitions (0 without a cluster column).
  public var patients: Int
  /// The model's tie method and Newton controls (R's `coxph.control`).
  public var ties: CoxModel.Ties
  public var maxIterations: Int
  public var tolerance: Double
  public var confidenceLevel: Double
  /// Whether a robust pass follows the Newton passes.
  public var isRobust: Bool
  /// Covariate names (empty until the center pass reports them).
  public internal(set) var columns: [String] = []
  public internal(set) var pass: Pass = .center
  /// The centre every partition subtracts from its covariates.
  public internal(set) var center: [Double] = []
  /// Where the next pass evaluates (the final estimate at the robust pass).
  public internal(set) var beta: [Double] = []
  /// Newton evaluations so far after the start (R's iteration count).
  public internal(set) var iteration = 0
  var countingProcess = false
  /// The last accepted estimate and its evaluation.
  var accepted: [Double] = []
  var best: RiskSetEvaluation?
  var halving = 0
  var initialLogLikelihood = 0.0
  var scoreTest = 0.0
  /// Set once Newton has stopped: the final evaluation, convergence and the data's counts.
  var final: RiskSetEvaluation?
  var converged = false
  /// The Newton passes stopped without converging and the robust pass needs the broadcast at
  /// the last accepted estimate: one more `newton` pass there.
  var finishing = false
  var rows = 0
  var events = 0
  /// What the robust pass broadcasts.
  public internal(set) var broadcast: [ScoreStep] = []

  /// The state after the schema pass.
  /// - Parameters:
  ///   - robust: a robust variance; `nil` follows the schema's `cluster` setting (robust when
  ///     a cluster column is named), as coxph does with `cluster(id)`.
  /// - Throws: ``PartialsError/unsupported(_:)`` for invalid controls, and
  ///   ``SurvivalError/noObservations`` when no partition has a usable row.
  public init(schema: PartitionSchema, model: CoxModel = CoxModel(), robust: Bool? = nil) throws {
    settings = schema.settings
    levels = schema.agreedLevels
    dropped = schema.dropped
    droppedByVariable = schema.droppedByVariable
    patients = schema.patientCount
    ties = model.ties
    maxIterations = model.maxIterations
    tolerance = model.tolerance
    confidenceLevel = model.confidenceLevel
    isRobust = robust ?? (settings["cluster"]?.first.map { !$0.isEmpty } ?? false)
    guard model.maxIterations >= 0, model.tolerance > 0 else {
      throw SurvivalError.invalidParameter("maxIterations must be >= 0 and tolerance > 0")
    }
    guard model.confidenceLevel > 0, model.confidenceLevel < 1 else {
      throw SurvivalError.invalidParameter(
        "confidence level \(model.confidenceLevel) not in (0, 1)")
    }
    guard schema.rows > 0 else { throw SurvivalError.noObservations }
    if let coding = try schema.statusCoding() { settings["status-coding"] = [coding] }
  }

  /// Whether the status is 1/2-coded over all partitions (agreed in the schema pass).
  public var isTwoCodedStatus: Bool { settings["status-coding"]?.first == "1/2" }

  /// The model these settings fit with (for the assembly).
  var model: CoxModel {
    CoxModel(
      ties: ties, maxIterations: maxIterations, tolerance: tolerance,
      confidenceLevel: confidenceLevel)
  }

  /// The header of this state's pass for one partition.
  public func header(partition: String) -> PartialHeader {
    PartialHeader(model: "cox", pass: pass.rawValue, state: document.digest, partition: partition)
  }

  /// What ``advance(with:)`` leads to.
  public enum Step: Sendable {
    /// Run another pass at this state.
    case pass(DistributedCox)
    /// The fit (Newton has stopped and no robust pass is needed, or the robust pass is in).
    case fit(CoxFit)
  }

  // MARK: Partition side

  /// One partition's statistics for this state's pass, as a document: the whole per-partition
  /// work of `crampstat partial`.
  ///
  /// - Parameters:
  ///   - columns: the design's covariate names (checked against the state's after the center
  ///     pass).
  ///   - rows: the partition's rows, or `nil` when it has none.
  public func statistics(partition: String, columns: [String], rows: RiskSetRows?) throws
    -> PartialDocument
  {
    let header = header(partition: partition)
    switch pass {
    case .center:
      return try CovariateTotals(header: header, columns: columns, rows: rows).document
    case .newton:
      if let rows, rows.count > 0, columns != self.columns {
        throw PartialsError.mismatch(
          source: partition, reason: "its design has columns \(columns), the state \(self.columns)")
      }
      return try RiskSetStatistics(
        header: header, columns: self.columns, rows: rows, center: center, beta: beta
      ).document
    case .robust:
      return try robustMeat(partition: partition, rows: rows).document
    }
  }

  // MARK: Reduce side

  /// Merges documents of one pass (any order gives the same bits).
  /// - Throws: ``PartialsError`` for documents of different passes, models or states, or a
  ///   partition seen twice.
  public static func combine(_ documents: [PartialDocument]) throws(PartialsError)
    -> PartialDocument
  {
    guard let first = documents.first else {
      throw .malformed(source: "", line: 0, reason: "no documents to combine")
    }
    let header = try PartialHeader(document: first)
    switch header.pass {
    case Pass.center.rawValue:
      return try merged(documents, as: CovariateTotals.self).document
    case Pass.newton.rawValue:
      return try merged(documents, as: RiskSetStatistics.self).document
    case Pass.robust.rawValue:
      return try merged(documents, as: ClusterMeat.self).document
    default:
      throw .malformed(source: first.source, line: 0, reason: "unknown cox pass '\(header.pass)'")
    }
  }

  static func merged<S: PartialStatistics>(_ documents: [PartialDocument], as: S.Type)
    throws(PartialsError) -> S
  {
    var total = try S(document: documents[0])
    for d in documents.dropFirst() { try total.merge(S(document: d)) }
    return total
  }

  /// The next state or the fit from the merged document of this state's pass.
  public func advance(with merged: PartialDocument) throws -> Step {
    let header = try PartialHeader(document: merged)
    guard header.model == "cox", header.pass == pass.rawValue else {
      throw PartialsError.mismatch(
        source: merged.source,
        reason: "it holds '\(header.model)' '\(header.pass)' statistics; the state expects "
          + "'cox' '\(pass.rawValue)'")
    }
    guard header.state == document.digest else {
      throw PartialsError.mismatch(
        source: merged.source,
        reason: "it was computed at state \(header.state), not at this state (\(document.digest))")
    }
    switch pass {
    case .center: return try advance(with: CovariateTotals(document: merged))
    case .newton: return try advance(with: RiskSetStatistics(document: merged))
    case .robust: return .fit(try finish(with: ClusterMeat(document: merged)))
    }
  }

  /// The center pass's totals: the centre, then the first Newton pass at `beta = 0`.
  public func advance(with totals: CovariateTotals) throws -> Step {
    guard pass == .center else {
      throw PartialsError.mismatch(source: "", reason: "covariate totals for a \(pass) pass")
    }
    var next = self
    next.columns = totals.columns
    next.center = totals.means
    next.beta = [Double](repeating: 0, count: totals.columns.count)
    next.rows = totals.rows
    next.pass = .newton
    guard totals.rows > 0 else { throw SurvivalError.noObservations }
    return .pass(next)
  }

  /// One Newton evaluation from merged statistics at ``beta``, following
  /// ``CoxModel``'s driver (R's coxfit6 / agfit4) step for step.
  /// - Throws: ``PartialsError/unsupported(_:)`` when the information at `beta = 0` is
  ///   singular (aliased columns: fit in memory to see which), `LinearAlgebraError` only for
  ///   internal shape errors.
  public func advance(with stats: RiskSetStatistics) throws -> Step {
    guard pass == .newton else {
      throw PartialsError.mismatch(source: "", reason: "risk-set statistics for a \(pass) pass")
    }
    guard stats.columns == columns else {
      throw PartialsError.mismatch(
        source: "", reason: "columns \(stats.columns), the state \(columns)")
    }
    var next = self
    next.rows = stats.rows
    next.events = stats.events
    next.countingProcess = stats.countingProcess ?? false
    let p = columns.count
    if finishing {
      let (evaluation, steps) = Self.evaluate(stats, ties: ties, steps: true)
      next.final = evaluation
      next.broadcast = steps
      next.finishing = false
      next.pass = .robust
      return .pass(next)
    }
    let (trial, _) = Self.evaluate(stats, ties: ties, steps: false)
    if best == nil {
      // The start, beta = 0: the score test u' I^-1 u and the first step.
      var step = [Double](repeating: 0, count: p)
      next.initialLogLikelihood = trial.logLikelihood
      if p > 0 {
        guard let factor = try? Cholesky(trial.matrix) else {
          throw PartialsError.unsupported(
            "The information at beta = 0 is singular (a covariate is collinear with others or "
              + "constant within every stratum): fit in memory (crampstat cox) to see which "
              + "terms are aliased, and drop them.")
        }
        step = try factor.solve(trial.score)
        next.scoreTest = zip(step, trial.score).reduce(0) { $0 + $1.0 * $1.1 }
      }
      next.best = trial
      next.accepted = beta
      if p == 0 || maxIterations == 0 || !trial.logLikelihood.isFinite {
        return try next.stop(at: beta, evaluation: trial, converged: p == 0, stats: stats)
      }
      next.beta = zip(beta, step).map { $0 + $1 }
      next.iteration = 1
      return .pass(next)
    }
    guard let previous = best else { throw SurvivalError.noObservations }
    let factor = try? Cholesky(trial.matrix)
    let finite =
      trial.logLikelihood.isFinite && factor != nil && !trial.score.contains { !$0.isFinite }
    // As CoxModel.runNewton: convergence judged from iteration 1 on, and for counting-process
    // data (agfit4) never in the middle of step-halving.
    if finite && (!next.countingProcess || halving == 0)
      && abs(1 - previous.logLikelihood / trial.logLikelihood) <= tolerance
    {
      return try next.stop(at: beta, evaluation: trial, converged: true, stats: stats)
    }
    if !finite || trial.logLikelihood < previous.logLikelihood {
      // Not improving: move back toward the last good beta, more aggressively each time.
      next.halving += 1
      let h = Double(next.halving)
      for j in 0..<p { next.beta[j] = (beta[j] + h * accepted[j]) / (h + 1) }
    } else if let factor {
      next.halving = 0
      next.best = trial
      let delta = try factor.solve(trial.score)
      next.accepted = beta
      for j in 0..<p { next.beta[j] += delta[j] }
    }
    if iteration >= maxIterations {
      // Out of iterations: the last good beta and its evaluation, as the in-memory driver.
      guard let good = next.best else { throw SurvivalError.noObservations }
      next.iteration = iteration
      // These statistics serve the robust broadcast only if this trial was the one accepted.
      return try next.stop(
        at: next.accepted, evaluation: good, converged: false,
        stats: next.accepted == beta ? stats : nil)
    }
    next.iteration = iteration + 1
    return .pass(next)
  }

  /// Newton has stopped at `estimate`: the fit, or the robust pass (with its broadcast from
  /// `stats`, which are `nil` unless computed at `estimate`: then one more pass there).
  private func stop(
    at estimate: [Double], evaluation: RiskSetEvaluation, converged: Bool,
    stats: RiskSetStatistics?
  ) throws -> Step {
    var next = self
    next.beta = estimate
    next.final = evaluation
    next.converged = converged
    guard isRobust, !columns.isEmpty else { return .fit(try next.fit(meat: nil)) }
    guard let stats else {
      next.finishing = true
      return .pass(next)
    }
    next.broadcast = Self.evaluate(stats, ties: ties, steps: true).1
    next.pass = .robust
    return .pass(next)
  }

  /// The fit from the robust pass's merged meat.
  public func finish(with meat: ClusterMeat) throws -> CoxFit {
    guard pass == .robust else {
      throw PartialsError.mismatch(source: "", reason: "a robust meat for a \(pass) pass")
    }
    return try fit(meat: meat)
  }

  private func fit(meat: ClusterMeat?) throws -> CoxFit {
    guard let final else { throw SurvivalError.noObservations }
    let p = columns.count
    let summary = CoxFit.Summary(
      beta: beta, initialLogLikelihood: initialLogLikelihood, scoreTest: scoreTest,
      iterations: iteration, converged: converged, evaluation: final.coxEvaluation,
      maxLinearPredictor: final.maxLinearPredictor, count: rows, eventCount: events,
      countingProcess: countingProcess)
    return try CoxFit.make(
      model: model, summary: summary, kept: Array(0..<p), aliased: [], termNames: columns,
      clusterCount: meat?.clusters,
      sandwich: { bread, _ in
        guard let meat else { return bread }
        let m = try Matrix(rows: p, columns: p, columnMajor: meat.matrix)
        return try BLAS.gemm(BLAS.gemm(bread, m), bread)
      }, rows: CoxFit.RowState.none(columns: p))
  }
}
