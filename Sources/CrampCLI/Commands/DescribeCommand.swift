import CrampData
import Reporting

/// `crampstat describe FILE`: column types, missingness, ranges and diary facts.
enum DescribeCommand {
  static let spec = CommandSpec(
    name: "describe",
    abstract: "Summarise a CSV: per-column type, missing values, min/median/max or levels.",
    discussion: """
      For a night-level diary (patient_id with night or date) also reports patients, \
      patient-nights, nights per patient (min/median/max), nights with cramps and patients \
      with at least one cramp.
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV file to describe.")],
    options: CommonOptions.csv + CommonOptions.rendering + [CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "describe")
    }
    let options = try CommonOptions.csvOptions(parsed)
    let table = try TableLoader.load(
      path, options: options, context: context, quiet: parsed.flag("quiet"))
    let summaries = table.columns.map { ColumnSummary($0) }
    let diary = DiaryLayout.detect(table) == .nights ? DiarySummary(table) : nil
    let format = CommonOptions.outputFormat(parsed)
    let make = {
      render(
        file: table.source, table: table, summaries: summaries, diary: diary, format: format,
        parsed: parsed)
    }
    let text = format == .text ? CommonOptions.fitted(context, make) : make()
    try OutputWriter.deliver(text, to: parsed.value("output"), console: context.console)
    return ExitCode.success
  }

  static func value(_ v: Double?, type: ColumnType, precision: Bool) -> String? {
    guard let v else { return type == .string ? "" : nil }
    if type == .date { return CivilDate(dayNumber: Int(v)).description }
    return precision ? JSONValueFormatting.full(v) : NumberFormat.significant(v, digits: 6)
  }

  static func levelText(_ s: ColumnSummary) -> String {
    let shown = s.distinct > 6 ? s.levels.prefix(3) : s.levels.prefix(6)
    return shown.map { "\($0.level): \($0.count)" }.joined(separator: ", ")
      + (s.distinct > shown.count ? ", ... (\(s.distinct) levels)" : "")
  }

  static func render(
    file: String, table: Table, summaries: [ColumnSummary], diary: DiarySummary?,
    format: OutputFormat, parsed: ParsedArguments
  ) -> String {
    let precise = format == .csv
    var columns = DataTable(
      headers: ["column", "type", "n", "missing", "min", "median", "max", "levels"],
      alignments: [.left, .left, .right, .right, .right, .right, .right, .left])
    for s in summaries {
      columns.append([
        s.name, s.type.rawValue, String(s.count), String(s.missing),
        value(s.minimum, type: s.type, precision: precise),
        value(s.median, type: s.type, precision: precise),
        value(s.maximum, type: s.type, precision: precise),
        s.levels.isEmpty ? "" : levelText(s),
      ])
    }
    var facts = DataTable(headers: ["diary", "value"])
    if let d = diary {
      facts.append(["patients", String(d.patients)])
      facts.append(["patient-nights", String(d.patientNights)])
      facts.append([
        "nights per patient (min/median/max)",
        "\(d.nightsPerPatientMin) / \(NumberFormat.significant(d.nightsPerPatientMedian, digits: 6)) / \(d.nightsPerPatientMax)",
      ])
      facts.append(["nights with cramp status", String(d.nightsObserved)])
      facts.append([
        "nights with cramps",
        "\(d.nightsWithCramp) (\(NumberFormat.fixed(percent(d.nightsWithCramp, d.nightsObserved), digits: 1))%)",
      ])
      facts.append([
        "patients with >= 1 cramp",
        "\(d.patientsWithCramp) (\(NumberFormat.fixed(percent(d.patientsWithCramp, d.patients), digits: 1))%)",
      ])
    }
    switch format {
    case .text:
      var out = "\(file): \(table.rowCount) rows, \(table.columns.count) columns\n\n"
      out += columns.renderText()
      if diary != nil { out += "\n" + facts.renderText() }
      return out
    case .markdown:
      var out = "## \(file)\n\n\(table.rowCount) rows, \(table.columns.count) columns\n\n"
      out += columns.renderMarkdown()
      if diary != nil { out += "\n" + facts.renderMarkdown() }
      return out
    case .csv:
      return columns.renderCSV()
    case .json:
      let cols: [JSONValue] = summaries.map { s in
        var o: [String: JSONValue] = [
          "name": .string(s.name), "type": .string(s.type.rawValue), "n": .int(s.count),
          "missing": .int(s.missing), "distinct": .int(s.distinct),
        ]
        if s.type == .date {
          o["min"] = .string(s.minimum.map { CivilDate(dayNumber: Int($0)).description })
          o["median"] = .string(s.median.map { CivilDate(dayNumber: Int($0)).description })
          o["max"] = .string(s.maximum.map { CivilDate(dayNumber: Int($0)).description })
        } else if s.type != .string {
          o["min"] = .number(s.minimum)
          o["median"] = .number(s.median)
          o["max"] = .number(s.maximum)
        }
        if !s.levels.isEmpty {
          o["levels"] = .array(
            s.levels.map { .object(["level": .string($0.level), "count": .int($0.count)]) })
        }
        return .object(o)
      }
      var body: [String: JSONValue] = [
        "file": .string(file), "rows": .int(table.rowCount), "columns": .array(cols),
      ]
      if let d = diary {
        body["diary"] = .object([
          "n_patients": .int(d.patients), "patient_nights": .int(d.patientNights),
          "nights_per_patient_min": .int(d.nightsPerPatientMin),
          "nights_per_patient_median": .number(d.nightsPerPatientMedian),
          "nights_per_patient_max": .int(d.nightsPerPatientMax),
          "nights_observed": .int(d.nightsObserved),
          "nights_with_cramp": .int(d.nightsWithCramp),
          "patients_with_cramp": .int(d.patientsWithCramp),
        ])
      }
      return JSONEnvelope.make(command: "describe", parsed: parsed, body: body).rendered()
    }
  }

  static func percent(_ a: Int, _ b: Int) -> Double { b == 0 ? .nan : 100 * Double(a) / Double(b) }
}

/// Full-precision number text for CSV and JSON cells.
enum JSONValueFormatting {
  static func full(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return String(v)
  }
}
