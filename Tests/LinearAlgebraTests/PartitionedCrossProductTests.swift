import Foundation
import LinearAlgebra
import Parallelism
import Testing

@Suite("X'X over a fixed row partition")
struct PartitionedCrossProductTests {
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

  /// Non-integer data, where the order of summation changes the last bits: the parallel
  /// result (as many workers as cores) must equal, bit for bit, the same chunks summed one
  /// after the other on this thread and merged in order, which is what one worker computes.
  @Test("the parallel sums equal the one-thread sums bit for bit")
  func sameBitsAsOneThread() throws {
    let n = 500_000
    let p = 4
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let values = (0..<(n * p)).map { _ -> Double in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 10 - 3
    }
    let parallel = try values.withUnsafeBufferPointer { x in
      try CrossProductAccumulator.crossProduct(ofDesign: x, rows: n, columns: p)
    }
    var sequential: CrossProductAccumulator?
    try values.withUnsafeBufferPointer { x in
      for range in RowPartition(rows: n, alignment: 4096).chunks {
        var chunk = CrossProductAccumulator(columns: p)
        var start = range.lowerBound
        while start < range.upperBound {
          let r = min(4096, range.upperBound - start)
          try chunk.add(
            block: UnsafeBufferPointer(rebasing: x[start...]), rows: r, leadingDimension: n,
            weights: nil, response: nil)
          start += r
        }
        if sequential == nil { sequential = chunk } else { try sequential?.merge(chunk) }
      }
    }
    let expected = try #require(sequential).crossProduct()
    #expect(parallel.crossProduct().storage == expected.storage)
    #expect(RowPartition(rows: n).chunks.count == 7)
  }
}
