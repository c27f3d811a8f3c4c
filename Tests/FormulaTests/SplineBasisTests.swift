import Foundation
import Testing
import _TestSupport

@testable import Formula

/// The basis cases of `Tests/Reference/splines.json` (written by `splines.R`); throws when the
/// fixture is missing, unparseable or holds no basis case.
private func splineFixture() throws -> [[String: Any]] {
  try Fixture.section("splines.json", "bases")
}

/// Reads `df = k`, `knots = c(...)` and `degree = d` back out of the R call of a case.
private func basis(for call: String, x: [Double]) throws -> SplineBasis {
  let formula = try Formula.parse("y ~ " + call)
  let variable = try #require(formula.terms.first?.variables.first)
  let spec = try #require(SplineSpec(variable))
  return try SplineBasis(
    kind: spec.kind, values: x, degreesOfFreedom: spec.degreesOfFreedom, knots: spec.knots,
    degree: spec.degree)
}

@Suite("Spline bases against R's splines::ns and splines::bs")
struct SplineBasisTests {
  @Test("every basis in splines.json, column by column")
  func bases() throws {
    let cases = try splineFixture()
    for c in cases {
      let name = try #require(c["name"] as? String)
      let call = try #require(c["call"] as? String)
      let x = try #require(c["x"] as? [Double])
      let columns = try #require(c["basis"] as? [[Double]])
      let knots = try #require(c["knots"] as? [Double])
      let b = try basis(for: call, x: x)
      #expect(b.columnCount == columns.count, "\(name)")
      #expect(b.interiorKnots.count == knots.count, "\(name)")
      for (k, r) in zip(b.interiorKnots, knots) {
        #expect(abs(k - r) <= Tolerance.splineKnots * max(1, abs(r)), "\(name) knot \(k) vs \(r)")
      }
      guard b.columnCount == columns.count else { continue }
      var out = [Double](repeating: .nan, count: x.count * b.columnCount)
      x.withUnsafeBufferPointer { xs in
        out.withUnsafeMutableBufferPointer { o in
          if let base = o.baseAddress { b.fill(xs, into: base, stride: x.count) }
        }
      }
      var worst = 0.0
      for (j, column) in columns.enumerated() {
        for (i, r) in column.enumerated() {
          worst = max(worst, abs(out[j * x.count + i] - r))
        }
      }
      #expect(worst <= Tolerance.splineBasis, "\(name): max abs error \(worst)")
    }
  }

  @Test("knots collapse on a variable with two values")
  func collapsing() {
    let x = [Double](repeating: 0, count: 10) + [Double](repeating: 1, count: 10)
    #expect(throws: SplineBasis.Problem.collapsingKnots(distinct: 2)) {
      try SplineBasis(kind: .natural, values: x, degreesOfFreedom: 3, knots: nil)
    }
  }

  @Test("df below the minimum is refused")
  func smallDF() {
    #expect(throws: SplineBasis.Problem.degreesOfFreedomTooSmall(minimum: 1)) {
      try SplineBasis(kind: .natural, values: [1, 2, 3, 4], degreesOfFreedom: 0, knots: nil)
    }
    #expect(throws: SplineBasis.Problem.degreesOfFreedomTooSmall(minimum: 3)) {
      try SplineBasis(kind: .bSpline, values: [1, 2, 3, 4], degreesOfFreedom: 2, knots: nil)
    }
  }

  @Test("values outside the boundary knots give NaN, never a trap")
  func outside() throws {
    let b = try SplineBasis(
      kind: .natural, values: [1, 2, 3, 4, 5], degreesOfFreedom: 2, knots: nil)
    let x: [Double] = [0, 3, 6, .nan]
    var out = [Double](repeating: 0, count: x.count * b.columnCount)
    x.withUnsafeBufferPointer { xs in
      out.withUnsafeMutableBufferPointer { o in
        if let base = o.baseAddress { b.fill(xs, into: base, stride: x.count) }
      }
    }
    for j in 0..<b.columnCount {
      #expect(out[j * 4].isNaN && out[j * 4 + 2].isNaN && out[j * 4 + 3].isNaN)
      #expect(out[j * 4 + 1].isFinite)
    }
  }
}
