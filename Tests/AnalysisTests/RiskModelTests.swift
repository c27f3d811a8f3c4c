import Foundation
import Testing

@testable import Analysis

/// ``RiskModel`` on hand-built models: the prediction formulas, the file round trip and the
/// covariance expansion.
@Suite("RiskModel")
struct RiskModelTests {
  static let z = 1.959963984540054

  /// `~ age + sex` with an intercept: age in [20, 80] (median 50), sex F (reference) or M.
  static func model(_ kind: RiskModel.Kind) -> RiskModel {
    var age = VariableInfo(name: "age", isText: false)
    (age.minimum, age.maximum, age.median) = (20, 80, 50)
    var sex = VariableInfo(name: "sex", isText: true)
    (sex.levels, sex.mode) = (["F", "M"], "F")
    let hasIntercept = kind != .cox && kind != .ag
    let terms = (hasIntercept ? ["(Intercept)"] : []) + ["age", "sex[M]"]
    let coefficients: [Double?] = (hasIntercept ? [-3] : []) + [0.02, 0.5]
    let p = terms.count
    var covariance = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
    for i in 0..<p { covariance[i][i] = 0.01 * Double(i + 1) }
    if p == 3 { (covariance[0][1], covariance[1][0]) = (-0.001, -0.001) }
    var m = RiskModel(
      kind: kind, formula: "y ~ age + sex", rightHandSide: "~ age + sex",
      variables: [age, sex], terms: terms, coefficients: coefficients, covariance: covariance,
      robustVariance: false, confidenceLevel: 0.95, outcome: "cramp night", trainingRows: 100,
      source: "/some/dir/train.csv")
    if kind == .cox || kind == .ag {
      m.baselineCumulativeHazard = [
        .init(time: 2, cumulativeHazard: 0.01), .init(time: 7, cumulativeHazard: 0.05),
        .init(time: 20, cumulativeHazard: 0.2),
      ]
      m.centre = [50, 0.5]
    }
    if kind == .negbin { m.theta = 2 }
    return m
  }

  static func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

  @Test("logistic: the nightly probability and its 7-night complement, with the interval")
  func logistic() throws {
    let m = Self.model(.logistic)
    let p = try m.predict(["age": "60", "sex": "M"])
    #expect(p.row == [1, 60, 1])
    let eta = -3 + 0.02 * 60 + 0.5
    #expect(Self.close(p.linearPredictor, eta))
    let cross: Double = 2 * 60 * -0.001
    let variance: Double = 0.01 + 3600 * 0.02 + 0.03 + cross
    #expect(Self.close(p.standardError, variance.squareRoot()))
    let p7 = 1 - pow(1 - Self.expit(eta), 7)
    #expect(Self.close(p.horizons[0].probability.value, p7))
    let low = 1 - pow(1 - Self.expit(eta - Self.z * variance.squareRoot()), 7)
    #expect(Self.close(p.horizons[0].probability.low, low))
    #expect(p.filled.isEmpty && p.outsideRange.isEmpty)
  }

  @Test("cox: 1 - exp(-H0(k) e^eta); centred interval; horizon past follow-up flagged")
  func cox() throws {
    let m = Self.model(.cox)
    let p = try m.predict(["age": "50"])
    #expect(p.filled == ["sex"])
    #expect(p.row == [50, 0])
    let eta = 0.02 * 50
    #expect(Self.close(p.horizons[0].probability.value, 1 - exp(-0.05 * exp(eta))))
    #expect(Self.close(p.standardError, (0.25 * 0.02).squareRoot()))
    #expect(p.horizons[1].beyondFollowUp)
    #expect(Self.close(p.horizons[1].probability.value, 1 - exp(-0.2 * exp(eta))))
    #expect(p.expectedPerWeek == nil)
  }

  @Test("ag: expected = H0(k) e^eta, per week from the whole follow-up")
  func ag() throws {
    let m = Self.model(.ag)
    let p = try m.predict(["age": "90", "sex": "F"])
    #expect(p.outsideRange == ["age"])
    let eta = 0.02 * 90
    #expect(Self.close(p.horizons[0].expected?.value ?? .nan, 0.05 * exp(eta)))
    #expect(Self.close(p.expectedPerWeek?.value ?? .nan, 7 * 0.2 / 20 * exp(eta)))
  }

  @Test("negbin: 1 - (1 + k mu / theta)^-theta; poisson: 1 - exp(-k mu)")
  func rates() throws {
    let eta = -3 + 0.02 * 40
    let nb = try Self.model(.negbin).predict(["age": "40", "sex": "F"])
    #expect(Self.close(nb.horizons[0].probability.value, 1 - pow(1 + 7 * exp(eta) / 2, -2)))
    let po = try Self.model(.poisson).predict(["age": "40", "sex": "F"])
    #expect(Self.close(po.horizons[1].probability.value, 1 - exp(-30 * exp(eta))))
    #expect(Self.close(po.expectedPerWeek?.value ?? .nan, 7 * exp(eta)))
  }

  @Test("profile errors: unknown variable, unknown level, not a number")
  func errors() {
    let m = Self.model(.logistic)
    #expect(throws: ProfileError.unknownVariable(name: "ages", suggestion: "age")) {
      try m.predict(["ages": "3"])
    }
    #expect(throws: ProfileError.self) { try m.predict(["sex": "X"]) }
    #expect(throws: ProfileError.notANumber(name: "age", value: "old")) {
      try m.predict(["age": "old"])
    }
  }

  @Test("the file round-trips, sorted and without directories")
  func roundTrip() throws {
    let m = Self.model(.ag)
    let bytes = try m.encoded()
    #expect(try RiskModel.decode(bytes) == m)
    #expect(try RiskModel.decode(bytes).encoded() == bytes)
    #expect(m.source == "train.csv")
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.contains("\"baseline_cumulative_hazard\""))
    #expect(text.contains("\"is_text\""))
    #expect(text.hasPrefix("{\n  \"baseline_cumulative_hazard\""))
  }

  @Test("the covariance of estimable terms expands with zeros for aliased ones")
  func expand() {
    let full = RiskModel.expandCovariance([[1, 2], [2, 4]], coefficients: [0.1, nil, 0.3])
    #expect(full == [[1, 0, 2], [0, 0, 0], [2, 0, 4]])
  }
}
