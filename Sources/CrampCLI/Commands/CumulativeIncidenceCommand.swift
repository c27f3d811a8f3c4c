import CrampData
import Formula
import Reporting
import Survival

/// `crampstat cif`: competing-risks cumulative incidence (Aalen-Johansen) and Gray's test.
enum CumulativeIncidenceCommand {
  static let spec = CommandSpec(
    name: "cif",
    abstract: "Cumulative incidence of competing events (Aalen-Johansen) with Gray's test.",
    discussion: """
      The status of 'Surv(time, event_type)' is 0 for censored and 1, 2, ... for the causes \
      (say 1 = cramp, 2 = delivery, 3 = dropout). Per group of the right-hand side, prints the \
      cumulative incidence of each cause as R's multi-state survfit(Surv(time, \
      factor(event_type)) ~ g): estimates, infinitesimal-jackknife standard errors and log \
      intervals; Gray's test of equal incidence between groups for each cause, as \
      cmprsk::cuminc; and a stacked chart (the bands are the causes, the gap to 1 is 'no event \
      yet'). No event yet + the incidences = 1 at every time. Example: crampstat cif first.csv \
      --formula "Surv(time, event_type) ~ sex" --times 30,60,90
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per subject.")],
    options: ModelInput.options + [
      .option("level", value: "p", help: "Confidence level.", default: "0.95"),
      .option("times", value: "list", help: "Comma-separated times for the table, e.g. 30,90."),
      .option(
        "causes", value: "list",
        help:
          "Causes to report and their names, e.g. \"1=cramp,2=delivery,3=dropout\" (default: every status with an event)."
      ),
    ] + CommonOptions.csv + CommonOptions.rendering + CommonOptions.charts + [CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    let level = try SurvivalOptions.level(parsed)
    let (table, design) = try ModelInput.load(parsed, context: context)
    guard let outcome = design.survival, outcome.start == nil else {
      throw .usage(
        "The formula needs 'Surv(time, event_type) ~ group' (event_type 0 = censored, 1, 2, ... = causes).",
        command: "cif")
    }
    let (codes, labels) = try SurvivalInput.groups(design, table: table)
    var times: [Double] = []
    if let list = parsed.value("times") {
      for item in list.split(separator: ",") {
        guard let t = Double(String(item).trimmingSpaces()), t.isFinite, t >= 0 else {
          throw .usage("'--times' needs comma-separated numbers, not '\(list)'.", command: "cif")
        }
        times.append(t)
      }
    }
    var requested: [Int]?
    var names: [String]?
    if let list = parsed.value("causes") {
      var causes: [Int] = []
      var labels: [String] = []
      for item in list.split(separator: ",") {
        let parts = item.split(separator: "=", maxSplits: 1).map {
          String($0).trimmingSpaces()
        }
        guard let code = parts.first.flatMap({ Int($0) }), code > 0, !causes.contains(code) else {
          throw .usage(
            "'--causes' needs distinct cause codes >= 1 with optional names, e.g. "
              + "\"1=cramp,2=delivery\", not '\(list)'.", command: "cif")
        }
        causes.append(code)
        labels.append(parts.count == 2 && !parts[1].isEmpty ? parts[1] : "cause \(code)")
      }
      requested = causes
      names = labels
    }
    let fit: CumulativeIncidenceFit
    do {
      fit = try CumulativeIncidence(confidenceLevel: level).fit(
        time: outcome.stop, status: outcome.status, groups: codes, groupLabels: labels,
        causes: requested)
    } catch let failure as CumulativeIncidence.Failure {
      throw .data(describe(failure, design: design))
    } catch {
      throw .data(String(describing: error))
    }
    guard fit.curves.contains(where: { $0.eventsByCause.contains { $0 > 0 } }) else {
      throw .data(
        "\(design.source): no row has an event (every status is 0): there is no incidence to estimate"
      )
    }
    let report = CumulativeIncidenceReport(
      fit: fit, formula: design.formula.text, source: parsed.argument("file") ?? "",
      causeLabels: names, times: times, droppedRowCount: design.droppedRowCount)
    if !parsed.flag("quiet") {
      for note in report.notes.dropFirst() { context.console.err("Warning: \(note)\n") }
    }
    let style = CommonOptions.chartStyle(parsed, context: context)
    try deliverResult(
      command: "cif", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0, chartStyle: style) })
    return ExitCode.success
  }

  /// A failure in the file's terms: `file:line: column 'x': ...`.
  static func describe(_ failure: CumulativeIncidence.Failure, design: DesignMatrix) -> String {
    var column = "status"
    var timeColumn = "time"
    if case .survival(_, let stop, let status) = design.formula.response {
      column = status.label
      timeColumn = stop.label
    }
    func line(_ row: Int) -> Int {
      row < design.lineNumbers.count ? Int(design.lineNumbers[row]) : row + 2
    }
    switch failure {
    case .invalidStatus(let row, let value):
      return "\(design.source):\(line(row)): column '\(column)': \(value) is not 0 (censored) "
        + "or a cause 1, 2, ..."
    case .invalidTime(let row, let value):
      return "\(design.source):\(line(row)): column '\(timeColumn)': time \(value) must be "
        + "finite and >= 0"
    case .empty:
      return "\(design.source): no rows to estimate from"
    }
  }
}
