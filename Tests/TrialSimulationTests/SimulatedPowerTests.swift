import DiarySimulation
import Foundation
import Testing
import TrialDesign

@testable import TrialSimulation

@Suite("Simulated power")
struct SimulatedPowerTests {
  /// Closed form and simulation agree where the closed form's assumptions hold.
  ///
  /// In the negbin world (counts negative binomial, no cap) Zhu and Lakkis's power and the simulated power must agree within the Monte
  /// Carlo error: |simulated - closed form| <= 3 SE at each size. The closed form is a
  /// large-sample normal approximation; with 24 to 60 patients and these rates its own error
  /// (a few thousandths) is well inside 3 SE of 600 replicates (about 0.06).
  @Test("negative-binomial world agrees with Zhu and Lakkis within 3 Monte Carlo SE")
  func closedFormAgreement() throws {
    let design = try SimulatedPowerDesign(
      world: .negbin, analysis: .negbin, rateRatio: 0.6, nights: 28, controlRate: 0.1,
      dispersion: 0.5, alpha: 0.05, replicates: 600, seed: 20_260_412, sizes: [24, 60])
    let points = try SimulatedPower.run(design)
    let closed = try CountsDesign(
      rateRatio: 0.6, controlRate: 0.1, dispersion: 0.5, nights: 28,
      levels: TwoArmLevels(alpha: 0.05, allocation: 0.5), approach: .trueRates)
    for point in points {
      let expected = try closed.power(patients: Double(point.patients))
      let se = (expected * (1 - expected) / Double(point.replicates)).squareRoot()
      #expect(point.failures == 0)
      #expect(
        abs(point.power - expected) <= 3 * se,
        "n = \(point.patients): simulated \(point.power), closed form \(expected), SE \(se)")
    }
    // The sizes differ enough that a wrong size (say, per arm for total) would be caught.
    #expect(points[1].power > points[0].power + 0.2)
  }

  /// The same check with a null effect: the simulated rejection rate is the test's size.
  @Test("a null rate ratio rejects at about alpha")
  func nullEffect() throws {
    let design = try SimulatedPowerDesign(
      world: .negbin, analysis: .negbin, rateRatio: 1, nights: 28, controlRate: 0.1,
      dispersion: 0.5, alpha: 0.05, replicates: 600, seed: 7, sizes: [40])
    let point = try #require(try SimulatedPower.run(design).first)
    let se = (0.05 * 0.95 / 600).squareRoot()
    #expect(abs(point.power - 0.05) <= 3 * se, "rejection rate \(point.power)")
  }

  @Test("the Monte Carlo SE is sqrt(p (1 - p) / R)")
  func monteCarloError() {
    let point = SimulatedPowerPoint(
      patients: 10, replicates: 400, rejections: 100, failures: 0, notConverged: 0,
      meanEstimate: 0, meanControlRate: 0, meanDispersion: nil, firstFailure: nil)
    #expect(point.power == 0.25)
    #expect(point.monteCarloStandardError == (0.25 * 0.75 / 400).squareRoot())
  }

  @Test("replicate seeds depend on the master seed and the replicate only")
  func replicateSeeds() throws {
    let a = try SimulatedPowerDesign(
      world: .negbin, analysis: .negbin, rateRatio: 0.5, nights: 10, controlRate: 0.1,
      alpha: 0.05, replicates: 10, seed: 1, sizes: [10])
    var b = a
    b.sizes = [20, 30]
    #expect(a.replicateSeed(3) == b.replicateSeed(3))
    #expect(a.replicateSeed(3) != a.replicateSeed(4))
    b.seed = 2
    #expect(a.replicateSeed(3) != b.replicateSeed(3))
  }

  @Test("inputs outside their ranges throw the option's error")
  func invalidInputs() {
    #expect(
      throws: SimulatedPowerError.invalid(name: "rate-ratio", reason: "must be a positive number")
    ) {
      _ = try SimulatedPowerDesign(
        world: .trial, analysis: .negbin, rateRatio: -1, nights: 28, alpha: 0.05,
        replicates: 10, seed: 1, sizes: [10])
    }
    #expect(throws: SimulatedPowerError.self) {
      _ = try SimulatedPowerDesign(
        world: .nof1, analysis: .negbin, rateRatio: 0.7, nights: 168, alpha: 0.05,
        replicates: 10, seed: 1, sizes: [10])
    }
    #expect(throws: SimulatedPowerError.self) {
      _ = try SimulatedPowerDesign(
        world: .negbin, analysis: .negbin, rateRatio: 0.7, nights: 28, controlRate: 0,
        alpha: 0.05, replicates: 10, seed: 1, sizes: [10])
    }
  }

  /// The trial preset with a strong effect: every model finds it more often than alpha, and
  /// the cap and adherence make the fitted rate ratio weaker than the one put in.
  @Test("trial preset: power above alpha and a diluted estimate", arguments: ["negbin", "ag"])
  func trialPreset(model: String) throws {
    let analysis = try #require(SimulatedPowerDesign.Analysis(rawValue: model))
    let design = try SimulatedPowerDesign(
      world: .trial, analysis: analysis, rateRatio: 0.5, nights: 28, alpha: 0.05,
      replicates: 40, seed: 3, sizes: [60])
    let point = try #require(try SimulatedPower.run(design).first)
    #expect(point.failures == 0, "\(point.firstFailure ?? "")")
    #expect(point.power > 0.3)
    #expect(point.meanEstimate < 0)
    #expect(point.meanEstimate > log(0.5))
  }
}
