import Formula
import Foundation

/// A fitted model saved for scoring patients (`--save-model fit.json`, read by `crampstat risk`).
///
/// The file is JSON with sorted keys in snake case and carries no timestamps or absolute
/// paths, so the same fit always gives the same bytes. Everything needed to rebuild a design
/// row for a new patient (the right-hand side, reference levels, each variable's training
/// levels and range) and to predict (coefficients, their covariance, the baseline cumulative
/// hazard of survival models) is inside; the training data are not needed.
public struct RiskModel: Codable, Sendable, Equatable {
  /// The file format version written by this code.
  public static let currentSchemaVersion = 1

  /// Which model the coefficients belong to, and so what a prediction means.
  public enum Kind: String, Codable, Sendable, CaseIterable {
    /// Nightly logistic regression: the log-odds of a cramp on a night.
    case logistic
    /// Cox model of the time to the first cramp (in nights).
    case cox
    /// Andersen-Gill model: the intensity of cramp nights over follow-up nights.
    case ag
    /// Poisson regression of counts with offset log(nights): log rate per night.
    case poisson
    /// Negative binomial regression of counts with offset log(nights).
    case negbin

    /// The name of `exp(coefficient)` for this model.
    public var ratioName: String {
      switch self {
      case .logistic: "odds ratio"
      case .cox, .ag: "hazard ratio"
      case .poisson, .negbin: "rate ratio"
      }
    }

    /// Short column header for the ratio (`OR`, `HR`, `RR`).
    public var ratioAbbreviation: String {
      switch self {
      case .logistic: "OR"
      case .cox, .ag: "HR"
      case .poisson, .negbin: "RR"
      }
    }
  }

  /// One step of a baseline cumulative hazard.
  public struct HazardStep: Codable, Sendable, Equatable {
    /// Time in nights since the start of follow-up.
    public var time: Double
    /// Cumulative hazard at all covariates 0 (R's `basehaz(fit, centered = FALSE)`).
    public var cumulativeHazard: Double

    enum CodingKeys: String, CodingKey {
      case time
      case cumulativeHazard = "cumulative_hazard"
    }

    /// Creates a step.
    public init(time: Double, cumulativeHazard: Double) {
      self.time = time
      self.cumulativeHazard = cumulativeHazard
    }
  }

  /// Version of the file format (``currentSchemaVersion`` when written).
  public var schemaVersion: Int
  /// The model kind.
  public var kind: Kind
  /// The formula as fitted (with response, offset, cluster terms).
  public var formula: String
  /// The right-hand side alone (`~ age + factor(trimester)`), used to build profile rows.
  public var rightHandSide: String
  /// Reference level of every categorical variable (the first training level).
  public var references: [String: String]
  /// Training description of every variable of the right-hand side.
  public var variables: [VariableInfo]
  /// Design column names, `(Intercept)` included when the model has one.
  public var terms: [String]
  /// One coefficient per term; `nil` for an aliased term (treated as 0 and flagged).
  public var coefficients: [Double?]
  /// Covariance of the coefficients, p x p over ``terms``, zero rows and columns for aliased
  /// terms; robust (sandwich) when ``robustVariance`` is set.
  public var covariance: [[Double]]
  /// Whether ``covariance`` is a cluster-robust sandwich.
  public var robustVariance: Bool
  /// Confidence level of the intervals `risk` prints.
  public var confidenceLevel: Double
  /// Baseline cumulative hazard at covariates 0 (cox and ag), by time.
  public var baselineCumulativeHazard: [HazardStep]?
  /// Where the baseline is best determined: the training rows' mean of each term (cox and
  /// ag); intervals are computed for `(x - centre)' b`.
  public var centre: [Double]?
  /// Negative binomial theta (`var = mu + mu^2 / theta`), negbin only.
  public var theta: Double?
  /// The random part of a mixed logistic model (`nil` for every other model).
  public var randomEffects: SavedRandomEffects?
  /// The training bases of spline terms (`ns(age, df = 3)` -> knots and `ns` projection), so
  /// a new patient's row uses the training knots; `nil` without spline terms.
  public var splineBases: [String: SplineBasis]?
  /// What an event is (`cramp night`, `cramp`), for the text of predictions.
  public var outcome: String
  /// Unit of time of the baseline and of predictions.
  public var timeUnit: String
  /// Rows (or patients, for count models) the model was fitted on.
  public var trainingRows: Int
  /// File name of the training data, without directories.
  public var source: String

  enum CodingKeys: String, CodingKey {
    case schemaVersion = "schema_version"
    case kind, formula
    case rightHandSide = "right_hand_side"
    case references, terms, coefficients, covariance
    case variables
    case robustVariance = "robust_variance"
    case confidenceLevel = "confidence_level"
    case baselineCumulativeHazard = "baseline_cumulative_hazard"
    case centre, theta, outcome
    case randomEffects = "random_effects"
    case splineBases = "spline_bases"
    case timeUnit = "time_unit"
    case trainingRows = "training_rows"
    case source
  }

  /// Snake-case form of ``VariableInfo`` in the file.
  struct VariableRecord: Codable {
    var name: String
    var isText: Bool
    var levels: [String]?
    var minimum: Double?
    var maximum: Double?
    var median: Double?
    var mode: String?

    enum CodingKeys: String, CodingKey {
      case name
      case isText = "is_text"
      case levels, minimum, maximum, median, mode
    }

    init(_ v: VariableInfo) {
      (name, isText, levels) = (v.name, v.isText, v.levels)
      (minimum, maximum, median, mode) = (v.minimum, v.maximum, v.median, v.mode)
    }

    var info: VariableInfo {
      var v = VariableInfo(name: name, isText: isText)
      (v.levels, v.minimum, v.maximum, v.median, v.mode) = (levels, minimum, maximum, median, mode)
      return v
    }
  }

  /// Decodes a model (the ``CodingKeys`` layout).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
    kind = try c.decode(Kind.self, forKey: .kind)
    formula = try c.decode(String.self, forKey: .formula)
    rightHandSide = try c.decode(String.self, forKey: .rightHandSide)
    references = try c.decode([String: String].self, forKey: .references)
    variables = try c.decode([VariableRecord].self, forKey: .variables).map(\.info)
    terms = try c.decode([String].self, forKey: .terms)
    coefficients = try c.decode([Double?].self, forKey: .coefficients)
    covariance = try c.decode([[Double]].self, forKey: .covariance)
    robustVariance = try c.decode(Bool.self, forKey: .robustVariance)
    confidenceLevel = try c.decode(Double.self, forKey: .confidenceLevel)
    baselineCumulativeHazard = try c.decodeIfPresent(
      [HazardStep].self, forKey: .baselineCumulativeHazard)
    centre = try c.decodeIfPresent([Double].self, forKey: .centre)
    theta = try c.decodeIfPresent(Double.self, forKey: .theta)
    randomEffects = try c.decodeIfPresent(SavedRandomEffects.self, forKey: .randomEffects)
    splineBases = try c.decodeIfPresent([String: SplineBasis].self, forKey: .splineBases)
    outcome = try c.decode(String.self, forKey: .outcome)
    timeUnit = try c.decode(String.self, forKey: .timeUnit)
    trainingRows = try c.decode(Int.self, forKey: .trainingRows)
    source = try c.decode(String.self, forKey: .source)
  }

  /// Encodes a model (the ``CodingKeys`` layout; absent optionals are left out).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schemaVersion, forKey: .schemaVersion)
    try c.encode(kind, forKey: .kind)
    try c.encode(formula, forKey: .formula)
    try c.encode(rightHandSide, forKey: .rightHandSide)
    try c.encode(references, forKey: .references)
    try c.encode(variables.map(VariableRecord.init), forKey: .variables)
    try c.encode(terms, forKey: .terms)
    try c.encode(coefficients, forKey: .coefficients)
    try c.encode(covariance, forKey: .covariance)
    try c.encode(robustVariance, forKey: .robustVariance)
    try c.encode(confidenceLevel, forKey: .confidenceLevel)
    try c.encodeIfPresent(baselineCumulativeHazard, forKey: .baselineCumulativeHazard)
    try c.encodeIfPresent(centre, forKey: .centre)
    try c.encodeIfPresent(theta, forKey: .theta)
    try c.encodeIfPresent(randomEffects, forKey: .randomEffects)
    try c.encodeIfPresent(splineBases, forKey: .splineBases)
    try c.encode(outcome, forKey: .outcome)
    try c.encode(timeUnit, forKey: .timeUnit)
    try c.encode(trainingRows, forKey: .trainingRows)
    try c.encode(source, forKey: .source)
  }

  /// Creates a model description; `source` is reduced to its last path component.
  public init(
    kind: Kind, formula: String, rightHandSide: String, variables: [VariableInfo],
    terms: [String], coefficients: [Double?], covariance: [[Double]], robustVariance: Bool,
    confidenceLevel: Double, outcome: String, trainingRows: Int, source: String
  ) {
    self.schemaVersion = Self.currentSchemaVersion
    self.kind = kind
    self.formula = formula
    self.rightHandSide = rightHandSide
    var references: [String: String] = [:]
    for v in variables { if let first = v.levels?.first { references[v.name] = first } }
    self.references = references
    self.variables = variables
    self.terms = terms
    self.coefficients = coefficients
    self.covariance = covariance
    self.robustVariance = robustVariance
    self.confidenceLevel = confidenceLevel
    self.outcome = outcome
    self.timeUnit = "night"
    self.trainingRows = trainingRows
    self.source = String(source.split(separator: "/").last ?? Substring(source))
  }

  /// Expands a covariance over the estimable terms to p x p over all terms, with zeros for
  /// the aliased ones (`coefficients[j] == nil`).
  public static func expandCovariance(
    _ estimable: [[Double]], coefficients: [Double?]
  ) -> [[Double]] {
    let slots = coefficients.indices.filter { coefficients[$0] != nil }
    let p = coefficients.count
    var full = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
    for (a, i) in slots.enumerated() where a < estimable.count {
      for (b, j) in slots.enumerated() where b < estimable[a].count {
        full[i][j] = estimable[a][b]
      }
    }
    return full
  }

  /// The name of `exp(coefficient)`: the kind's, except that a cloglog mixed model's
  /// coefficients are log hazard ratios.
  public var ratioName: String {
    randomEffects?.link == .cloglog ? "hazard ratio" : kind.ratioName
  }

  /// Short column header for the ratio (`OR`, `HR`, `RR`).
  public var ratioAbbreviation: String {
    randomEffects?.link == .cloglog ? "HR" : kind.ratioAbbreviation
  }

  /// Terms whose coefficient is not estimable (aliased).
  public var aliasedTerms: [String] {
    zip(terms, coefficients).filter { $0.1 == nil }.map(\.0)
  }

  /// The JSON text of the model: sorted keys, snake case, two-space indentation, final newline.
  public func encoded() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
  }

  /// Reads a model written by ``encoded()``.
  /// - Throws: ``RiskModelError`` when the text is not a model file or has an unknown
  ///   schema version or inconsistent sizes.
  public static func decode(_ bytes: [UInt8]) throws(RiskModelError) -> RiskModel {
    let decoder = JSONDecoder()
    let model: RiskModel
    do {
      model = try decoder.decode(RiskModel.self, from: Data(bytes))
    } catch {
      throw .unreadable(String(describing: error))
    }
    guard model.schemaVersion == currentSchemaVersion else {
      throw .unsupportedVersion(model.schemaVersion)
    }
    let p = model.terms.count
    guard model.coefficients.count == p, model.covariance.count == p,
      model.covariance.allSatisfy({ $0.count == p })
    else {
      throw .inconsistent("terms, coefficients and covariance differ in size")
    }
    for (term, basis) in model.splineBases ?? [:] where !basis.isConsistent {
      throw .inconsistent("spline_bases: the basis of '\(term)' is not a valid spline basis")
    }
    if let random = model.randomEffects {
      guard model.kind == .logistic else {
        throw .inconsistent("random_effects are only read for a logistic model")
      }
      try random.validate()
    }
    if model.kind == .cox || model.kind == .ag {
      guard let steps = model.baselineCumulativeHazard, !steps.isEmpty else {
        throw .inconsistent("a \(model.kind.rawValue) model needs a baseline cumulative hazard")
      }
    }
    return model
  }
}

/// Why a model file cannot be used.
public enum RiskModelError: Error, Equatable, Sendable, CustomStringConvertible {
  case unreadable(String)
  case unsupportedVersion(Int)
  case inconsistent(String)

  public var description: String {
    switch self {
    case .unreadable(let detail): "not a crampstat model file (\(detail))"
    case .unsupportedVersion(let v):
      "model file schema_version \(v) is not supported (this crampstat reads "
        + "\(RiskModel.currentSchemaVersion))"
    case .inconsistent(let detail): "inconsistent model file: \(detail)"
    }
  }
}
