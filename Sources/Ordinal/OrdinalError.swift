/// Why a cumulative-link model could not be fitted at all (no estimate exists).
///
/// Conditions that still leave a fit are ``OrdinalDiagnostic`` values on the result.
public enum OrdinalError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The formula has no ordinary response.
  case missingResponse
  /// The response is not a whole number (an ordinal scale is coded 0, 1, 2, ...).
  case nonIntegerResponse(source: String, line: Int, column: String, value: Double)
  /// Fewer than three distinct response values were observed (polr's "response must have 3
  /// or more levels"); `levels` are the values seen.
  case tooFewLevels(column: String, levels: [String])
  /// A weight is negative, zero or not finite.
  case invalidWeight(source: String, line: Int, value: Double)
  /// The observed information is not positive definite at the optimum (the fit has no
  /// variance): `detail` names the LAPACK condition.
  case singularInformation(detail: String)
  /// The log-likelihood could not be evaluated at the starting values.
  case noStartingValues

  public var description: String {
    switch self {
    case .missingResponse:
      return "the formula has no response (write it as 'severity ~ ...')"
    case .nonIntegerResponse(let source, let line, let column, let value):
      return "\(source):\(line): column '\(column)': \(Self.text(value)) is not a whole "
        + "number; an ordinal response must be coded 0, 1, 2, ... (e.g. severity 0-10)"
    case .tooFewLevels(let column, let levels):
      return
        "'\(column)' takes \(levels.count) distinct value(s) (\(levels.joined(separator: ", "))) "
        + "on the rows used; a cumulative-link model needs 3 or more (use 'logit' for 2)"
    case .invalidWeight(let source, let line, let value):
      return "\(source):\(line): weight \(Self.text(value)) must be positive and finite"
    case .singularInformation(let detail):
      return "the observed information is singular at the optimum (\(detail)); a covariate "
        + "may be constant within the rows used or a category may be separated"
    case .noStartingValues:
      return "the log-likelihood is not finite at the starting values"
    }
  }

  static func text(_ v: Double) -> String { String(v) }
}

/// A condition of a fit that exists but deserves a warning or a note.
public enum OrdinalDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// Newton-Raphson did not meet its criterion within the iteration limit.
  case didNotConverge(iterations: Int)
  /// Columns linearly dependent on the thresholds and earlier columns, dropped as polr does
  /// ("design appears to be rank-deficient, so dropping some coefs").
  case aliased(terms: [String])
  /// Too few clusters for the cluster-robust variance: the model variance is used.
  case tooFewClusters(count: Int, parameters: Int)

  public var description: String {
    switch self {
    case .didNotConverge(let n):
      return "Newton-Raphson did not converge in \(n) iterations; estimates are the last iterate"
    case .aliased(let terms):
      return "rank-deficient design: dropped \(terms.joined(separator: ", ")) (as polr drops "
        + "aliased coefficients)"
    case .tooFewClusters(let count, let parameters):
      return "\(count) cluster(s) for \(parameters) parameters: too few for a cluster-robust "
        + "variance; model-based standard errors are used"
    }
  }
}
