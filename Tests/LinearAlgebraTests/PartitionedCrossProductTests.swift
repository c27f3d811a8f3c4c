import Foundation
import LinearAlgebra
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
}
