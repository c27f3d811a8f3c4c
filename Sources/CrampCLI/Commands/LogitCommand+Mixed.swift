import CrampData
import Formula
import MixedModels
import Reporting

/// `crampstat logit FILE --formula "y ~ x + (1 | id)"`: random-effects logistic regression as
/// `lme4::glmer`, chosen when the formula has a bar term.
extension LogitCommand {
  /// The options only the mixed model reads.
  static let mixedOptions: [OptionSpec] = [
    .option(
      "link", value: "link",
      help: "Link of a mixed model '(1 | id)': logit (odds ratios) or cloglog (nightly hazard).",
      allowed: ["logit", "cloglog"], default: "logit"),
    .option(
      "nagq", value: "k",
      help:
        "Mixed model: 1 = Laplace approximation, 2..25 = adaptive Gauss-Hermite points (random intercept only), as glmer's nAGQ.",
      default: "1"),
    .option(
      "ranef", value: "file",
      help: "Mixed model: write each group's conditional mode and conditional SD as CSV.",
      path: .output),
  ]

  /// Fits and renders the mixed model.
  static func runMixed(
    _ parsed: ParsedArguments, context: Context, level: Double
  ) throws(CLIError) -> Int32 {
    for option in ["cluster", "gee", "id"] where parsed.value(option) != nil {
      throw .usage(
        "'--\(option)' does not apply to a random-effects formula '(1 | group)'.",
        command: "logit")
    }
    if parsed.flag("firth") {
      throw .usage("'--firth' does not apply to a random-effects formula.", command: "logit")
    }
    guard let nagqText = parsed.value("nagq"), let nagq = Int(nagqText), (1...25).contains(nagq)
    else {
      throw .usage("'--nagq' needs a whole number from 1 to 25.", command: "logit")
    }
    let link: BinomialLink = parsed.value("link") == "cloglog" ? .cloglog : .logit
    let (table, mixed, design) = try loadMixed(parsed, context: context)
    let fit: MixedLogisticFit
    do {
      let random = try RandomEffects.build(mixed.random, design: design, table: table)
      var model = MixedLogisticModel(link: link, quadraturePoints: nagq, confidenceLevel: level)
      // '--ci profile': the random-intercept SD's profile interval; fixed effects stay Wald.
      model.profileStandardDeviation = parsed.value("ci") == "profile"
      fit = try model.fit(design, random: random)
    } catch {
      throw .data(String(describing: error))
    }
    try ModelInput.report(
      diagnostics: fit.diagnostics.map(\.description), parsed: parsed, context: context)
    let report = MixedLogisticReport(fit: fit, source: parsed.argument("file") ?? "")
    try RiskModelExport.mixedLogistic(fit, design: design, table: table, parsed: parsed)
    if let path = parsed.value("ranef") {
      try OutputWriter.write(Array(report.conditionalModesCSV.utf8), to: path)
    }
    try deliverResult(
      command: "logit", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }

  /// Reads the columns the mixed formula uses and builds the fixed-effect design, with the
  /// group as the design's cluster (so rows with a missing group are dropped as well).
  private static func loadMixed(
    _ parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> (Table, MixedFormula, DesignMatrix) {
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: parsed.command)
    }
    guard let formulaText = parsed.value("formula") else {
      throw .usage("Missing '--formula <formula>'.", command: parsed.command)
    }
    var references: [String: String] = [:]
    for item in parsed.allValues("ref") {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw .usage("'--ref' needs 'variable=level', not '\(item)'.", command: parsed.command)
      }
      references[parts[0]] = parts[1]
    }
    let split: MixedFormula
    do {
      split = try MixedFormula.parse(formulaText)
    } catch {
      throw .data(String(describing: error))
    }
    let (loaded, fileHeader) = try TableLoader.load(
      path, formulas: [split.fixed.text],
      extra: [split.random.group] + split.random.slopes
        + (parsed.value("patients") == nil ? [] : ["patient_id"]),
      options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"))
    let (table, header) = try ModelInput.joinPatients(
      loaded, header: fileHeader, parsed: parsed, context: context)
    do {
      _ = try MixedFormula.parse(formulaText, columns: header)
      let mixed = try MixedFormula.parse(formulaText, columns: table.columnNames)
      let options = DesignOptions(
        references: references, missing: parsed.value("missing") == "fail" ? .fail : .drop,
        cluster: mixed.random.group)
      return (table, mixed, try DesignMatrix.build(mixed.fixed, table: table, options: options))
    } catch let error as FormulaError {
      throw .data(error.description)
    } catch {
      throw .data(String(describing: error))
    }
  }
}
