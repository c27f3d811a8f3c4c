import Distributions
import Foundation

/// A point estimate with its confidence interval.
public struct RiskEstimate: Sendable, Equatable {
  public var value: Double
  public var low: Double
  public var high: Double

  /// Creates an estimate.
  public init(value: Double, low: Double, high: Double) {
    self.value = value
    self.low = low
    self.high = high
  }
}

/// The predicted risk over one horizon.
public struct HorizonRisk: Sendable, Equatable {
  /// Number of nights ahead.
  public var nights: Int
  /// Chance of at least one cramp (night) within `nights`.
  public var probability: RiskEstimate
  /// Expected number of events within `nights` (not for cox, which models the first only).
  public var expected: RiskEstimate?
  /// Whether `nights` is beyond the last time of the baseline hazard: the baseline is held
  /// at its last value, so the risk is a lower bound.
  public var beyondFollowUp: Bool
}

/// One term's ratio (`exp(coefficient)`) with its Wald interval from the saved covariance.
public struct TermRatio: Sendable, Equatable {
  public var term: String
  /// `nil` for an aliased term.
  public var ratio: RiskEstimate?
}

/// A patient's predictions from a ``RiskModel``.
public struct RiskPrediction: Sendable, Equatable {
  /// The values used, by variable (given or filled in), in the model's variable order.
  public var values: [(name: String, value: String)]
  /// Variables not given, filled with the cohort median patient's value.
  public var filled: [String]
  /// Numeric variables whose value lies outside the training range.
  public var outsideRange: [String]
  /// Aliased terms that are non-zero for this patient (their effect is taken as 0).
  public var aliasedInUse: [String]
  /// The design row, one value per ``RiskModel/terms``.
  public var row: [Double]
  /// `x'b` (aliased coefficients as 0).
  public var linearPredictor: Double
  /// Standard error of the linear predictor, centred at ``RiskModel/centre`` for survival
  /// models.
  public var standardError: Double
  /// Risks at each horizon asked for.
  public var horizons: [HorizonRisk]
  /// Expected events per week (see ``RiskModel/predict(_:horizons:group:)``); `nil` for cox.
  public var expectedPerWeek: RiskEstimate?
  /// How a mixed model's random effect entered (marginal or a patient's mode); `nil` for a
  /// model without random effects.
  public var randomEffect: RandomEffectUse?

  public static func == (a: RiskPrediction, b: RiskPrediction) -> Bool {
    a.values.map(\.name) == b.values.map(\.name) && a.values.map(\.value) == b.values.map(\.value)
      && a.filled == b.filled && a.aliasedInUse == b.aliasedInUse
      && a.outsideRange == b.outsideRange && a.row == b.row
      && a.linearPredictor == b.linearPredictor && a.standardError == b.standardError
      && a.horizons == b.horizons && a.expectedPerWeek == b.expectedPerWeek
      && a.randomEffect == b.randomEffect
  }
}

extension RiskModel {
  /// The values of the cohort's median patient: each variable's typical value (median of a
  /// numeric variable, most frequent level of a categorical one, over the training rows).
  public var medianProfile: [String: String] {
    Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0.typicalValue) })
  }

  /// The normal quantile of the two-sided interval at ``confidenceLevel``.
  public var criticalValue: Double { Normal.quantile(1 - (1 - confidenceLevel) / 2) }

  /// Ratios of every term but the intercept, with Wald intervals from ``covariance``.
  public var ratios: [TermRatio] {
    let z = criticalValue
    return terms.indices.filter { terms[$0] != "(Intercept)" }.map { j in
      guard let b = coefficients[j] else { return TermRatio(term: terms[j], ratio: nil) }
      let se = max(0, covariance[j][j]).squareRoot()
      return TermRatio(
        term: terms[j],
        ratio: RiskEstimate(value: exp(b), low: exp(b - z * se), high: exp(b + z * se)))
    }
  }

  /// One sentence per assumption behind the predictions of this kind of model.
  public var assumptions: [String] {
    let ci =
      "Intervals: delta method on the linear predictor x'b (se = sqrt(x'Vx), V the saved "
      + (robustVariance ? "cluster-robust" : "model-based") + " covariance), transformed."
    switch kind {
    case .logistic where randomEffects != nil:
      let group = randomEffects?.group ?? "patient"
      let link = randomEffects?.link == .cloglog ? "1 - exp(-exp(.))" : "expit(.)"
      return [
        "Random-intercept model: for a patient of the training data (--patient-id) the nightly "
          + "probability is p = \(link) of x'b + z'b_i with b_i that patient's conditional mode; "
          + "k nights: 1 - (1 - p)^k.",
        "For a new patient the risk is averaged over the random effect N(0, Sigma) of the "
          + "\(group) groups (marginal, 25-point Gauss-Hermite): a night's probability is the "
          + "average of p, and the chance of >= 1 cramp night in k nights averages 1 - (1 - p)^k, "
          + "since one patient's nights share the effect.",
        ci + " Sigma and the conditional modes are held fixed.",
      ]
    case .logistic:
      return [
        "Nightly probability p = expit(x'b); chance of >= 1 cramp night in k nights = "
          + "1 - (1 - p)^k, assuming nights are independent given the covariates.",
        ci,
      ]
    case .cox:
      return [
        "Chance of a first cramp within k nights = 1 - exp(-H0(k) exp(x'b)), H0 the baseline "
          + "cumulative hazard from the start of follow-up.",
        survivalInterval,
      ]
    case .ag:
      return [
        "Expected cramp nights in the first k nights of follow-up = H0(k) exp(x'b); chance of "
          + ">= 1 = 1 - exp(-expected), assuming cramp nights arrive as a Poisson process.",
        "Per week: H0 over the whole follow-up, scaled to 7 nights.",
        survivalInterval,
      ]
    case .poisson:
      return [
        "Rate per night = exp(x'b); expected \(outcome) per week = 7 exp(x'b); chance of >= 1 "
          + "in k nights = 1 - exp(-k exp(x'b)) (Poisson counts).",
        ci,
      ]
    case .negbin:
      return [
        "Rate per night = exp(x'b); expected \(outcome) per week = 7 exp(x'b); chance of >= 1 "
          + "in k nights = 1 - (1 + k exp(x'b) / theta)^(-theta) (negative binomial, "
          + "theta = \(theta.map { String(format: "%.3g", $0) } ?? "NA")).",
        ci,
      ]
    }
  }

  private var survivalInterval: String {
    "Intervals: delta method on (x - m)'b, m the training means (se = sqrt((x - m)'V(x - m)), "
      + "V the saved " + (robustVariance ? "cluster-robust" : "model-based")
      + " covariance), transformed; the baseline hazard is treated as known at m "
      + "(coefficient uncertainty only)."
  }

  /// Predicts for a patient given as variable name -> value text.
  ///
  /// Variables not given (or given empty) take the cohort median patient's value. With
  /// `eta = x'b` and its standard error `s` (from `(x - centre)' V (x - centre)` for cox and
  /// ag, `x'Vx` otherwise), every quantity is an increasing function `f(eta)` and its interval
  /// is `f(eta -/+ z s)`:
  /// - logistic: `p = expit(eta)`, `P_k = 1 - (1 - p)^k`, expected cramp nights `k p`,
  ///   per week `7 p`.
  /// - cox: `P_k = 1 - exp(-H0(k) e^eta)`.
  /// - ag: expected `E_k = H0(k) e^eta`, `P_k = 1 - exp(-E_k)`, per week
  ///   `7 H0(T) e^eta / T` with `T` the last baseline time.
  /// - poisson: `E_k = k e^eta`, `P_k = 1 - exp(-E_k)`; negbin:
  ///   `P_k = 1 - (1 + E_k / theta)^(-theta)`.
  /// - Throws: ``ProfileError`` for an unknown variable, an unreadable number or an unknown
  ///   level.
  /// - mixed logistic (``randomEffects`` set): see ``mixedRisk(_:design:use:)``; marginal over
  ///   `N(0, Sigma)` unless `group` names a training patient, whose conditional mode is used.
  ///   The interval reflects the fixed effects' uncertainty (`Sigma` and the mode held fixed).
  public func predict(
    _ given: [String: String], horizons: [Int] = [7, 30], group: String? = nil
  ) throws(ProfileError) -> RiskPrediction {
    let values = given.filter { !$0.value.isEmpty }
    let built = try designRow(values)
    let row = built.row
    var used: [(name: String, value: String)] = []
    var outside: [String] = []
    for v in variables {
      let text = values[v.name] ?? v.typicalValue
      used.append((v.name, text))
      if v.levels == nil, !v.isText, let x = Double(text), let lo = v.minimum, let hi = v.maximum,
        x < lo || x > hi
      {
        outside.append(v.name)
      }
    }
    var eta = 0.0
    var aliasedInUse: [String] = []
    for (j, b) in coefficients.enumerated() {
      if let b { eta += b * row[j] } else if row[j] != 0 { aliasedInUse.append(terms[j]) }
    }
    let centred = row.indices.map { row[$0] - (centre?[$0] ?? 0) }
    var variance = 0.0
    for i in centred.indices where centred[i] != 0 {
      for j in centred.indices where centred[j] != 0 {
        variance += centred[i] * covariance[i][j] * centred[j]
      }
    }
    let se = max(0, variance).squareRoot()
    let z = criticalValue
    let etas = (eta, eta - z * se, eta + z * se)
    func estimate(_ f: (Double) -> Double) -> RiskEstimate {
      RiskEstimate(value: f(etas.0), low: f(etas.1), high: f(etas.2))
    }
    var risks: [HorizonRisk] = []
    var perWeek: RiskEstimate?
    var randomUse: RandomEffectUse?
    switch kind {
    case .logistic where randomEffects != nil:
      guard let random = randomEffects else { break }
      let use: RandomEffectUse = group.map { .conditional(group: $0) } ?? .marginal
      let z = try randomDesign(random, row: row, used: used)
      let risk = try mixedRisk(random, design: z, use: use)
      for k in horizons {
        let n = Double(k)
        risks.append(
          HorizonRisk(
            nights: k, probability: estimate { risk.within($0, k) },
            expected: estimate { n * risk.nightly($0) }, beyondFollowUp: false))
      }
      perWeek = estimate { 7 * risk.nightly($0) }
      randomUse = use
    case .logistic:
      for k in horizons {
        let n = Double(k)
        risks.append(
          HorizonRisk(
            nights: k, probability: estimate { 1 - pow(1 - expit($0), n) },
            expected: estimate { n * expit($0) }, beyondFollowUp: false))
      }
      perWeek = estimate { 7 * expit($0) }
    case .cox, .ag:
      let steps = baselineCumulativeHazard ?? []
      let last = steps.last?.time ?? 0
      for k in horizons {
        let h = Self.cumulativeHazard(steps, at: Double(k))
        let expected = kind == .ag ? estimate { h * exp($0) } : nil
        risks.append(
          HorizonRisk(
            nights: k, probability: estimate { 1 - exp(-h * exp($0)) }, expected: expected,
            beyondFollowUp: Double(k) > last))
      }
      if kind == .ag, last > 0, let total = steps.last?.cumulativeHazard {
        perWeek = estimate { 7 * total / last * exp($0) }
      }
    case .poisson, .negbin:
      let theta = self.theta
      for k in horizons {
        let n = Double(k)
        let probability: RiskEstimate
        if kind == .negbin, let theta, theta > 0 {
          probability = estimate { 1 - pow(1 + n * exp($0) / theta, -theta) }
        } else {
          probability = estimate { 1 - exp(-n * exp($0)) }
        }
        risks.append(
          HorizonRisk(
            nights: k, probability: probability, expected: estimate { n * exp($0) },
            beyondFollowUp: false))
      }
      perWeek = estimate { 7 * exp($0) }
    }
    return RiskPrediction(
      values: used, filled: built.filled, outsideRange: outside, aliasedInUse: aliasedInUse,
      row: row, linearPredictor: eta, standardError: se, horizons: risks,
      expectedPerWeek: perWeek, randomEffect: randomUse)
  }

  /// The design row of a profile over ``terms``.
  ///
  /// Cox terms leave out the intercept column the formula's design has: the row is built with
  /// it and it is dropped.
  func designRow(_ values: [String: String]) throws(ProfileError) -> (
    row: [Double], filled: [String]
  ) {
    let dropIntercept = (kind == .cox || kind == .ag) && !terms.contains("(Intercept)")
    do {
      do {
        let columns = dropIntercept ? ["(Intercept)"] + terms : terms
        let built = try ProfileDesign.row(
          rightHandSide: rightHandSide, references: references, variables: variables,
          values: values, columnNames: columns, splineBases: splineBases ?? [:])
        return (dropIntercept ? Array(built.row.dropFirst()) : built.row, built.filled)
      } catch ProfileError.designMismatch where dropIntercept {
        // A formula without an intercept (`- 1`): the design columns are the terms.
        return try ProfileDesign.row(
          rightHandSide: rightHandSide, references: references, variables: variables,
          values: values, columnNames: terms, splineBases: splineBases ?? [:])
      }
    } catch let error as ProfileError {
      throw error
    } catch {
      throw .design(String(describing: error))
    }
  }

  /// The step function `H0` at `time`: the last step at or before it (0 before the first).
  static func cumulativeHazard(_ steps: [HazardStep], at time: Double) -> Double {
    var value = 0.0
    for s in steps {
      if s.time > time { break }
      value = s.cumulativeHazard
    }
    return value
  }
}

/// The inverse logit, computed without overflow.
func expit(_ x: Double) -> Double {
  x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}
