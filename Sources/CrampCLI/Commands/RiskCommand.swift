import Analysis
import CrampData
import Reporting

#if canImport(Glibc)
  import Glibc
#endif

/// `crampstat risk --model fit.json --patient "age=63,sex=F"`: the clinician's risk view.
///
/// Exit statuses: a `--patient` naming a variable the model does not have, a level it was not
/// fitted on or an unreadable number is a usage error (64): the command line is wrong and the
/// message says how to fix it. The same problems in a `--patients` file are data errors (65),
/// as is an unusable model file; a missing model file is 66.
enum RiskCommand {
  static let spec = CommandSpec(
    name: "risk",
    abstract: "One patient's predicted cramp risk from a saved model (--save-model).",
    discussion: """
      Example: crampstat logit diary.csv --formula "cramp ~ age + sex + dialysis_day" \
      --cluster patient_id --save-model fit.json; crampstat risk --model fit.json --patient \
      "age=63,sex=F,dialysis_day=1". Prints the patient's factors, each term's ratio with its \
      interval, the chance of at least one cramp in the next 7 and 30 nights (or expected \
      cramps per week) with intervals next to the cohort median patient's, and warnings for \
      values outside the training range or factors not given (those take the cohort median \
      patient's value). '--patients file.csv' scores one patient per row (columns named as \
      the model's variables; a patient_id or id column is carried through) to CSV unless \
      --format says otherwise. A random-intercept model (logit with '(1 | patient_id)') \
      averages the risk over patients for a new patient (marginal) and uses a training \
      patient's own random effect with '--patient-id P000123' (or a patient_id in --patients).
      """,
    arguments: [],
    options: [
      .option(
        "model", value: "file", help: "Model file written by --save-model.", path: .input),
      .option(
        "patient", value: "profile",
        help: "The patient as name=value pairs, e.g. \"age=63,sex=F,dialysis_day=1\"."),
      .option(
        "patients", value: "file", help: "CSV with one patient per row to score.", path: .input),
      .option(
        "patient-id", value: "id",
        help:
          "Mixed model: a training patient whose conditional mode (random effect) to use; without it the risk is averaged over patients."
      ),
    ] + CommonOptions.csv.filter { $0.name != "patient-id" } + CommonOptions.rendering
      + CommonOptions.charts + [
        CommonOptions.strict, CommonOptions.quiet,
      ],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let path = parsed.value("model") else {
      throw .usage("Missing '--model <file>' (write one with --save-model).", command: "risk")
    }
    let model = try loadModel(path)
    let median: RiskPrediction
    do {
      median = try model.predict(model.medianProfile)
    } catch {
      throw .data("\(path): the cohort median patient cannot be scored: \(error)")
    }
    if let patientsPath = parsed.value("patients") {
      guard parsed.value("patient") == nil, parsed.value("patient-id") == nil else {
        throw .usage(
          "Give either '--patient' (with '--patient-id') or '--patients', not both.",
          command: "risk")
      }
      return try scoreMany(patientsPath, model: model, median: median, parsed: parsed, context)
    }
    guard let text = parsed.value("patient") else {
      throw .usage(
        "Missing '--patient \"name=value,...\"' or '--patients <file>'.", command: "risk")
    }
    let group = parsed.value("patient-id")
    if group != nil, model.randomEffects == nil {
      throw .usage(
        "'--patient-id' applies to a model with a random effect '(1 | patient_id)'; this model "
          + "has none.", command: "risk")
    }
    let given: [String: String]
    let patient: RiskPrediction
    do {
      given = try ProfileError.parse(text)
      patient = try model.predict(given, group: group)
    } catch {
      throw .usage("--patient: \(error)", command: "risk")
    }
    let report = RiskReport(
      model: model, modelFile: baseName(path), given: given, patient: patient, median: median)
    if !parsed.flag("quiet") {
      for warning in report.warnings { context.console.err("Warning: \(warning)\n") }
    }
    try deliverResult(
      command: "risk", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0, style: CommonOptions.chartStyle(parsed, context: context)) })
    if parsed.flag("strict"), let first = report.warnings.first {
      throw .data("--strict: \(first)")
    }
    return ExitCode.success
  }

  /// Scores every row of a patients CSV.
  static func scoreMany(
    _ path: String, model: RiskModel, median: RiskPrediction, parsed: ParsedArguments,
    _ context: Context
  ) throws(CLIError) -> Int32 {
    let table = try TableLoader.load(
      path, options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"))
    let names = Set(model.variables.map(\.name))
    let idColumn = table["patient_id"] ?? table["id"]
    let quiet = parsed.flag("quiet")
    func warn(_ text: String) { if !quiet { context.console.err("Warning: \(text)\n") } }
    // A column the model does not know is most often a misspelt variable: say so once.
    for column in table.columns
    where !names.contains(column.name) && column.name != idColumn?.name {
      var text = "\(table.source): column '\(column.name)' is not a variable of the model (ignored)"
      if let s = closestMatch(to: column.name, among: names.sorted()) {
        text += "; did you mean '\(s)'?"
      }
      warn(text)
    }
    var scored = DataTable(headers: RiskReport.csvHeaders(model))
    var items: [JSONValue] = []
    var allWarnings: [String] = []
    var errors: [String] = []
    for row in 0..<table.rowCount {
      let line = "\(table.source):\(table.lineNumbers[row])"
      var values: [String: String] = [:]
      for column in table.columns where names.contains(column.name) {
        if let t = column.text(at: row) { values[column.name] = t }
      }
      let id = idColumn?.text(at: row) ?? String(table.lineNumbers[row])
      let prediction: RiskPrediction
      do {
        // A training patient of a mixed model is scored with their own random effect.
        let group = idColumn?.text(at: row).flatMap {
          model.randomEffects?.modes[$0] != nil ? $0 : nil
        }
        prediction = try model.predict(values, group: group)
      } catch {
        // Every bad row is listed before the command fails, so a batch is fixed in one pass.
        errors.append("\(line): patient '\(id)': \(error)")
        continue
      }
      let warnings = RiskReport.warnings(prediction, model: model)
      for warning in warnings { warn("\(line): patient '\(id)': \(warning)") }
      allWarnings += warnings.map { "\(id): \($0)" }
      scored.append(RiskReport.csvRow(id: id, prediction, warnings: warnings))
      items.append(
        .object([
          "patient_id": .string(id), "prediction": RiskReport.predictionJSON(prediction),
          "warnings": .array(warnings.map { .string($0) }),
        ]))
    }
    if !errors.isEmpty {
      for error in errors.dropLast() { context.console.err("Error: \(error)\n") }
      throw .data(
        (errors.last ?? "")
          + "\n\(errors.count) of \(table.rowCount) patients could not be scored; "
          + "nothing was written")
    }
    // The scoring table is CSV unless a format is asked for explicitly.
    let format = parsed.values["format"] == nil ? .csv : CommonOptions.outputFormat(parsed)
    let out: String
    switch format {
    case .csv: out = scored.renderCSV()
    case .text: out = CommonOptions.fitted(context) { scored.renderText() }
    case .markdown: out = scored.renderMarkdown()
    case .json:
      let body: [String: JSONValue] = [
        "model": .object([
          "kind": .string(model.kind.rawValue), "formula": .string(model.formula),
          "source": .string(model.source),
        ]),
        "cohort_median_patient": RiskReport.predictionJSON(median),
        "patients": .array(items),
        "assumptions": .array(model.assumptions.map { .string($0) }),
      ]
      out = JSONEnvelope.make(command: "risk", parsed: parsed, body: body).rendered()
    }
    try OutputWriter.deliver(out, to: parsed.value("output"), console: context.console)
    if parsed.flag("strict"), let first = allWarnings.first {
      throw .data("--strict: \(first)")
    }
    return ExitCode.success
  }

  /// Reads and checks a model file (66 when missing, 74 unreadable, 65 not a model).
  static func loadModel(_ path: String) throws(CLIError) -> RiskModel {
    guard let file = fopen(path, "rb") else {
      let reason = String(cString: strerror(errno))
      if errno == ENOENT { throw .noInput("cannot open model file '\(path)': \(reason)") }
      throw .io("cannot read model file '\(path)': \(reason)")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = fread(&buffer, 1, buffer.count, file)
      if n > 0 { bytes += buffer[0..<n] }
      if n < buffer.count { break }
    }
    guard ferror(file) == 0 else { throw .io("cannot read model file '\(path)'") }
    do {
      return try RiskModel.decode(bytes)
    } catch {
      throw .data("\(path): \(error)")
    }
  }

  static func baseName(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
  }
}
