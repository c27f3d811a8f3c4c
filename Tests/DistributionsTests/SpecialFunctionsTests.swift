import Distributions
import Foundation
import Testing
import _TestSupport

@Suite("SpecialFunctions")
struct SpecialFunctionsTests {
  @Test("regularizedGammaP matches R pgamma(x, shape)", arguments: ReferenceFile.cases("pgamma"))
  func gammaP(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    let a = try #require(reference.a)
    #expect(Tolerance.isClose(SpecialFunctions.regularizedGammaP(a: a, x: x), reference.value))
  }

  @Test(
    "regularizedGammaQ matches R pgamma(x, shape, lower.tail = FALSE)",
    arguments: ReferenceFile.cases("pgamma_upper"))
  func gammaQ(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    let a = try #require(reference.a)
    #expect(Tolerance.isClose(SpecialFunctions.regularizedGammaQ(a: a, x: x), reference.value))
  }

  @Test("regularizedBeta matches R pbeta(x, a, b)", arguments: ReferenceFile.cases("pbeta"))
  func beta(_ argument: FixtureArgument<ReferenceCase>) throws {
    let reference = try argument.value()
    let x = try #require(reference.x)
    let a = try #require(reference.a)
    let b = try #require(reference.b)
    #expect(Tolerance.isClose(SpecialFunctions.regularizedBeta(x: x, a: a, b: b), reference.value))
  }

  @Test("hand-checked values: P(1, x) = 1 - e^-x, I_x(1, 1) = x, I_x(a, 1) = x^a")
  func closedForms() {
    #expect(
      Tolerance.relativeError(SpecialFunctions.regularizedGammaQ(a: 1, x: 30), exp(-30)) < 1e-14)
    #expect(
      Tolerance.relativeError(SpecialFunctions.regularizedGammaP(a: 1, x: 1e-3), -expm1(-1e-3))
        < 1e-14)
    #expect(
      Tolerance.relativeError(SpecialFunctions.regularizedBeta(x: 0.3, a: 1, b: 1), 0.3) < 1e-15)
    #expect(
      Tolerance.relativeError(SpecialFunctions.regularizedBeta(x: 0.9, a: 7, b: 1), pow(0.9, 7))
        < 1e-14)
  }

  @Test("logGamma and logBeta: log Gamma(0.5) = log(sqrt(pi)), log B(1e6, 2) = -log(1e6 (1e6 + 1))")
  func logGammaAndBeta() {
    #expect(Tolerance.relativeError(SpecialFunctions.logGamma(0.5), 0.5 * log(Double.pi)) < 1e-15)
    #expect(Tolerance.relativeError(SpecialFunctions.logGamma(10), log(362_880.0)) < 1e-15)
    #expect(SpecialFunctions.logGamma(0) == .infinity)
    let expected = -log(1e6 * (1e6 + 1))
    #expect(Tolerance.relativeError(SpecialFunctions.logBeta(1e6, 2), expected) < 1e-14)
    #expect(
      Tolerance.relativeError(
        SpecialFunctions.logBeta(20, 30),
        SpecialFunctions.logGamma(20) + SpecialFunctions.logGamma(30)
          - SpecialFunctions.logGamma(50)) < 1e-13)
    #expect(SpecialFunctions.logBeta(0, 1).isNaN)
  }

  @Test("edge cases: shapes <= 0 or NaN give NaN; x outside the support gives 0 or 1")
  func edges() {
    for a in [0.0, -1, .nan, .infinity] {
      #expect(SpecialFunctions.regularizedGammaP(a: a, x: 1).isNaN)
      #expect(SpecialFunctions.regularizedGammaQ(a: a, x: 1).isNaN)
      #expect(SpecialFunctions.regularizedBeta(x: 0.5, a: a, b: 2).isNaN)
      #expect(SpecialFunctions.regularizedBeta(x: 0.5, a: 2, b: a).isNaN)
    }
    #expect(SpecialFunctions.regularizedGammaP(a: 2, x: .nan).isNaN)
    #expect(SpecialFunctions.regularizedGammaP(a: 2, x: 0) == 0)
    #expect(SpecialFunctions.regularizedGammaQ(a: 2, x: 0) == 1)
    #expect(SpecialFunctions.regularizedGammaP(a: 2, x: .infinity) == 1)
    #expect(SpecialFunctions.regularizedBeta(x: .nan, a: 2, b: 3).isNaN)
    #expect(SpecialFunctions.regularizedBeta(x: -0.5, a: 2, b: 3) == 0)
    #expect(SpecialFunctions.regularizedBeta(x: 1.5, a: 2, b: 3) == 1)
  }
}
