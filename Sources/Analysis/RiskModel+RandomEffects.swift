import Foundation
import MixedModels

/// The random part of a saved mixed logistic model (`crampstat logit ... + (1 | patient_id)
/// --save-model`): what `risk` needs to average over patients or to use one patient's mode.
public struct SavedRandomEffects: Codable, Sendable, Equatable {
  /// The grouping column (`patient_id`).
  public var group: String
  /// The link of the model (`logit` or `cloglog`).
  public var link: BinomialLink
  /// Random-effect terms: `(Intercept)` and any slope columns, in the order of ``covariance``.
  public var terms: [String]
  /// `Sigma`, the covariance of the random effects (`VarCorr(fit)`), row-major.
  public var covariance: [[Double]]
  /// Each training group's conditional mode `b~_i` (`ranef(fit)`), one value per term.
  public var modes: [String: [Double]]

  /// Creates the record.
  public init(
    group: String, link: BinomialLink, terms: [String], covariance: [[Double]],
    modes: [String: [Double]]
  ) {
    self.group = group
    self.link = link
    self.terms = terms
    self.covariance = covariance
    self.modes = modes
  }

  /// Checks sizes and values (a hand-edited file must not produce nonsense).
  func validate() throws(RiskModelError) {
    let q = terms.count
    guard q > 0, covariance.count == q, covariance.allSatisfy({ $0.count == q }) else {
      throw .inconsistent("random_effects: terms and covariance differ in size")
    }
    guard covariance.joined().allSatisfy(\.isFinite),
      (0..<q).allSatisfy({ covariance[$0][$0] >= 0 })
    else {
      throw .inconsistent("random_effects: the covariance has a negative or non-finite variance")
    }
    guard modes.values.allSatisfy({ $0.count == q && $0.allSatisfy(\.isFinite) }) else {
      throw .inconsistent("random_effects: a conditional mode has the wrong size or is not finite")
    }
  }
}

/// How the random effect entered a prediction.
public enum RandomEffectUse: Sendable, Equatable {
  /// Averaged over the random-effect distribution `N(0, Sigma)` (a new patient).
  case marginal
  /// The conditional mode of a training patient.
  case conditional(group: String)

  /// `marginal` or `conditional` (the JSON value).
  public var name: String {
    switch self {
    case .marginal: "marginal"
    case .conditional: "conditional"
    }
  }
}

extension RiskModel {
  /// The 25-point Gauss-Hermite rule that averages a risk over the random effect, built once
  /// (not per scored patient).
  static let marginalRule: GaussHermiteRule? = try? GaussHermiteRule(points: 25)

  /// The nightly and k-night risks of a mixed logistic model as increasing functions of the
  /// fixed linear predictor `eta`, for one patient.
  ///
  /// - marginal: with `s^2 = z' Sigma z` (`z` the random-effect design of the patient: 1 and
  ///   the slope values), nightly `p(eta) = E mu(eta + s Z)` and `P_k(eta) = 1 - E (1 - mu(eta
  ///   + s Z))^k`, `Z ~ N(0, 1)`, by a 25-point Gauss-Hermite rule: the nights of one patient
  ///   share their random effect, so `P_k` is not `1 - (1 - p)^k`.
  /// - conditional: `u = z' b~_i` is added to `eta`: `p = mu(eta + u)`, `P_k = 1 - (1 - p)^k`.
  func mixedRisk(
    _ random: SavedRandomEffects, design z: [Double], use: RandomEffectUse
  ) throws(ProfileError) -> (nightly: (Double) -> Double, within: (Double, Int) -> Double) {
    let link = random.link
    switch use {
    case .conditional(let group):
      guard let b = random.modes[group] else {
        throw .unknownGroup(column: random.group, value: group)
      }
      let u = zip(z, b).map(*).reduce(0, +)
      return (
        { link.mean($0 + u) },
        { eta, k in -expm1(Double(k) * log1p(-link.mean(eta + u))) }
      )
    case .marginal:
      var s2 = 0.0
      for i in z.indices { for j in z.indices { s2 += z[i] * random.covariance[i][j] * z[j] } }
      let s = max(0, s2).squareRoot()
      guard let rule = Self.marginalRule else {
        throw .malformed("the quadrature rule could not be built")
      }
      return (
        { eta in zip(rule.nodes, rule.weights).map { $1 * link.mean(eta + s * $0) }.reduce(0, +) },
        { eta, k in
          let survive = zip(rule.nodes, rule.weights).map { node, weight in
            weight * exp(Double(k) * log1p(-link.mean(eta + s * node)))
          }
          return 1 - survive.reduce(0, +)
        }
      )
    }
  }

  /// The random-effect design `z` of a profile: 1 for `(Intercept)`, each slope term's value
  /// in the design row, or the variable's number when the slope is not a fixed-effect column.
  func randomDesign(
    _ random: SavedRandomEffects, row: [Double], used: [(name: String, value: String)]
  ) throws(ProfileError) -> [Double] {
    try random.terms.map { (term: String) throws(ProfileError) -> Double in
      if term == "(Intercept)" { return 1 }
      if let j = terms.firstIndex(of: term) { return row[j] }
      guard let text = used.first(where: { $0.name == term })?.value, let x = Double(text) else {
        throw .malformed("the random slope '\(term)' needs a numeric value")
      }
      return x
    }
  }
}
