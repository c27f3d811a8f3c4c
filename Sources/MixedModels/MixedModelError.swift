/// Why a mixed model could not be fitted at all (no estimate exists).
///
/// Conditions that still leave a fit (a singular fit, a large gradient at the end, groups whose
/// penalized IRLS did not converge) are ``MixedFitDiagnostic`` values on the result instead.
public enum MixedModelError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The design has no ordinary response.
  case missingResponse
  /// The response must be 0 or 1; `line` is the source line.
  case responseNotBinary(source: String, line: Int, value: Double)
  /// The number of quadrature points is outside lme4's `1...25`.
  case invalidQuadraturePoints(Int)
  /// Adaptive Gauss-Hermite quadrature needs a single scalar random intercept (as glmer).
  case quadratureNeedsScalarIntercept
  /// The grouping codes, random-effect columns and design disagree in length.
  case dimensionMismatch(String)
  /// A random-slope value is missing or not finite on a row the model uses.
  case nonFiniteSlope(column: String, line: Int)
  /// Every fixed-effect column is aliased, or there is none and no random effect to fit.
  case emptyModel
  /// The deviance is not finite at the starting values (overflow of the linear predictor).
  case nonFiniteDeviance
  /// The Hessian of the deviance could not be factored (no standard errors).
  case singularHessian

  public var description: String {
    switch self {
    case .missingResponse:
      return "the formula has no response (write it as 'y ~ ... + (1 | group)')"
    case .responseNotBinary(let source, let line, let value):
      return "\(source):\(line): the response must be 0 or 1 for a mixed logistic model, "
        + "found \(value)"
    case .invalidQuadraturePoints(let k):
      return "--nagq must be between 1 and 25 (as glmer's nAGQ), got \(k)"
    case .quadratureNeedsScalarIntercept:
      return "adaptive Gauss-Hermite quadrature (--nagq > 1) needs a single random intercept "
        + "'(1 | group)', as glmer; use the Laplace approximation (--nagq 1) for a random slope"
    case .dimensionMismatch(let detail):
      return "internal error: \(detail)"
    case .nonFiniteSlope(let column, let line):
      return "line \(line): random-slope column '\(column)' is missing or not a finite number"
    case .emptyModel:
      return "the model has no estimable fixed-effect coefficient"
    case .nonFiniteDeviance:
      return "the deviance is not finite (the linear predictor overflows)"
    case .singularHessian:
      return "the Hessian of the deviance is singular: no standard errors"
    }
  }
}
