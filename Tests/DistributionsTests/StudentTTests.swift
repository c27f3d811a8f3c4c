import Distributions
import Foundation
import Testing
import _TestSupport

@Suite("StudentT")
struct StudentTTests {
  @Test("cdf matches R pt(t, df)", arguments: ReferenceFile.cases("pt"))
  func cdf(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let t = try #require(reference.x)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(StudentT.cdf(t, degreesOfFreedom: df), reference.value))
  }

  @Test(
    "survival matches R pt(t, df, lower.tail = FALSE)", arguments: ReferenceFile.cases("pt_upper"))
  func survival(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let t = try #require(reference.x)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(StudentT.survival(t, degreesOfFreedom: df), reference.value))
  }

  @Test(
    "cdf at df = 1e6 matches R's exact pbeta form (R's pt approximates there)",
    arguments: ReferenceFile.cases("pt_exact"))
  func cdfHugeDegreesOfFreedom(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let t = try #require(reference.x)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(StudentT.cdf(t, degreesOfFreedom: df), reference.value))
  }

  @Test("quantile matches R qt(p, df)", arguments: ReferenceFile.cases("qt"))
  func quantile(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let p = try #require(reference.p)
    let df = try #require(reference.df)
    #expect(Tolerance.isClose(StudentT.quantile(p, degreesOfFreedom: df), reference.value))
  }

  @Test("df = 1 is Cauchy: P(T <= t) = 1/2 + atan(t)/pi")
  func cauchy() {
    for t in [-50.0, -2, -0.3, 0, 0.7, 4] {
      let expected = 0.5 + atan(t) / Double.pi
      #expect(Tolerance.relativeError(StudentT.cdf(t, degreesOfFreedom: 1), expected) < 1e-14)
    }
  }

  @Test("twoSidedPValue is 2 P(T > |t|): 2 * pt(-2.228138851986274, 10) = 0.05")
  func twoSided() {
    let p = StudentT.twoSidedPValue(t: 2.228_138_851_986_274, degreesOfFreedom: 10)
    #expect(Tolerance.relativeError(p, 0.05) < 1e-13)
    #expect(StudentT.twoSidedPValue(t: 0, degreesOfFreedom: 10) == 1)
  }

  @Test("infinite df is the standard normal")
  func infiniteDegreesOfFreedom() {
    #expect(StudentT.cdf(-2, degreesOfFreedom: .infinity) == Normal.cdf(-2))
    #expect(StudentT.quantile(0.975, degreesOfFreedom: .infinity) == Normal.quantile(0.975))
  }

  @Test("edge cases: df <= 0, NaN, infinities, p outside [0, 1]")
  func edges() {
    for df in [0.0, -3, .nan, -.infinity] {
      #expect(StudentT.cdf(1, degreesOfFreedom: df).isNaN)
      #expect(StudentT.survival(1, degreesOfFreedom: df).isNaN)
      #expect(StudentT.quantile(0.3, degreesOfFreedom: df).isNaN)
      #expect(StudentT.density(1, degreesOfFreedom: df).isNaN)
    }
    #expect(StudentT.cdf(.nan, degreesOfFreedom: 5).isNaN)
    #expect(StudentT.cdf(-.infinity, degreesOfFreedom: 5) == 0)
    #expect(StudentT.cdf(.infinity, degreesOfFreedom: 5) == 1)
    #expect(StudentT.survival(.infinity, degreesOfFreedom: 5) == 0)
    #expect(StudentT.cdf(0, degreesOfFreedom: 5) == 0.5)
    #expect(StudentT.quantile(0, degreesOfFreedom: 5) == -.infinity)
    #expect(StudentT.quantile(1, degreesOfFreedom: 5) == .infinity)
    #expect(StudentT.quantile(0.5, degreesOfFreedom: 5) == 0)
    #expect(StudentT.quantile(2, degreesOfFreedom: 5).isNaN)
    #expect(StudentT.quantile(.nan, degreesOfFreedom: 5).isNaN)
    #expect(StudentT.cdf(1e300, degreesOfFreedom: 3) == 1)
    #expect(StudentT.cdf(-1e300, degreesOfFreedom: 3) >= 0)
  }
}

@Suite("StudentT quantile round trips")
struct StudentTRoundTripTests {
  /// Checked in p, to 1e−10 for the same conditioning reason as the chi-squared round trips.
  @Test(
    "cdf(quantile(p)) = p for p from 1e-300 to 1 - 1e-12",
    arguments: [0.3, 1, 2, 3.5, 30, 1e4, 1e7])
  func roundTrip(_ df: Double) {
    for p in [1e-300, 1e-30, 1e-4, 0.2, 0.4999, 0.8, 1 - 1e-6, 1 - 1e-12] {
      let t = StudentT.quantile(p, degreesOfFreedom: df)
      // Beyond the double range (df = 0.3, p = 1e-300 is ~ -1e1000) the answer is -inf.
      if !t.isFinite {
        #expect(df < 1 && t == -.infinity, "df \(df), p \(p)")
        continue
      }
      let back =
        p <= 0.5
        ? StudentT.cdf(t, degreesOfFreedom: df) : StudentT.survival(t, degreesOfFreedom: df)
      let target = p <= 0.5 ? p : 1 - p
      #expect(Tolerance.relativeError(back, target) < 1e-10, "df \(df), p \(p)")
    }
  }
}
