/// Why a partial-statistics document could not be read, combined or solved.
public enum PartialsError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is not a document of this format (`source`, line, what was expected).
  case malformed(source: String, line: Int, reason: String)
  /// Documents that cannot be combined: different model, pass, formula or state.
  case mismatch(source: String, reason: String)
  /// The same partition appears twice, or one patient in two partitions.
  case overlap(reason: String)
  /// A model cannot be fitted from partial statistics (why, and what to do instead).
  case unsupported(String)

  public var description: String {
    switch self {
    case .malformed(let source, let line, let reason):
      return "\(source):\(line): not a crampstat partial-statistics document: \(reason)"
    case .mismatch(let source, let reason):
      return "\(source): cannot be combined with the others: \(reason)"
    case .overlap(let reason):
      return reason
    case .unsupported(let reason):
      return reason
    }
  }
}

extension PartialsError {
  /// Design columns (nearly) in the span of earlier ones, which the in-memory fit would
  /// report as aliased (R's `dqrdc2` on the rows) but which sums of `X'WX` cannot tell apart
  /// from merely collinear ones.
  public static func collinear(_ names: [String]) -> PartialsError {
    let list = names.map { "'\($0)'" }.joined(separator: ", ")
    return .unsupported(
      "\(list) \(names.count == 1 ? "is" : "are") (nearly) a linear combination of earlier "
        + "design columns: R would report aliased coefficients (NA), which a distributed fit "
        + "cannot decide without the rows; drop \(names.count == 1 ? "it" : "them") from the "
        + "formula, or fit in memory to see which R aliases")
  }
}
