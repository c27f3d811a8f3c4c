import Distributions
import Testing

@Suite("FDistribution")
struct FDistributionTests {
  @Test("cdf matches R pf(x, df1, df2)", arguments: ReferenceFile.cases("pf"))
  func cdf(_ reference: ReferenceCase) throws {
    let x = try #require(reference.x)
    let d1 = try #require(reference.df)
    let d2 = try #require(reference.df2)
    let value = FDistribution.cdf(x, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
    #expect(Tolerance.isClose(value, reference.value))
  }

  @Test(
    "survival matches R pf(x, df1, df2, lower.tail = FALSE)",
    arguments: ReferenceFile.cases("pf_upper"))
  func survival(_ reference: ReferenceCase) throws {
    let x = try #require(reference.x)
    let d1 = try #require(reference.df)
    let d2 = try #require(reference.df2)
    let value = FDistribution.survival(
      x, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
    #expect(Tolerance.isClose(value, reference.value))
  }

  @Test("F(1, n) at t^2 is the two-sided t p-value")
  func relationToT() {
    let f = FDistribution.survival(
      4.41, numeratorDegreesOfFreedom: 1, denominatorDegreesOfFreedom: 12)
    let t = StudentT.twoSidedPValue(t: 2.1, degreesOfFreedom: 12)
    #expect(Tolerance.relativeError(f, t) < 1e-13)
  }

  @Test("edge cases: df <= 0, NaN, x outside the support")
  func edges() {
    for df in [0.0, -1, .nan, .infinity] {
      #expect(
        FDistribution.cdf(1, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: 3).isNaN)
      #expect(
        FDistribution.survival(1, numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: df)
          .isNaN)
    }
    #expect(
      FDistribution.cdf(.nan, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 3).isNaN)
    #expect(
      FDistribution.cdf(-1, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 3) == 0)
    #expect(
      FDistribution.survival(0, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 3) == 1)
    #expect(
      FDistribution.cdf(.infinity, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 3)
        == 1)
  }
}
