/// Why a regression could not be fitted at all (no estimate exists).
///
/// Problems that still leave a fit (non-convergence, aliasing, separation) are
/// ``FitDiagnostic`` values on the result instead.
public enum RegressionError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The design has no ordinary response (one-sided formula or `Surv(...)`).
  case missingResponse
  /// A logistic response must be 0 or 1 (or a boolean); `line` is the source line.
  case responseNotBinary(source: String, line: Int, value: Double)
  /// Cluster-robust variance was asked for but the design has no clusters.
  case noClusters
  /// Every column is aliased, or the design has no columns.
  case emptyModel
  /// The weighted cross product is not positive definite even after removing aliased
  /// columns (for example every working weight underflowed to zero).
  case singularInformation(iteration: Int)
  /// A combination of options that is not implemented.
  case unsupported(String)

  public var description: String {
    switch self {
    case .missingResponse:
      return "the formula has no response (write it as 'y ~ ...')"
    case .responseNotBinary(let source, let line, let value):
      return "\(source):\(line): the response must be 0 or 1 for logistic regression, found "
        + "\(value)"
    case .noClusters:
      return "cluster-robust variance needs a cluster column (--cluster or cluster() in the "
        + "formula)"
    case .emptyModel:
      return "the model has no estimable coefficient"
    case .singularInformation(let iteration):
      return "the information matrix became singular at iteration \(iteration)"
    case .unsupported(let what):
      return "not supported: \(what)"
    }
  }
}

/// A condition of a fit that exists but deserves a warning.
public enum FitDiagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The convergence criterion was not met within the iteration limit.
  case didNotConverge(iterations: Int)
  /// The column is a linear combination of earlier ones; its coefficient is NA, as in R.
  case aliased(term: String)
  /// Some fitted probabilities are within `10 * eps` of 0 or 1 (R's glm.fit warning).
  case fittedProbabilitiesZeroOrOne(count: Int)
  /// Complete or quasi-complete separation: these coefficients were still moving away from
  /// zero when iteration stopped, so their estimates (and Wald tests) are not finite in truth.
  case separation(terms: [String])
  /// The intercept-only fit with the offset (for the null deviance) did not converge.
  case nullModelDidNotConverge
  /// A profile-likelihood interval is open on one side (the likelihood flattens there, as
  /// under separation): the limit is shown as `Inf` or `-Inf`.
  case openProfileInterval(terms: [String])
  /// Too few clusters for a cluster-robust variance (fewer than 2, or fewer than the
  /// `parameters` estimated): the model-based variance is used instead.
  case tooFewClusters(count: Int, parameters: Int)

  public var description: String {
    switch self {
    case .didNotConverge(let iterations):
      return "algorithm did not converge in \(iterations) iterations"
    case .aliased(let term):
      return "coefficient '\(term)' not defined because of singularities (aliased; shown as NA)"
    case .fittedProbabilitiesZeroOrOne(let count):
      return "fitted probabilities numerically 0 or 1 occurred (\(count) rows)"
    case .separation(let terms):
      return "separation: the estimates of " + terms.map { "'\($0)'" }.joined(separator: ", ")
        + " are diverging (consider --firth)"
    case .nullModelDidNotConverge:
      return "the null model with offset did not converge; null deviance may be inaccurate"
    case .openProfileInterval(let terms):
      return "the profile-likelihood interval of " + terms.map { "'\($0)'" }.joined(separator: ", ")
        + " is open on one side (the likelihood flattens: separation); shown as Inf"
    case .tooFewClusters(let count, let parameters):
      return "\(count) cluster\(count == 1 ? "" : "s") for \(parameters) parameters: too few for a "
        + "cluster-robust variance (needs at least 2 and at least as many as parameters); "
        + "model-based standard errors are shown instead"
    }
  }
}
