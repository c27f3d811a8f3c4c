import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// Hand example: intercept and x = 1...5, weights w, working response z.
///
///     w    = [1, 2, 0, 1, 0.5]
///     z    = [1, 0, 2, 1, 3]
///     X'WX = [sum w, sum w x; sum w x, sum w x^2] = [4.5, 11.5; 11.5, 37.5]
///     X'Wz = [sum w z, sum w x z] = [1 + 0 + 0 + 1 + 1.5, 1 + 0 + 0 + 4 + 7.5] = [3.5, 12.5]
///
/// The zero weight on row 2 must drop it (its z = 2 would otherwise change both sums).
@Suite("Weighted cross products over row blocks")
struct CrossProductAccumulatorTests {
  let design: Matrix
  let weights: [Double] = [1, 2, 0, 1, 0.5]
  let response: [Double] = [1, 0, 2, 1, 3]
  let expectedCross: Matrix
  let expectedResponse: [Double] = [3.5, 12.5]

  init() throws {
    design = try Matrix(rows: [[1, 1], [1, 2], [1, 3], [1, 4], [1, 5]])
    expectedCross = try Matrix(rows: [[4.5, 11.5], [11.5, 37.5]])
  }

  @Test("one block equals the hand value")
  func oneBlock() throws {
    var accumulator = CrossProductAccumulator(columns: 2)
    try accumulator.add(design, weights: weights, response: response)
    // sqrt(2)^2 is 2 + 1 ulp, hence the `iterative` tolerance rather than exact equality.
    #expect(isClose(accumulator.crossProduct(), expectedCross, Tolerance.iterative))
    #expect(isClose(accumulator.crossResponse(), expectedResponse))
    #expect(accumulator.rowCount == 5)
  }

  @Test("blocks taken in place from the design (leading dimension 5) sum to the same value")
  func blocksWithoutCopy() throws {
    var accumulator = CrossProductAccumulator(columns: 2)
    let n = design.rows
    try design.withUnsafeBufferPointer { x in
      try weights.withUnsafeBufferPointer { w in
        try response.withUnsafeBufferPointer { z in
          for (start, end) in [(0, 2), (2, 3), (3, 5)] {
            try accumulator.add(
              block: UnsafeBufferPointer(rebasing: x[start...]), rows: end - start,
              leadingDimension: n, weights: UnsafeBufferPointer(rebasing: w[start..<end]),
              response: UnsafeBufferPointer(rebasing: z[start..<end]))
          }
        }
      }
    }
    #expect(isClose(accumulator.crossProduct(), expectedCross, Tolerance.iterative))
    #expect(isClose(accumulator.crossResponse(), expectedResponse))
    #expect(accumulator.rowCount == 5)
  }

  @Test("4096-row blocks streamed from a 10000 x 4 design equal one weighted syrk")
  func streaming() throws {
    let (n, p, blockRows) = (10_000, 4, 4096)
    // Deterministic, non-trivial data: intercept plus three smooth covariates.
    var x = Matrix(rows: n, columns: p, repeating: 1)
    for i in 0..<n {
      x[i, 1] = Double(i % 17) / 17
      x[i, 2] = sin(Double(i) * 0.37)
      x[i, 3] = Double((i * 7) % 11) - 5
    }
    let w = (0..<n).map { i in Double(i % 5) / 4 }  // includes zero weights
    let z = (0..<n).map { i in cos(Double(i) * 0.11) }
    var accumulator = CrossProductAccumulator(columns: p)
    try x.withUnsafeBufferPointer { xs in
      try w.withUnsafeBufferPointer { ws in
        try z.withUnsafeBufferPointer { zs in
          for start in stride(from: 0, to: n, by: blockRows) {
            let end = min(start + blockRows, n)
            try accumulator.add(
              block: UnsafeBufferPointer(rebasing: xs[start...]), rows: end - start,
              leadingDimension: n, weights: UnsafeBufferPointer(rebasing: ws[start..<end]),
              response: UnsafeBufferPointer(rebasing: zs[start..<end]))
          }
        }
      }
    }
    // Reference in one pass: (sqrt(W) X)'(sqrt(W) X) and X'(w z).
    var scaled = x
    for j in 0..<p {
      for i in 0..<n { scaled[i, j] *= w[i].squareRoot() }
    }
    let wz = zip(w, z).map { $0 * $1 }
    #expect(isClose(accumulator.crossProduct(), try BLAS.syrk(scaled), Tolerance.longSum))
    #expect(
      isClose(accumulator.crossResponse(), try BLAS.gemv(x, wz, transpose: true), Tolerance.longSum)
    )
    #expect(accumulator.rowCount == n)
  }

  @Test("merging partition accumulators equals one pass; reset clears")
  func merge() throws {
    let top = try Matrix(rows: [[1, 1], [1, 2]])
    let bottom = try Matrix(rows: [[1, 3], [1, 4], [1, 5]])
    var first = CrossProductAccumulator(columns: 2)
    var second = CrossProductAccumulator(columns: 2)
    try first.add(top, weights: Array(weights[0..<2]), response: Array(response[0..<2]))
    try second.add(bottom, weights: Array(weights[2...]), response: Array(response[2...]))
    try first.merge(second)
    #expect(isClose(first.crossProduct(), expectedCross, Tolerance.iterative))
    #expect(isClose(first.crossResponse(), expectedResponse))
    first.reset()
    #expect(first.crossProduct() == Matrix(rows: 2, columns: 2))
    #expect(first.rowCount == 0)
  }

  @Test("unit weights and no response give X'X and leave X'Wz at zero")
  func unweighted() throws {
    var accumulator = CrossProductAccumulator(columns: 2)
    try accumulator.add(design)
    // X'X = [5, 15; 15, 55]; exact, as no square root is involved.
    #expect(accumulator.crossProduct() == (try Matrix(rows: [[5, 15], [15, 55]])))
    #expect(accumulator.crossResponse() == [0, 0])
  }

  @Test("a negative weight is rejected with its row, and nothing is added")
  func negativeWeight() throws {
    var accumulator = CrossProductAccumulator(columns: 2)
    #expect(throws: LinearAlgebraError.negativeWeight(row: 1, value: -1)) {
      try accumulator.add(design, weights: [1, -1, 1, 1, 1], response: nil)
    }
    #expect(accumulator.rowCount == 0)
    #expect(accumulator.crossProduct() == Matrix(rows: 2, columns: 2))
  }

  @Test("non-finite weights, responses and design values are rejected")
  func nonFinite() {
    var accumulator = CrossProductAccumulator(columns: 2)
    #expect(throws: LinearAlgebraError.nonFinite("CrossProductAccumulator.add: weight at row 2")) {
      try accumulator.add(design, weights: [1, 1, .nan, 1, 1])
    }
    #expect(throws: LinearAlgebraError.nonFinite("CrossProductAccumulator.add: response")) {
      try accumulator.add(design, response: [1, 1, 1, .infinity, 1])
    }
    var bad = design
    bad[3, 1] = .nan
    #expect(
      throws: LinearAlgebraError.nonFinite("CrossProductAccumulator.add: block row 3, column 1")
    ) {
      try accumulator.add(bad)
    }
  }

  @Test("shape errors: wrong column count, wrong weight count, buffer too short")
  func shapes() throws {
    var accumulator = CrossProductAccumulator(columns: 3)
    #expect(throws: LinearAlgebraError.self) { try accumulator.add(design) }
    var two = CrossProductAccumulator(columns: 2)
    #expect(
      throws: LinearAlgebraError.dimensionMismatch(
        "CrossProductAccumulator.add: 2 weights for 5 rows")
    ) {
      try two.add(design, weights: [1, 1])
    }
    let short: [Double] = [1, 2, 3]
    #expect(throws: LinearAlgebraError.self) {
      try short.withUnsafeBufferPointer { buffer in
        try two.add(block: buffer, rows: 2, weights: nil, response: nil)
      }
    }
  }
}

@Suite("CrossProductAccumulator unchecked path")
struct CrossProductAccumulatorUncheckedTests {
  @Test("checkFinite: false lets NaN into the sums, where the Cholesky check stops it")
  func uncheckedNaN() throws {
    var acc = CrossProductAccumulator(columns: 2)
    let block: [Double] = [1, 2, .nan, 4]
    try block.withUnsafeBufferPointer { b in
      try acc.add(block: b, rows: 2, weights: nil, response: nil, checkFinite: false)
    }
    #expect(throws: LinearAlgebraError.self) { try Cholesky(acc.crossProduct()) }
  }
}
