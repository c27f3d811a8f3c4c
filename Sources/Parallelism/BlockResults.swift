import Foundation

/// Results of independent jobs run on worker threads, one slot per job: each worker writes
/// only its own slots, and the caller reads them in job order once all have finished (so
/// the order of combination never depends on the threads).
public final class BlockResults<Value>: @unchecked Sendable {
  private var slots: [Result<Value, any Error>?]
  private let lock = NSLock()

  /// `count` empty slots.
  public init(count: Int) { slots = Array(repeating: nil, count: count) }

  /// Stores job `k`'s result.
  public func set(_ k: Int, _ value: Result<Value, any Error>) {
    lock.lock()
    slots[k] = value
    lock.unlock()
  }

  /// Job `k`'s result; a slot never written is a failure with `missing`.
  public func get(_ k: Int, missing: @autoclosure () -> any Error) -> Result<Value, any Error> {
    lock.lock()
    defer { lock.unlock() }
    return slots[k] ?? .failure(missing())
  }

  /// Runs `body(k)` for `k` in `0..<count` on up to ``RowPartition/workerCount`` threads and
  /// returns the results in job order, throwing the first failure (in job order).
  public static func run(count: Int, _ body: @escaping @Sendable (Int) throws -> Value) throws
    -> [Value]
  {
    let results = BlockResults(count: count)
    RowPartition(rows: count, minimumChunkRows: 1, maximumChunks: max(1, count), alignment: 1)
      .forEachChunk { _, range in
        for k in range {
          do {
            results.set(k, .success(try body(k)))
          } catch {
            results.set(k, .failure(error))
          }
        }
      }
    return try (0..<count).map {
      try results.get($0, missing: CancellationError()).get()
    }
  }

  /// Runs `body(k)` for `k` in `0..<count` in groups of `groupSize` jobs.
  ///
  /// Each group runs on the worker threads, as ``run(count:_:)``, and its results go, in job
  /// order, to `handle` before the next group starts, so at most `groupSize` results are
  /// held at once. For exact, order-independent merges (partial statistics) the outcome does not
  /// depend on the grouping.
  public static func forEachGroup(
    count: Int, groupSize: Int = 4 * RowPartition.workerCount,
    _ body: @escaping @Sendable (Int) throws -> Value, handle: ([Value]) throws -> Void
  ) throws {
    let size = max(1, groupSize)
    var first = 0
    while first < count {
      let start = first
      let group = min(size, count - first)
      try handle(try run(count: group) { k in try body(start + k) })
      first += group
    }
  }
}
