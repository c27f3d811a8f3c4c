/// The width text output is laid out for, and word wrapping to it.
///
/// Width is counted in Unicode scalars, one column each, as the charts count it. Tables fit
/// it by splitting their columns into blocks that repeat the first column (as R's
/// `print.default` does for a wide matrix) and by wrapping headers and left-aligned cells at
/// spaces; prose lines wrap at spaces with a hanging indent (``wrap(_:width:)``). A word longer
/// than the width is never broken: a line holding one can be wider.
public enum TextWidth {
  /// The widths a user may ask for with `COLUMNS`.
  public static let allowed = 40...300
  /// The width used when none is given (or a given one is refused).
  public static let defaultWidth = 80

  /// The width tables rendered in this task fit (`nil`: no limit).
  ///
  /// The CLI sets it around a command's text rendering, so every ``DataTable`` rendered on
  /// the way fits without each report passing the width down.
  @TaskLocal public static var current: Int?

  /// Display width of `text`: its Unicode scalars.
  public static func columns(_ text: some StringProtocol) -> Int { text.unicodeScalars.count }

  /// Every line of `text` longer than `width` wrapped at spaces.
  ///
  /// A continuation line is indented like its first line plus two spaces, or, when the line
  /// opens with a short label such as `Formula: ` (at most 24 columns), aligned after it.
  public static func wrap(_ text: String, width: Int) -> String {
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      out += wrapLine(String(line), width: width)
    }
    return out.joined(separator: "\n")
  }

  /// One line wrapped at spaces (unchanged when it fits).
  static func wrapLine(_ line: String, width: Int) -> [String] {
    guard columns(line) > width else { return [line] }
    let leading = line.prefix { $0 == " " }.count
    var hanging = leading + 2
    let body = line.dropFirst(leading)
    // A hanging indent after a short label ("Formula: ") aligns the continuation with the
    // text; list items ("- ") and parenthesised notes just indent by two.
    if !body.hasPrefix("- "), let first = body.first, first.isLetter,
      let colon = line.range(of: ": ")
    {
      let label = line[line.startIndex..<colon.upperBound]
      if columns(label) <= min(24, width / 2),
        !label.dropLast(2).contains(where: { ":()".contains($0) })
      {
        hanging = columns(label)
      }
    }
    // Words with the spaces before them, so a line keeps its own spacing where it is not
    // broken.
    var pieces: [(gap: String, word: String)] = []
    var gap = ""
    var word = ""
    for ch in line.dropFirst(leading) {
      if ch == " " {
        if !word.isEmpty {
          pieces.append((gap, word))
          gap = ""
          word = ""
        }
        gap.append(ch)
      } else {
        word.append(ch)
      }
    }
    if !word.isEmpty { pieces.append((gap, word)) }
    var lines: [String] = []
    var current = String(repeating: " ", count: leading)
    var currentHasWord = false
    for piece in pieces {
      let joined = currentHasWord ? piece.gap + piece.word : piece.word
      if currentHasWord, columns(current) + columns(joined) > width {
        lines.append(current)
        current = String(repeating: " ", count: hanging) + piece.word
      } else {
        current += joined
      }
      currentHasWord = true
    }
    lines.append(current)
    return lines
  }

  /// `text` as lines of at most `width` columns, broken at spaces (a longer word stays
  /// whole on its own line).
  static func wrapWords(_ text: String, width: Int) -> [String] {
    guard columns(text) > width else { return [text] }
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      if !current.isEmpty, columns(current) + 1 + columns(word) > width {
        lines.append(current)
        current = ""
      }
      current += (current.isEmpty ? "" : " ") + word
    }
    lines.append(current)
    return lines
  }

  /// The longest word of `text`.
  static func longestWord(_ text: String) -> Int {
    text.split(separator: " ").map { columns($0) }.max() ?? 0
  }
}
