/// Why a parametric survival fit produced no answer.
///
/// A fit that ran out of iterations is not an error: it is a diagnostic on the result.
public enum SurvregError: Error, Equatable, Sendable {
  /// A time is zero or negative under a distribution of log time (`row` is 0-based).
  case nonPositiveTime(row: Int, value: Double)
  /// A time, weight or offset is NaN or infinite (`row` is 0-based).
  case nonFinite(what: String, row: Int)
  /// Two inputs that must have one value per row have different lengths.
  case lengthMismatch(what: String, expected: Int, actual: Int)
  /// A case weight is not positive (R's survreg refuses weights `<= 0`).
  case nonPositiveWeight(row: Int, value: Double)
  /// The exponential has its scale fixed at 1, so it cannot have one scale per stratum.
  case fixedScaleWithStrata(distribution: String)
  /// There are no rows, or no events.
  case noEvents
  /// The intercept-only fit that gives the starting scale failed (R: "initial iteration
  /// failed").
  case initialIterationFailed
  /// Neither the information nor the outer product of the scores is positive definite.
  case singularInformation
  /// A covariate profile has the wrong number of values, or a probability or time is invalid.
  case invalidPrediction(String)
}

extension SurvregError: CustomStringConvertible {
  /// A one-line message for a CLI `Error:` line.
  public var description: String {
    switch self {
    case .nonPositiveTime(let row, let value):
      return "row \(row + 1): time \(value) is not positive, and this distribution models log(time)"
    case .nonFinite(let what, let row):
      return "\(what) at row \(row + 1) is NaN or infinite"
    case .lengthMismatch(let what, let expected, let actual):
      return "\(what) has \(actual) values but there are \(expected) rows"
    case .nonPositiveWeight(let row, let value):
      return "row \(row + 1): weight \(value) is not positive"
    case .fixedScaleWithStrata(let distribution):
      return
        "the \(distribution) distribution has a fixed scale, so strata() cannot give it one scale per stratum"
    case .noEvents:
      return "there are no events to fit"
    case .initialIterationFailed:
      return "the intercept-only fit for starting values failed (as R's 'initial iteration failed')"
    case .singularInformation:
      return "the information matrix is singular: the model cannot be estimated from these data"
    case .invalidPrediction(let detail):
      return "prediction: \(detail)"
    }
  }
}
