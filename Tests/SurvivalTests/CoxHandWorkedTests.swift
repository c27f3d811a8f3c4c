import Foundation
import LinearAlgebra
import Survival
import Testing

/// Tiny data sets worked out by hand (R survival's book1 habit).
///
/// Right-censored, 6 rows, unsorted on purpose, one tie of two events at t = 2, two censored:
///
///     row  time status x         risk sets (x values)        events
///     r1   2    1      0         t=1: all six  {1,0,1,0,1,0}   r4 (x=1)
///     r2   5    0      0         t=2: r1 r2 r3 r5 r6 {0,0,1,0,1} r1 (x=0), r3 (x=1)
///     r3   2    1      1         t=4: r6, r2   {1,0}           r6 (x=1)
///     r4   1    1      1
///     r5   3    0      0
///     r6   4    1      1
///
/// With `r = e^beta` (risk of an x=1 row; x=0 rows have risk 1):
/// - t=1: denominator `3r + 3`, weighted x-sum `3r`; term `beta - log(3r + 3)`.
/// - t=2, Breslow: denominator `2r + 3` counted twice: `beta - 2 log(2r + 3)`; mean `2r/(2r + 3)`.
///   Efron: the tied events r1 (risk 1), r3 (risk r) enter at weights 1/2 then 1: denominators
///   `D1 = (r + 2) + (r + 1)/2` and `D2 = 2r + 3`, x-sums `a1 = r + r/2`, `a2 = 2r`.
/// - t=4: denominator `r + 1`, x-sum `r`.
/// Score = sum over events of (x - mean) and, for binary x, information = sum of mean(1 - mean).
/// At beta = 0: Breslow loglik = -log 6 - 2 log 5 - log 2, score = 1/2 + (1 - 4/5) + 1/2 = 1.2,
/// information = 1/4 + 2 (2/5)(3/5) + 1/4 = 0.98; Efron loglik = -log 6 - log 4 - log 5 - log 2,
/// score = 1/2 + (1 - 1.5/4 - 2/5) + 1/2 = 1.225, information = 1/4 + (0.375 * 0.625 + 0.4 * 0.6)
/// + 1/4 = 0.974375.
@Suite("Cox likelihood pieces worked by hand")
struct CoxHandWorkedTests {
  let y: SurvivalResponse
  let x: Matrix

  init() throws {
    y = try SurvivalResponse(
      stop: [2, 5, 2, 1, 3, 4], event: [true, false, true, true, false, true])
    x = try Matrix(rows: 6, columns: 1, columnMajor: [0, 0, 1, 1, 0, 1])
  }

  /// The closed forms above at `beta`, for both tie methods.
  static func expected(beta: Double, ties: CoxModel.Ties) -> (Double, Double, Double) {
    let r = exp(beta)
    func piece(_ a: Double, _ d: Double) -> (mean: Double, info: Double) {
      (a / d, a / d * (1 - a / d))
    }
    let t1 = piece(3 * r, 3 * r + 3)
    let t4 = piece(r, r + 1)
    var loglik = 3 * beta - log(3 * r + 3) - log(r + 1)
    var score = (1 - t1.mean) + (1 - t4.mean)
    var info = t1.info + t4.info
    switch ties {
    case .breslow:
      let t2 = piece(2 * r, 2 * r + 3)
      loglik -= 2 * log(2 * r + 3)
      score += 1 - 2 * t2.mean
      info += 2 * t2.info
    case .efron:
      let first = piece(1.5 * r, (r + 2) + (r + 1) / 2)
      let second = piece(2 * r, 2 * r + 3)
      loglik -= log((r + 2) + (r + 1) / 2) + log(2 * r + 3)
      score += 1 - first.mean - second.mean
      info += first.info + second.info
    }
    return (loglik, score, info)
  }

  @Test(
    "log-likelihood, score and information at beta = 0 and beta = log 2",
    arguments: [
      (CoxModel.Ties.breslow, 0.0), (.breslow, log(2.0)), (.efron, 0.0), (.efron, log(2.0)),
    ])
  func pieces(ties: CoxModel.Ties, beta: Double) throws {
    let value = try CoxModel(ties: ties).likelihood(y, x: x, at: [beta])
    let (loglik, score, info) = Self.expected(beta: beta, ties: ties)
    #expect(abs(value.logLikelihood - loglik) < 1e-12)
    #expect(abs(value.score[0] - score) < 1e-12)
    #expect(abs(value.information[0, 0] - info) < 1e-12)
  }

  @Test("the beta = 0 numbers quoted in the comment")
  func quotedNumbers() {
    let breslow = Self.expected(beta: 0, ties: .breslow)
    #expect(abs(breslow.0 - (-log(6) - 2 * log(5) - log(2))) < 1e-12)
    #expect(abs(breslow.1 - 1.2) < 1e-12 && abs(breslow.2 - 0.98) < 1e-12)
    let efron = Self.expected(beta: 0, ties: .efron)
    #expect(abs(efron.0 - (-log(6) - log(4) - log(5) - log(2))) < 1e-12)
    #expect(abs(efron.1 - 1.225) < 1e-12 && abs(efron.2 - 0.974375) < 1e-12)
  }

  /// Counting-process rows where one row starts exactly at an event time.
  ///
  /// A (0,2] event x=1; B (0,3] event x=0; C (2,4] event x=1; D (0,4] censored
  /// x=0. C starts at the event time 2, so it is NOT at risk then. At beta = 0 (Breslow = Efron,
  /// no ties): t=2 risk {A,B,D}, mean 1/3; t=3 risk {B,C,D}, mean 1/3; t=4 risk {C,D}, mean 1/2.
  /// loglik = -2 log 3 - log 2, score = 2/3 - 1/3 + 1/2 = 5/6, information = 2/9 + 2/9 + 1/4.
  /// Counting C at risk at t=2 (statsmodels' mistake) would give score 1/2 + ... = 2/3 instead.
  @Test("a row starting at an event time is not at risk at that time")
  func entryAtEventTime() throws {
    let y = try SurvivalResponse(
      start: [0, 0, 2, 0], stop: [2, 3, 4, 4], event: [true, true, true, false])
    let x = try Matrix(rows: 4, columns: 1, columnMajor: [1, 0, 1, 0])
    for ties in CoxModel.Ties.allCases {
      let value = try CoxModel(ties: ties).likelihood(y, x: x, at: [0])
      #expect(abs(value.logLikelihood - (-2 * log(3) - log(2))) < 1e-12)
      #expect(abs(value.score[0] - 5.0 / 6.0) < 1e-12)
      #expect(abs(value.information[0, 0] - (4.0 / 9.0 + 0.25)) < 1e-12)
    }
  }

  @Test("status codings 0/1, 1/2 and TRUE/FALSE, and a bad code")
  func statusCodes() throws {
    #expect(try SurvivalResponse.normalizeStatus([0, 1, 1]) == [false, true, true])
    #expect(try SurvivalResponse.normalizeStatus([1, 2, 2]) == [false, true, true])
    #expect(try SurvivalResponse.normalizeStatus(["TRUE", "false", "T"]) == [true, false, true])
    #expect(throws: SurvivalError.unrecognizedStatus(row: 2, text: "3.0")) {
      try SurvivalResponse.normalizeStatus([0, 1, 3])
    }
  }

  @Test("collinear column is NA with a diagnostic, never a crash")
  func aliased() throws {
    let doubled = try Matrix(
      rows: 6, columns: 2, columnMajor: [0, 0, 1, 1, 0, 1, 0, 0, 2, 2, 0, 2])
    let fit = try CoxModel().fit(y, x: doubled, termNames: ["x", "x2"])
    #expect(fit.coefficients[1].estimate == nil)
    #expect(fit.diagnostics.contains(.aliased(term: "x2")))
  }
}
