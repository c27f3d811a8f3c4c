import CrampData
import Formula
import Foundation
import Testing

@testable import Regression

/// A 2x2 table worked by hand.
///
/// |           | y = 1 | y = 0 |
/// |-----------|-------|-------|
/// | x = 1     | a = 6 | b = 2 |
/// | x = 0     | c = 3 | d = 9 |
///
/// The saturated logistic model has closed-form MLE: intercept `log(c/d) = log(1/3)`, slope
/// the log odds ratio `log(ad/bc) = log(9)`, slope SE `sqrt(1/a + 1/b + 1/c + 1/d)`,
/// intercept SE `sqrt(1/c + 1/d)`.
private func twoByTwo() -> Table {
  let x: [Double] = Array(repeating: 1, count: 8) + Array(repeating: 0, count: 12)
  let y: [Double] =
    Array(repeating: 1, count: 6) + Array(repeating: 0, count: 2) + Array(repeating: 1, count: 3)
    + Array(repeating: 0, count: 9)
  let none = [Bool](repeating: false, count: 20)
  return Table(
    source: "two_by_two.csv",
    columns: [
      Column(name: "x", type: .boolean, numbers: x, missing: none),
      Column(name: "y", type: .boolean, numbers: y, missing: none),
      Column(
        name: "z", type: .double, numbers: (0..<20).map { Double($0 % 3) + 0.5 }, missing: none),
    ],
    lineNumbers: (0..<20).map { Int32($0 + 2) })
}

@Suite("Logistic regression, hand-worked")
struct LogisticHandWorkedTests {
  @Test("2x2 table: log odds ratio and Woolf standard error")
  func twoByTwoTable() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ x"), table: twoByTwo())
    let fit = try LogisticModel().fit(design)
    let intercept = try #require(fit.coefficients[0].estimate)
    let slope = try #require(fit.coefficients[1].estimate)
    #expect(abs(intercept - log(1.0 / 3)) < 1e-9)
    #expect(abs(slope - log(9.0)) < 1e-9)
    // SEs come from the weights of the last solved system, one step before the estimate, as
    // summary.glm's do; after convergence at 1e-8 that is ~1e-6 from the closed form here.
    #expect(
      abs(
        (fit.coefficients[1].standardError ?? 0)
          - (1.0 / 6 + 1.0 / 2 + 1.0 / 3 + 1.0 / 9).squareRoot()) < 1e-5)
    #expect(abs((fit.coefficients[0].standardError ?? 0) - (1.0 / 3 + 1.0 / 9).squareRoot()) < 1e-5)
    #expect(abs((fit.coefficients[1].expEstimate ?? 0) - 9) < 1e-8)
    // Saturated in x: deviance = -2 sum y log p + (1-y) log(1-p) with p = 6/8 and 3/12.
    let deviance = -2 * (6 * log(0.75) + 2 * log(0.25) + 3 * log(0.25) + 9 * log(0.75))
    #expect(abs(fit.deviance - deviance) < 1e-9)
    #expect(abs(fit.aic - (deviance + 4)) < 1e-9)
    #expect(fit.converged && fit.diagnostics.isEmpty)
  }

  @Test("response outside {0, 1} names the line")
  func nonBinaryResponse() throws {
    let design = try DesignMatrix.build(Formula.parse("z ~ x"), table: twoByTwo())
    #expect(
      throws: RegressionError.responseNotBinary(source: "two_by_two.csv", line: 2, value: 0.5)
    ) {
      try LogisticModel().fit(design)
    }
  }

  @Test("cluster-robust without clusters is an error; Surv response has no logistic fit")
  func errors() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ x"), table: twoByTwo())
    #expect(throws: RegressionError.noClusters) {
      try LogisticModel().fit(design, variance: .clusterRobust)
    }
    let survival = try DesignMatrix.build(Formula.parse("Surv(z, y) ~ x"), table: twoByTwo())
    #expect(throws: RegressionError.missingResponse) { try LogisticModel().fit(survival) }
  }

  @Test("a constant column is aliased with the intercept and reported NA")
  func constantColumn() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ x + I(x * 0 + 1)"), table: twoByTwo())
    let fit = try LogisticModel().fit(design)
    #expect(fit.coefficients.map(\.term) == ["(Intercept)", "x", "I(x * 0 + 1)"])
    #expect(fit.coefficients[2].estimate == nil && fit.coefficients[2].pValue == nil)
    #expect(fit.diagnostics == [.aliased(term: "I(x * 0 + 1)")])
    #expect(fit.rank == 2 && fit.dfResidual == 18)
  }

  @Test("the fit is Codable (JSON round trip with NA as null)")
  func codable() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ x + I(x * 0 + 1)"), table: twoByTwo())
    let fit = try LogisticModel().fit(design)
    let data = try JSONEncoder().encode(fit)
    #expect(try JSONDecoder().decode(LogisticFit.self, from: data) == fit)
  }
}

@Suite("Logistic regression, intercept only")
struct InterceptOnlyTests {
  @Test("y ~ 1: intercept = logit(mean y), no LR test, JSON encodable")
  func interceptOnly() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ 1"), table: twoByTwo())
    let fit = try LogisticModel().fit(design)
    #expect(abs((fit.coefficients[0].estimate ?? 0) - log(9.0 / 11)) < 1e-9)
    #expect(fit.likelihoodRatio == nil)
    #expect(abs(fit.deviance - fit.nullDeviance) < 1e-9)
    _ = try JSONEncoder().encode(fit)
  }
}

@Suite("Sorting fitted values")
struct FittedValueSortTests {
  @Test("radix sort of probabilities equals sorted(), ties and extremes included")
  func radixMatchesSorted() {
    var generator = SystemRandomNumberGenerator()
    var values = (0..<50_000).map { _ in Double.random(in: 0..<1, using: &generator) }
    values += [0, 1, Double.leastNonzeroMagnitude, 2.220446049250313e-16, 0.5, 0.5, 0.5]
    values += (0..<5000).map { Double($0 % 7) / 7 }
    #expect(Discrimination.sortedAscending(values) == values.sorted())
    #expect(Discrimination.sortedAscending([3, -1, 2]) == [-1, 2, 3])
    let merged = Discrimination.merged([1, 3, 5], [2, 3, 4, 9])
    #expect(merged == [1, 2, 3, 3, 4, 5, 9])
    let pairs: [([Double], [Double])] = [
      ([1, 3, 5], [2, 3, 4, 9]), ([], [1, 2]), ([1, 2], []), ([5, 6, 7], [1, 2]),
      ([1, 1, 1], [1, 1]),
    ]
    for (a, b) in pairs {
      let all = Discrimination.merged(a, b)
      for k in all.indices { #expect(Discrimination.orderStatistic(k, of: a, b) == all[k]) }
    }
  }
}

/// The 2x2 table of ``twoByTwo()`` repeated `copies` times (with patient ids for clusters).
private func replicatedTwoByTwo(copies: Int) -> Table {
  let base = twoByTwo()
  let x = base.columns[0].numbers
  let y = base.columns[1].numbers
  let n = x.count * copies
  let none = [Bool](repeating: false, count: n)
  return Table(
    source: "two_by_two_x\(copies).csv",
    columns: [
      Column(
        name: "x", type: .boolean, numbers: Array((0..<copies).map { _ in x }.joined()),
        missing: none),
      Column(
        name: "y", type: .boolean, numbers: Array((0..<copies).map { _ in y }.joined()),
        missing: none),
      Column(name: "id", type: .integer, numbers: (0..<n).map { Double($0 / 20) }, missing: none),
    ],
    lineNumbers: (0..<n).map { Int32($0 + 2) })
}

@Suite("Logistic regression on data large enough to be summed in parallel chunks")
struct LogisticPartitionedTests {
  /// 10,000 copies of the 2x2 table: 200,000 rows, three row chunks in the IRLS sweep.
  ///
  /// The MLE is the closed form of one copy; the standard errors shrink by sqrt(10,000). SEs use
  /// the weights one step before the estimate (as summary.glm), about 1e-6 relative from the
  /// closed form here, hence 1e-5.
  @Test("replicated 2x2 table: same closed-form estimates, SE / 100")
  func replicated() throws {
    let design = try DesignMatrix.build(
      Formula.parse("y ~ x"), table: replicatedTwoByTwo(copies: 10_000),
      options: DesignOptions(cluster: "id"))
    #expect(design.rowCount == 200_000)
    let fit = try LogisticModel().fit(design)
    let slope = try #require(fit.coefficients[1].estimate)
    // Converged estimates: measured within 6e-12 of the closed form.
    #expect(abs((fit.coefficients[0].estimate ?? 0) - log(1.0 / 3)) < 1e-10)
    #expect(abs(slope - log(9.0)) < 1e-10)
    let closedSE = (1.0 / 6 + 1.0 / 2 + 1.0 / 3 + 1.0 / 9).squareRoot() / 100
    #expect(abs((fit.coefficients[1].standardError ?? 0) / closedSE - 1) < 1e-5)
    // Each cluster is one full copy of the table, so its score sum is zero at the MLE of the
    // saturated model: the cluster-robust SE is zero up to the IRLS convergence error
    // (measured 5.6e-12 of the model SE).
    let robust = try LogisticModel().fit(design, variance: .clusterRobust)
    #expect((robust.coefficients[1].standardError ?? 1) < 1e-9 * closedSE)
    // AUC of the saturated model is the one of the single table (the same rational number;
    // 1e-11 allows for the rounding of 200,000 summed placements, measured 1.0e-12).
    let single = try LogisticModel().fit(
      DesignMatrix.build(Formula.parse("y ~ x"), table: twoByTwo()))
    #expect(abs((fit.auc?.estimate ?? 0) - (single.auc?.estimate ?? 1)) < 1e-11)
  }
}

@Suite("Hosmer-Lemeshow groups")
struct HosmerLemeshowGroupTests {
  /// 101 rows, a factor with four levels of 30, 30, 20 and 21 rows and 3, 9, 12 and 17
  /// events: the saturated model's fitted values take four values, and every decile (type 7,
  /// h = 100 k / 10, a whole index) falls on one of them, so the ten deciles merge into the
  /// breaks 0.1, 0.3, 0.6, 17/21 and three non-empty intervals.
  static func fourLevels() -> Table {
    var g: [Double] = []
    var y: [Double] = []
    for (level, (size, events)) in [(30, 3), (30, 9), (20, 12), (21, 17)].enumerated() {
      for i in 0..<size {
        g.append(Double(level))
        y.append(i < events ? 1 : 0)
      }
    }
    let none = [Bool](repeating: false, count: g.count)
    return Table(
      source: "four_levels.csv",
      columns: [
        Column(name: "g", type: .integer, numbers: g, missing: none),
        Column(name: "y", type: .boolean, numbers: y, missing: none),
      ],
      lineNumbers: (0..<g.count).map { Int32($0 + 2) })
  }

  @Test("merged deciles: the df follows the groups used (3 groups, df 1), not g - 2 = 8")
  func mergedDeciles() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ factor(g)"), table: Self.fourLevels())
    let fit = try LogisticModel().fit(design)
    let hl = try #require(fit.hosmerLemeshow)
    // Three intervals, the lowest, [0.1, 0.3], holding two levels.
    #expect(hl.groups.count == 3)
    let test = try #require(hl.test)
    #expect(test.degreesOfFreedom == 1)
    // Saturated in g: observed equals expected in every group.
    #expect(abs(test.statistic) < 1e-12)
  }

  @Test("fewer than three groups left: no test (df would be 0 or less)")
  func tooFewGroups() throws {
    let design = try DesignMatrix.build(Formula.parse("y ~ x"), table: twoByTwo())
    let fit = try LogisticModel().fit(design)
    #expect(fit.hosmerLemeshow?.test == nil)
  }
}
