import CrampData
import Reporting

/// `crampstat layout FILE --to KIND`: a night-level diary reshaped for survival and rate models.
enum LayoutCommand {
  /// How diary nights become event rows: options shared with `crampstat recurrent`.
  static let layoutRules: [OptionSpec] = [
    .option(
      "multiple", value: "rule", help: "How nights with cramp_count > 1 enter event layouts.",
      allowed: MultipleCrampRule.allCases.map(\.rawValue), default: "night"),
    .option("origin", value: "night", help: "Night index of time 0 (default: smallest night)."),
    .option(
      "age-at-enrolment", value: "column",
      help:
        "Derive age_over_50 per night from this age-at-enrolment column: over 50 from the "
        + "first night d (since the patient's first row) with age + d/365.25 >= 50."),
  ]

  static let spec = CommandSpec(
    name: "layout",
    abstract: "Reshape a night-level diary into first, ag, pwp-gap, pwp-total or counts rows.",
    discussion: """
      Night k covers the interval (k - origin, k - origin + 1], origin being the smallest night \
      in the file (or each patient's first date). Nights with observed = 0 or an empty cramp \
      are gaps in the risk set, not cramp-free nights. The event is a cramp night; with \
      '--multiple split' a night with k cramps becomes k equal sub-intervals each ending in an \
      event. 'ag' merges consecutive cramp-free nights with identical covariates (as R's \
      survcondense); '--no-merge' keeps one row per night. '--age-at-enrolment age' adds a \
      time-varying age_over_50 (replacing the diary's): 1 from the first night d, counted from \
      the patient's first diary row, with age + d/365.25 >= 50 (enrolled at 49.99: night 4; \
      at 49: night 366), so intervals split on that night.
      """,
    arguments: [ArgumentSpec(name: "file", help: "Night-level diary CSV.")],
    options: [
      .option(
        "to", value: "layout",
        help: "Layout to build (with '--from wide' and no '--to': the night-level diary itself).",
        allowed: RecurrentLayout.allCases.map(\.rawValue)),
      WideReshape.option,
      .option(
        "covariates", value: "list",
        help: "Comma-separated covariate columns to carry into the rows.", repeatable: true),
    ] + layoutRules + [
      .flag("no-merge", help: "Do not merge cramp-free nights into longer intervals."),
      .option(
        "format", value: "format",
        help:
          "Output format: CSV rows (for other tools), a text or Markdown table, or JSON records.",
        allowed: OutputFormat.allCases.map(\.rawValue), default: "csv"),
    ] + CommonOptions.csv + [CommonOptions.output, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "layout")
    }
    let fromWide = parsed.value("from") == "wide"
    let kind = parsed.value("to").flatMap(RecurrentLayout.init(rawValue:))
    if kind == nil && !fromWide {
      throw .usage("Missing '--to <layout>'.", command: "layout")
    }
    var options = RecurrentLayoutOptions(
      covariates: parsed.allValues("covariates").flatMap {
        $0.split(separator: ",").map { String($0).trimmingSpaces() }
      },
      mergeIntervals: !parsed.flag("no-merge"),
      multipleCramps: MultipleCrampRule(rawValue: parsed.value("multiple") ?? "night")
        ?? .oneEventPerNight)
    if let origin = parsed.value("origin") {
      guard let o = Int(origin) else {
        throw .usage("'--origin' needs a whole number, not '\(origin)'.", command: "layout")
      }
      options.origin = o
    }
    if let age = parsed.value("age-at-enrolment") {
      options.ageAtEnrolmentColumn = age
      if !options.covariates.contains(RecurrentLayoutOptions.ageOver50) {
        options.covariates.append(RecurrentLayoutOptions.ageOver50)
      }
    }
    let loaded = try TableLoader.load(
      path, options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"), kind: fromWide ? .wideDiary : .nightDiary)
    let table = fromWide ? try WideReshape.nights(loaded) : loaded
    var result = table
    if let kind {
      do {
        result = try kind.build(from: table, options: options)
      } catch {
        throw .data(error.description)
      }
    }
    let format = OutputFormat(rawValue: parsed.value("format") ?? "csv") ?? .csv
    let bytes: [UInt8]
    switch format {
    case .csv: bytes = TableCSVEncoder.encode(result)
    case .text:
      let text = CommonOptions.fitted(context) { TableRendering.dataTable(result).renderText() }
      bytes = Array(text.utf8)
    case .markdown: bytes = Array(TableRendering.dataTable(result).renderMarkdown().utf8)
    case .json:
      let body: [String: JSONValue] = [
        "layout": .string(kind?.rawValue ?? "nights"), "rows": .int(result.rowCount),
        "records": TableRendering.records(result),
      ]
      bytes = Array(
        JSONEnvelope.make(command: "layout", parsed: parsed, body: body).rendered().utf8)
    }
    if let out = parsed.value("output"), out != "-" {
      try OutputWriter.write(bytes, to: out)
    } else {
      context.console.out(String(decoding: bytes, as: UTF8.self))
    }
    return ExitCode.success
  }
}

extension String {
  /// The string without leading and trailing spaces.
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " { s.removeFirst() }
    while s.last == " " { s.removeLast() }
    return String(s)
  }
}
