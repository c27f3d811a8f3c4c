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
  /// Up to ``RowPartition/workerCount`` blocks are in memory at once; every sum is exact, so
  /// the fit is the same bits for any thread count or block order.
  /// - Throws: what reading a block, building its design or fitting throws;
  ///   ``PartialsError/overlap(reason:)`` when a patient's rows are in two blocks.
  public static func fit(
    blockCount: Int, table: @escaping @Sendable (Int) throws -> Table,
    settings: [String: [String]], model: CoxModel
  ) throws -> (fit: CoxFit, state: DistributedCox) {
    func pass<S>(_ body: @escaping @Sendable (Int, Table) throws -> S) throws -> [S] {
      try BlockResults.run(count: blockCount) { k in try body(k, try table(k)) }
    }
    let schemas = try pass { k, table in
      try PartitionDesign.schema(
        model: "cox", partition: "block-\(k)", settings: settings, table: table)
    }
    guard var schema = schemas.first else { throw SurvivalError.noObservations }
    for other in schemas.dropFirst() { try schema.merge(other) }
    var state = try DistributedCox(
      schema: schema, model: model, robust: schema.patientCount > 0)
    while true {
      let current = state
      let documents = try pass { k, table -> PartialDocument in
        var columns = current.columns
        var rows: RiskSetRows?
        if let design = try PartitionDesign.design(
          settings: current.settings, levels: current.levels, table: table)
        {
          (rows, columns) = try RiskSetRows.make(
            design: design, twoCoded: current.isTwoCodedStatus)
        }
        return try current.statistics(partition: "block-\(k)", columns: columns, rows: rows)
      }
      switch try state.advance(with: try DistributedCox.combine(documents)) {
      case .pass(let next): state = next
      case .fit(let fit): return (fit, state)
      }
    }
  }
}
