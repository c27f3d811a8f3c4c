import Foundation
import LinearAlgebra
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

  /// 300,000 rows of small integers: every product and partial sum is an integer below 2^53,
  /// so any order of summation gives the exact value and the chunked sum must equal the
  /// one-block hand computation bit for bit.
  @Test("the partitioned X'X of a large design equals the exact integer sums")
  func partitionedCrossProduct() throws {
    let n = 300_000
    let columns: [[Double]] = [
      [Double](repeating: 1, count: n),
      (0..<n).map { Double($0 % 7) },
      (0..<n).map { Double(($0 * 31) % 11) - 5 },
    ]
    let values = columns.flatMap { $0 }
    let accumulator = try values.withUnsafeBufferPointer { x in
      try CrossProductAccumulator.crossProduct(ofDesign: x, rows: n, columns: 3)
    }
    let result = accumulator.crossProduct()
    for a in 0..<3 {
      for b in 0..<3 {
        let exact = zip(columns[a], columns[b]).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(result[a, b] == exact)
      }
    }
    #expect(accumulator.rowCount == n)
  }

  @Test("a non-finite value in any chunk is reported")
  func nonFiniteInLaterChunk() {
    let n = 200_000
    var values = [Double](repeating: 1, count: 2 * n)
    values[n + 150_000] = .nan
    #expect(throws: LinearAlgebraError.self) {
      try values.withUnsafeBufferPointer { x in
        try CrossProductAccumulator.crossProduct(ofDesign: x, rows: n, columns: 2)
      }
    }
  }
}
