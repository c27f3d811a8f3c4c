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
    func pass<S: PartialStatistics>(_ body: @escaping @Sendable (Int, Table) throws -> S) throws
      -> S
    {
      let results = UnsafeResults<S>(count: blockCount)
      RowPartition(
        rows: blockCount, minimumChunkRows: 1, maximumChunks: max(1, blockCount), alignment: 1
      )
      .forEachChunk { _, range in
        for k in range {
          do {
            results.set(k, .success(try body(k, try table(k))))
          } catch {
            results.set(k, .failure(error))
          }
        }
      }
      var total: S?
      for k in 0..<blockCount {
        let value = try results.get(k).get()
        if total == nil { total = value } else { try total?.merge(value) }
      }
      guard let total else { throw FormulaError.noCompleteRows(dropped: 0) }
      return total
    }
    let schema = try pass { k, table in
      try PartitionDesign.schema(
        model: "logit", partition: "block-\(k)", settings: settings, table: table)
    }
    passes("schema")
    var state = try DistributedLogistic(schema: schema)
    while true {
      let current = state
      switch state.pass {
      case .irls:
        let stats = try pass { k, table in
          let design = try current.design(for: table)
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
        let meat = try pass { k, table in
          try ClusterMeat.logistic(
            header: current.header(partition: "block-\(k)"),
            design: try current.design(for: table), beta: current.beta ?? [],
            systemBeta: current.systemBeta)
        }
        passes("robust")
        return try state.finish(with: meat, model: model)
      }
    }
  }
}

/// Per-block results written by the workers, each to its own slot.
final class UnsafeResults<S>: @unchecked Sendable {
  private var slots: [Result<S, any Error>?]
  private let lock = NSLock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ k: Int, _ value: Result<S, any Error>) {
    lock.lock()
    slots[k] = value
    lock.unlock()
  }
  func get(_ k: Int) -> Result<S, any Error> {
    lock.lock()
    defer { lock.unlock() }
    return slots[k] ?? .failure(FormulaError.noCompleteRows(dropped: 0))
  }
}
