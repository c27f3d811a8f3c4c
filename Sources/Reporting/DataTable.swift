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

  /// Space-aligned text with one header line, fitted to ``TextWidth/current``.
  public func renderText() -> String { renderText(width: TextWidth.current) }

  /// Space-aligned text with one header line, at most `width` columns wide (`nil`: no limit).
  ///
  /// A table wider than `width` first wraps its text (left-aligned) columns after the first at
  /// spaces; if that is not enough it is split into blocks of columns, each repeating the
  /// first column (R's `print.default` layout of a wide matrix); a column with an empty header
  /// (significance stars) stays with the column before it. A block still too wide wraps its
  /// cells at spaces, widest column first (a wrapped right-aligned cell stays right-aligned).
  /// Words, and so numbers, are never broken: a block whose first column and one more cannot
  /// fit even then is wider than `width`.
  public func renderText(width: Int?) -> String {
    let cells = rows.map { $0.map { $0 ?? "NA" } }
    let natural = headers.indices.map { j in
      ([headers[j]] + cells.map { $0[j] }).map(TextWidth.columns).max() ?? 0
    }
    guard let width, headers.count > 1, natural.reduce(0, +) + 2 * (headers.count - 1) > width
    else {
      return block(Array(headers.indices), widths: natural, cells: cells)
    }
    // First choice: one block, wrapping only the text (left-aligned) columns after the first.
    let textOnly = fitted(
      Array(headers.indices), natural: natural, cells: cells, width: width,
      wrappable: { $0 > 0 && alignments[$0] == .left })
    if textOnly.reduce(0, +) + 2 * (headers.count - 1) <= width {
      return block(Array(headers.indices), widths: textOnly, cells: cells)
    }
    // Groups of columns that stay together: a column and the empty-headed ones after it.
    var groups: [[Int]] = []
    for j in 1..<headers.count {
      if headers[j].isEmpty, !groups.isEmpty {
        groups[groups.count - 1].append(j)
      } else {
        groups.append([j])
      }
    }
    var blocks: [[Int]] = []
    var currentBlock: [Int] = []
    var used = natural[0]
    for group in groups {
      let extra = group.map { natural[$0] + 2 }.reduce(0, +)
      if !currentBlock.isEmpty, used + extra > width {
        blocks.append(currentBlock)
        currentBlock = []
        used = natural[0]
      }
      currentBlock += group
      used += extra
    }
    if !currentBlock.isEmpty { blocks.append(currentBlock) }
    return blocks.map { columns in
      let shown = [0] + columns
      return block(
        shown, widths: fitted(shown, natural: natural, cells: cells, width: width),
        cells: cells)
    }.joined()
  }

  /// Widths of `shown` columns shrunk (by wrapping the `wrappable` ones) towards `width`,
  /// widest first.
  private func fitted(
    _ shown: [Int], natural: [Int], cells: [[String]], width: Int,
    wrappable: (Int) -> Bool = { _ in true }
  ) -> [Int] {
    var widths = shown.map { natural[$0] }
    let minimal = shown.map { j in
      guard wrappable(j) else { return natural[j] }
      return ([headers[j]] + cells.map { $0[j] }).map(TextWidth.longestWord).max() ?? 0
    }
    while true {
      let excess = widths.reduce(0, +) + 2 * (widths.count - 1) - width
      guard excess > 0 else { break }
      let shrinkable = widths.indices.filter { widths[$0] > minimal[$0] }
      guard let k = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
      widths[k] = max(minimal[k], widths[k] - excess)
    }
    return widths
  }

  /// The header and rows of the `shown` columns at `widths`, cells wrapped to them.
  private func block(_ shown: [Int], widths: [Int], cells: [[String]]) -> String {
    func lines(_ row: [String]) -> String {
      let parts = zip(shown, widths).map { j, w in TextWidth.wrapWords(row[j], width: w) }
      let height = parts.map(\.count).max() ?? 1
      var out = ""
      for k in 0..<height {
        var pieces: [String] = []
        for (i, j) in shown.enumerated() {
          let cell = k < parts[i].count ? parts[i][k] : ""
          let pad = String(repeating: " ", count: max(0, widths[i] - TextWidth.columns(cell)))
          pieces.append(alignments[j] == .left ? cell + pad : pad + cell)
        }
        var text = pieces.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        out += text + "\n"
      }
      return out
    }
    var out = lines(headers)
    for row in cells { out += lines(row) }
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
