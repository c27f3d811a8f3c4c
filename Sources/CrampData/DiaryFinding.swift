/// One problem found in a diary file, located at a physical line and column.
///
/// Rendered as `file:line: column: message [rule]`, so editors and CI logs can jump to it.
public struct DiaryFinding: Sendable, Equatable, CustomStringConvertible {
  /// How serious a finding is: errors make `validate` exit 65; warnings only with `--strict`.
  public enum Severity: String, Sendable, Codable {
    case error
    case warning
  }

  public var severity: Severity
  /// Source file as the user named it.
  public var source: String
  /// Physical line (1-based; the header is line 1).
  public var line: Int
  /// Column name, or `nil` for a whole-row or whole-file finding.
  public var column: String?
  /// Stable rule identifier in kebab case, such as `duplicate-patient-night`.
  public var rule: String
  /// What is wrong, with the offending value.
  public var message: String

  public init(
    _ severity: Severity, source: String, line: Int, column: String?, rule: String,
    message: String
  ) {
    self.severity = severity
    self.source = source
    self.line = line
    self.column = column
    self.rule = rule
    self.message = message
  }

  /// `file:line: column: message [rule]` (the column part is omitted when not known).
  public var description: String {
    let col = column.map { "\($0): " } ?? ""
    return "\(source):\(line): \(col)\(severity.rawValue): \(message) [\(rule)]"
  }
}
