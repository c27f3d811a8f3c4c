/// A grid of single-column characters with a braille layer for sub-cell plotting.
///
/// Cells are addressed `(column, row)` from the top-left. Each cell holds either a
/// character or a set of braille dots: a braille cell is 2 dots wide and 4 high, so
/// ``plotDot(x:y:)`` addresses a `(2 * columns) x (4 * rows)` dot grid. Writing a character
/// over a braille cell replaces the dots; dots never overwrite a character. Out-of-range
/// writes are ignored, so callers can clip by simply drawing.
struct ChartCanvas {
  let columns: Int
  let rows: Int
  private var cells: [Unicode.Scalar]
  private var dots: [UInt8]

  init(columns: Int, rows: Int) {
    self.columns = max(0, columns)
    self.rows = max(0, rows)
    cells = Array(repeating: " ", count: self.columns * self.rows)
    dots = Array(repeating: 0, count: self.columns * self.rows)
  }

  /// The character at a cell (braille dots rendered), or a space outside the grid.
  subscript(column: Int, row: Int) -> Unicode.Scalar {
    guard contains(column, row) else { return " " }
    let i = row * columns + column
    if dots[i] != 0, let braille = Unicode.Scalar(0x2800 + UInt32(dots[i])) { return braille }
    return cells[i]
  }

  /// Whether the cell holds neither a character nor braille dots.
  func isEmpty(_ column: Int, _ row: Int) -> Bool {
    guard contains(column, row) else { return false }
    let i = row * columns + column
    return dots[i] == 0 && cells[i] == " "
  }

  func contains(_ column: Int, _ row: Int) -> Bool {
    column >= 0 && column < columns && row >= 0 && row < rows
  }

  /// Puts a character in a cell, replacing whatever was there.
  mutating func set(_ column: Int, _ row: Int, _ glyph: Unicode.Scalar) {
    guard contains(column, row) else { return }
    let i = row * columns + column
    cells[i] = glyph
    dots[i] = 0
  }

  /// Puts a character only if the cell is empty.
  mutating func setIfEmpty(_ column: Int, _ row: Int, _ glyph: Unicode.Scalar) {
    if isEmpty(column, row) { set(column, row, glyph) }
  }

  /// Writes text from `column` rightwards, clipped at the grid edge.
  mutating func write(_ text: String, column: Int, row: Int) {
    var c = column
    for scalar in text.unicodeScalars {
      set(c, row, scalar)
      c += 1
    }
  }

  /// Sets one braille dot; `x` in `0..<2*columns`, `y` in `0..<4*rows`, from the top-left.
  mutating func plotDot(x: Int, y: Int) {
    let column = x >> 1
    let row = y >> 2
    guard x >= 0, y >= 0, contains(column, row) else { return }
    let i = row * columns + column
    guard cells[i] == " " else { return }
    // Braille dot bits: left column dots 1,2,3,7; right column dots 4,5,6,8.
    let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
    dots[i] |= bits[x & 1][y & 3]
  }

  /// Braille dots along a straight segment between two dot positions (inclusive).
  mutating func plotSegment(x0: Int, y0: Int, x1: Int, y1: Int, every step: Int = 1) {
    let dx = abs(x1 - x0)
    let dy = abs(y1 - y0)
    let n = max(dx, dy)
    let stride = max(1, step)
    if n == 0 {
      plotDot(x: x0, y: y0)
      return
    }
    for i in Swift.stride(from: 0, through: n, by: stride) {
      let t = Double(i) / Double(n)
      let x = Int((Double(x0) + t * Double(x1 - x0)).rounded())
      let y = Int((Double(y0) + t * Double(y1 - y0)).rounded())
      plotDot(x: x, y: y)
    }
  }

  /// The grid as lines, trailing spaces removed.
  func lines() -> [String] {
    (0..<rows).map { row in
      var line = String.UnicodeScalarView()
      for column in 0..<columns { line.append(self[column, row]) }
      return String(line).trimmingTrailingSpaces
    }
  }
}

/// Text helpers shared by the charts.
///
/// Widths count Unicode scalars, one column each.
enum ChartText {
  /// Cleans a caller's label: control characters become spaces and, in ASCII mode, any
  /// non-ASCII scalar becomes `?` so the output stays pure ASCII.
  static func clean(_ text: String, unicode: Bool) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F {
        out.append(" ")
      } else if !unicode && scalar.value > 0x7E {
        out.append("?")
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Number of columns the text takes.
  static func width(_ text: String) -> Int { text.unicodeScalars.count }

  /// The text cut to `width` columns, ending in an ellipsis glyph when cut.
  static func truncate(_ text: String, to width: Int, ellipsis: Unicode.Scalar) -> String {
    let scalars = Array(text.unicodeScalars)
    guard scalars.count > width else { return text }
    guard width > 0 else { return "" }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: scalars.prefix(width - 1))
    out.append(ellipsis)
    return String(out)
  }

  /// Left-justified in `width` columns (truncated if longer).
  static func padRight(_ text: String, _ width: Int) -> String {
    let w = self.width(text)
    return w >= width ? text : text + String(repeating: " ", count: width - w)
  }

  /// Right-justified in `width` columns.
  static func padLeft(_ text: String, _ width: Int) -> String {
    let w = self.width(text)
    return w >= width ? text : String(repeating: " ", count: width - w) + text
  }

  /// Centred in `width` columns (extra space on the right), trailing spaces kept.
  static func center(_ text: String, _ width: Int) -> String {
    let w = self.width(text)
    guard w < width else { return text }
    let left = (width - w) / 2
    return String(repeating: " ", count: left) + text
  }

  /// Joins lines with `\n`, trims trailing spaces and clips each line to `width` columns.
  static func finish(_ lines: [String], width: Int) -> String {
    var out = ""
    for line in lines {
      let clipped = Array(line.unicodeScalars.prefix(width))
      var view = String.UnicodeScalarView()
      view.append(contentsOf: clipped)
      out += String(view).trimmingTrailingSpaces + "\n"
    }
    return out
  }
}

/// A row of text assembled by placing strings at column positions.
///
/// Later placements overwrite earlier ones; ``canPlace(_:at:)`` tells whether the span is
/// still free (with one column of gap), which the tick-label code uses to thin labels.
struct TextRow {
  private(set) var scalars: [Unicode.Scalar]
  private var used: [Bool]

  init(width: Int) {
    scalars = Array(repeating: " ", count: max(0, width))
    used = Array(repeating: false, count: max(0, width))
  }

  /// Whether `text` fits at `column` inside the row without touching placed text.
  func canPlace(_ text: String, at column: Int) -> Bool {
    let w = ChartText.width(text)
    guard column >= 0, column + w <= scalars.count else { return false }
    let lo = max(0, column - 1)
    let hi = min(scalars.count - 1, column + w)
    guard lo <= hi else { return true }
    return !used[lo...hi].contains(true)
  }

  /// Places text at a column, clipped to the row.
  mutating func place(_ text: String, at column: Int) {
    var c = column
    for scalar in text.unicodeScalars {
      if c >= 0 && c < scalars.count {
        scalars[c] = scalar
        used[c] = true
      }
      c += 1
    }
  }

  /// The column where `text` starts when centred on `center`, kept inside the row.
  func centeredStart(_ text: String, on center: Int) -> Int {
    let w = ChartText.width(text)
    let start = center - (w - 1) / 2
    return min(max(0, start), max(0, scalars.count - w))
  }

  var text: String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view).trimmingTrailingSpaces
  }
}

extension String {
  /// The string without trailing spaces.
  var trimmingTrailingSpaces: String {
    var scalars = Array(unicodeScalars)
    while let last = scalars.last, last == " " { scalars.removeLast() }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}
