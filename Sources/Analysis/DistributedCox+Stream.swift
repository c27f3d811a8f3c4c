import CrampData
import Formula
import Parallelism
import Partials
import Survival

extension DistributedCox {
  /// Fits Cox / Andersen-Gill by passes over `blockCount` blocks of whole patients, each read
  /// by `table(k)` when a pass needs it: the passes of `crampstat partial cox` (schema,
  /// centre, Newton, robust), with blocks as partitions (`crampstat cox --stream`).
  ///
  /// Up to ``RowPartition/workerCount`` blocks are in memory at once, and the statistics of
  /// a few groups of them; every sum is exact, so the fit is the same bits for any thread
  /// count, block order or grouping.
  /// - Throws: what reading a block, building its design or fitting throws;
  ///   ``PartialsError/overlap(reason:)`` when a patient's rows are in two blocks.
  public static func fit(
    blockCount: Int, table: @escaping @Sendable (Int) throws -> Table,
    settings: [String: [String]], model: CoxModel
  ) throws -> (fit: CoxFit, state: DistributedCox) {
    var merged: PartitionSchema?
    try BlockResults.forEachGroup(count: blockCount) { k in
      try PartitionDesign.schema(
        model: "cox", partition: "block-\(k)", settings: settings, table: try table(k))
    } handle: { schemas in
      for other in schemas {
        if merged == nil { merged = other } else { try merged?.merge(other) }
      }
    }
    guard let schema = merged else { throw SurvivalError.noObservations }
    var state = try DistributedCox(
      schema: schema, model: model, robust: schema.patientCount > 0)
    while true {
      let current = state
      // Merged group by group (exact sums: the grouping never changes a bit), so only a few
      // blocks' documents, each O(event times x p^2), are held at once.
      var total: PartialDocument?
      try BlockResults.forEachGroup(count: blockCount) { k -> PartialDocument in
        var columns = current.columns
        var rows: RiskSetRows?
        if let design = try PartitionDesign.design(
          settings: current.settings, levels: current.levels, table: try table(k))
        {
          (rows, columns) = try RiskSetRows.make(
            design: design, twoCoded: current.isTwoCodedStatus)
        }
        return try current.statistics(partition: "block-\(k)", columns: columns, rows: rows)
      } handle: { documents in
        let merged = try DistributedCox.combine(documents)
        total = try total.map { try DistributedCox.combine([$0, merged]) } ?? merged
      }
      guard let total else { throw SurvivalError.noObservations }
      switch try state.advance(with: total) {
      case .pass(let next): state = next
      case .fit(let fit): return (fit, state)
      }
    }
  }
}
