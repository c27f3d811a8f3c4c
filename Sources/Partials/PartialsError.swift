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
