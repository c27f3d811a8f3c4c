import CrampData
import Formula
import Foundation
import LinearAlgebra
import Partials

/// A Poisson rate fit on per-patient counts driven pass by pass over partitions of whole
/// patients: the IRLS loop of ``RateRegression`` (R's `glm.fit` with `family = poisson` and
/// `offset(log(nights))`) as a state machine whose every step is one pass of
/// ``PoissonStatistics``.
///
/// Passes: `schema` (levels, rows, patients: ``PartitionSchema``), then `irls` until R's
/// rule `|dev - devold| / (|dev| + 0.1) < 1e-8` holds (a non-finite deviance halves the step,
/// as `glm.fit`), then, for the robust variance, one `robust` pass (``ClusterMeat``,
/// clustered by patient, HC0). The null deviance is R's intercept-only `glm.fit` with the
/// offset, iterated on the driver from sums the passes already carry (for the intercept
/// alone, `X'WX = sum mu = e^b E` and `X'Wz = b e^b E + Y - e^b E`), and the log-likelihood
/// is `sum_{y>0} y log y - Y - D / 2 - sum log y!`. The iterates and stopping rule are the
/// in-memory fit's; only the order of floating-point sums differs, so the fits agree to
/// about 1e-13 relative, and a distributed fit agrees with itself to the bit for any
/// partitioning order. Aliased columns are refused (``PartialsError/collinear(_:)``), not
/// dropped.
public struct DistributedPoisson: Sendable, Equatable {
  /// What the next pass computes.
  public enum Pass: String, Sendable, Equatable {
    case irls
    case robust
  }

  /// The model's settings: `formula` (the model formula on the counts layout), `ref`,
  /// `missing`, `cluster` (`patient_id`) and the command's own (`recurrent`: layout rules,
  /// count and variance): see ``PartitionSchema``.
  public var settings: [String: [String]]
  /// Levels agreed in the schema pass.
  public var levels: [String: [String]]
  public var rows: Int
  public var dropped: Int
  public var droppedByVariable: [String: Int]
  public var patients: Int
  /// Design columns (empty until the first IRLS pass reports them).
  public var columns: [String] = []
  public var pass: Pass = .irls
  /// IRLS systems solved so far.
  public var iteration = 0
  /// Where the next pass evaluates; `nil` is the start `mu = y + 0.1`.
  public var beta: [Double]?
  var betaOld: [Double]?
  var devianceOld = 0.0
  var halvings = 0
  /// Where the last solved system was built (`nil`: the start).
  public internal(set) var systemBeta: [Double]?
  /// The last solved `X'WX`, upper triangle.
  var information: [Double] = []
  /// Sums that do not depend on beta, from the first IRLS pass: events, nights, exposure,
  /// `A`, `sum y log y`, `sum log y!`; and the start's intercept system and deviance.
  var constants: [Double] = []
  var start: [Double] = []
  var finalDeviance = 0.0
  var converged = false

  public static let maxIterations = 25
  public static let tolerance = 1e-8

  /// The state after the schema pass.
  /// - Throws: ``FormulaError/singleLevel(variable:level:)`` when a factor has one level in
  ///   all partitions, ``FormulaError/noCompleteRows(dropped:)`` without rows.
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

  /// Whether the fit wants the robust variance (clustered by patient).
  public var isRobust: Bool { settings["variance"]?.first != "model" }

  /// One partition's design for this state's passes; `nil` when no row is usable.
  public func design(for table: Table) throws -> DesignMatrix? {
    try PartitionDesign.design(settings: settings, levels: levels, table: table)
  }

  /// The header of this state's pass for one partition.
  public func header(partition: String) -> PartialHeader {
    PartialHeader(
      model: "poisson", pass: pass.rawValue, state: document.digest, partition: partition)
  }

  /// One partition's statistics for this state's pass.
  public func statistics(partition: String, design: DesignMatrix?) throws -> PartialDocument {
    let header = header(partition: partition)
    switch pass {
    case .irls:
      return try PoissonStatistics(
        header: header, columns: columns.isEmpty ? (design?.columnNames ?? []) : columns,
        design: design, beta: beta
      ).document
    case .robust:
      return try ClusterMeat.poisson(
        header: header, design: design, beta: beta ?? [], systemBeta: systemBeta
      ).document
    }
  }

  /// What ``advance(with:confidenceLevel:)`` leads to.
  public enum Step: Sendable {
    case pass(DistributedPoisson)
    case fit(RateFit)
  }

  /// The next state or the fit from one pass's merged statistics (IRLS or robust).
  /// - Throws: ``RecurrentError/fit(_:)`` for a singular system (aliased columns) or a step
  ///   that cannot be rescued; ``PartialsError`` for statistics of another pass.
  public func advance(with merged: PartialDocument, confidenceLevel: Double) throws -> Step {
    let header = try PartialHeader(document: merged)
    guard header.pass == pass.rawValue else {
      throw PartialsError.mismatch(
        source: merged.source, reason: "'\(header.pass)' statistics for a '\(pass)' pass")
    }
    switch pass {
    case .irls:
      return try advance(with: try PoissonStatistics(document: merged), level: confidenceLevel)
    case .robust:
      return .fit(try fit(meat: try ClusterMeat(document: merged), level: confidenceLevel))
    }
  }

  func advance(with stats: PoissonStatistics, level: Double) throws -> Step {
    var next = self
    if columns.isEmpty {
      next.columns = stats.columns
      next.constants = [
        stats.events.value, stats.nights.value, stats.exposure.value, stats.yLogRate.value,
        stats.yLogY.value, stats.logFactorial.value,
      ]
      // The start's intercept system is the null chain's first step.
      if stats.columns.first == "(Intercept)" {
        next.start = [
          stats.information[0].value, stats.crossResponse[0].value, stats.deviance.value,
        ]
      }
    }
    guard stats.columns == next.columns else {
      throw PartialsError.mismatch(source: "", reason: "columns changed between passes")
    }
    let deviance = stats.deviance.value
    if let current = beta {
      if !deviance.isFinite {
        // R: "step size truncated due to divergence".
        guard let old = betaOld, halvings < Self.maxIterations else {
          throw RecurrentError.fit("IRLS: no valid set of coefficients (deviance not finite)")
        }
        next.beta = zip(current, old).map { ($0 + $1) / 2 }
        next.halvings += 1
        return .pass(next)
      }
      next.halvings = 0
      let stop = abs(deviance - devianceOld) / (abs(deviance) + 0.1) < Self.tolerance
      if stop || iteration >= Self.maxIterations {
        next.converged = stop
        next.finalDeviance = deviance
        if isRobust, RateRegression.tooFewClusters(patients, parameters: columns.count) == nil {
          next.pass = .robust
          return .pass(next)
        }
        return .fit(try next.fit(meat: nil, level: level))
      }
      next.betaOld = current
      next.systemBeta = current
    } else {
      next.systemBeta = nil
    }
    next.devianceOld = deviance
    next.iteration += 1
    let candidate: [Double]
    let system = stats.informationMatrix
    do {
      let factor = try Cholesky(system)
      // The start's X'WX (weights y + 0.1 > 0): a column aliased in X is aliased here.
      if next.iteration == 1 {
        let collinear = factor.nearlyCollinearColumns(of: system, threshold: 1e-7)
        if !collinear.isEmpty {
          throw PartialsError.collinear(collinear.map { next.columns[$0] })
        }
      }
      candidate = try factor.solve(stats.crossResponse.map(\.value))
    } catch let error as PartialsError {
      throw error
    } catch LinearAlgebraError.notPositiveDefinite(let minor) where next.iteration == 1 {
      throw PartialsError.collinear([next.columns[max(0, minor - 1)]])
    } catch {
      throw RecurrentError.fit(
        "IRLS iteration \(next.iteration): X'WX is singular (\(error))")
    }
    next.information = stats.information.map(\.value)
    next.beta = candidate
    return .pass(next)
  }

  /// The exact sum of one pass's statistics documents (any order gives the same bits).
  public static func combine(_ documents: [PartialDocument]) throws(PartialsError)
    -> PartialDocument
  {
    try combinedDocument(
      documents,
      passes: [
        "schema": PartitionSchema.self, "irls": PoissonStatistics.self, "robust": ClusterMeat.self,
      ])
  }

  /// R's null deviance: `glm.fit` on the intercept alone with the offset, from the sums.
  var nullDeviance: Double {
    guard start.count == 3, constants.count == 6 else { return finalDeviance }
    let (y, e, a) = (constants[0], constants[2], constants[3])
    func deviance(_ b: Double) -> Double { 2 * (a - b * y - y + exp(b) * e) }
    var devianceOld = start[2]
    var b = start[1] / start[0]
    var previous: Double?
    for iteration in 1...Self.maxIterations {
      if iteration > 1 {
        let m = exp(b) * e
        b = (b * m + y - m) / m
      }
      var d = deviance(b)
      var halvings = 0
      while !d.isFinite, let p = previous, halvings < Self.maxIterations {
        b = (b + p) / 2
        d = deviance(b)
        halvings += 1
      }
      if abs(d - devianceOld) / (abs(d) + 0.1) < Self.tolerance { return d }
      devianceOld = d
      previous = b
    }
    return devianceOld
  }

  private func fit(meat: ClusterMeat?, level: Double) throws -> RateFit {
    guard let beta else { throw RecurrentError.fit("IRLS: no iteration was run") }
    let p = columns.count
    let unscaled = try Cholesky(
      Matrix.symmetric(upperRows: information, order: p)
    ).inverse()
    var variance = unscaled
    var warnings: [String] = []
    if !converged { warnings.append("IRLS did not converge in \(iteration) iterations") }
    if isRobust, let warning = RateRegression.tooFewClusters(patients, parameters: p) {
      warnings.append(warning)
    }
    if let meat {
      let m = try Matrix(rows: p, columns: p, columnMajor: meat.matrix)
      variance = try BLAS.gemm(BLAS.gemm(unscaled, m), unscaled)
    }
    let events = constants.first ?? 0
    let logLikelihood = constants[4] - events - finalDeviance / 2 - constants[5]
    let hasIntercept = columns.first == "(Intercept)"
    return RateFit(
      family: .poisson,
      coefficients: RateRegression.coefficientTable(
        names: columns, aliased: [], beta: beta, variance: variance, unscaled: unscaled,
        confidenceLevel: level),
      outcome: settings["count"]?.first ?? "cramps", deviance: finalDeviance,
      nullDeviance: hasIntercept ? nullDeviance : finalDeviance,
      residualDegreesOfFreedom: rows - p, nullDegreesOfFreedom: rows - (hasIntercept ? 1 : 0),
      logLikelihood: logLikelihood, aic: -2 * logLikelihood + 2 * Double(p), theta: nil,
      thetaStandardError: nil, iterations: iteration, converged: converged,
      isRobust: meat != nil, patients: rows, totalEvents: events, totalNights: constants[1],
      droppedRowCount: dropped, confidenceLevel: level, warnings: warnings)
  }

  // MARK: The state document

  /// The state as a document (what `crampstat partial poisson --state` reads).
  public var document: PartialDocument {
    var d = PartialDocument(kind: .state)
    d.append("model", ["poisson"])
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
    d.append("constants", numbers: constants)
    d.append("start", numbers: start)
    d.append("final", numbers: [finalDeviance, converged ? 1 : 0])
    return d
  }

  /// Reads a state document.
  public init(document d: PartialDocument) throws(PartialsError) {
    guard d.kind == .state, d.value("model") == "poisson" else {
      throw .malformed(source: d.source, line: 1, reason: "not a poisson state")
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
    func optional(_ key: String) throws(PartialsError) -> [Double]? {
      guard let fields = d.all(key).first else { return nil }
      return try d.numbers(fields, key: key)
    }
    beta = try optional("beta")
    betaOld = try optional("beta-old")
    devianceOld = try d.numbers(d.one("deviance-old"), key: "deviance-old").first ?? 0
    halvings = try d.integer("halvings")
    systemBeta = try optional("system-beta")
    information = try d.numbers(d.one("information"), key: "information")
    constants = try d.numbers(d.one("constants"), key: "constants")
    start = try d.numbers(d.one("start"), key: "start")
    let final = try d.numbers(d.one("final"), key: "final")
    guard final.count == 2, constants.isEmpty || constants.count == 6 else {
      throw .malformed(source: d.source, line: 0, reason: "an incomplete poisson state")
    }
    finalDeviance = final[0]
    converged = final[1] == 1
  }
}
