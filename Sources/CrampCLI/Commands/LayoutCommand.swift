import Analysis
import CrampData
import Recurrent
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
      at 49: night 366), so intervals split on that night. '--split-at 30,60' cuts ag, pwp-gap \
      and pwp-total rows at those times as R's survSplit(cut = c(30, 60), episode = \
      "interval"): a row (start, stop] with start < c < stop becomes (start, c] with event 0 \
      and (c, stop] with its event; the added column interval is 1 before the first cut, 2 \
      between the first and second, and so on (pwp-gap cuts gap time). '--to first \
      --competing --patients P.csv' adds event_type for 'crampstat cif': 1 = first cramp, and \
      for a patient censored without a cramp the patients file's censor_reason: 2 = \
      delivery_end, 3 = dropout, 0 = admin or empty.
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
        "split-at", value: "times",
        help: "Comma-separated increasing positive cut times for ag/pwp rows (R's survSplit)."),
      .flag(
        "competing",
        help:
          "With '--to first': add event_type (1 cramp, 2 delivery_end, 3 dropout, 0 admin) "
          + "from the --patients censor_reason."),
      .option(
        "patients", value: "file",
        help: "One-row-per-patient CSV joined on patient_id (baseline columns, censor_reason).",
        path: .input),
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
    let cuts = try splitTimes(parsed.value("split-at"), kind: kind)
    let competing = parsed.flag("competing")
    if competing && kind != .first {
      throw .usage("'--competing' needs '--to first'.", command: "layout")
    }
    if competing && parsed.value("patients") == nil {
      throw .usage(
        "'--competing' needs '--patients FILE' with a censor_reason column.", command: "layout")
    }
    let loaded = try TableLoader.load(
      path, options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"), kind: fromWide ? .wideDiary : .nightDiary)
    var table = fromWide ? try WideReshape.nights(loaded) : loaded
    let patients = try ModelInput.patientsTable(parsed, context: context)
    if let patients { table = try ModelInput.join(table, patients: patients) }
    var result = table
    if let kind {
      do {
        result = try kind.build(from: table, options: options)
      } catch {
        throw .data(error.description)
      }
    }
    if let patients, competing { result = try addEventType(result, patients: patients) }
    if let cuts { result = RecurrentLayout.splitIntervals(result, at: cuts) }
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

extension LayoutCommand {
  /// The `--split-at` cut times: positive, finite and strictly increasing (exit 64 otherwise).
  static func splitTimes(_ text: String?, kind: RecurrentLayout?) throws(CLIError) -> [Double]? {
    guard let text else { return nil }
    guard let kind, [.ag, .pwpGap, .pwpTotal].contains(kind) else {
      throw .usage(
        "'--split-at' splits (start, stop] rows: use it with '--to ag', 'pwp-gap' or 'pwp-total'.",
        command: "layout")
    }
    var cuts: [Double] = []
    var lastText = ""
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let item = String(part).trimmingSpaces()
      guard let value = Double(item), value.isFinite, value > 0 else {
        throw .usage(
          "'--split-at' needs positive numbers separated by commas, not '\(item)'.",
          command: "layout")
      }
      if let last = cuts.last, value <= last {
        throw .usage(
          "'--split-at' times must increase: \(item) after \(lastText).",
          command: "layout")
      }
      cuts.append(value)
      lastText = item
    }
    return cuts
  }

  /// The `first` rows with `event_type` after `event`: 1 for a first cramp, else the code of
  /// the patient's `censor_reason` in `patients` (``DiaryReport/competingCodes``).
  static func addEventType(_ rows: Table, patients: Table) throws(CLIError) -> Table {
    let codes: [Double]
    do {
      codes = try DiaryReport.competingEventTypes(first: rows, patients: patients)
    } catch {
      throw .data(error.description)
    }
    var columns: [Column] = []
    for column in rows.columns {
      columns.append(column)
      if column.name == "event" {
        columns.append(
          Column(
            name: "event_type", type: .integer, numbers: codes,
            missing: [Bool](repeating: false, count: rows.rowCount)))
      }
    }
    return Table(source: rows.source, columns: columns, lineNumbers: rows.lineNumbers)
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
