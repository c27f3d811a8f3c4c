/// The output formats every command supports.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// Aligned plain-text tables for a terminal (the default).
  case text
  /// GitHub-flavoured pipe tables.
  case markdown
  /// RFC 4180 CSV with `\n` line ends and full-precision numbers.
  case csv
  /// One JSON object with `schema_version`, sorted keys, `null` for NA.
  case json
}
