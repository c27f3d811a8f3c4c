import Dispatch
import Foundation

/// A fixed split of `n` rows into contiguous chunks, for sums computed in parallel that must
/// not depend on the machine.
///
/// The chunk boundaries depend only on `n` (never on the number of cores), every chunk is
/// summed in row order, and the per-chunk results are combined in chunk order. A run with one
/// worker and a run with eight therefore add the same numbers in the same order and give the
/// same bits; only the wall time differs. Data smaller than two minimum chunks is a single
/// chunk, so small fits are summed exactly as a plain row loop would.
public struct RowPartition: Sendable {
  /// Number of rows partitioned.
  public let rows: Int
  /// Contiguous, ordered, non-overlapping ranges covering `0..<rows` (one empty range when
  /// `rows == 0`).
  public let chunks: [Range<Int>]

  /// Splits `rows` into `min(maximumChunks, rows / minimumChunkRows)` chunks (at least one) of
  /// near-equal size, each a multiple of `alignment` rows except the last.
  ///
  /// - Parameters:
  ///   - rows: `n >= 0`.
  ///   - minimumChunkRows: the smallest chunk worth a worker (default 65,536 rows).
  ///   - maximumChunks: upper bound on the chunk count (default 8).
  ///   - alignment: chunk sizes are rounded up to a multiple of this (for example the row
  ///     block of a kernel, so blocks never straddle chunks); default 4,096.
  public init(
    rows: Int, minimumChunkRows: Int = 1 << 16, maximumChunks: Int = 8, alignment: Int = 4096
  ) {
    self.rows = max(0, rows)
    let count = max(1, min(maximumChunks, self.rows / max(1, minimumChunkRows)))
    let step = max(1, alignment)
    let size = ((self.rows + count - 1) / count + step - 1) / step * step
    var ranges: [Range<Int>] = []
    var lower = 0
    repeat {
      let upper = min(self.rows, lower + max(size, 1))
      ranges.append(lower..<upper)
      lower = upper
    } while lower < self.rows
    chunks = ranges
  }

  /// Number of worker threads used by ``forEachChunk(_:)``.
  ///
  /// `CRAMPSTAT_THREADS` (a positive integer) when set, else the number of active processors,
  /// at most 8. The value changes speed only, never results.
  public static let workerCount: Int = {
    if let text = ProcessInfo.processInfo.environment["CRAMPSTAT_THREADS"],
      let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0
    {
      return min(value, 64)
    }
    return max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
  }()

  /// Calls `body(k, chunks[k])` for every chunk, on up to ``workerCount`` threads at once.
  ///
  /// `body` must only write state owned by chunk `k` (its own slot of a per-chunk buffer, or
  /// rows inside its range). Returns when every call has finished.
  public func forEachChunk(_ body: (Int, Range<Int>) -> Void) {
    let ranges = chunks
    let workers = min(Self.workerCount, ranges.count)
    if workers == 1 {
      for (k, range) in ranges.enumerated() { body(k, range) }
      return
    }
    // Worker w takes chunks w, w + workers, ...: which thread runs a chunk never changes
    // what the chunk computes.
    withoutActuallyEscaping(body) { work in
      let box = UncheckedSendable(work)
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for k in stride(from: worker, to: ranges.count, by: workers) {
          box.value(k, ranges[k])
        }
      }
    }
  }
}

/// Carries non-`Sendable` closures and pointers into `concurrentPerform`; the callers
/// (``RowPartition/forEachChunk(_:)``, ``Concurrently/pair(_:_:)``) document why that is safe:
/// each concurrent call touches only its own chunk's or its own half's state.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
