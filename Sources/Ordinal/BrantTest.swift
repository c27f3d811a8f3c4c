import Distributions
import LinearAlgebra

/// The result of checking the proportional-odds assumption.
public enum ProportionalOddsCheck: Sendable, Equatable {
  case brant(BrantTest)
  /// Why no test is given (e.g. a binary split is separated, or the link is probit).
  case notComputed(reason: String)
}

/// Brant's (1990) Wald test of proportional odds.
///
/// For each threshold `j = 1..J-1` the binary logit `logit P(Y > j) = a_j + x'b_j` is fitted
/// (same weights). Under proportional odds all `b_j` are equal. With `pi_j` the fitted
/// `P(Y > j)`, `X1 = [1, X]`, `W_j = diag(w pi_j (1 - pi_j))` and, for `m < l`,
/// `W_ml = diag(w (pi_l - pi_m pi_l))`, the covariance of the stacked estimates is
/// `Var(b_m, b_l) = (X1'W_m X1)^-1 X1'W_ml X1 (X1'W_l X1)^-1` (slope block). The statistic
/// is `(D b)' (D V D')^-1 (D b)` with `D b = (b_1 - b_2, ..., b_1 - b_{J-1})`, chi-square on
/// `p (J - 2)` df; each term's test uses its rows of `D b`, on `(columns) (J - 2)` df. This is
/// the computation of R's `brant` package (Schlegel & Steenbergen), written out in
/// Tests/Reference/ordinal.R because that package is not in Debian.
///
/// Not computed when a binary fit does not converge (a separated split, e.g. a category with
/// 3 rows whose covariate values all agree) or its information is numerically singular
/// (reciprocal condition below machine epsilon, where R's `solve` refuses).
public struct BrantTest: Sendable, Equatable {
  /// One term's test.
  public struct TermTest: Sendable, Equatable {
    public var term: String
    public var statistic: Double
    public var degreesOfFreedom: Int
    public var pValue: Double
  }

  /// The omnibus statistic over every covariate.
  public var statistic: Double
  public var degreesOfFreedom: Int
  public var pValue: Double
  public var terms: [TermTest]

  static func compute(_ data: OrdinalData, model: CumulativeLinkModel) -> ProportionalOddsCheck {
    do {
      return try brant(data, model: model)
    } catch let error as BrantFailure {
      return .notComputed(reason: error.reason)
    } catch {
      return .notComputed(reason: "linear algebra failed: \(error)")
    }
  }

  struct BrantFailure: Error { var reason: String }

  // The work of `compute`; throws BrantFailure with a reason in the data's terms.
  // swiftlint-like length is acceptable here: it is one formula, written once.
  static func brant(_ data: OrdinalData, model: CumulativeLinkModel) throws -> ProportionalOddsCheck
  {
    let (n, p, splits) = (data.rowCount, data.covariates.columns, data.levels.count - 1)
    guard splits >= 2 else { throw BrantFailure(reason: "fewer than 3 categories") }
    var x1Values = [Double](repeating: 1, count: n)
    x1Values.append(contentsOf: data.covariates.storage)
    let x1 = try Matrix(rows: n, columns: p + 1, columnMajor: x1Values)
    // 25 iterations, glm's default maxit: a converging binary logit needs fewer than 10, and a
    // separated split would only move its estimates further out.
    let binary = CumulativeLinkModel(
      link: .logit, maxIterations: 25, tolerance: 1e-10, clusterRobust: false,
      proportionalOddsTest: false)
    var slopes: [[Double]] = []
    var fitted: [[Double]] = []
    var inverses: [Matrix] = []
    for j in 0..<splits {
      let split = OrdinalData(
        covariates: data.covariates, covariateNames: data.covariateNames,
        response: data.response.map { $0 > j ? 1 : 0 }, levels: ["0", "1"],
        weights: data.weights)
      let likelihood = OrdinalLikelihood(data: split, link: .logit)
      let above = data.response.filter { $0 > j }.count
      let label =
        "Y > \(data.levels[j]) (\(data.rowCount - above) rows at or below, \(above) above)"
      guard let result = try? binary.newton(likelihood), result.converged else {
        throw BrantFailure(
          reason: "the binary logit of \(label) does not converge: a separated split; "
            + "merging sparse levels would allow the test")
      }
      // P(Y > j) = 1 - F(zeta - x'b): slopes b, intercept -zeta.
      let beta = Array(result.theta[0..<p])
      let eta = try likelihood.linearPredictors(beta)
      let pi = eta.map { binary.link.survival(result.theta[p] - $0) }
      let information = try weightedCross(
        x1, pi.enumerated().map { i, v in (data.weights?[i] ?? 1) * v * (1 - v) })
      guard let factor = try? Cholesky(information),
        (try? factor.reciprocalCondition(of: information)).map({ $0 >= 2.220446e-16 }) == true
      else {
        throw BrantFailure(
          reason: "the binary logit of \(label) has a singular information matrix "
            + "(fitted probabilities 0 or 1: a separated split)")
      }
      slopes.append(beta)
      fitted.append(pi)
      inverses.append(try factor.inverse())
    }
    // Covariance of the stacked slopes (b_1, ..., b_{J-1}).
    let size = p * splits
    var v = Matrix(rows: size, columns: size)
    for a in 0..<splits {
      for b in a..<splits {
        let weights = (0..<n).map { i in
          (data.weights?[i] ?? 1) * (fitted[b][i] - fitted[a][i] * fitted[b][i])
        }
        let block = try BLAS.gemm(
          try BLAS.gemm(inverses[a], try weightedCross(x1, weights)), inverses[b])
        for r in 0..<p {
          for c in 0..<p {
            v[a * p + r, b * p + c] = block[r + 1, c + 1]
            v[b * p + c, a * p + r] = block[r + 1, c + 1]
          }
        }
      }
    }
    let rows = p * (splits - 1)
    var d = Matrix(rows: rows, columns: size)
    for a in 0..<(splits - 1) {
      for r in 0..<p {
        d[a * p + r, r] = 1
        d[a * p + r, (a + 1) * p + r] = -1
      }
    }
    let differences = try BLAS.gemv(d, slopes.flatMap { $0 })
    let dvd = try BLAS.gemm(try BLAS.gemm(d, v), d, transposeB: true).symmetrized()
    func quadratic(_ indices: [Int]) throws -> Double {
      var sub = Matrix(rows: indices.count, columns: indices.count)
      for (r, i) in indices.enumerated() {
        for (c, j) in indices.enumerated() { sub[r, c] = dvd[i, j] }
      }
      let vector = indices.map { differences[$0] }
      guard let factor = try? Cholesky(sub) else {
        throw BrantFailure(reason: "the covariance of the slope differences is singular")
      }
      let solved = try factor.solve(vector)
      let row = try Matrix(rows: 1, columns: vector.count, columnMajor: vector)
      return try BLAS.gemv(row, solved)[0]
    }
    let statistic = try quadratic(Array(0..<rows))
    var terms: [TermTest] = []
    for group in data.termGroups {
      let indices = (0..<(splits - 1)).flatMap { a in group.columns.map { a * p + $0 } }
      let s = try quadratic(indices)
      terms.append(
        TermTest(
          term: group.name, statistic: s, degreesOfFreedom: indices.count,
          pValue: ChiSquared.survival(s, degreesOfFreedom: Double(indices.count))))
    }
    return .brant(
      BrantTest(
        statistic: statistic, degreesOfFreedom: rows,
        pValue: ChiSquared.survival(statistic, degreesOfFreedom: Double(rows)), terms: terms))
  }

  /// `X' diag(w) X` with BLAS (`dgemm`).
  static func weightedCross(_ x: Matrix, _ w: [Double]) throws -> Matrix {
    var scaled = x
    for j in 0..<x.columns {
      for i in 0..<x.rows { scaled.storage[i + j * x.rows] *= w[i] }
    }
    return try BLAS.gemm(x, scaled, transposeA: true).symmetrized()
  }
}
