import CrampData
import DiarySimulation
import Formula
import MixedModels
import Recurrent

/// One replicate's test of the arm effect: the estimate (log rate, hazard or odds ratio),
/// its p-value, and for negative binomial fits the dispersion `1 / theta`.
public struct ReplicateTest: Sendable, Equatable {
  /// The arm coefficient (magnesium over placebo, log scale).
  public var estimate: Double
  /// Two-sided p-value of its Wald test.
  public var pValue: Double
  /// `1 / theta` of a negative binomial fit, else `nil`.
  public var dispersion: Double?
  /// Placebo cramps per observed treatment night in the replicate.
  public var controlRate: Double
  /// Whether the fit reported convergence.
  public var converged: Bool
}

/// The analysis of one simulated trial (contract: `nights` as from
/// ``DiarySimulator/trialNights(_:)``, rows in patient then night order; only treated nights
/// enter, with the arm of each night, placebo the reference).
enum ReplicateAnalysis {
  /// The diary of the treated nights: `patient_id`, `night`, `observed`, `cramp` (empty on
  /// an unobserved night, a gap for every model), `cramp_count`, `arm` (placebo, mg).
  static func diary(_ nights: SimulatedTrialNights) -> Table {
    var patient: [Double] = []
    var night: [Double] = []
    var observed: [Double] = []
    var cramp: [Double] = []
    var crampMissing: [Bool] = []
    var count: [Double] = []
    var arm: [Int32] = []
    for i in nights.patient.indices where nights.treated[i] {
      patient.append(Double(nights.patient[i]) + 1)
      night.append(Double(nights.night[i]))
      observed.append(nights.observed[i] ? 1 : 0)
      cramp.append(nights.count[i] > 0 ? 1 : 0)
      crampMissing.append(!nights.observed[i])
      count.append(Double(nights.count[i]))
      arm.append(nights.magnesium[i] ? 1 : 0)
    }
    let none = [Bool](repeating: false, count: patient.count)
    let columns = [
      Column(name: "patient_id", type: .integer, numbers: patient, missing: none),
      Column(name: "night", type: .integer, numbers: night, missing: none),
      Column(name: "observed", type: .integer, numbers: observed, missing: none),
      Column(name: "cramp", type: .integer, numbers: cramp, missing: crampMissing),
      Column(name: "cramp_count", type: .integer, numbers: count, missing: none),
      Column(name: "arm", codes: arm, levels: ["placebo", "mg"]),
    ]
    return Table(
      source: "simulated", columns: columns,
      lineNumbers: (0..<patient.count).map { Int32(truncatingIfNeeded: $0 + 2) })
  }

  /// Placebo cramps per observed treated night.
  static func controlRate(_ nights: SimulatedTrialNights) -> Double {
    var cramps = 0.0
    var observed = 0.0
    for i in nights.patient.indices
    where nights.treated[i] && !nights.magnesium[i] && nights.observed[i] {
      cramps += Double(nights.count[i])
      observed += 1
    }
    return observed > 0 ? cramps / observed : .nan
  }

  /// Fits `analysis` to the treated nights and returns the test of `arm`.
  ///
  /// - Throws: the model's error when the fit has no answer (no events, one arm only).
  static func test(
    _ nights: SimulatedTrialNights, analysis: SimulatedPowerDesign.Analysis, origin: Int
  ) throws -> ReplicateTest {
    // A replicate without a cramp on an arm has no finite estimate (the arm's rate is 0):
    // say so rather than let the fit fail numerically.
    var events = [0, 0]
    for i in nights.patient.indices where nights.treated[i] && nights.observed[i] {
      events[nights.magnesium[i] ? 1 : 0] += Int(nights.count[i])
    }
    if events[0] == 0 || events[1] == 0 {
      throw SimulatedFitFailure(
        message: "no cramp on the \(events[0] == 0 ? "placebo" : "magnesium") arm, so the "
          + "arm effect has no finite estimate")
    }
    let table = diary(nights)
    let rate = controlRate(nights)
    let references = ["arm": "placebo"]
    switch analysis {
    case .negbin, .ag:
      let options = RecurrentOptions(
        layout: RecurrentLayoutOptions(origin: origin), references: references)
      let model: RecurrentModel = analysis == .negbin ? .negativeBinomial : .andersenGill
      let design = try RecurrentDesign.build(
        diary: table, formula: "~ arm", model: model, options: options)
      if analysis == .negbin {
        let fit = try RateRegression.fit(design)
        guard let c = fit.coefficients.first(where: { $0.term != "(Intercept)" }),
          let b = c.estimate, let p = c.pValue
        else { throw SimulatedPowerError.invalid(name: "model", reason: "arm is aliased") }
        return ReplicateTest(
          estimate: b, pValue: p, dispersion: fit.theta.map { 1 / $0 }, controlRate: rate,
          converged: fit.converged)
      }
      let fit = try RecurrentCox.fit(design)
      guard let c = fit.cox.coefficients.first, let b = c.estimate, let p = c.pValue else {
        throw SimulatedPowerError.invalid(name: "model", reason: "arm is aliased")
      }
      return ReplicateTest(
        estimate: b, pValue: p, dispersion: nil, controlRate: rate, converged: fit.cox.converged)
    case .mixed:
      let mixed = try MixedFormula.parse(
        "cramp ~ arm + (1 | patient_id)", columns: table.columnNames)
      let design = try DesignMatrix.build(
        mixed.fixed, table: table,
        options: DesignOptions(references: references, missing: .drop, cluster: "patient_id"))
      let random = try RandomEffects.build(mixed.random, design: design, table: table)
      let fit = try MixedLogisticModel().fit(design, random: random)
      guard let c = fit.coefficients.first(where: { $0.term != "(Intercept)" }),
        let b = c.estimate, let p = c.pValue
      else { throw SimulatedPowerError.invalid(name: "model", reason: "arm is aliased") }
      return ReplicateTest(
        estimate: b, pValue: p, dispersion: nil, controlRate: rate,
        converged: fit.diagnostics.isEmpty)
    }
  }
}
