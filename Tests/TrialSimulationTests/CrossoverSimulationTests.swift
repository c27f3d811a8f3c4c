import DiarySimulation
import Distributions
import Testing
import TrialDesign

/// The crossover and N-of-1 factor `(1 - rho) / (2 k)` checked by simulation, where its
/// assumptions hold by construction.
///
/// Each patient has a normal patient effect (variance `rho sigma^2`) plus independent period
/// noise (variance `(1 - rho) sigma^2`), so any two of its periods correlate `rho`; there is
/// no carry-over and no period effect. AB/BA: the effect is `(mean d_AB - mean d_BA) / 2` of
/// the period differences; N-of-1: the mean over patients of each patient's mean
/// experimental-minus-control difference over `k` randomized pairs. Both are tested by z with
/// the known variance `2 sigma^2 (1 - rho) / (k N)`, which is what the normal-approximation
/// formula assumes; the simulated power must be within 3 Monte Carlo SE of the formula's.
@Suite("Crossover power by simulation")
struct CrossoverSimulationTests {
  static func simulatedPower(
    patients n: Int, pairs k: Int, difference: Double, sd: Double, rho: Double,
    replicates: Int, seed: UInt64
  ) -> Double {
    let zAlpha = -Normal.quantile(0.025)
    let se = (2 * sd * sd * (1 - rho) / Double(k * n)).squareRoot()
    var rejections = 0
    for r in 0..<replicates {
      var rng = Xoshiro256StarStar(seed: seed, stream: 11, index: UInt64(r))
      var sumAB = 0.0
      var sumBA = 0.0
      var total = 0.0
      for i in 0..<n {
        let patient = rng.normal(mean: 0, sd: sd * rho.squareRoot())
        var mean = 0.0
        for _ in 0..<k {
          // Experimental first in this pair? AB/BA alternates by patient; N-of-1 draws it.
          let experimentalFirst = k == 1 ? i % 2 == 0 : rng.uniform() < 0.5
          let noise = sd * (1 - rho).squareRoot()
          let first =
            patient + rng.normal(mean: 0, sd: noise)
            + (experimentalFirst ? difference : 0)
          let second =
            patient + rng.normal(mean: 0, sd: noise)
            + (experimentalFirst ? 0 : difference)
          if k == 1 {
            if experimentalFirst { sumAB += first - second } else { sumBA += first - second }
          }
          mean += (experimentalFirst ? first - second : second - first) / Double(k)
        }
        total += mean
      }
      let estimate =
        k == 1 ? (sumAB / Double(n / 2) - sumBA / Double(n / 2)) / 2 : total / Double(n)
      if abs(estimate / se) > zAlpha { rejections += 1 }
    }
    return Double(rejections) / Double(replicates)
  }

  @Test(
    "simulated and closed-form power agree within 3 Monte Carlo SE",
    arguments: [(1, 0.5, 24), (1, 0.2, 40), (3, 0.5, 8), (3, 0.0, 12)])
  func agreement(pairs: Int, rho: Double, patients: Int) throws {
    let parallel = try MeanDifferenceDesign(
      difference: 1, standardDeviation: 2, levels: TwoArmLevels())
    let design = try CrossoverDesign(parallel: parallel, withinCorrelation: rho, pairs: pairs)
    let expected = try design.power(patients: Double(patients))
    let replicates = 4000
    let simulated = Self.simulatedPower(
      patients: patients, pairs: pairs, difference: 1, sd: 2, rho: rho, replicates: replicates,
      seed: 20_261_204)
    let se = (expected * (1 - expected) / Double(replicates)).squareRoot()
    #expect(
      abs(simulated - expected) <= 3 * se,
      "pairs \(pairs), rho \(rho), n \(patients): simulated \(simulated), closed form \(expected)")
    // The factor matters: the parallel trial of the same size has much less power.
    #expect(try parallel.power(patients: Double(patients)) < expected - 6 * se)
  }
}
