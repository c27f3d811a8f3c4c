import CrampData
import Formula
import LinearAlgebra
import Reporting
import Survival

/// `crampstat finegray`: Fine-Gray subdistribution hazards as finegray() + coxph(weights).
enum FineGrayCommand {
  static let spec = CommandSpec(
    name: "finegray",
    abstract: "Fine-Gray subdistribution hazard regression for one cause of a competing risk.",
    discussion: """
      Builds survival's finegray() data for '--cause K' from 'Surv(time, event_type) ~ x' \
      (event_type 0 = censored, 1, 2, ... = causes): subjects with a competing event stay in \
      the risk set with the censoring distribution's weight G(t) / G(T), then fits \
      coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt) with its defaults (Efron \
      ties, robust variance because the weights are fractional). exp(coef) is the \
      subdistribution hazard ratio. cmprsk::crr estimates the same model with another \
      variance (its numbers differ in the third digit). Example: crampstat finegray \
      first.csv --formula "Surv(time, event_type) ~ age_over_50" --cause 1
      """,
    arguments: [ArgumentSpec(name: "file", help: "CSV with one row per subject.")],
    options: ModelInput.options + [
      .option(
        "cause", value: "code", help: "The cause of interest (a status code >= 1).", default: "1"),
      .option("level", value: "p", help: "Confidence level.", default: "0.95"),
    ] + CommonOptions.csv + CommonOptions.rendering + [CommonOptions.strict, CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    let level = try SurvivalOptions.level(parsed)
    guard let causeText = parsed.value("cause"), let cause = Int(causeText), cause >= 1 else {
      throw .usage("'--cause' needs a status code >= 1.", command: "finegray")
    }
    let (_, design) = try ModelInput.load(parsed, context: context)
    guard let outcome = design.survival, outcome.start == nil else {
      throw .usage(
        "The formula needs 'Surv(time, event_type) ~ x' (event_type 0 = censored, 1, 2, ... = causes).",
        command: "finegray")
    }
    var status: [Int] = []
    for (i, s) in outcome.status.enumerated() {
      guard s >= 0, s == s.rounded(), s < 1e9, outcome.stop[i] > 0 else {
        throw .data(
          CumulativeIncidenceCommand.describe(
            s >= 0 && s == s.rounded()
              ? .invalidTime(row: i, value: outcome.stop[i]) : .invalidStatus(row: i, value: s),
            design: design))
      }
      status.append(Int(s))
    }
    guard let data = FineGrayData.expand(time: outcome.stop, status: status, cause: cause) else {
      throw .data(
        "\(design.source): cause \(cause) has no events: there is no subdistribution hazard "
          + "to estimate (causes with events: "
          + Set(status.filter { $0 > 0 }).sorted().map(String.init).joined(separator: ", ") + ")")
    }
    let (x, names) = try SurvivalInput.covariates(design)
    let fit: CoxFit
    do {
      var values: [Double] = []
      values.reserveCapacity(data.row.count * x.columns)
      for j in 0..<x.columns {
        for r in data.row { values.append(x.storage[r + j * x.rows]) }
      }
      let expanded = try Matrix(rows: data.row.count, columns: x.columns, columnMajor: values)
      let y = try SurvivalResponse(start: data.start, stop: data.stop, event: data.status)
      fit = try CoxModel(confidenceLevel: level).fit(
        y, x: expanded, termNames: names, weights: data.weight)
    } catch {
      throw .data(FitFailure.explain(error, model: "Fine-Gray", design: design))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(CoxReport.describe), parsed: parsed, context: context)
    let report = CoxReport(
      fit: fit, formula: design.formula.text + " (Fine-Gray, cause \(cause))",
      source: design.source, subjects: design.rowCount, droppedRowCount: design.droppedRowCount,
      droppedByVariable: design.droppedByVariable, confidenceLevel: level)
    var body = report.jsonBody
    body["cause"] = .int(cause)
    body["n_expanded"] = .int(data.row.count)
    try deliverResult(
      command: "finegray", parsed: parsed, context: context, body: body,
      render: { format in
        var out = report.render(format)
        if format == .text || format == .markdown {
          out +=
            "\nFine-Gray: exp(coef) is the subdistribution hazard ratio of cause \(cause); "
            + "\(data.row.count) rows after finegray()'s expansion of \(design.rowCount) subjects.\n"
        }
        return out
      })
    return ExitCode.success
  }
}
