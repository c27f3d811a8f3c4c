/// Why a survival routine produced no answer (bad input shapes or values).
///
/// Data problems that still leave an answer (aliased columns, monotone likelihood, no events in
/// a stratum) are not errors: they are reported as diagnostics on the result.
public enum SurvivalError: Error, Equatable, Sendable {
  /// Two inputs that must have one value per row have different lengths.
  case lengthMismatch(what: String, expected: Int, actual: Int)
  /// A time, weight, offset or covariate value is NaN or infinite (`row` is 0-based).
  case nonFinite(what: String, row: Int)
  /// A counting-process row has `start >= stop` (`row` is 0-based).
  case emptyInterval(row: Int, start: Double, stop: Double)
  /// A case weight is negative (`row` is 0-based).
  case negativeWeight(row: Int, value: Double)
  /// A status value is not one of the accepted codings (0/1, 1/2 or TRUE/FALSE).
  case unrecognizedStatus(row: Int, text: String)
  /// There are no rows (or no rows with positive weight).
  case noObservations
  /// A parameter is out of range (for example a confidence level outside (0, 1)).
  case invalidParameter(String)
  /// A covariate profile or new-data row has the wrong number of values.
  case profileLength(expected: Int, actual: Int)
}

extension SurvivalError: CustomStringConvertible {
  /// A one-line message suitable for a CLI `Error:` line.
  public var description: String {
    switch self {
    case .lengthMismatch(let what, let expected, let actual):
      return "\(what) has \(actual) values but there are \(expected) rows"
    case .nonFinite(let what, let row):
      return "\(what) at row \(row + 1) is NaN or infinite"
    case .emptyInterval(let row, let start, let stop):
      return "row \(row + 1): start time \(start) is not before stop time \(stop)"
    case .negativeWeight(let row, let value):
      return "row \(row + 1): weight \(value) is negative"
    case .unrecognizedStatus(let row, let text):
      return "row \(row + 1): status '\(text)' is not 0/1, 1/2 or TRUE/FALSE"
    case .noObservations:
      return "there are no observations to fit"
    case .invalidParameter(let detail):
      return "invalid parameter: \(detail)"
    case .profileLength(let expected, let actual):
      return "covariate profile has \(actual) values but the model has \(expected) terms"
    }
  }
}
