import CrampData
import Formula
import Parallelism
import Partials
import Recurrent
import Survival

/// Recurrent-event fits in passes over blocks of whole patients (`crampstat recurrent
/// --stream`): each block's diary rows are reshaped by ``RecurrentPartition`` and enter the
/// same statistics as `crampstat partial`: ``DistributedCox`` for Andersen-Gill and PWP,
/// ``DistributedPoisson`` for the Poisson rate model, ``DistributedMCF`` for the mean
/// cumulative function.
///
/// Up to ``RowPartition/workerCount`` blocks are in memory at once; every sum is exact, so
/// the fit is the same bits for any thread count or block order.
public enum RecurrentStream {
  /// A streamed fit.
  public enum Fit: Sendable {
    case cox(RecurrentCoxFit)
    case rate(RateFit)
    case meanCumulative(MeanCumulativeFunction, TieSummary)
  }

  /// Fits the model of `settings` (``RecurrentPartition/settings(model:formula:options:)``)
  /// over `blockCount` blocks, each read by `diary(k)` when a pass needs it.
  /// - Throws: what reading a block, reshaping it, building its design or fitting throws;
  ///   ``PartialsError/overlap(reason:)`` when a patient's rows are in two blocks;
  ///   ``RecurrentError/formula(_:)`` for a model without a streamed fit (negbin).
  public static func fit(
    blockCount: Int, diary: @escaping @Sendable (Int) throws -> Table,
    settings: [String: [String]], ties: CoxModel.Ties, confidenceLevel: Double
  ) throws -> Fit {
    guard let model = RecurrentPartition.model(settings), model != .negativeBinomial else {
      throw RecurrentError.formula(
        "--stream fits ag, pwp-gap, pwp-total, poisson and mcf; fit negbin in memory")
    }
    // One pass: every block's statistics, merged group by group (exact sums, so the grouping
    // never changes a bit) so that only a few blocks' documents are held at once.
    func pass(
      combine: @escaping ([PartialDocument]) throws -> PartialDocument,
      _ body: @escaping @Sendable (Int, Table) throws -> PartialDocument
    ) throws -> PartialDocument {
      var total: PartialDocument?
      try BlockResults.forEachGroup(count: blockCount) { k in
        try body(k, try diary(k))
      } handle: {
        documents in
        let merged = try combine(documents)
        total = try total.map { try combine([$0, merged]) } ?? merged
      }
      guard let total else { throw SurvivalError.noObservations }
      return total
    }
    // First pass: the schema of each block's layout, and its diary rows.
    var merged: PartitionSchema?
    var diaryRows = 0
    try BlockResults.forEachGroup(count: blockCount) { k -> (PartitionSchema, Int) in
      let table = try diary(k)
      return (
        try RecurrentPartition.schema(partition: "block-\(k)", settings: settings, diary: table),
        table.rowCount
      )
    } handle: { results in
      for (schema, rows) in results {
        if merged == nil { merged = schema } else { try merged?.merge(schema) }
        diaryRows += rows
      }
    }
    guard let schema = merged else { throw SurvivalError.noObservations }
    let agreed = RecurrentPartition.withOrigin(settings, origin: schema.minimums["night"])
    @Sendable func layout(_ table: Table) throws -> Table {
      try RecurrentPartition.layout(diary: table, settings: agreed).table
    }
    if model == .meanCumulativeFunction {
      var state = try DistributedMCF(schema: schema)
      while true {
        let current = state
        let merged = try pass(combine: DistributedMCF.combine) { k, table in
          try current.statistics(partition: "block-\(k)", diary: table)
        }
        switch try state.advance(with: merged, confidenceLevel: confidenceLevel)
        {
        case .pass(let next): state = next
        case .fit(let fit, let ties): return .meanCumulative(fit, ties)
        }
      }
    }
    if model == .poisson {
      var state = try DistributedPoisson(schema: schema)
      state.settings = agreed
      while true {
        let current = state
        let merged = try pass(combine: DistributedPoisson.combine) { k, table in
          try current.statistics(
            partition: "block-\(k)", design: try current.design(for: try layout(table)))
        }
        switch try state.advance(with: merged, confidenceLevel: confidenceLevel)
        {
        case .pass(let next): state = next
        case .fit(let fit): return .rate(fit)
        }
      }
    }
    let options = RecurrentPartition.options(settings)
    var state = try DistributedCox(
      schema: schema, model: CoxModel(ties: ties, confidenceLevel: confidenceLevel),
      robust: options.robust)
    state.settings = agreed
    var tieCounts: TieCounts?
    while true {
      let current = state
      let countTies = tieCounts == nil
      var counts = TieCounts()
      var total: PartialDocument?
      try BlockResults.forEachGroup(count: blockCount) { k -> (PartialDocument, TieCounts?) in
        let table = try diary(k)
        var columns = current.columns
        var rows: RiskSetRows?
        var ties: TieCounts?
        if let design = try PartitionDesign.design(
          settings: current.settings, levels: current.levels, table: try layout(table))
        {
          (rows, columns) = try RiskSetRows.make(
            design: design, twoCoded: current.isTwoCodedStatus)
          if countTies { ties = TieCounts(design: design) }
        }
        return (
          try current.statistics(partition: "block-\(k)", columns: columns, rows: rows), ties
        )
      } handle: { results in
        let merged = try DistributedCox.combine(results.map(\.0))
        total = try total.map { try DistributedCox.combine([$0, merged]) } ?? merged
        for (_, ties) in results { if let ties { counts.merge(ties) } }
      }
      if countTies { tieCounts = counts }
      guard let total else { throw SurvivalError.noObservations }
      switch try state.advance(with: total) {
      case .pass(let next): state = next
      case .fit(let fit):
        let right = String(RecurrentPartition.formula(settings).dropFirst(2))
        return .cox(
          RecurrentCoxFit(
            model: model, cox: fit, ties: (tieCounts ?? TieCounts()).summary,
            modelFormula: RecurrentDesign.modelFormula(
              right: right, model: model, options: options, hasCluster: false),
            patients: schema.patientCount, layoutRows: schema.rows, diaryRows: diaryRows,
            droppedRowCount: schema.dropped, droppedByVariable: schema.droppedByVariable))
      }
    }
  }
}

/// Events per (stratum, event time) of designs, merged over blocks: the ties summary of a
/// streamed Cox fit (as ``TieSummary`` counts them on the whole design).
struct TieCounts: Sendable {
  struct Key: Hashable, Sendable {
    var stratum: String
    var time: Double
  }
  var counts: [Key: Int] = [:]

  init() {}

  init(design: DesignMatrix) {
    guard let outcome = design.survival else { return }
    let strata = design.strata.map { g in g.codes.map { g.labels[Int($0)] } }
    for i in outcome.stop.indices where outcome.status[i] == 1 {
      counts[Key(stratum: strata?[i] ?? "", time: outcome.stop[i]), default: 0] += 1
    }
  }

  mutating func merge(_ other: TieCounts) {
    counts.merge(other.counts, uniquingKeysWith: +)
  }

  var summary: TieSummary { TieSummary(eventCounts: Array(counts.values)) }
}
