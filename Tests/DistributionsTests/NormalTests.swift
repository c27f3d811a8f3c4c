import Distributions
import Testing
import _TestSupport

@Suite("Normal")
struct NormalTests {
  @Test("cdf matches R pnorm(x)", arguments: ReferenceFile.cases("pnorm"))
  func cdf(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    #expect(Tolerance.isClose(Normal.cdf(x), reference.value))
  }

  @Test(
    "survival matches R pnorm(x, lower.tail = FALSE)",
    arguments: ReferenceFile.cases("pnorm_upper"))
  func survival(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    #expect(Tolerance.isClose(Normal.survival(x), reference.value))
  }

  @Test(
    "logSurvival matches R pnorm(x, lower.tail = FALSE, log.p = TRUE)",
    arguments: ReferenceFile.cases("pnorm_upper_log"))
  func logSurvival(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    #expect(Tolerance.isClose(Normal.logSurvival(x), reference.value))
    #expect(Tolerance.isClose(Normal.logCDF(-x), reference.value))
  }

  @Test("quantile matches R qnorm(p)", arguments: ReferenceFile.cases("qnorm"))
  func quantile(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let p = try #require(reference.p)
    #expect(Tolerance.isClose(Normal.quantile(p), reference.value))
  }

  @Test("far tail: pnorm(-37.5) = 4.6053530095819552e-308 to 1e-12")
  func farTail() {
    #expect(Tolerance.relativeError(Normal.cdf(-37.5), 4.605_353_009_581_955_2e-308) <= 1e-12)
    #expect(Tolerance.relativeError(Normal.survival(37.5), 4.605_353_009_581_955_2e-308) <= 1e-12)
    // Past the normal range the value is subnormal, then 0; never NaN.
    #expect(Normal.survival(38) > 0)
    #expect(Normal.survival(38) < Double.leastNormalMagnitude)
    #expect(Normal.survival(50) == 0)
    #expect(Normal.cdf(50) == 1)
  }

  @Test("twoSidedPValue is 2 Q(|z|): 2 * pnorm(-1.959963984540054) = 0.05")
  func twoSided() {
    #expect(Tolerance.relativeError(Normal.twoSidedPValue(z: 1.959_963_984_540_054), 0.05) < 1e-15)
    #expect(
      Normal.twoSidedPValue(z: -1.959_963_984_540_054)
        == Normal.twoSidedPValue(z: 1.959_963_984_540_054))
    #expect(Normal.twoSidedPValue(z: 0) == 1)
    #expect(Normal.twoSidedPValue(z: .infinity) == 0)
    #expect(Normal.twoSidedPValue(z: -.infinity) == 0)
    #expect(Normal.twoSidedPValue(z: .nan).isNaN)
  }

  @Test("density is exp(-x^2/2)/sqrt(2 pi): dnorm(1), dnorm(-30) from R")
  func density() {
    #expect(Tolerance.relativeError(Normal.density(1), 0.241_970_724_519_143_37) < 1e-15)
    #expect(Tolerance.relativeError(Normal.density(-30), 1.473_646_134_878_547_6e-196) < 1e-13)
    #expect(Normal.density(.infinity) == 0)
    #expect(Normal.density(.nan).isNaN)
  }

  @Test("edge cases: NaN, infinities, p outside [0, 1]")
  func edges() {
    #expect(Normal.cdf(.nan).isNaN)
    #expect(Normal.survival(.nan).isNaN)
    #expect(Normal.logSurvival(.nan).isNaN)
    #expect(Normal.cdf(-.infinity) == 0)
    #expect(Normal.cdf(.infinity) == 1)
    #expect(Normal.survival(-.infinity) == 1)
    #expect(Normal.survival(.infinity) == 0)
    #expect(Normal.logSurvival(.infinity) == -.infinity)
    #expect(Normal.logSurvival(-.infinity) == 0)
    #expect(Normal.quantile(0) == -.infinity)
    #expect(Normal.quantile(1) == .infinity)
    #expect(Normal.quantile(0.5) == 0)
    #expect(Normal.quantile(-0.1).isNaN)
    #expect(Normal.quantile(1.1).isNaN)
    #expect(Normal.quantile(.nan).isNaN)
  }

  @Test("quantile inverts cdf", arguments: [1e-300, 1e-20, 0.001, 0.3, 0.5, 0.77, 0.999])
  func roundTrip(_ p: Double) {
    #expect(Tolerance.relativeError(Normal.cdf(Normal.quantile(p)), p) < 1e-13)
  }
}
