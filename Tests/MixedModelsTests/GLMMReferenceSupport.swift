import CrampData
import Formula
import Foundation
import Testing
import _TestSupport

@testable import MixedModels

/// The JSON written by Tests/Reference/glmer.R.
struct GLMMReference: Decodable {
  let rVersion: String
  let packages: [String: String]
  let models: [String: Model]

  enum CodingKeys: String, CodingKey {
    case rVersion = "r_version"
    case packages, models
  }

  struct Coefficient: Decodable {
    let rTerm: String
    let term: String
    let estimate: Double
    let stdError: Double
    let z: Double
    let pValue: Double

    enum CodingKeys: String, CodingKey {
      case rTerm = "r_term"
      case stdError = "std_error"
      case pValue = "p_value"
      case term, estimate, z
    }
  }

  struct Variance: Decodable {
    let term: String
    let variance: Double
    let stdDev: Double

    enum CodingKeys: String, CodingKey {
      case stdDev = "std_dev"
      case term, variance
    }
  }

  struct Correlation: Decodable {
    let terms: [String]
    let estimate: Double
  }

  struct Ranef: Decodable {
    let group: [String]
    let mode: [Double]
    let condSD: [Double]

    enum CodingKeys: String, CodingKey {
      case condSD = "cond_sd"
      case group, mode
    }
  }

  /// lme4's objective minimized further by Newton steps from bobyqa's optimum, with SEs from
  /// its Richardson-extrapolated Hessian (glmer.R, `polish`).
  struct Polished: Decodable {
    let theta: [Double]
    let beta: [Double]
    let deviance: Double
    let stdError: [Double]
    let variances: [Double]
    let correlation: Double?
    let newtonSteps: Int

    enum CodingKeys: String, CodingKey {
      case stdError = "std_error"
      case newtonSteps = "newton_steps"
      case theta, beta, deviance, variances, correlation
    }

    init(from decoder: Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      func vector(_ key: CodingKeys) throws -> [Double] {
        try (try? c.decode([Double].self, forKey: key)) ?? [c.decode(Double.self, forKey: key)]
      }
      theta = try vector(.theta)
      beta = try vector(.beta)
      stdError = try vector(.stdError)
      variances = try vector(.variances)
      deviance = try c.decode(Double.self, forKey: .deviance)
      correlation = try c.decodeIfPresent(Double.self, forKey: .correlation)
      newtonSteps = try c.decode(Int.self, forKey: .newtonSteps)
    }
  }

  struct Model: Decodable {
    let call: String
    let data: String
    let formula: String
    let link: String
    let nagq: Int
    let n: Int
    let nGroups: Int
    let theta: [Double]
    let beta: [Double]
    let devfunAtOptimum: Double
    let devfunAtOptimumAgain: Double
    let deviance: Double
    let logLikelihood: Double
    let aic: Double
    let bic: Double
    let isSingular: Bool
    let coefficients: [Coefficient]
    let variances: [Variance]
    let correlations: [Correlation]
    let ranef: Ranef?
    let polished: Polished?

    enum CodingKeys: String, CodingKey {
      case nGroups = "n_groups"
      case devfunAtOptimum = "devfun_at_optimum"
      case devfunAtOptimumAgain = "devfun_at_optimum_again"
      case logLikelihood = "log_likelihood"
      case isSingular = "is_singular"
      case call, data, formula, link, nagq, n, theta, beta, deviance, aic, bic, coefficients
      case variances, correlations, ranef, polished
    }

    init(from decoder: Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      call = try c.decode(String.self, forKey: .call)
      data = try c.decode(String.self, forKey: .data)
      formula = try c.decode(String.self, forKey: .formula)
      link = try c.decode(String.self, forKey: .link)
      nagq = try c.decode(Int.self, forKey: .nagq)
      n = try c.decode(Int.self, forKey: .n)
      nGroups = try c.decode(Int.self, forKey: .nGroups)
      // jsonlite writes a length-1 vector as a scalar (auto_unbox).
      theta =
        try (try? c.decode([Double].self, forKey: .theta)) ?? [
          c.decode(Double.self, forKey: .theta)
        ]
      beta =
        try (try? c.decode([Double].self, forKey: .beta)) ?? [c.decode(Double.self, forKey: .beta)]
      devfunAtOptimum = try c.decode(Double.self, forKey: .devfunAtOptimum)
      devfunAtOptimumAgain = try c.decode(Double.self, forKey: .devfunAtOptimumAgain)
      deviance = try c.decode(Double.self, forKey: .deviance)
      logLikelihood = try c.decode(Double.self, forKey: .logLikelihood)
      aic = try c.decode(Double.self, forKey: .aic)
      bic = try c.decode(Double.self, forKey: .bic)
      isSingular = try c.decode(Bool.self, forKey: .isSingular)
      coefficients = try c.decode([Coefficient].self, forKey: .coefficients)
      variances = try c.decode([Variance].self, forKey: .variances)
      correlations = try c.decode([Correlation].self, forKey: .correlations)
      ranef = try c.decodeIfPresent(Ranef.self, forKey: .ranef)
      polished = try c.decodeIfPresent(Polished.self, forKey: .polished)
    }
  }

  /// Loads the fixture; throws a `FixtureError` naming the file when it is missing,
  /// unparseable or holds no model, so a lost fixture fails the suite instead of passing it
  /// vacuously.
  static func load() throws -> GLMMReference {
    let reference = try Fixture.decode(GLMMReference.self, from: "glmer.json")
    try Fixture.requireCases(reference.models, in: "glmer.json", what: "models")
    return reference
  }

  /// One named model; throws when the fixture lacks it.
  static func model(_ name: String) throws -> Model {
    guard let model = try load().models[name] else {
      throw FixtureError(file: Fixture.displayName("glmer.json"), reason: .noCase(name))
    }
    return model
  }

  /// Tests/Reference (the shared fixture directory).
  static var directory: URL { Fixture.directory }
}

/// A fixture model's data, design and random effects, ready to fit or evaluate.
struct PreparedModel {
  let reference: GLMMReference.Model
  let design: DesignMatrix
  let random: RandomEffects
  let model: MixedLogisticModel

  init(_ name: String) throws {
    reference = try GLMMReference.model(name)
    let path = GLMMReference.directory.appendingPathComponent(reference.data).standardized.path
    let table = try CSVReader.read(path: path).table
    let mixed = try MixedFormula.parse(reference.formula, columns: table.columnNames)
    design = try DesignMatrix.build(
      mixed.fixed, table: table, options: DesignOptions(cluster: mixed.random.group))
    random = try RandomEffects.build(mixed.random, design: design, table: table)
    model = MixedLogisticModel(
      link: BinomialLink(rawValue: reference.link) ?? .logit, quadraturePoints: reference.nagq)
  }

  /// The objective on this model's data (all design columns: the fixtures have no aliasing).
  func objective() throws -> GLMMDeviance {
    let rule = model.quadraturePoints == 1 ? nil : try GaussHermiteRule(points: reference.nagq)
    let rows = GroupedRows(
      codes: random.grouping.codes, groupCount: random.grouping.count,
      y: design.response ?? [], columns: random.columns)
    return GLMMDeviance(
      link: model.link, rows: rows, design: design.values, p: design.columnCount,
      offset: design.offset, rule: rule)
  }

  /// Our deviance at R's `(theta, beta)`.
  func deviance(theta: [Double], beta: [Double]) throws -> Double {
    try objective().evaluate(theta: theta, beta: beta, start: nil).deviance
  }
}
