/// A rectangular table of already formatted cells, rendered as text, Markdown or CSV.
///
/// Cells are strings: callers decide the precision for text and Markdown (``NumberFormat``)
/// and give full precision for CSV. `nil` cells render as `NA` in text and Markdown and as
/// an empty field in CSV.
public struct DataTable: Sendable, Equatable {
  /// Column alignment in text output.
  public enum Alignment: Sendable, Equatable {
    case left
    case right
  }

  /// Column headers.
  public var headers: [String]
  /// Alignment per column; numbers are right-aligned.
  public var alignments: [Alignment]
  /// Rows of cells; every row has `headers.count` cells.
  public var rows: [[String?]]

  /// Creates a table; alignments default to left for the first column, right for the rest.
  public init(headers: [String], alignments: [Alignment]? = nil, rows: [[String?]] = []) {
    self.headers = headers
    self.alignments =
      alignments ?? headers.indices.map { $0 == 0 ? Alignment.left : Alignment.right }
    self.rows = rows
  }

  /// Appends a row (padded or truncated to the header count).
  public mutating func append(_ row: [String?]) {
    var r = Array(row.prefix(headers.count))
    while r.count < headers.count { r.append(nil) }
    rows.append(r)
  }

  /// Space-aligned text with one header line.
  public func renderText() -> String {
    let cells = rows.map { $0.map { $0 ?? "NA" } }
    var widths = headers.map(\.count)
    for row in cells {
      for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) }
    }
    func line(_ row: [String]) -> String {
      var parts: [String] = []
      for (j, cell) in row.enumerated() {
        let pad = String(repeating: " ", count: widths[j] - cell.count)
        parts.append(alignments[j] == .left ? cell + pad : pad + cell)
      }
      var text = parts.joined(separator: "  ")
      while text.hasSuffix(" ") { text.removeLast() }
      return text
    }
    var out = line(headers) + "\n"
    for row in cells { out += line(row) + "\n" }
    return out
  }

  /// A GitHub pipe table.
  public func renderMarkdown() -> String {
    func escape(_ s: String) -> String { s.replacingAll("|", with: "\\|") }
    var out = "| " + headers.map(escape).joined(separator: " | ") + " |\n"
    out += "|" + alignments.map { $0 == .left ? " :--- |" : " ---: |" }.joined() + "\n"
    for row in rows {
      out += "| " + row.map { escape($0 ?? "NA") }.joined(separator: " | ") + " |\n"
    }
    return out
  }

  /// RFC 4180 CSV: fields quoted when they contain `,`, `"`, CR or LF.
  public func renderCSV() -> String {
    var out = headers.map(DataTable.csvField).joined(separator: ",") + "\n"
    for row in rows {
      out += row.map { DataTable.csvField($0 ?? "") }.joined(separator: ",") + "\n"
    }
    return out
  }

  /// Quotes one CSV field when needed.
  public static func csvField(_ s: String) -> String {
    let needsQuotes = s.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    guard needsQuotes else { return s }
    return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
  }
}

extension String {
  /// Replaces every occurrence of `target` (no Foundation needed).
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    out.reserveCapacity(count)
    for ch in self {
      if ch == target { out += replacement } else { out.append(ch) }
    }
    return out
  }
}
