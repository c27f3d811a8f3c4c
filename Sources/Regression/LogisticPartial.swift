import Formula
import Foundation
import LinearAlgebra
import Partials

/// The IRLS statistics of one partition at one estimate: what a distributed logistic fit
/// adds across partitions each iteration.
///
/// At `beta` (or R's start `mu = (y + 0.5) / 2`): the deviance, the system `X'WX` (upper
/// triangle) and `X'Wz` of the next IRLS step, the rows and events, the rows whose fitted
/// probability is within `10 DBL_EPSILON` of 0 or 1, and, in the start pass only (`beta`
/// nil; zeros later), each column's largest absolute value (for the separation check). Every sum is an ``ExactSum``, so the merged statistics
/// are the same bits whatever the partitioning order. `O(p^2)` numbers, never `O(rows)`.
public struct IRLSStatistics: PartialStatistics, Equatable {
  public private(set) var header: PartialHeader
  /// Design column names (the same in every partition: the levels were agreed).
  public private(set) var columns: [String]
  public private(set) var rows: Int
  public private(set) var events: ExactSum
  public private(set) var extreme: Int
  public private(set) var columnMax: [Double]
  public private(set) var deviance: ExactSum
  /// `X'WX`, upper triangle row by row.
  public private(set) var information: [ExactSum]
  /// `X'Wz`.
  public private(set) var crossResponse: [ExactSum]

  /// Statistics of the rows of `design` at `beta` (`nil`: the start); `design` `nil` for a
  /// partition without usable rows.
  public init(
    header: PartialHeader, columns: [String], design: DesignMatrix?, beta: [Double]?
  ) throws {
    self.header = header
    self.columns = columns
    let p = columns.count
    rows = 0
    events = ExactSum()
    extreme = 0
    columnMax = [Double](repeating: 0, count: p)
    deviance = ExactSum()
    information = [ExactSum](repeating: ExactSum(), count: p * (p + 1) / 2)
    crossResponse = [ExactSum](repeating: ExactSum(), count: p)
    guard let design, design.rowCount > 0 else { return }
    guard design.columnNames == columns else {
      throw PartialsError.mismatch(
        source: design.source,
        reason: "its design has columns \(design.columnNames), the state \(columns)")
    }
    guard let y = design.response else { throw RegressionError.missingResponse }
    if let bad = y.firstIndex(where: { $0 != 0 && $0 != 1 }) {
      throw RegressionError.responseNotBinary(
        source: design.source, line: Int(design.lineNumbers[bad]), value: y[bad])
    }
    let n = design.rowCount
    var irls = try IRLS(
      x: design.values, rows: n, columns: p, y: y, offset: design.offset, mustart: nil,
      maxIterations: 1, tolerance: 0)
    let (dev, system) = try irls.evaluate(at: beta)
    rows = n
    events = ExactSum([y.reduce(0, +)])
    let eps = 10 * Double.ulpOfOne
    extreme = irls.mu.reduce(0) { $0 + (($1 > 1 - eps || $1 < eps) ? 1 : 0) }
    // A property of X, not of beta: computed in the start pass only (zeros after it).
    if beta == nil {
      for j in 0..<p {
        columnMax[j] = design.values[(j * n)..<((j + 1) * n)].reduce(0) { max($0, abs($1)) }
      }
    }
    deviance = ExactSum([dev])
    let xtwx = system.crossProduct()
    var k = 0
    for i in 0..<p {
      for j in i..<p {
        information[k] = ExactSum([xtwx[i, j]])
        k += 1
      }
    }
    crossResponse = system.crossResponse().map { ExactSum([$0]) }
  }

  public mutating func merge(_ other: IRLSStatistics) throws(PartialsError) {
    try header.merge(other.header, source: other.header.partitions.joined(separator: ","))
    // A partition without usable rows, before the first pass has named the columns, adds
    // nothing but its name.
    if other.rows == 0, other.columns.isEmpty { return }
    if rows == 0, columns.isEmpty {
      let partitions = header.partitions
      self = other
      header.partitions = partitions
      return
    }
    guard other.columns == columns else {
      throw .mismatch(source: "", reason: "columns \(other.columns) beside \(columns)")
    }
    rows += other.rows
    events.merge(other.events)
    extreme += other.extreme
    for j in columnMax.indices { columnMax[j] = max(columnMax[j], other.columnMax[j]) }
    deviance.merge(other.deviance)
    for k in information.indices { information[k].merge(other.information[k]) }
    for k in crossResponse.indices { crossResponse[k].merge(other.crossResponse[k]) }
  }

  /// The merged `X'WX` as a symmetric matrix.
  public var informationMatrix: Matrix {
    Matrix.symmetric(upperRows: information.map(\.value), order: columns.count)
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("columns", columns)
    d.append("rows", [String(rows)])
    d.append("events", sum: events)
    d.append("extreme", [String(extreme)])
    d.append("column-max", numbers: columnMax)
    d.append("deviance", sum: deviance)
    let p = columns.count
    var k = 0
    for i in 0..<p {
      for j in i..<p {
        d.append("xtwx", [String(i), String(j)], sum: information[k])
        k += 1
      }
    }
    for j in 0..<p { d.append("xtwz", [String(j)], sum: crossResponse[j]) }
    return d
  }

  public init(document d: PartialDocument) throws(PartialsError) {
    header = try PartialHeader(document: d)
    columns = try d.one("columns")
    let p = columns.count
    rows = try d.integer("rows")
    events = try d.sum(d.one("events"), key: "events")
    extreme = try d.integer("extreme")
    columnMax = try d.numbers(d.one("column-max"), key: "column-max")
    deviance = try d.sum(d.one("deviance"), key: "deviance")
    let xtwx = d.all("xtwx")
    let xtwz = d.all("xtwz")
    guard xtwx.count == p * (p + 1) / 2, xtwz.count == p, columnMax.count == p else {
      throw .malformed(source: d.source, line: 0, reason: "incomplete IRLS statistics")
    }
    var information: [ExactSum] = []
    for fields in xtwx { information.append(try d.sum(fields.dropFirst(2), key: "xtwx")) }
    self.information = information
    var crossResponse: [ExactSum] = []
    for fields in xtwz { crossResponse.append(try d.sum(fields.dropFirst(1), key: "xtwz")) }
    self.crossResponse = crossResponse
  }
}

extension ClusterMeat {
  /// The robust pass of a distributed logistic fit on one partition: per cluster the score
  /// sum `U_g = sum_i x_i w_i (y_i - mu_i) / mu.eta_i` with `mu` at the final `beta` and `w`
  /// the working weights of the last system solved (at `systemBeta`, or the start's `3/16`
  /// when `nil`), as sandwich's `estfun.glm`; returns `sum_g U_g U_g'`.
  public static func logistic(
    header: PartialHeader, design: DesignMatrix?, beta: [Double], systemBeta: [Double]?
  ) throws -> ClusterMeat {
    let p = beta.count
    guard let design, design.rowCount > 0 else {
      return ClusterMeat(
        header: header, clusters: 0, order: p, matrix: [Double](repeating: 0, count: p * p))
    }
    guard let clusters = design.clusters else { throw RegressionError.noClusters }
    guard let y = design.response else { throw RegressionError.missingResponse }
    let n = design.rowCount
    let x = try Matrix(rows: n, columns: p, columnMajor: design.values)
    let eta = try BLAS.gemv(x, beta, transpose: false)
    let systemEta = try systemBeta.map { try BLAS.gemv(x, $0, transpose: false) }
    var factor = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let offset = design.offset?[i] ?? 0
      let e = eta[i] + offset
      let mu = Logit.inverse(e)
      let muEta = Logit.derivative(eta: e, mu: mu)
      let w: Double
      if let systemEta {
        let es = systemEta[i] + offset
        w = Logit.working(eta: es, mu: Logit.inverse(es)).weight
      } else {
        w = IRLS.startingWeight
      }
      factor[i] = (y[i] - mu) / muEta * w
    }
    let meat = try ClusterRobust.meat(
      x: design, kept: Array(0..<p), scoreFactor: factor, clusters: clusters)
    return ClusterMeat(header: header, clusters: clusters.count, order: p, matrix: meat.storage)
  }
}
