/// Per-patient diary strips: one line per patient, one character per night (or per block of
/// nights when the diary is longer than the room).
///
/// ```
/// Night      1        10        20
///            ┬────────┬─────────┬
/// P001       ····█···2·····  ····
/// P002       ·········█···█
///            · no cramp   █ 1 cramp   2-9 cramps   + 10 or more   blank: no entry
/// ```
/// Each column shows the total cramps in its nights: `·` (ASCII `.`) none, `█` (ASCII `#`)
/// one, a digit 2-9, `+` ten or more; a column whose nights all lack a diary entry is blank.
/// When the longest diary has more nights than columns, each column covers `k` nights
/// (the smallest `k` that fits) and a note under the strips says so. Negative counts are
/// treated as missing.
public struct EventStrip: Sendable {
  /// One patient's diary.
  public struct Patient: Sendable, Equatable {
    /// Patient label (the id).
    public var label: String
    /// Cramps on night 1, 2, ...; `nil` where there is no diary entry.
    public var nights: [Int?]

    /// Creates a patient strip.
    public init(label: String, nights: [Int?]) {
      self.label = label
      self.nights = nights
    }
  }

  /// The patients, top to bottom.
  public var patients: [Patient]
  /// Chart title (first line), empty for none.
  public var title: String
  /// Label over the patient ids on the scale line.
  public var scaleLabel: String

  /// Creates strips from `(label, nights)` pairs.
  public init(
    patients: [(label: String, nights: [Int?])], title: String = "", scaleLabel: String = "Night"
  ) {
    self.patients = patients.map { Patient(label: $0.label, nights: $0.nights) }
    self.title = title
    self.scaleLabel = scaleLabel
  }

  /// The strips as text, every line at most `style.width` columns, ending in a newline.
  public func render(style: ChartStyle) -> String {
    let glyphs = style.glyphs
    let clean = { ChartText.clean($0, unicode: style.unicode) }
    let labels = patients.map { clean($0.label) }
    let scaleLabel = clean(self.scaleLabel)
    let wanted = (labels + [scaleLabel]).map(ChartText.width).max() ?? 0
    let labelWidth = min(wanted, max(4, style.width / 4))
    let start = labelWidth + 1
    let columns = max(1, style.width - start)
    let nights = patients.map(\.nights.count).max() ?? 0
    let perColumn = max(1, (nights + columns - 1) / max(1, columns))
    let used = max(1, (nights + perColumn - 1) / perColumn)

    var lines: [String] = []
    if !title.isEmpty { lines.append(clean(title)) }
    // Scale: ticks at nice night numbers, night 1 standing in for 0.
    let ticks = ChartAxis.niceTicks(
      lower: 0, upper: Double(max(1, nights)),
      target: min(10, max(2, used / 10 + 1))
    ).map { max(1, Int($0.rounded())) }
    var tickLabels = TextRow(width: style.width)
    tickLabels.place(
      ChartText.truncate(scaleLabel, to: labelWidth, ellipsis: glyphs.ellipsis), at: 0)
    var scale = Array(repeating: glyphs.horizontal, count: used)
    for night in ticks where night <= max(1, nights) {
      let c = (night - 1) / perColumn
      guard c < used else { continue }
      scale[c] = glyphs.xTick
      let text = String(night)
      let at = tickLabels.centeredStart(text, on: start + c)
      if at >= start && tickLabels.canPlace(text, at: at) { tickLabels.place(text, at: at) }
    }
    lines.append(tickLabels.text)
    var scaleView = String.UnicodeScalarView()
    scaleView.append(contentsOf: scale)
    lines.append(String(repeating: " ", count: start) + String(scaleView))

    for (index, patient) in patients.enumerated() {
      let label = ChartText.padRight(
        ChartText.truncate(labels[index], to: labelWidth, ellipsis: glyphs.ellipsis), labelWidth)
      var strip = String.UnicodeScalarView()
      var c = 0
      while c * perColumn < patient.nights.count {
        let block = patient.nights[(c * perColumn)..<min(patient.nights.count, (c + 1) * perColumn)]
        let observed = block.compactMap { $0 }.filter { $0 >= 0 }
        strip.append(observed.isEmpty ? " " : EventStrip.glyph(cramps: observed, glyphs: glyphs))
        c += 1
      }
      lines.append(label + " " + String(strip))
    }
    if perColumn > 1 {
      lines.append(String(repeating: " ", count: start) + "1 column = \(perColumn) nights")
    }
    let one = String(Character(glyphs.fullBlock))
    let dot = String(Character(glyphs.lightDot))
    let legend = [
      "\(dot) no cramp", "\(one) 1 cramp", "2-9 cramps", "+ 10 or more", "blank: no entry",
    ]
    lines += ChartText.flow(legend, indent: start, width: style.width)
    return ChartText.finish(lines, width: style.width)
  }

  static func glyph(cramps: [Int], glyphs: ChartGlyphs) -> Unicode.Scalar {
    // Saturate: a block's sum only decides between 0, 1, 2-9 and 10+.
    let total = cramps.reduce(0) { min(10, $0 + min($1, 10)) }
    switch total {
    case 0: return glyphs.lightDot
    case 1: return glyphs.fullBlock
    case 2...9: return Unicode.Scalar(UInt8(48 + total))
    default: return "+"
    }
  }
}
