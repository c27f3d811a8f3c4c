import Analysis
import CrampData
import Formula
import Reporting
import Survival

/// `crampstat cox` with a `frailty(id)` term: the shared-frailty Cox model.
extension CoxCommand {
  /// The formula without its frailty term and the term, when the formula has one.
  static func frailtyTerm(_ parsed: ParsedArguments) throws(CLIError) -> (String, FrailtyTerm)? {
    guard let text = parsed.value("formula"), text.contains("frailty") else { return nil }
    let extracted: (formula: String, term: FrailtyTerm?)
    do {
      extracted = try FrailtyTerm.extract(from: text)
    } catch {
      throw .usage(String(describing: error), command: "cox")
    }
    guard let term = extracted.term else { return nil }
    return (extracted.formula, term)
  }

  static func runFrailty(
    _ parsed: ParsedArguments, _ context: inout Context, formula: String, term: FrailtyTerm,
    level: Double
  ) throws(CLIError) -> Int32 {
    for option in ["weights", "residuals", "predict", "save-model"]
    where parsed.value(option) != nil {
      throw .usage("'--\(option)' is not available with a frailty() term.", command: "cox")
    }
    if parsed.flag("zph") {
      throw .usage("'--zph' is not available with a frailty() term.", command: "cox")
    }
    if formula.contains("cluster(") {
      throw .usage(
        "cluster() cannot be combined with frailty(): a penalized model has no robust variance.",
        command: "cox")
    }
    let table: Table
    let design: DesignMatrix
    do {
      (table, design) = try ModelInput.load(
        parsed, context: context, cluster: term.column, formula: formula)
    } catch {
      // The frailty column travels as the design's grouping column: name it as what it is.
      if case .data(let message) = error, message.contains("unknown cluster column") {
        throw .data(
          message.replacingOccurrences(
            of: "unknown cluster column", with: "\(term.label): unknown frailty column"))
      }
      throw error
    }
    let y = try SurvivalInput.response(design, command: "cox")
    let (x, names) = try SurvivalInput.covariates(design)
    guard let groups = design.clusters else {
      throw .data("\(design.source): no groups for \(term.label)")
    }
    let model = FrailtyCoxModel(
      distribution: term.distribution == "gaussian" ? .gaussian : .gamma,
      ties: parsed.value("ties") == "breslow" ? .breslow : .efron, confidenceLevel: level,
      fixedVariance: term.theta)
    let fit: FrailtyCoxFit
    do {
      fit = try model.fit(
        y, x: x, termNames: names, termGroups: design.termGroupsWithoutIntercept.map(\.columns),
        groups: groups.codes.map(Int.init), strata: design.strata.map { $0.codes.map(Int.init) },
        offset: design.offset)
    } catch {
      throw .data(FitFailure.explain(error, model: "Cox frailty", design: design, table: table))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(FrailtyCoxReport.describe), parsed: parsed,
      context: context)
    let report = FrailtyCoxReport(
      fit: fit, formula: parsed.value("formula") ?? formula, source: design.source,
      groupColumn: term.column, termLabel: term.label, droppedRowCount: design.droppedRowCount,
      droppedByVariable: design.droppedByVariable, confidenceLevel: level,
      termLabels: design.termGroupsWithoutIntercept.map(\.name))
    try deliverResult(
      command: "cox", parsed: parsed, context: context, body: report.jsonBody,
      render: report.render)
    return ExitCode.success
  }
}
