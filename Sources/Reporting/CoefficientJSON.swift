#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One coefficient of any model as a JSON object, with the same keys for every command.
///
/// Keys (see ``JSONVocabulary``): `term`, `estimate`, `std_error` (the one the p-value and the
/// interval use), `model_std_error`, `robust_std_error` (null without a robust variance),
/// `statistic` (the Wald z) and its alias `z` (kept for schema version 2 only), `p_value`,
/// `conf_low`, `conf_high`, `exp_estimate`, `exp_conf_low`, `exp_conf_high` and `ci_method`.
public struct CoefficientJSON: Sendable {
  public var term: String
  public var estimate: Double?
  public var standardError: Double?
  public var modelStandardError: Double?
  public var robustStandardError: Double?
  public var statistic: Double?
  public var pValue: Double?
  public var confidenceLow: Double?
  public var confidenceHigh: Double?
  /// `exp` of the estimate and limits; computed from them when not given.
  public var ratio: Double?
  public var ratioLow: Double?
  public var ratioHigh: Double?
  /// `wald`, `profile` or `profile_penalized`; nil when there is no interval.
  public var ciMethod: String?

  /// Creates a row; the ratios default to `exp` of the estimate and limits.
  public init(
    term: String, estimate: Double?, standardError: Double?, modelStandardError: Double?,
    robustStandardError: Double?, statistic: Double?, pValue: Double?, confidenceLow: Double?,
    confidenceHigh: Double?, ratio: Double? = nil, ratioLow: Double? = nil,
    ratioHigh: Double? = nil, ciMethod: String?
  ) {
    self.term = term
    self.estimate = estimate
    self.standardError = standardError
    self.modelStandardError = modelStandardError
    self.robustStandardError = robustStandardError
    self.statistic = statistic
    self.pValue = pValue
    self.confidenceLow = confidenceLow
    self.confidenceHigh = confidenceHigh
    self.ratio = ratio ?? estimate.map { exp($0) }
    self.ratioLow = ratioLow ?? confidenceLow.map { exp($0) }
    self.ratioHigh = ratioHigh ?? confidenceHigh.map { exp($0) }
    self.ciMethod = estimate == nil ? nil : ciMethod
  }

  /// The JSON object.
  public var json: JSONValue {
    .object([
      "term": .string(term), "estimate": .number(estimate), "std_error": .number(standardError),
      "model_std_error": .number(modelStandardError),
      "robust_std_error": .number(robustStandardError), "statistic": .number(statistic),
      "z": .number(statistic), "p_value": .number(pValue), "conf_low": .number(confidenceLow),
      "conf_high": .number(confidenceHigh), "exp_estimate": .number(ratio),
      "exp_conf_low": .number(ratioLow), "exp_conf_high": .number(ratioHigh),
      "ci_method": .string(ciMethod),
    ])
  }
}
