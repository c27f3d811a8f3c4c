/// How a plain-text chart is drawn: its size and whether it may use Unicode glyphs.
///
/// Every chart's `render(style:)` keeps each line within ``width`` columns, counting one
/// column per Unicode scalar (braille, box-drawing and block characters are single-width).
/// With ``unicode`` false the output is pure ASCII: chart glyphs come from the ASCII set and
/// any non-ASCII scalar in a caller's label is shown as `?`.
public struct ChartStyle: Sendable, Equatable {
  /// The narrowest chart drawn; smaller requests are raised to this.
  public static let minimumWidth = 32
  /// The fewest plotting rows drawn; smaller requests are raised to this.
  public static let minimumHeight = 4
  /// The width used when the environment does not give a sane one.
  public static let defaultWidth = 80
  /// The default number of plotting rows.
  public static let defaultHeight = 16

  /// Total columns of every output line (at least ``minimumWidth``).
  public var width: Int {
    didSet { width = Swift.max(ChartStyle.minimumWidth, width) }
  }
  /// Rows of the plotting area of axis charts (at least ``minimumHeight``).
  ///
  /// Titles, axes, legends and tables come on top. Bar charts and strips use one line per
  /// bar or patient and ignore it.
  public var height: Int {
    didSet { height = Swift.max(ChartStyle.minimumHeight, height) }
  }
  /// `true` for Unicode box, block and braille glyphs; `false` for pure ASCII.
  public var unicode: Bool

  /// Creates a style; width and height below the minimums are raised to them.
  public init(
    width: Int = ChartStyle.defaultWidth, height: Int = ChartStyle.defaultHeight,
    unicode: Bool = true
  ) {
    self.width = Swift.max(ChartStyle.minimumWidth, width)
    self.height = Swift.max(ChartStyle.minimumHeight, height)
    self.unicode = unicode
  }

  /// The style the CLI should use, read from environment variables (no I/O here).
  ///
  /// Width: `COLUMNS` when it is an integer in 40...300, else 80 (the caller passes the
  /// terminal width as `COLUMNS` when it has asked `TIOCGWINSZ`; `isTTY` false with no
  /// `COLUMNS` always gives 80). Glyphs: Unicode when the first of `LC_ALL`, `LC_CTYPE`,
  /// `LANG` that is set and non-empty names UTF-8 (`UTF-8` or `utf8`, any case) and
  /// `ascii` (the `--ascii` flag) is false.
  public static func fromEnvironment(
    _ env: [String: String], isTTY: Bool, ascii: Bool
  ) -> ChartStyle {
    var width = defaultWidth
    if let text = env["COLUMNS"]?.trimmingSpaces, let columns = Int(text),
      (40...300).contains(columns)
    {
      width = columns
    }
    _ = isTTY  // Without COLUMNS a TTY's size is the caller's to ask; the default stays 80.
    var locale = ""
    for key in ["LC_ALL", "LC_CTYPE", "LANG"] {
      if let value = env[key], !value.isEmpty {
        locale = value
        break
      }
    }
    let normalized = String(locale.lowercased().filter { $0 != "-" && $0 != "_" })
    let isUTF8 = normalized.contains("utf8")
    return ChartStyle(width: width, height: defaultHeight, unicode: isUTF8 && !ascii)
  }

  /// The glyph set for this style.
  var glyphs: ChartGlyphs { unicode ? .unicode : .ascii }
}

/// The characters a chart draws with, in one place so the ASCII fallback stays complete.
struct ChartGlyphs: Sendable {
  var horizontal: Unicode.Scalar
  var vertical: Unicode.Scalar
  /// Bottom-left corner where the axes meet.
  var origin: Unicode.Scalar
  /// A tick on the y axis (pointing left, into the labels).
  var yTick: Unicode.Scalar
  /// A tick on the x axis (pointing down, into the labels).
  var xTick: Unicode.Scalar
  /// A tick on a scale drawn above the data (pointing up).
  var topTick: Unicode.Scalar
  /// Dashed horizontal reference line (zero line).
  var dashedHorizontal: Unicode.Scalar
  /// Dashed vertical reference line (ratio 1 in forest plots).
  var dashedVertical: Unicode.Scalar
  /// Where a whisker crosses a vertical reference line.
  var cross: Unicode.Scalar
  var arrowLeft: Unicode.Scalar
  var arrowRight: Unicode.Scalar
  var ellipsis: Unicode.Scalar
  /// A full block and the partial blocks for 1/8...7/8 of a cell (ASCII: `#`, none).
  var fullBlock: Unicode.Scalar
  var eighths: [Unicode.Scalar]
  /// A light dot: confidence bands in ASCII, cramp-free nights.
  var lightDot: Unicode.Scalar
  /// A heavier point marker (forest-plot estimate, smoothed-line points).
  var marker: Unicode.Scalar
  var whiskerLeft: Unicode.Scalar
  var whiskerRight: Unicode.Scalar
  /// An en dash for ranges in labels.
  var rangeDash: String

  static let unicode = ChartGlyphs(
    horizontal: "─", vertical: "│", origin: "└", yTick: "┤", xTick: "┬", topTick: "┴",
    dashedHorizontal: "┄", dashedVertical: "┆", cross: "┼", arrowLeft: "◀", arrowRight: "▶",
    ellipsis: "…", fullBlock: "█", eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"],
    lightDot: "·", marker: "■", whiskerLeft: "├", whiskerRight: "┤", rangeDash: "–")

  static let ascii = ChartGlyphs(
    horizontal: "-", vertical: "|", origin: "+", yTick: "+", xTick: "+", topTick: "+",
    dashedHorizontal: "-", dashedVertical: ":", cross: "+", arrowLeft: "<", arrowRight: ">",
    ellipsis: "~", fullBlock: "#", eighths: [], lightDot: ".", marker: "o", whiskerLeft: "[",
    whiskerRight: "]", rangeDash: "-")
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    let scalars = Array(unicodeScalars)
    var start = 0
    var end = scalars.count
    while start < end, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
    while end > start, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: scalars[start..<end])
    return String(out)
  }
}
