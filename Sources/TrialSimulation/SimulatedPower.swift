import DiarySimulation
import Parallelism

#if canImport(Glibc)
  import Glibc
#endif

/// Power by simulation at one total size.
public struct SimulatedPowerPoint: Sendable, Equatable {
  /// Total randomized patients.
  public var patients: Int
  /// Replicates run.
  public var replicates: Int
  /// Replicates whose two-sided p-value was below alpha.
  public var rejections: Int
  /// Replicates whose fit had no answer (counted as not rejecting).
  public var failures: Int
  /// Replicates whose fit did not report convergence (still counted by their p-value).
  public var notConverged: Int
  /// Mean arm coefficient (log scale) over the fitted replicates.
  public var meanEstimate: Double
  /// Mean placebo cramps per observed treated night over the replicates.
  public var meanControlRate: Double
  /// Mean `1 / theta` over the negative binomial fits (`nil` for other analyses).
  public var meanDispersion: Double?
  /// The first failed replicate's message, in replicate order.
  public var firstFailure: String?

  /// `rejections / replicates`.
  public var power: Double { Double(rejections) / Double(replicates) }

  /// The binomial Monte Carlo standard error `sqrt(p (1 - p) / R)`.
  public var monteCarloStandardError: Double {
    let p = power
    return (p * (1 - p) / Double(replicates)).squareRoot()
  }
}

/// Runs a ``SimulatedPowerDesign``.
public enum SimulatedPower {
  /// Simulates and analyses `replicates` trials at every size.
  ///
  /// Jobs (size, replicate) run on up to ``Parallelism/RowPartition/workerCount`` threads
  /// through ``Parallelism/BlockResults``; each draws from generators keyed only by
  /// ``SimulatedPowerDesign/replicateSeed(_:)`` and runs its fit on its own thread, and the
  /// per-size sums are taken in replicate order afterwards, so the result is the same bits
  /// for any thread count.
  ///
  /// - Returns: one point per size, in the order of `design.sizes`.
  /// - Throws: ``SimulationError`` when the preset refuses the sizes.
  /// - Complexity: O(sizes x replicates x (candidates x nights + fit)).
  public static func run(_ design: SimulatedPowerDesign) throws -> [SimulatedPowerPoint] {
    let r = design.replicates
    let outcomes = try BlockResults<Result<ReplicateTest, SimulatedFitFailure>>.run(
      count: design.sizes.count * r
    ) { job in
      let nights = try simulate(design, patients: design.sizes[job / r], replicate: job % r)
      do {
        return .success(
          try ReplicateAnalysis.test(
            nights, analysis: design.analysis, origin: design.world == .negbin ? 0 : 14))
      } catch {
        return .failure(SimulatedFitFailure(message: String(describing: error)))
      }
    }
    return design.sizes.enumerated().map { k, n in
      var point = SimulatedPowerPoint(
        patients: n, replicates: r, rejections: 0, failures: 0, notConverged: 0,
        meanEstimate: 0, meanControlRate: 0, meanDispersion: nil, firstFailure: nil)
      var estimates = 0.0
      var rates = 0.0
      var rateCount = 0
      var dispersions = 0.0
      var dispersionCount = 0
      for outcome in outcomes[(k * r)..<((k + 1) * r)] {
        switch outcome {
        case .failure(let failure):
          point.failures += 1
          if point.firstFailure == nil { point.firstFailure = failure.message }
        case .success(let test):
          if test.pValue < design.alpha { point.rejections += 1 }
          if !test.converged { point.notConverged += 1 }
          estimates += test.estimate
          if test.controlRate.isFinite {
            rates += test.controlRate
            rateCount += 1
          }
          if let d = test.dispersion, d.isFinite {
            dispersions += d
            dispersionCount += 1
          }
        }
      }
      let fitted = r - point.failures
      point.meanEstimate = fitted > 0 ? estimates / Double(fitted) : .nan
      point.meanControlRate = rateCount > 0 ? rates / Double(rateCount) : .nan
      if dispersionCount > 0 { point.meanDispersion = dispersions / Double(dispersionCount) }
      return point
    }
  }

  /// One replicate's nights.
  static func simulate(_ design: SimulatedPowerDesign, patients: Int, replicate: Int) throws
    -> SimulatedTrialNights
  {
    let seed = design.replicateSeed(replicate)
    switch design.world {
    case .negbin:
      return NegativeBinomialWorld.nights(
        patients: patients, nights: design.nights, controlRate: design.controlRate,
        rateRatio: design.rateRatio, dispersion: design.dispersion, seed: seed)
    case .trial, .nof1:
      var parameters = ModelParameters()
      parameters.mgSupplement = log(design.rateRatio)
      parameters.mgSupplementPregnant = parameters.mgSupplement
      return try DiarySimulator.trialNights(
        SimulationRequest(
          preset: design.world == .trial ? .trial : .nof1, patients: patients,
          nights: 14 + design.nights, seed: seed, parameters: parameters))
    }
  }
}

/// Why one replicate's fit had no answer (the model's message).
public struct SimulatedFitFailure: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public var description: String { message }
}
