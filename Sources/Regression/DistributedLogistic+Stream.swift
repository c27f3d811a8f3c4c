import CrampData
import Formula
import Foundation
import Parallelism
import Partials

extension DistributedLogistic {
  /// Fits the logistic model by passes over `blockCount` blocks of whole patients, each
  /// read by `table(k)` when a pass needs it: the same statistics, merge and solve as
  /// `crampstat partial` / `combine` / `solve`, with blocks as partitions.
  ///
  /// Up to ``RowPartition/workerCount`` blocks are in memory at once (one per worker);
  /// every sum is exact, so the fit is the same bits for any thread count or block order.
  /// - Parameters:
  ///   - settings: ``PartitionDesign/settings(formula:references:missing:cluster:)``.
  ///   - passes: called after each pass with its name (progress).
  /// - Throws: what reading a block, building its design or fitting throws;
  ///   ``PartialsError/overlap(reason:)`` when a patient's rows are in two blocks.
  public static func fit(
    blockCount: Int, table: @escaping @Sendable (Int) throws -> Table,
    settings: [String: [String]], model: LogisticModel,
    passes: (String) -> Void = { _ in }
  ) throws -> LogisticFit {
    func pass<S: PartialStatistics>(_ body: @escaping @Sendable (Int) throws -> S) throws
      -> S
    {
      // Merged group by group (exact sums: the grouping never changes a bit).
      var total: S?
      try BlockResults.forEachGroup(count: blockCount) { k in
        try body(k)
      } handle: { results in
        for value in results {
          if total == nil { total = value } else { try total?.merge(value) }
        }
      }
      guard let total else { throw FormulaError.noCompleteRows(dropped: 0) }
      return total
    }
    let schema = try pass { k in
      try PartitionDesign.schema(
        model: "logit", partition: "block-\(k)", settings: settings, table: try table(k))
    }
    passes("schema")
    var state = try DistributedLogistic(schema: schema)
    // The first IRLS pass builds each block's design on the agreed levels and spills it;
    // later passes read it back instead of parsing the block again (same bits).
    let spill = DesignSpill(blocks: blockCount)
    defer { spill.remove() }
    let formula = try Formula.parse(PartitionDesign.formula(settings))
    @Sendable func design(_ k: Int, _ current: DistributedLogistic) throws -> DesignMatrix? {
      try spill.design(k, formula: formula, source: "block-\(k)") {
        try current.design(for: try table(k))
      }
    }
    while true {
      let current = state
      switch state.pass {
      case .irls:
        let stats = try pass { k in
          let design = try design(k, current)
          return try IRLSStatistics(
            header: current.header(partition: "block-\(k)"),
            columns: current.columns.isEmpty ? (design?.columnNames ?? []) : current.columns,
            design: design, beta: current.beta)
        }
        passes("irls")
        switch try state.advance(with: stats, model: model) {
        case .pass(let next): state = next
        case .fit(let fit): return fit
        }
      case .robust:
        let meat = try pass { k in
          try ClusterMeat.logistic(
            header: current.header(partition: "block-\(k)"),
            design: try design(k, current), beta: current.beta ?? [],
            systemBeta: current.systemBeta)
        }
        passes("robust")
        return try state.finish(with: meat, model: model)
      }
    }
  }
}
