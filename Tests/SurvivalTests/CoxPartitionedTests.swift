import Foundation
import LinearAlgebra
import Survival
import Testing

/// The hand-worked data of ``CoxHandWorkedTests`` repeated `K` times: large enough (> 131,072
/// rows) that the kernel's per-row passes and the information's plus term are summed over
/// several row chunks in parallel.
///
/// With Breslow ties, `K` copies of a data set turn `d` events over a risk-set sum `S` into
/// `K d` events over `K S` at every event time, so the log-likelihood is
/// `K l(beta) - K D log K` (`D` the number of events), the score and information are `K` times
/// the originals, the estimate is unchanged and the standard errors shrink by `sqrt(K)`.
/// Concordance counts `K^2` times every original pair and no pair between copies of one row
/// (same time and status), so it is unchanged.
@Suite("Cox kernel on data large enough to be summed in parallel chunks")
struct CoxPartitionedTests {
  static let copies = 30_000

  static func replicated<T>(_ values: [T]) -> [T] {
    Array((0..<copies).map { _ in values }.joined())
  }

  @Test("right-censored: K-fold log-likelihood, score and information (Breslow)")
  func rightCensored() throws {
    let stop: [Double] = [2, 5, 2, 1, 3, 4]
    let event = [true, false, true, true, false, true]
    let xs: [Double] = [0, 0, 1, 1, 0, 1]
    let k = Double(Self.copies)
    let y = try SurvivalResponse(stop: Self.replicated(stop), event: Self.replicated(event))
    let x = try Matrix(rows: 6 * Self.copies, columns: 1, columnMajor: Self.replicated(xs))
    for beta in [0.0, log(2.0)] {
      let value = try CoxModel(ties: .breslow).likelihood(y, x: x, at: [beta])
      let (loglik, score, info) = CoxHandWorkedTests.expected(beta: beta, ties: .breslow)
      // Sums of 180,000 terms in chunks: measured at most 4.5e-13 relative; 1e-11 stays below
      // the n * eps = 4e-11 worst-case rounding bound.
      #expect(abs(value.logLikelihood / (k * loglik - k * 4 * log(k)) - 1) < 1e-11)
      #expect(abs(value.score[0] / (k * score) - 1) < 1e-11)
      #expect(abs(value.information[0, 0] / (k * info) - 1) < 1e-11)
    }
  }

  @Test("fit: same estimate, concordance and clustered robust SE as one copy, SE / sqrt(K)")
  func fitMatchesOneCopy() throws {
    let start: [Double] = [0, 0, 2, 0, 1, 0, 3, 0]
    let stop: [Double] = [2, 3, 4, 4, 5, 6, 7, 8]
    let event = [true, true, true, false, true, false, true, true]
    let xs: [Double] = [1, 0, 1, 0, 0.5, 1, -1, 2]
    let one = try CoxModel(ties: .breslow).fit(
      SurvivalResponse(start: start, stop: stop, event: event),
      x: Matrix(rows: 8, columns: 1, columnMajor: xs), termNames: ["x"],
      cluster: Array(0..<8))
    let many = try CoxModel(ties: .breslow).fit(
      SurvivalResponse(
        start: Self.replicated(start), stop: Self.replicated(stop), event: Self.replicated(event)),
      x: Matrix(rows: 8 * Self.copies, columns: 1, columnMajor: Self.replicated(xs)),
      termNames: ["x"], cluster: (0..<(8 * Self.copies)).map { $0 % 8 })
    let b1 = try #require(one.coefficients[0].estimate)
    let bK = try #require(many.coefficients[0].estimate)
    // Both fits take the same Newton steps up to rounding (measured 7e-13 apart).
    #expect(abs(bK - b1) < 1e-10)
    let se1 = try #require(one.coefficients[0].modelStandardError)
    let seK = try #require(many.coefficients[0].modelStandardError)
    #expect(abs(seK * Double(Self.copies).squareRoot() / se1 - 1) < 1e-10)
    // Clusters are the original rows, each holding its K copies: every cluster's score sum
    // is K times the row's, so the meat grows by K^2 and the bread shrinks by K each side:
    // the robust SE equals the one-copy value.
    let r1 = try #require(one.coefficients[0].robustStandardError)
    let rK = try #require(many.coefficients[0].robustStandardError)
    #expect(abs(rK / r1 - 1) < 1e-10)
    #expect(abs(many.concordance.estimate - one.concordance.estimate) < 1e-12)
  }

  /// The command-line path drops the design after sorting (`retainDesign: false`).
  ///
  /// Scores for the concordance then come from the centred sorted copy plus the means; the
  /// fit itself is the same arithmetic, so coefficients and likelihood are the same bits.
  @Test("dropping the design after the sort gives the same fit as keeping it")
  func handOver() throws {
    let stop: [Double] = [2, 5, 2, 1, 3, 4, 6, 7]
    let event = [true, false, true, true, false, true, true, false]
    let xs: [Double] = [0, 0, 1, 1, 0, 1, 0.5, 2] + [3, 1, 4, 1, 5, 9, 2, 6]
    let y = try SurvivalResponse(
      stop: Self.replicated(stop), event: Self.replicated(event))
    let n = 8 * Self.copies
    let columns = [Self.replicated(Array(xs[0..<8])), Self.replicated(Array(xs[8..<16]))]
    func fit(retain: Bool) throws -> CoxFit {
      try CoxModel().fit(
        y, x: Matrix(rows: n, columns: 2, columnMajor: columns[0] + columns[1]),
        termNames: ["a", "b"], cluster: (0..<n).map { $0 % 8 }, retainDesign: retain)
    }
    let kept = try fit(retain: true)
    let handed = try fit(retain: false)
    #expect(kept.coefficients == handed.coefficients)
    #expect(kept.logLikelihood == handed.logLikelihood)
    #expect(kept.concordance == handed.concordance)
  }

  /// A covariate constant within every stratum has a singular information at beta = 0 though
  /// `[1 | X]` has full rank: it is dropped (NA), whether the design is retained or not
  /// (the design is dropped only after this check).
  @Test("a covariate constant within strata is aliased on both paths")
  func constantWithinStrata() throws {
    let stop: [Double] = [2, 5, 2, 1, 3, 4, 6, 7]
    let event = [true, false, true, true, false, true, true, false]
    let stratum = [0, 0, 0, 0, 1, 1, 1, 1]
    let a: [Double] = [0, 1, 1, 0, 1, 0, 1, 1]
    let z = stratum.map(Double.init)
    let y = try SurvivalResponse(stop: stop, event: event)
    func fit(retain: Bool) throws -> CoxFit {
      try CoxModel().fit(
        y, x: Matrix(rows: 8, columns: 2, columnMajor: a + z), termNames: ["a", "z"],
        strata: stratum, retainDesign: retain)
    }
    for retain in [true, false] {
      let result = try fit(retain: retain)
      #expect(result.coefficients[1].estimate == nil, "retain \(retain)")
      #expect(result.coefficients[0].estimate != nil)
    }
    let reference = try CoxModel().fit(
      y, x: Matrix(rows: 8, columns: 1, columnMajor: a), termNames: ["a"], strata: stratum)
    let handed = try fit(retain: false)
    let b = try #require(handed.coefficients[0].estimate)
    #expect(abs(b - (reference.coefficients[0].estimate ?? 0)) < 1e-12)
  }
}
