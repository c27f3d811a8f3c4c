import Distributions
import Foundation
import Testing
import _TestSupport

@Suite("ChiSquared")
struct ChiSquaredTests {
  @Test("cdf matches R pchisq(x, df)", arguments: ReferenceFile.cases("pchisq"))
  func cdf(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(ChiSquared.cdf(x, degreesOfFreedom: df), reference.value))
  }

  @Test(
    "survival matches R pchisq(x, df, lower.tail = FALSE)",
    arguments: ReferenceFile.cases("pchisq_upper"))
  func survival(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(ChiSquared.survival(x, degreesOfFreedom: df), reference.value))
  }

  @Test("quantile matches R qchisq(p, df)", arguments: ReferenceFile.cases("qchisq"))
  func quantile(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let p = try #require(reference.p)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(ChiSquared.quantile(p, degreesOfFreedom: df), reference.value))
  }

  @Test("far upper tail: pchisq(1400, 1, lower.tail = FALSE) = 2.1010145162641344e-306")
  func farTail() {
    let value = ChiSquared.survival(1400, degreesOfFreedom: 1)
    #expect(
      Tolerance.relativeError(value, 2.101_014_516_264_134_4e-306) <= Tolerance.specialFunction)
  }

  @Test("inverseSurvival inverts survival down to 1e-300", arguments: [1e-300, 1e-50, 0.05, 0.7])
  func inverseSurvival(_ q: Double) {
    for df in [1.0, 3, 12.5, 80] {
      let x = ChiSquared.inverseSurvival(q, degreesOfFreedom: df)
      #expect(Tolerance.relativeError(ChiSquared.survival(x, degreesOfFreedom: df), q) < 1e-12)
    }
  }

  @Test("df = 2 is the exponential with mean 2: P(X > x) = exp(-x/2)")
  func closedForm() {
    for x in [0.01, 1, 5, 100, 1000] {
      let expected = exp(-x / 2)
      #expect(
        Tolerance.relativeError(ChiSquared.survival(x, degreesOfFreedom: 2), expected) < 1e-14)
    }
  }

  @Test("edge cases: df <= 0, NaN, infinities, p outside [0, 1]")
  func edges() {
    for df in [0.0, -1, .nan, .infinity, -.infinity] {
      #expect(ChiSquared.cdf(1, degreesOfFreedom: df).isNaN)
      #expect(ChiSquared.survival(1, degreesOfFreedom: df).isNaN)
      #expect(ChiSquared.quantile(0.5, degreesOfFreedom: df).isNaN)
      #expect(ChiSquared.density(1, degreesOfFreedom: df).isNaN)
    }
    #expect(ChiSquared.cdf(.nan, degreesOfFreedom: 3).isNaN)
    #expect(ChiSquared.survival(.nan, degreesOfFreedom: 3).isNaN)
    #expect(ChiSquared.cdf(-1, degreesOfFreedom: 3) == 0)
    #expect(ChiSquared.survival(-1, degreesOfFreedom: 3) == 1)
    #expect(ChiSquared.cdf(0, degreesOfFreedom: 3) == 0)
    #expect(ChiSquared.cdf(.infinity, degreesOfFreedom: 3) == 1)
    #expect(ChiSquared.survival(.infinity, degreesOfFreedom: 3) == 0)
    #expect(ChiSquared.quantile(0, degreesOfFreedom: 3) == 0)
    #expect(ChiSquared.quantile(1, degreesOfFreedom: 3) == .infinity)
    #expect(ChiSquared.quantile(-0.5, degreesOfFreedom: 3).isNaN)
    #expect(ChiSquared.quantile(.nan, degreesOfFreedom: 3).isNaN)
    #expect(ChiSquared.inverseSurvival(0, degreesOfFreedom: 3) == .infinity)
    #expect(ChiSquared.inverseSurvival(1, degreesOfFreedom: 3) == 0)
    #expect(ChiSquared.density(0, degreesOfFreedom: 1) == .infinity)
    #expect(ChiSquared.density(0, degreesOfFreedom: 2) == 0.5)
    #expect(ChiSquared.density(0, degreesOfFreedom: 3) == 0)
  }
}

@Suite("ChiSquared quantile round trips")
struct ChiSquaredRoundTripTests {
  static let degreesOfFreedom: [Double] = [0.05, 0.3, 1, 2, 7, 100, 1e4, 1e5]

  /// Round trips are checked in p, which `x` can only pin down to `|d log F/d log x|·ε`; for
  /// df up to 1e5 that factor stays below ~1e3, hence 1e−10 rather than `Tolerance.specialFunction`.
  @Test("cdf(quantile(p)) = p for p from 1e-300 to 1 - 1e-12", arguments: degreesOfFreedom)
  func roundTrip(_ df: Double) {
    for p in [1e-300, 1e-30, 1e-4, 0.2, 0.5, 0.8, 1 - 1e-6, 1 - 1e-12] {
      let x = ChiSquared.quantile(p, degreesOfFreedom: df)
      #expect(x >= 0 && x.isFinite, "df \(df), p \(p)")
      // Quantiles below the double range come back as 0 (df = 0.05, p = 1e-30 is ~1e-1200).
      if x < 1e-290 { continue }
      let back =
        p <= 0.5
        ? ChiSquared.cdf(x, degreesOfFreedom: df) : ChiSquared.survival(x, degreesOfFreedom: df)
      let target = p <= 0.5 ? p : 1 - p
      #expect(Tolerance.relativeError(back, target) < 1e-10, "df \(df), p \(p)")
    }
  }
}
