import LinearAlgebra

/// A regression-spline basis as R's `splines::bs` (B-splines) and `splines::ns` (natural
/// cubic splines), with `intercept = FALSE`.
///
/// Knots follow R: with `df` and no `knots`, the interior knots are the quantiles (R's
/// `quantile` type 7) of the values at probabilities `seq(0, 1, length.out = m + 2)` without
/// the ends, `m = df - degree` for `bs` and `m = df - 1` for `ns`; the boundary knots are the
/// range of the values. The full knot sequence repeats each boundary knot `degree + 1` times.
///
/// - B-splines of order `k = degree + 1` are evaluated by de Boor's recursion
///   (C. de Boor, *A Practical Guide to Splines*, 1978: `B_{i,k}` from the `k - 1` order
///   values with the knot differences `x - t_{i}` and `t_{i+k} - x`), transcribed from R's
///   `splines.c` (`basis_funcs`, and `evaluate` for derivatives), and the first column is
///   dropped.
/// - `ns` projects the cubic B-spline basis `B` (first column dropped) onto the null space of
///   the second derivatives at the two boundary knots, `C` (2 x m): `B Q[, 3...]` with `Q`
///   the complete orthogonal factor of the QR of `C'`, as R's
///   `t(qr.qty(qr(t(const)), t(basis)))[, -(1:2)]`; the fitted function is then linear
///   beyond the boundary knots.
public struct SplineBasis: Sendable, Equatable, Codable {
  /// Which basis.
  public enum Kind: String, Sendable, Equatable, Codable {
    /// `bs()`: B-splines of any degree.
    case bSpline = "bs"
    /// `ns()`: natural cubic splines.
    case natural = "ns"
  }

  /// Which basis.
  public let kind: Kind
  /// Polynomial degree (3 for `ns`).
  public let degree: Int
  /// Interior knots, ascending.
  public let interiorKnots: [Double]
  /// The boundary knots (lower, upper).
  public let boundaryKnots: [Double]
  /// The full knot sequence (boundary knots repeated `degree + 1` times).
  public let knots: [Double]
  /// `ns` only: the `m` x `columnCount` projection `Q[, 3...]`, column-major; empty for `bs`.
  public let projection: [Double]
  /// Columns of the basis (R's `ncol(ns(x, df))`).
  public let columnCount: Int

  /// Why a basis cannot be made.
  enum CodingKeys: String, CodingKey {
    case kind, degree, knots, projection
    case interiorKnots = "interior_knots"
    case boundaryKnots = "boundary_knots"
    case columnCount = "column_count"
  }

  /// Whether a basis read from a file is one this type could have built.
  ///
  /// Degree 1 to 20 (3 for `ns`), `degree + 1` equal knots at each boundary, finite
  /// non-decreasing knots, interior and boundary knots consistent with them, and the column
  /// count and `ns` projection of the right sizes. ``fill(_:into:stride:)`` relies on it.
  public var isConsistent: Bool {
    let order = degree + 1
    guard degree >= 1, degree <= 20, kind == .bSpline || degree == 3,
      knots.count >= 2 * order, knots.allSatisfy(\.isFinite),
      zip(knots, knots.dropFirst()).allSatisfy({ $0 <= $1 }),
      let low = knots.first, let high = knots.last, low < high,
      knots.prefix(order).allSatisfy({ $0 == low }), knots.suffix(order).allSatisfy({ $0 == high }),
      boundaryKnots == [low, high],
      interiorKnots == Array(knots.dropFirst(order).dropLast(order)),
      interiorKnots.allSatisfy({ $0 > low && $0 < high })
    else { return false }
    let m = knots.count - order - 1
    switch kind {
    case .bSpline: return projection.isEmpty && columnCount == m && m >= 1
    case .natural:
      return m >= 3 && columnCount == m - 2 && projection.count == m * (m - 2)
        && projection.allSatisfy(\.isFinite)
    }
  }

  public enum Problem: Error, Equatable, Sendable {
    /// `df` is below the smallest the basis allows.
    case degreesOfFreedomTooSmall(minimum: Int)
    /// Degree below 1.
    case badDegree
    /// Knots coincide (or sit on the boundary): the variable has too few distinct values.
    case collapsingKnots(distinct: Int)
    /// An explicit knot outside the range of the values.
    case knotOutsideRange(knot: Double)
  }

  /// Places the knots for `values` (the non-missing values of the variable) as R does.
  ///
  /// - Parameters:
  ///   - kind: `bs` or `ns`.
  ///   - values: the variable on the rows used; all finite.
  ///   - degreesOfFreedom: `df`, or `nil` when `knots` are given.
  ///   - knots: explicit interior knots, or `nil`.
  ///   - degree: the degree of `bs` (ignored for `ns`, which is cubic).
  /// - Throws: ``Problem`` for a `df` below the minimum (R warns and raises it; here it is an
  ///   error), or knots that collapse because the variable has few distinct values (R would
  ///   return a basis with duplicated or zero columns).
  public init(
    kind: Kind, values: [Double], degreesOfFreedom: Int?, knots explicit: [Double]?,
    degree requested: Int = 3
  ) throws {
    let degree = kind == .natural ? 3 : requested
    guard degree >= 1 else { throw Problem.badDegree }
    let order = degree + 1
    let sorted = values.sorted()
    guard let low = sorted.first, let high = sorted.last else {
      throw Problem.collapsingKnots(distinct: 0)
    }
    var interior: [Double] = []
    if let explicit {
      interior = explicit.sorted()
      for knot in interior where !(knot > low && knot < high) {
        throw Problem.knotOutsideRange(knot: knot)
      }
    } else if let df = degreesOfFreedom {
      let minimum = kind == .natural ? 1 : degree
      guard df >= minimum else { throw Problem.degreesOfFreedomTooSmall(minimum: minimum) }
      let count = kind == .natural ? df - 1 : df - order + 1
      interior = Self.quantiles(sorted, count: count)
    }
    let distinct = Self.distinctCount(sorted)
    var previous = low
    for knot in interior + [high] {
      if !(knot > previous) { throw Problem.collapsingKnots(distinct: distinct) }
      previous = knot
    }
    let full =
      [Double](repeating: low, count: order) + interior
      + [Double](repeating: high, count: order)
    self.kind = kind
    self.degree = degree
    self.interiorKnots = interior
    self.boundaryKnots = [low, high]
    self.knots = full
    let m = full.count - order - 1  // B-spline columns without the first
    if kind == .bSpline {
      projection = []
      columnCount = m
      return
    }
    // Second derivatives of the basis at both boundary knots: C' is m x 2.
    var constraint = Matrix(rows: m, columns: 2)
    for (c, x) in [low, high].enumerated() {
      let offset = Self.cursor(full, order: order, x: x)
      for i in 0..<order {
        let value = Self.derivative(
          full, order: order, x: x, at: offset, basis: i, nder: 2)
        let column = offset.offset + i - 1
        if column >= 0, column < m { constraint[column, c] = value }
      }
    }
    let q = try constraint.completeOrthogonalFactor()
    var p = [Double](repeating: 0, count: m * (m - 2))
    for j in 0..<(m - 2) {
      for i in 0..<m { p[j * m + i] = q[i, j + 2] }
    }
    projection = p
    columnCount = m - 2
  }

  /// Fills the basis at `x` into `out`, no allocation per row.
  ///
  /// Column `j` (of ``columnCount``) goes to `out[j * stride ..< j * stride + x.count]`.
  ///
  /// Values must lie within the boundary knots (the training data always do); a value
  /// outside them, or NaN, gives NaN in every column of its row (R's `predict` would
  /// extrapolate: linearly for `ns`, by a Taylor polynomial for `bs`).
  public func fill(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutablePointer<Double>,
    stride: Int
  ) {
    let order = degree + 1
    var scratch = SplineScratch(order: order)
    let m = knots.count - order - 1
    knots.withUnsafeBufferPointer { t in
      projection.withUnsafeBufferPointer { q in
        scratch.values.withUnsafeMutableBufferPointer { b in
          scratch.left.withUnsafeMutableBufferPointer { ldel in
            scratch.right.withUnsafeMutableBufferPointer { rdel in
              let low = t[0]
              let high = t[t.count - 1]
              for i in 0..<x.count {
                // Outside the boundary knots (or NaN) the recursion would read before the
                // knots; R extrapolates there, which is not implemented: NaN, never a trap.
                guard x[i] >= low, x[i] <= high else {
                  for j in 0..<columnCount { out[j * stride + i] = .nan }
                  continue
                }
                let cursor = Self.cursor(t, order: order, x: x[i])
                Self.basisValues(
                  t, order: order, x: x[i], cursor: cursor.cursor, b: b,
                  ldel: ldel, rdel: rdel)
                let offset = cursor.cursor - order  // column of b[0] among all B-splines
                if kind == .bSpline {
                  for j in 0..<columnCount { out[j * stride + i] = 0 }
                  for r in 0..<order {
                    let column = offset + r - 1
                    if column >= 0, column < m { out[column * stride + i] = b[r] }
                  }
                } else {
                  for j in 0..<columnCount {
                    var sum = 0.0
                    for r in 0..<order {
                      let column = offset + r - 1
                      if column >= 0, column < m { sum += b[r] * q[j * m + column] }
                    }
                    out[j * stride + i] = sum
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  // MARK: R's splines.c

  /// R's `set_cursor`: the first knot index with `t[i] > x`; at the right boundary the
  /// last legitimate interval (`boundary`).
  static func cursor(_ t: some RandomAccessCollection<Double>, order: Int, x: Double) -> (
    cursor: Int, boundary: Bool, offset: Int
  ) {
    var cursor = -1
    var i = 0
    for knot in t {
      if knot >= x { cursor = i }
      if knot > x { break }
      i += 1
    }
    let lastLegit = t.count - order
    var boundary = false
    if cursor > lastLegit, x == t[t.index(t.startIndex, offsetBy: lastLegit)] {
      boundary = true
      cursor = lastLegit
    }
    return (cursor, boundary, cursor - order)
  }

  /// R's `basis_funcs`: the `order` non-zero B-splines at `x` (de Boor's recursion).
  static func basisValues(
    _ t: UnsafeBufferPointer<Double>, order: Int, x: Double, cursor: Int,
    b: UnsafeMutableBufferPointer<Double>, ldel: UnsafeMutableBufferPointer<Double>,
    rdel: UnsafeMutableBufferPointer<Double>
  ) {
    let ordm1 = order - 1
    for i in 0..<ordm1 {
      rdel[i] = t[cursor + i] - x
      ldel[i] = x - t[cursor - (i + 1)]
    }
    b[0] = 1
    if ordm1 < 1 { return }
    for j in 1...ordm1 {
      var saved = 0.0
      for r in 0..<j {
        let den = rdel[r] + ldel[j - 1 - r]
        if den != 0 {
          let term = b[r] / den
          b[r] = saved + rdel[r] * term
          saved = ldel[j - 1 - r] * term
        } else {
          if r != 0 || rdel[r] != 0 { b[r] = saved }
          saved = 0
        }
      }
      b[j] = saved
    }
  }

  /// R's `evaluate` with the coefficient vector `e_basis`: derivative `nder` of one B-spline.
  static func derivative(
    _ t: [Double], order: Int, x: Double,
    at position: (cursor: Int, boundary: Bool, offset: Int), basis: Int, nder: Int
  ) -> Double {
    let ordm1 = order - 1
    if position.boundary && nder == ordm1 { return 0 }
    var a = [Double](repeating: 0, count: order)
    a[basis] = 1
    let ti = position.cursor
    var outer = ordm1
    var remaining = nder
    while remaining > 0 {
      remaining -= 1
      for k in 0..<outer {
        let lpt = ti - outer + k
        a[k] = Double(outer) * (a[k + 1] - a[k]) / (t[lpt + outer] - t[lpt])
      }
      outer -= 1
    }
    var ldel = [Double](repeating: 0, count: order)
    var rdel = [Double](repeating: 0, count: order)
    for i in 0..<outer {
      rdel[i] = t[ti + i] - x
      ldel[i] = x - t[ti - (i + 1)]
    }
    while outer > 0 {
      outer -= 1
      var l = outer
      var r = 0
      for k in 0...outer {
        a[k] = (a[k + 1] * ldel[l] + a[k] * rdel[r]) / (rdel[r] + ldel[l])
        l -= 1
        r += 1
      }
    }
    return a[0]
  }

  /// R's `quantile(x, probs, type = 7)` at `seq(0, 1, length.out = count + 2)[-ends]`.
  static func quantiles(_ sorted: [Double], count: Int) -> [Double] {
    guard count > 0 else { return [] }
    let n = sorted.count
    let by = 1.0 / Double(count + 1)
    return (1...count).map { k in
      let p = Double(k) * by
      let index = 1 + Double(n - 1) * p
      let lo = index.rounded(.down)
      let hi = index.rounded(.up)
      let xlo = sorted[Int(lo) - 1]
      let xhi = sorted[Int(hi) - 1]
      guard index > lo, xhi != xlo else { return xlo }
      let h = index - lo
      return (1 - h) * xlo + h * xhi
    }
  }

  static func distinctCount(_ sorted: [Double]) -> Int {
    var count = 0
    var last = Double.nan
    for x in sorted where x != last {
      count += 1
      last = x
    }
    return count
  }
}

/// Work arrays of one basis evaluation, allocated once per column fill.
struct SplineScratch {
  var values: [Double]
  var left: [Double]
  var right: [Double]
  init(order: Int) {
    values = [Double](repeating: 0, count: order)
    left = [Double](repeating: 0, count: order)
    right = [Double](repeating: 0, count: order)
  }
}
