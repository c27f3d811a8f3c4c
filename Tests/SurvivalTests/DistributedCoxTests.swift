import Analysis
import CrampData
import Formula
import Foundation
import LinearAlgebra
import Partials
import Survival
import Testing
import _TestSupport

/// Distributed Cox fits (``DistributedCox``) against the in-memory ``CoxModel`` fit of the same
/// rows, on lung (right-censored, many ties) and the teaching diary in `(start, stop]` form
/// (Andersen-Gill, nightly ties), split into 1, 2, 7 and 31 partitions of whole patients.
///
/// Partitions are uneven (patient `g` goes to partition `1 + g^2 mod (K - 1)`, so some are
/// large, some small and some empty; partition 0 is always empty for `K > 2`), and every other
/// partition lists its rows in reverse order.
@Suite("Distributed Cox fit from partial statistics")
struct DistributedCoxTests {
  /// Agreement of the distributed and in-memory fits.
  ///
  /// Both take the same Newton steps from statistics summed in another order (exactly
  /// here, in floating point there). Measured maxima over all cases
  /// and partitionings (printed per case): coefficients 1.5e-14, model SEs 6.2e-15, robust
  /// SEs 1.1e-14, log-likelihoods 4.4e-15, the LR / Wald / score statistics 3.8e-13 (the LR
  /// is a difference of log-likelihoods) and p-values 3.8e-13; 1e-10 is the project's
  /// agreement target for R.
  static let tolerance = Tolerance.distributed

  /// One model on one data set.
  struct Case: Sendable, CustomStringConvertible {
    var name: String
    var file: String
    var formula: String
    var ties: CoxModel.Ties
    /// Case-weight column, if any.
    var weights: String? = nil
    /// Robust variance without a cluster column (fractional weights: each row its own cluster).
    var robustRows = false
    /// R's `coxph.control(iter.max)`.
    var maxIterations = 20
    var description: String { name }
    var model: CoxModel { CoxModel(ties: ties, maxIterations: maxIterations) }
  }

  static let cases: [Case] = [
    Case(
      name: "lung efron", file: "surv_lung.csv",
      formula: "Surv(time, status) ~ age + sex + ph_ecog",
      ties: .efron),
    Case(
      name: "lung breslow", file: "surv_lung.csv",
      formula: "Surv(time, status) ~ age + sex + ph_ecog", ties: .breslow),
    Case(
      name: "lung strata efron", file: "surv_lung.csv",
      formula: "Surv(time, status) ~ age + ph_ecog + strata(sex)", ties: .efron),
    Case(
      name: "lung cluster efron", file: "surv_lung.csv",
      formula: "Surv(time, status) ~ age + sex + ph_ecog + cluster(inst_group)", ties: .efron),
    Case(
      name: "lung cluster breslow", file: "surv_lung.csv",
      formula: "Surv(time, status) ~ age + sex + ph_ecog + cluster(inst_group)", ties: .breslow),
    Case(
      name: "lung fractional weights, robust by row", file: "surv_lung.csv",
      formula: "Surv(time, status) ~ age + sex + wt_loss", ties: .efron, weights: "w",
      robustRows: true),
    Case(
      name: "diary AG breslow, robust by patient", file: "surv_diary.csv",
      formula:
        "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + fluid_cups"
        + " + cluster(patient_id)", ties: .breslow),
    Case(
      name: "diary AG efron, robust by patient", file: "surv_diary.csv",
      formula:
        "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + fluid_cups"
        + " + cluster(patient_id)", ties: .efron),
    Case(
      name: "diary AG efron, strata(site), robust by patient", file: "surv_diary.csv",
      formula:
        "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + fluid_cups"
        + " + strata(site) + cluster(patient_id)", ties: .efron),
    // Out of iterations with a halving step last: the fit is at the last accepted estimate,
    // whose broadcast needs one more pass there.
    Case(
      name: "diary AG efron, robust, iter.max = 2", file: "surv_diary.csv",
      formula:
        "Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + fluid_cups"
        + " + cluster(patient_id)", ties: .efron, maxIterations: 2),
    // `never` has no events: the log-likelihood is monotone in it (coefficient may be
    // infinite).
    Case(
      name: "monotone likelihood", file: "surv_monotone.csv",
      formula: "Surv(time, status) ~ age + never", ties: .efron),
  ]

  /// A data set's design, response and labels, with its in-memory fit.
  struct Prepared {
    var response: SurvivalResponse
    var x: Matrix
    var names: [String]
    var strata: [String]?
    var strataCodes: [Int]?
    var clusters: [String]?
    var clusterCodes: [Int]?
    var weights: [Double]?

    init(_ c: Case) throws {
      let path = Reference.directory.appendingPathComponent("data/\(c.file)").path
      let table = try CSVReader.read(path: path).table
      let design = try DesignMatrix.build(Formula.parse(c.formula), table: table)
      let (made, names) = try RiskSetRows.make(
        design: design, twoCoded: design.survival?.status.contains(2) ?? false)
      let rows = try #require(made)
      response = rows.response
      x = rows.x
      self.names = names
      strata = rows.strata
      strataCodes = design.strata.map { $0.codes.map(Int.init) }
      clusters = rows.clusters
      clusterCodes = design.clusters.map { $0.codes.map(Int.init) }
      if let name = c.weights {
        let column = try #require(table[name])
        weights = design.rowsUsed.map { column.numbers[Int($0)] }
      }
    }

    func fit(_ c: Case) throws -> CoxFit {
      try c.model.fit(
        response, x: x, termNames: names, strata: strataCodes, cluster: clusterCodes,
        weights: weights)
    }

    /// Rows of each of `k` partitions of whole patients (clusters, else rows).
    func partitions(_ k: Int) -> [[Int]] {
      let n = response.count
      let patient = clusterCodes ?? Array(0..<n)
      var out = [[Int]](repeating: [], count: k)
      for i in 0..<n {
        let g = patient[i]
        let part = k == 1 ? 0 : k == 2 ? (g % 3 == 0 ? 0 : 1) : 1 + (g * g) % (k - 1)
        out[part].append(i)
      }
      for part in out.indices where part % 2 == 1 { out[part].reverse() }
      return out
    }

    func rows(_ indices: [Int]) throws -> RiskSetRows? {
      guard !indices.isEmpty else { return nil }
      let n = response.count
      var storage: [Double] = []
      for j in 0..<x.columns { storage += indices.map { x.storage[$0 + j * n] } }
      return try RiskSetRows(
        response: SurvivalResponse(
          start: response.start.map { s in indices.map { s[$0] } },
          stop: indices.map { response.stop[$0] }, event: indices.map { response.event[$0] }),
        x: Matrix(rows: indices.count, columns: x.columns, columnMajor: storage),
        strata: strata.map { s in indices.map { s[$0] } },
        clusters: clusters.map { s in indices.map { s[$0] } },
        weights: weights.map { w in indices.map { w[$0] } })
    }
  }

  /// Runs every pass over `parts`, checking at each pass that the merge order does not change
  /// a bit and that the state and the merged statistics round-trip through their text.
  static func distributedFit(_ c: Case, _ data: Prepared, parts: [[Int]]) throws -> CoxFit {
    let partitionRows = try parts.map(data.rows)
    var schema: PartitionSchema?
    for (k, rows) in partitionRows.enumerated() {
      var settings = ["formula": [c.formula]]
      if data.clusters != nil { settings["cluster"] = ["patient"] }
      let one = PartitionSchema(
        model: "cox", partition: "p\(k)", settings: settings, rows: rows?.count ?? 0, dropped: 0,
        droppedByVariable: [:], levels: [:],
        patients: data.clusters.map { _ in Array(Set(rows?.clusters ?? [])).sorted() })
      if schema == nil { schema = one } else { try schema?.merge(one) }
    }
    var state = try DistributedCox(
      schema: #require(schema), model: c.model,
      robust: c.robustRows ? true : nil)
    for _ in 0..<100 {
      let text = state.document.encoded
      let reread = try DistributedCox(document: PartialDocument(text: text, source: "state"))
      #expect(reread == state)
      #expect(reread.document.encoded == text)
      let documents = try partitionRows.enumerated().map { k, rows in
        try state.statistics(partition: "p\(k)", columns: data.names, rows: rows)
      }
      let merged = try DistributedCox.combine(documents)
      let reversed = try DistributedCox.combine(documents.reversed())
      #expect(merged.encoded == reversed.encoded, "merge order changed the \(state.pass) pass")
      if documents.count > 2 {
        // A tree: the halves first, then their merge.
        let half = documents.count / 2
        let tree = try DistributedCox.combine([
          DistributedCox.combine(Array(documents[half...])),
          DistributedCox.combine(Array(documents[..<half])),
        ])
        #expect(tree.encoded == merged.encoded, "a merge tree changed the \(state.pass) pass")
      }
      let again = try PartialDocument(text: merged.encoded, source: "merged")
      #expect(try DistributedCox.combine([again]).encoded == merged.encoded)
      switch try state.advance(with: again) {
      case .pass(let next): state = next
      case .fit(let fit): return fit
      }
    }
    Issue.record("no fit after 100 passes")
    throw SurvivalError.noObservations
  }

  static func relative(_ a: Double?, _ b: Double?) -> Double {
    guard let a, let b else { return a == nil && b == nil ? 0 : .infinity }
    if a == b { return 0 }
    return abs(a - b) / max(abs(b), .leastNormalMagnitude)
  }

  @Test("equals the in-memory fit for 1, 2, 7 and 31 partitions", arguments: cases)
  func matchesInMemory(_ c: Case) throws {
    let data = try Prepared(c)
    let memory = try data.fit(c)
    var first: CoxFit?
    for k in [1, 2, 7, 31] {
      let fit = try Self.distributedFit(c, data, parts: data.partitions(k))
      #expect(fit.iterations == memory.iterations, "\(c.name) K=\(k): iterations")
      #expect(fit.converged == memory.converged)
      #expect(fit.count == memory.count)
      #expect(fit.eventCount == memory.eventCount)
      #expect(fit.clusterCount == memory.clusterCount)
      #expect(fit.diagnostics == memory.diagnostics)
      // Largest relative difference per kind of quantity (the last word of `what`).
      var worst: [String: Double] = [:]
      func check(
        _ a: Double?, _ b: Double?, _ what: String, tolerance: Double = Self.tolerance
      ) {
        let r = Self.relative(a, b)
        let kind = what.split(separator: " ").suffix(what.hasSuffix("robust se") ? 2 : 1)
          .joined(separator: " ")
        worst[kind] = max(worst[kind] ?? 0, r)
        #expect(r < tolerance, "\(c.name) K=\(k) \(what): \(a ?? .nan) vs \(b ?? .nan)")
      }
      // A coefficient drifting to infinity (monotone likelihood) has an information ~1e-9 of
      // the others': rounding in it is amplified by that condition number, in memory as here
      // (measured 2e-10 on the estimate, 2e-8 on its SE).
      let infinite = Set(
        memory.diagnostics.compactMap { d -> String? in
          if case .coefficientMayBeInfinite(let term) = d { return term }
          return nil
        })
      check(fit.logLikelihood, memory.logLikelihood, "loglik")
      check(fit.nullLogLikelihood, memory.nullLogLikelihood, "null loglik")
      check(fit.scoreTest.statistic, memory.scoreTest.statistic, "score test")
      check(fit.waldTest.statistic, memory.waldTest.statistic, "Wald test")
      check(fit.likelihoodRatioTest.statistic, memory.likelihoodRatioTest.statistic, "LR test")
      for (a, b) in zip(fit.coefficients, memory.coefficients) {
        #expect(a.term == b.term)
        let loose = infinite.contains(a.term) ? 1e-6 : Self.tolerance
        check(a.estimate, b.estimate, "\(a.term) coef", tolerance: loose)
        check(a.modelStandardError, b.modelStandardError, "\(a.term) se", tolerance: loose)
        check(a.robustStandardError, b.robustStandardError, "\(a.term) robust se")
        check(a.pValue, b.pValue, "\(a.term) p", tolerance: loose)
      }
      let summary = worst.keys.sorted().map { "\($0) \(worst[$0] ?? 0)" }
      print("\(c.name), K=\(k): max relative differences: \(summary.joined(separator: ", "))")
      // Each partition sums its rows in doubles (as the in-memory sweep does) and the
      // partitions are merged exactly: the merge order never changes a bit (tested in
      // `documents`), the partitioning only the rounding of the per-partition sums.
      if let first {
        #expect(fit.iterations == first.iterations, "\(c.name) K=\(k) iterations")
        for (a, b) in zip(fit.coefficients, first.coefficients) where !infinite.contains(a.term) {
          check(a.estimate, b.estimate, "\(a.term) coef vs K=1")
        }
      } else {
        first = fit
      }
    }
  }

  @Test("statistics documents round-trip and refuse a partition twice")
  func documents() throws {
    let c = Self.cases[7]
    let data = try Prepared(c)
    let parts = data.partitions(7)
    var schema = PartitionSchema(
      model: "cox", partition: "all", settings: ["cluster": ["patient"]], rows: 1, dropped: 0,
      droppedByVariable: [:], levels: [:], patients: nil)
    var state = try DistributedCox(schema: schema, model: CoxModel(ties: .efron))
    // Center pass, then the first Newton pass at beta = 0.
    let totals = try DistributedCox.combine(
      parts.enumerated().map { k, rows in
        try state.statistics(partition: "p\(k)", columns: data.names, rows: data.rows(rows))
      })
    guard case .pass(let next) = try state.advance(with: totals) else {
      Issue.record("no Newton pass")
      return
    }
    state = next
    let one = try state.statistics(
      partition: "p1", columns: data.names, rows: data.rows(parts[1]))
    let stats = try RiskSetStatistics(document: one)
    #expect(stats.document.encoded == one.encoded)
    #expect(try PartialDocument(text: one.encoded, source: "x").encoded == one.encoded)
    #expect(throws: PartialsError.self) { try DistributedCox.combine([one, one]) }
    // Statistics of another state are refused.
    schema = PartitionSchema(
      model: "cox", partition: "all", settings: [:], rows: 1, dropped: 0, droppedByVariable: [:],
      levels: [:], patients: nil)
    #expect(throws: PartialsError.self) {
      try DistributedCox(schema: schema, model: CoxModel(ties: .breslow)).advance(with: one)
    }
  }
}
