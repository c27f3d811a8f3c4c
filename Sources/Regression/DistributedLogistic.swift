import CrampData
import Formula
import Foundation
import LinearAlgebra
import Partials

/// A logistic fit driven pass by pass over partitions: `glm.fit`'s IRLS loop as a state
/// machine whose every step is one pass of ``IRLSStatistics`` over the data.
///
/// Passes: `schema` (levels, rows, patients: ``PartitionSchema``), then `irls` until R's
/// rule `|dev - devold| / (|dev| + 0.1) < 1e-8` holds (with the step-halving of
/// ``LogisticModel``), then, for a cluster-robust variance, one `robust` pass
/// (``ClusterMeat``). The iterates, stopping rule and standard errors (from the last
/// `X'WX` solved) are those of the in-memory ``LogisticModel/fit(_:variance:)``; only the
/// order of the floating-point sums differs, so a distributed fit agrees with it to about
/// 1e-13 relative, and with itself to the bit for any partitioning order. AUC and
/// Hosmer-Lemeshow need every fitted value sorted and are not computed.
public struct DistributedLogistic: Sendable, Equatable {
  /// What the next pass computes.
  public enum Pass: String, Sendable, Equatable {
    case irls
    case robust
  }

  /// The model's settings (`formula`, `ref`, `missing`, `cluster`): see ``PartitionSchema``.
  public var settings: [String: [String]]
  /// Levels agreed in the schema pass.
  public var levels: [String: [String]]
  public var rows: Int
  public var dropped: Int
  public var droppedByVariable: [String: Int]
  /// Patients over all partitions (0 without a cluster column).
  public var patients: Int
  /// Design columns (empty until the first IRLS pass reports them).
  public var columns: [String] = []
  public var pass: Pass = .irls
  /// IRLS systems solved so far.
  public var iteration = 0
  /// Where the next pass evaluates; `nil` is the start `mu = (y + 0.5) / 2`.
  public var beta: [Double]?
  var betaOld: [Double]?
  var devianceOld = 0.0
  var halvings = 0
  /// Where the last solved system was built (`nil`: the start).
  public internal(set) var systemBeta: [Double]?
  /// The last solved `X'WX`, upper triangle.
  var information: [Double] = []
  var history: [[Double]] = []
  /// Set when IRLS has stopped: final deviance, events, extreme count, column maxima.
  var finalDeviance = 0.0
  var events = 0.0
  var extreme = 0
  var columnMax: [Double] = []
  var converged = false

  public static let maxIterations = 25
  public static let tolerance = 1e-8

  /// The state after the schema pass.
  /// - Throws: ``PartialsError`` for settings a distributed fit cannot honour (offsets),
  ///   and ``FormulaError/singleLevel(variable:level:)`` when a factor has one level in all.
  public init(schema: PartitionSchema) throws {
    settings = schema.settings
    levels = schema.agreedLevels
    for (name, values) in levels.sorted(by: { $0.key < $1.key }) where values.count < 2 {
      throw FormulaError.singleLevel(variable: name, level: values.first ?? "")
    }
    rows = schema.rows
    dropped = schema.dropped
    droppedByVariable = schema.droppedByVariable
    patients = schema.patientCount
    guard rows > 0 else { throw FormulaError.noCompleteRows(dropped: dropped) }
  }

  /// Whether the fit wants the cluster-robust variance.
  public var isRobust: Bool { settings["cluster"]?.first.map { !$0.isEmpty } ?? false }

  /// The design options every partition builds with: the references, missing policy and
  /// cluster of the settings, and the agreed levels.
  public var designOptions: DesignOptions {
    PartitionDesign.options(settings, levels: levels)
  }

  /// One partition's design for this state's passes; `nil` when no row is usable.
  public func design(for table: Table) throws -> DesignMatrix? {
    try PartitionDesign.design(settings: settings, levels: levels, table: table)
  }

  /// The header of this state's pass for one partition.
  public func header(partition: String) -> PartialHeader {
    PartialHeader(model: "logit", pass: pass.rawValue, state: document.digest, partition: partition)
  }

  /// What ``advance(with:)`` leads to.
  public enum Step: Sendable {
    /// Run another pass at this state.
    case pass(DistributedLogistic)
    /// IRLS has stopped and no robust pass is needed, or the robust pass is in: the fit.
    case fit(LogisticFit)
  }

  /// One IRLS step from merged statistics at ``beta``.
  /// - Throws: ``RegressionError/singularInformation(iteration:)`` when `X'WX` is singular
  ///   (collinear columns: fit in memory to see which columns R would alias).
  public func advance(with stats: IRLSStatistics, model: LogisticModel) throws -> Step {
    guard pass == .irls else {
      throw PartialsError.mismatch(source: "", reason: "IRLS statistics for a robust pass")
    }
    var next = self
    if columns.isEmpty {
      next.columns = stats.columns
      // Column maxima come with the start pass only (they do not depend on beta).
      next.columnMax = stats.columnMax
    }
    guard stats.columns == next.columns else {
      throw PartialsError.mismatch(source: "", reason: "columns changed between passes")
    }
    let deviance = stats.deviance.value
    if let current = beta {
      if let old = betaOld, !deviance.isFinite || deviance > devianceOld, halvings < 30 {
        next.beta = zip(current, old).map { ($0 + $1) / 2 }
        next.halvings += 1
        return .pass(next)
      }
      next.halvings = 0
      next.history.append(current)
      if next.history.count > 4 { next.history.removeFirst() }
      let stop = abs(deviance - devianceOld) / (abs(deviance) + 0.1) < model.tolerance
      if stop || iteration >= model.maxIterations {
        next.converged = stop
        next.finalDeviance = deviance
        next.events = stats.events.value
        next.extreme = stats.extreme
        if isRobust {
          next.pass = .robust
          return .pass(next)
        }
        return .fit(try next.fit(meat: nil, model: model))
      }
      next.devianceOld = deviance
      next.betaOld = current
      next.systemBeta = current
    } else {
      next.devianceOld = deviance
      next.systemBeta = nil
    }
    next.iteration += 1
    let system = stats.informationMatrix
    let factor: Cholesky
    do {
      factor = try Cholesky(system)
    } catch LinearAlgebraError.notPositiveDefinite(let minor) where next.iteration == 1 {
      throw PartialsError.collinear([next.columns[max(0, minor - 1)]])
    } catch {
      throw RegressionError.singularInformation(iteration: next.iteration)
    }
    // The start's X'WX is (3/16) X'X: the columns in-memory aliasing would look at.
    if next.iteration == 1 {
      let collinear = factor.nearlyCollinearColumns(of: system, threshold: 1e-7)
      if !collinear.isEmpty { throw PartialsError.collinear(collinear.map { next.columns[$0] }) }
    }
    let candidate = try factor.solve(stats.crossResponse.map(\.value))
    guard candidate.allSatisfy(\.isFinite) else {
      throw RegressionError.singularInformation(iteration: next.iteration)
    }
    next.information = stats.information.map(\.value)
    next.beta = candidate
    return .pass(next)
  }

  /// The fit from the robust pass's merged meat.
  public func finish(with meat: ClusterMeat, model: LogisticModel) throws -> LogisticFit {
    guard pass == .robust else {
      throw PartialsError.mismatch(source: "", reason: "a robust pass for an IRLS state")
    }
    return try fit(meat: meat, model: model)
  }

  private func fit(meat: ClusterMeat?, model: LogisticModel) throws -> LogisticFit {
    guard let beta else { throw RegressionError.singularInformation(iteration: 0) }
    let p = columns.count
    let covariance = try Cholesky(
      Matrix.symmetric(upperRows: information, order: p)
    ).inverse()
    var diagnostics: [FitDiagnostic] = []
    if !converged { diagnostics.append(.didNotConverge(iterations: iteration)) }
    if extreme > 0 { diagnostics.append(.fittedProbabilitiesZeroOrOne(count: extreme)) }
    let diverging = IRLS.divergingCoefficients(history: history) { columnMax[$0] }
    if !diverging.isEmpty { diagnostics.append(.separation(terms: diverging.map { columns[$0] })) }
    let hasIntercept = columns.first == "(Intercept)"
    let n = Double(rows)
    let nullDeviance =
      hasIntercept
      ? events * Logit.devianceResidual(y: 1, mu: events / n)
        + (n - events) * Logit.devianceResidual(y: 0, mu: events / n)
      : n * Logit.devianceResidual(y: 0, mu: 0.5)
    let core = CoreFit(
      beta: beta, covariance: covariance, mu: [], scoreFactor: [], deviance: finalDeviance,
      nullDeviance: nullDeviance, iterations: iteration, converged: converged,
      diagnostics: [], firth: nil)
    let layout = FitLayout(
      formulaText: settings["formula"]?.first ?? "", columnNames: columns,
      hasIntercept: hasIntercept, rowCount: rows, droppedRowCount: dropped,
      droppedByVariable: droppedByVariable, clusterCount: isRobust ? patients : nil)
    return try model.assemble(
      core: core, layout: layout, kept: Array(0..<p),
      variance: meat == nil ? .model : .clusterRobust, diagnostics: diagnostics,
      sandwich: { bread in
        guard let meat else { return bread }
        let m = try Matrix(rows: p, columns: p, columnMajor: meat.matrix)
        return try BLAS.gemm(BLAS.gemm(bread, m), bread)
      }, outcomes: nil)
  }

  // MARK: The state document

  /// The state as a document (what `crampstat partial --state` reads).
  public var document: PartialDocument {
    var d = PartialDocument(kind: .state)
    d.append("model", ["logit"])
    d.append("setting", lists: settings)
    d.append("levels", lists: levels)
    d.append("rows", [String(rows)])
    d.append("dropped", [String(dropped)])
    d.append("dropped-by", counts: droppedByVariable)
    d.append("patients", [String(patients)])
    d.append("columns", columns)
    d.append("pass", [pass.rawValue])
    d.append("iteration", [String(iteration)])
    if let beta { d.append("beta", numbers: beta) }
    if let betaOld { d.append("beta-old", numbers: betaOld) }
    d.append("deviance-old", numbers: [devianceOld])
    d.append("halvings", [String(halvings)])
    if let systemBeta { d.append("system-beta", numbers: systemBeta) }
    d.append("information", numbers: information)
    for h in history { d.append("history", numbers: h) }
    d.append("final", numbers: [finalDeviance, events, Double(extreme), converged ? 1 : 0])
    d.append("column-max", numbers: columnMax)
    return d
  }

  /// Reads a state document.
  public init(document d: PartialDocument) throws(PartialsError) {
    guard d.kind == .state, d.value("model") == "logit" else {
      throw .malformed(source: d.source, line: 1, reason: "not a logit state")
    }
    settings = d.lists("setting")
    levels = d.lists("levels")
    rows = try d.integer("rows")
    dropped = try d.integer("dropped")
    droppedByVariable = d.counts("dropped-by")
    patients = try d.integer("patients")
    columns = try d.one("columns")
    guard let pass = Pass(rawValue: try d.one("pass").first ?? "") else {
      throw .malformed(source: d.source, line: 0, reason: "unknown pass")
    }
    self.pass = pass
    iteration = try d.integer("iteration")
    beta = try d.all("beta").first.map { (f) throws(PartialsError) in try d.numbers(f, key: "beta")
    }
    betaOld = try d.all("beta-old").first.map { (f) throws(PartialsError) in
      try d.numbers(f, key: "beta-old")
    }
    devianceOld = try d.numbers(d.one("deviance-old"), key: "deviance-old").first ?? 0
    halvings = try d.integer("halvings")
    systemBeta = try d.all("system-beta").first.map { (f) throws(PartialsError) in
      try d.numbers(f, key: "system-beta")
    }
    information = try d.numbers(d.one("information"), key: "information")
    history = []
    for fields in d.all("history") { history.append(try d.numbers(fields, key: "history")) }
    let final = try d.numbers(d.one("final"), key: "final")
    guard final.count == 4 else {
      throw .malformed(source: d.source, line: 0, reason: "'final' needs four numbers")
    }
    finalDeviance = final[0]
    events = final[1]
    extreme = Int(final[2])
    converged = final[3] == 1
    columnMax = try d.numbers(d.one("column-max"), key: "column-max")
  }
}
