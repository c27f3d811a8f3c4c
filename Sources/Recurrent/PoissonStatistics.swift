import Distributions
import Formula
import Foundation
import LinearAlgebra
import Partials

/// The IRLS statistics of one partition of a per-patient counts layout at one Poisson
/// estimate: what a distributed `recurrent --model poisson` fit adds across partitions.
///
/// At `beta` (or R's start `mu = y + 0.1`): the deviance `2 sum [y log(y / mu) - (y - mu)]`,
/// the system `X'WX` (upper triangle) and `X'Wz` of the next IRLS step (log link: `w = mu`,
/// `z = eta - offset + (y - mu) / mu`), and the sums that do not depend on `beta`: patients
/// `n`, events `Y = sum y`, nights, exposure `E = sum exp(offset)`, `A = sum_{y > 0} y (log y -
/// offset)`, `sum_{y > 0} y log y` and `sum log y!`. From these the solver runs the
/// intercept-only chain of R's null deviance (`glm.fit` on the intercept with the offset) and
/// the log-likelihood without another pass. Every sum is an ``ExactSum``: the merged
/// statistics are the same bits in any partitioning order. `O(p^2)` numbers, never `O(rows)`.
public struct PoissonStatistics: PartialStatistics, Equatable {
  public private(set) var header: PartialHeader
  /// Design column names (the same in every partition: the levels were agreed).
  public private(set) var columns: [String]
  /// Rows (patients) used.
  public private(set) var rows: Int
  public private(set) var events: ExactSum
  public private(set) var nights: ExactSum
  public private(set) var exposure: ExactSum
  /// `sum_{y > 0} y (log y - offset)`.
  public private(set) var yLogRate: ExactSum
  /// `sum_{y > 0} y log y`.
  public private(set) var yLogY: ExactSum
  /// `sum log(y!)`.
  public private(set) var logFactorial: ExactSum
  public private(set) var deviance: ExactSum
  /// `X'WX`, upper triangle row by row.
  public private(set) var information: [ExactSum]
  /// `X'Wz`.
  public private(set) var crossResponse: [ExactSum]

  /// Statistics of the rows of `design` (a counts design with `offset(log(nights))`) at
  /// `beta` (`nil`: the start); `design` `nil` for a partition without usable rows.
  /// - Throws: ``PartialsError/mismatch(source:reason:)`` when the design's columns are not
  ///   the state's; ``RecurrentError`` for a response that is not a count.
  public init(
    header: PartialHeader, columns: [String], design: DesignMatrix?, beta: [Double]?
  ) throws {
    self.header = header
    self.columns = columns
    let p = columns.count
    rows = 0
    events = ExactSum()
    nights = ExactSum()
    exposure = ExactSum()
    yLogRate = ExactSum()
    yLogY = ExactSum()
    logFactorial = ExactSum()
    deviance = ExactSum()
    information = [ExactSum](repeating: ExactSum(), count: p * (p + 1) / 2)
    crossResponse = [ExactSum](repeating: ExactSum(), count: p)
    guard let design, design.rowCount > 0 else { return }
    guard design.columnNames == columns else {
      throw PartialsError.mismatch(
        source: design.source,
        reason: "its design has columns \(design.columnNames), the state \(columns)")
    }
    guard let y = design.response else { throw RecurrentError.fit("poisson needs a count") }
    if let bad = y.firstIndex(where: { !($0 >= 0) || $0.rounded() != $0 }) {
      throw RecurrentError.fit(
        "\(design.source): line \(design.lineNumbers[bad]): count \(y[bad]) is not a "
          + "non-negative whole number")
    }
    let n = design.rowCount
    let offset = design.offset ?? [Double](repeating: 0, count: n)
    let x = try Matrix(rows: n, columns: p, columnMajor: design.values)
    let (eta, mu) =
      try beta.map { try LogLinkIRLS.predict(x: x, beta: $0, offset: offset) }
      ?? LogLinkIRLS.start(y: y, family: .poisson)
    let system = try LogLinkIRLS.system(
      x: x, y: y, offset: offset, eta: eta, mu: mu, family: .poisson)
    rows = n
    var sums = (y: 0.0, exposure: 0.0, rate: 0.0, yLogY: 0.0, factorial: 0.0)
    for i in 0..<n {
      sums.y += y[i]
      sums.exposure += exp(offset[i])
      sums.factorial += SpecialFunctions.logGamma(y[i] + 1)
      if y[i] > 0 {
        sums.rate += y[i] * (log(y[i]) - offset[i])
        sums.yLogY += y[i] * log(y[i])
      }
    }
    events = ExactSum([sums.y])
    exposure = ExactSum([sums.exposure])
    yLogRate = ExactSum([sums.rate])
    yLogY = ExactSum([sums.yLogY])
    logFactorial = ExactSum([sums.factorial])
    // Nights are whole numbers: `exp(log(nights))` rounded recovers each exactly.
    nights = ExactSum([offset.reduce(0) { $0 + exp($1).rounded() }])
    deviance = ExactSum([CountFamily.poisson.deviance(y, mu)])
    var k = 0
    for i in 0..<p {
      for j in i..<p {
        information[k] = ExactSum([system.crossProduct[i, j]])
        k += 1
      }
    }
    crossResponse = system.crossResponse.map { ExactSum([$0]) }
  }

  public mutating func merge(_ other: PoissonStatistics) throws(PartialsError) {
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
    for (mine, theirs) in [
      (\PoissonStatistics.events, other.events), (\.nights, other.nights),
      (\.exposure, other.exposure), (\.yLogRate, other.yLogRate), (\.yLogY, other.yLogY),
      (\.logFactorial, other.logFactorial), (\.deviance, other.deviance),
    ] as [(WritableKeyPath<PoissonStatistics, ExactSum>, ExactSum)] {
      self[keyPath: mine].merge(theirs)
    }
    for k in information.indices { information[k].merge(other.information[k]) }
    for k in crossResponse.indices { crossResponse[k].merge(other.crossResponse[k]) }
  }

  /// The merged `X'WX` as a symmetric matrix.
  public var informationMatrix: Matrix {
    Matrix.symmetric(upperRows: information.map(\.value), order: columns.count)
  }

  static let scalarKeys = [
    "events", "nights", "exposure", "y-log-rate", "y-log-y", "log-factorial", "deviance",
  ]

  var scalars: [ExactSum] {
    [events, nights, exposure, yLogRate, yLogY, logFactorial, deviance]
  }

  public var document: PartialDocument {
    var d = PartialDocument(kind: .statistics)
    header.write(to: &d)
    d.append("columns", columns)
    d.append("rows", [String(rows)])
    for (key, sum) in zip(Self.scalarKeys, scalars) { d.append(key, sum: sum) }
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
    var values: [ExactSum] = []
    for key in Self.scalarKeys { values.append(try d.sum(d.one(key), key: key)) }
    (events, nights, exposure, yLogRate) = (values[0], values[1], values[2], values[3])
    (yLogY, logFactorial, deviance) = (values[4], values[5], values[6])
    let xtwx = d.all("xtwx")
    let xtwz = d.all("xtwz")
    guard xtwx.count == p * (p + 1) / 2, xtwz.count == p else {
      throw .malformed(source: d.source, line: 0, reason: "incomplete Poisson statistics")
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
  /// The robust pass of a distributed Poisson fit on one partition: per cluster (each
  /// patient's row, or the design's cluster) the score sum `U_g = sum_i x_i w_i (y_i - mu_i) /
  /// mu_i` with `mu` at the final `beta` and `w = mu` at `systemBeta` (the start's `y + 0.1`
  /// when `nil`), as sandwich's `estfun.glm`; returns `sum_g U_g U_g'`.
  public static func poisson(
    header: PartialHeader, design: DesignMatrix?, beta: [Double], systemBeta: [Double]?
  ) throws -> ClusterMeat {
    let p = beta.count
    guard let design, design.rowCount > 0, let y = design.response else {
      return ClusterMeat(
        header: header, clusters: 0, order: p, matrix: [Double](repeating: 0, count: p * p))
    }
    let n = design.rowCount
    let offset = design.offset ?? [Double](repeating: 0, count: n)
    let x = try Matrix(rows: n, columns: p, columnMajor: design.values)
    let mu = try LogLinkIRLS.predict(x: x, beta: beta, offset: offset).mu
    // The working weights `mu^2 / V(mu)` of the last system solved.
    let weights =
      (try systemBeta.map { try LogLinkIRLS.predict(x: x, beta: $0, offset: offset).mu }
      ?? LogLinkIRLS.start(y: y, family: .poisson).mu).map {
        $0 * $0 / CountFamily.poisson.variance($0)
      }
    let codes = design.clusters.map { $0.codes.map(Int.init) } ?? Array(0..<n)
    let g = design.clusters?.count ?? n
    var sums = Matrix(rows: g, columns: p)
    for i in 0..<n {
      let u = weights[i] * (y[i] - mu[i]) / mu[i]
      for j in 0..<p { sums.storage[codes[i] + j * g] += u * x.storage[i + j * n] }
    }
    let meat = try BLAS.syrk(sums)
    return ClusterMeat(header: header, clusters: g, order: p, matrix: meat.storage)
  }
}
