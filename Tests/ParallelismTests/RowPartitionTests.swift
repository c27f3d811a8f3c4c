import Foundation
import Parallelism
import Testing

@Suite("Fixed row partitions for parallel sums")
struct RowPartitionTests {
  @Test("chunks cover the rows in order, aligned, and depend on n alone")
  func coverage() {
    for n in [0, 1, 4095, 65_536, 131_071, 131_072, 200_000, 1_000_003, 10_000_000] {
      let partition = RowPartition(rows: n)
      #expect(partition.chunks.first?.lowerBound == 0)
      #expect(partition.chunks.last?.upperBound == n)
      for (a, b) in zip(partition.chunks, partition.chunks.dropFirst()) {
        #expect(a.upperBound == b.lowerBound)
        #expect(a.lowerBound % 4096 == 0)
      }
      // At most 8 chunks, each (but a short last one) at least the minimum size.
      #expect(partition.chunks.count == max(1, min(8, n / 65_536)))
      #expect(RowPartition(rows: n).chunks == partition.chunks)
    }
  }

  @Test("small data is one chunk, so it is summed as a plain loop would")
  func smallIsOneChunk() {
    #expect(RowPartition(rows: 131_071).chunks == [0..<131_071])
  }

  @Test("every chunk runs exactly once and writes only its own slot")
  func everyChunkOnce() {
    let partition = RowPartition(rows: 1_000_000)
    var sums = [Int](repeating: 0, count: partition.chunks.count)
    sums.withUnsafeMutableBufferPointer { slots in
      partition.forEachChunk { k, range in slots[k] += range.count }
    }
    #expect(sums.reduce(0, +) == 1_000_000)
    #expect(sums == partition.chunks.map(\.count))
  }

  @Test("Concurrently.pair returns both results in order")
  func pair() {
    let (a, b) = Concurrently.pair({ (1...1000).reduce(0, +) }, { "second" })
    #expect(a == 500_500)
    #expect(b == "second")
  }
}
