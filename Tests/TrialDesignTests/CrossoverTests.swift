import Testing
import _TestSupport

@testable import TrialDesign

/// Two means, crossover and N-of-1 sizes against `Tests/Reference/power.R`, whose crossover
/// cases are written from the within-patient variance `2 sd^2 (1 - rho) / pairs` rather than
/// as a factor of the parallel size (so the factor `(1 - rho) / (2 k)` is checked, not copied).
@Suite("Crossover and N-of-1 against R")
struct CrossoverTests {
  static func mean(_ c: PowerCase, allocation: Double? = nil) throws -> MeanDifferenceDesign {
    try MeanDifferenceDesign(
      difference: c.input("d"), standardDeviation: c.input("sd"),
      levels: TwoArmLevels(
        alpha: c.input("alpha"), allocation: allocation ?? c.input("allocation")))
  }

  static func crossover(_ c: PowerCase) throws -> CrossoverDesign {
    try CrossoverDesign(
      parallel: try mean(c, allocation: 0.5), withinCorrelation: c.input("rho"),
      pairs: Int(c.input("pairs")))
  }

  @Test("two means: total patients", arguments: PowerReferenceFile.cases("mean_n"))
  func meanSize(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let n = try Self.mean(c).patients(power: c.input("power")).exactTotal
    #expect(Tolerance.isClose(n, c.value, relative: Tolerance.powerFormula), "\(n) vs R \(c.value)")
  }

  @Test("two means: power", arguments: PowerReferenceFile.cases("mean_power"))
  func meanPower(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let p = try Self.mean(c).power(patients: c.input("n"))
    #expect(Tolerance.isClose(p, c.value, relative: Tolerance.powerFormula), "\(p) vs R \(c.value)")
  }

  @Test("crossover and N-of-1: patients", arguments: PowerReferenceFile.cases("crossover_mean_n"))
  func crossoverSize(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let size = try #require(try Self.crossover(c).sampleSize(power: c.input("power")))
    #expect(
      Tolerance.isClose(size.exactTotal, c.value, relative: Tolerance.powerFormula),
      "\(size.exactTotal) vs R \(c.value)")
    // Two balanced sequences, each rounded up.
    #expect(size.control == size.experimental)
    #expect(Double(size.total) >= c.value)
  }

  @Test(
    "crossover and N-of-1: power", arguments: PowerReferenceFile.cases("crossover_mean_power"))
  func crossoverPower(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let p = try Self.crossover(c).power(patients: c.input("n"))
    #expect(Tolerance.isClose(p, c.value, relative: Tolerance.powerFormula), "\(p) vs R \(c.value)")
  }

  @Test(
    "crossover of the counts formula", arguments: PowerReferenceFile.cases("crossover_counts_n"))
  func crossoverCounts(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let counts = try CountsDesign(
      rateRatio: c.input("rr"), controlRate: c.input("r0"), dispersion: c.input("dispersion"),
      nights: c.input("nights"), levels: TwoArmLevels(alpha: c.input("alpha")))
    let design = try CrossoverDesign(
      parallel: counts, withinCorrelation: c.input("rho"), pairs: Int(c.input("pairs")))
    let n = try #require(try design.sampleSize(power: c.input("power"))).exactTotal
    #expect(Tolerance.isClose(n, c.value, relative: Tolerance.powerFormula), "\(n) vs R \(c.value)")
  }

  /// By hand: d = 1, sd = 2, 80%, two-sided 5%: z^2 = 7.848879; parallel N = 4 z^2 4 = 125.582;
  /// crossover at rho = 0.5 is a quarter of that, 31.3955 -> 32 (16 per sequence).
  @Test("worked example by hand")
  func byHand() throws {
    let parallel = try MeanDifferenceDesign(
      difference: 1, standardDeviation: 2, levels: TwoArmLevels())
    let crossover = try CrossoverDesign(parallel: parallel, withinCorrelation: 0.5)
    let n = try #require(try crossover.sampleSize(power: 0.8))
    #expect(abs(n.exactTotal - 31.395518) < 1e-5)
    #expect(n.total == 32)
    #expect(abs(try parallel.patients(power: 0.8).exactTotal - 125.58207) < 1e-4)
  }

  @Test("inputs outside the domain name the option")
  func errors() throws {
    let parallel = try MeanDifferenceDesign(
      difference: 1, standardDeviation: 2, levels: TwoArmLevels())
    #expect(
      throws: TrialDesignError.outOfRange(name: "within-correlation", value: 1, range: "[0, 1)")
    ) {
      _ = try CrossoverDesign(parallel: parallel, withinCorrelation: 1)
    }
    #expect(throws: TrialDesignError.outOfRange(name: "pairs", value: 0, range: "[1, 1000]")) {
      _ = try CrossoverDesign(parallel: parallel, withinCorrelation: 0.2, pairs: 0)
    }
    let unequal = try MeanDifferenceDesign(
      difference: 1, standardDeviation: 2, levels: TwoArmLevels(allocation: 0.6))
    #expect(throws: TrialDesignError.outOfRange(name: "allocation", value: 0.6, range: "{0.5}")) {
      _ = try CrossoverDesign(parallel: unequal, withinCorrelation: 0.2)
    }
    #expect(throws: TrialDesignError.noEffect(name: "difference")) {
      _ = try MeanDifferenceDesign(difference: 0, standardDeviation: 2, levels: TwoArmLevels())
    }
  }
}
