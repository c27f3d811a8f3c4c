import Analysis
import CrampData
import Formula
import Partials
import Recurrent
import Regression
import Reporting
import Survival

/// `crampstat partial`, `combine` and `solve`: a fit as passes of additive statistics over
/// partitions of whole patients, for Spark, Dask or a batch scheduler to drive
/// (`Distributed/spark/`), with the numbers of the single-machine command.
enum PartialCommand {
  /// Models with partial statistics today.
  static let models = ["logit", "cox", "km", "logrank", "poisson", "mcf"]

  static let spec = CommandSpec(
    name: "partial",
    abstract: "Additive statistics of one partition for a distributed fit (combine, solve).",
    discussion: """
      Reads one partition (a CSV file or '-' for standard input; whole patients per \
      partition) and writes its sufficient statistics as versioned text (format \
      'crampstat-partial 1', doubles in shortest round-trip form). Without '--state' it \
      runs the first pass (rows, factor levels, patients); with '--state FILE' (written by \
      'crampstat solve') the pass that state asks for: an IRLS step or the robust-variance \
      pass. 'crampstat combine' adds the partitions' outputs exactly (order-independent), \
      'crampstat solve' turns the sums into the next state or the fit, printed as \
      'crampstat logit' prints it. Models: logit (with --cluster for cluster-robust SEs), cox \
      (Cox and Andersen-Gill, Surv(start, stop, event), strata(), cluster() for the robust \
      variance; ties by 'solve --ties'), \
      km and logrank (one pass: per stratum, group and time, events, censorings and \
      entries), poisson (the night-level diary, reshaped per partition as 'crampstat \
      recurrent --model poisson' does, with its --formula '~ x', --count, --variance and \
      layout rules; robust SEs by patient) and mcf (the same diary input as 'recurrent \
      --model mcf': counts, then the Lawless-Nadeau influence pass). \
      Example: crampstat partial logit part-0.csv --formula "cramp ~ dialysis_day" \
      --cluster patient_id --partition 0 > s0.txt
      """,
    arguments: [
      ArgumentSpec(
        name: "model", help: "Model: logit, cox, km, logrank, poisson or mcf.", pathRole: nil),
      ArgumentSpec(name: "file", help: "CSV of this partition, or '-' for standard input."),
    ],
    options: ModelInput.options + [
      .option(
        "cluster", value: "column",
        help: "Cluster-robust (sandwich) standard errors by this column, e.g. patient_id."),
      .option(
        "state", value: "file", help: "State written by 'crampstat solve' (not the first pass).",
        path: .input),
      .option(
        "partition", value: "name",
        help: "Name of this partition in the statistics (default: the file name)."),
      CommonOptions.output, CommonOptions.quiet,
    ] + recurrentOptions + CommonOptions.csv.filter { $0.name != ColumnMapping.id.name },
    run: runPartial)

  /// The options of `crampstat recurrent` that shape a poisson partition's layout.
  static let recurrentOptions: [OptionSpec] =
    [
      .option(
        "count", value: "outcome", help: "poisson: what is counted per patient.",
        allowed: RecurrentOptions.CountOutcome.allCases.map(\.rawValue), default: "cramps"),
      .option(
        "variance", value: "kind", help: "poisson: robust (by patient) or model-based variance.",
        allowed: ["robust", "model"], default: "robust"),
      .flag("no-merge", help: "poisson: do not merge cramp-free nights (no effect on counts)."),
    ] + LayoutCommand.layoutRules

  static let combineSpec = CommandSpec(
    name: "combine",
    abstract: "Adds partial statistics of several partitions exactly (any order).",
    discussion: """
      Reads statistics written by 'crampstat partial' (files, or '-' for standard input; \
      several documents may be concatenated in one input) and writes their sum in the same \
      format. Sums are exact (Shewchuk expansions), so the result is the same bits in any \
      order or grouping. Refuses statistics of different models, passes or states, and a \
      partition or patient seen twice.
      """,
    arguments: [
      ArgumentSpec(name: "statistics", help: "Partial statistics files.", isVariadic: true)
    ],
    options: [CommonOptions.output, CommonOptions.quiet],
    run: runCombine)

  static let solveSpec = CommandSpec(
    name: "solve",
    abstract: "Turns combined statistics into the next state or the fit.",
    discussion: """
      Reads combined statistics ('crampstat combine') and the state they were computed at. \
      When another pass is needed it writes the next state to '--next' and prints nothing; \
      when the fit is done it writes no state and prints the fit as the single-machine \
      command does (same stopping rule: R's glm.fit, |dev - devold| / (|dev| + 0.1) < 1e-8). \
      AUC and Hosmer-Lemeshow need every fitted value and are left out.
      """,
    arguments: [ArgumentSpec(name: "statistics", help: "Combined statistics.")],
    options: [
      .option(
        "state", value: "file", help: "The state the statistics were computed at.",
        path: .input),
      .option("next", value: "file", help: "Where to write the next state.", path: .output),
      .option("level", value: "p", help: "Confidence level of intervals.", default: "0.95"),
      .option(
        "conf-type", value: "type", help: "km: confidence interval type (as survfit's conf.type).",
        allowed: ["log", "log-log", "plain"], default: "log"),
      .option("times", value: "list", help: "km: survival table at these times, e.g. 7,30."),
      .option("rho", value: "rho", help: "logrank: G-rho family parameter.", default: "0"),
      .option(
        "data-name", value: "name",
        help: "Name of the data shown in the fit's header (default: the statistics file)."),
      .option(
        "ties", value: "method", help: "cox (first solve): tie handling, as coxph's ties.",
        allowed: ["efron", "breslow"], default: "efron"),
      CommonOptions.strict, CommonOptions.quiet,
    ] + CommonOptions.rendering,
    run: runSolve)

  // MARK: partial

  static func runPartial(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError)
    -> Int32
  {
    let model = parsed.argument("model") ?? ""
    guard models.contains(model) else {
      throw .usage(
        "'partial' supports \(models.joined(separator: ", ")), not '\(model)'.",
        command: "partial")
    }
    guard let path = parsed.argument("file") else {
      throw .usage("Missing <file>.", command: "partial")
    }
    let partition = parsed.value("partition") ?? CSVFile.displayName(path)
    let document: PartialDocument
    if model == "poisson" || model == "mcf" {
      document = try recurrentPartial(
        path, model: model == "mcf" ? .meanCumulativeFunction : .poisson, partition: partition,
        parsed: parsed, context: context)
    } else if model == "logrank" {
      document = try logRankCounts(
        path, partition: partition, parsed: parsed, context: context
      ).document
    } else if model == "km" {
      document = try kaplanMeierCounts(
        path, partition: partition, parsed: parsed, context: context
      ).document
    } else if model == "cox", let statePath = parsed.value("state") {
      let state = try readCoxState(statePath)
      let table = try loadPartition(
        path, settings: state.settings, parsed: parsed, context: context)
      do {
        var columns = state.columns
        var rows: RiskSetRows?
        if let design = try PartitionDesign.design(
          settings: state.settings, levels: state.levels, table: table)
        {
          (rows, columns) = try RiskSetRows.make(
            design: design, twoCoded: state.isTwoCodedStatus)
        }
        document = try state.statistics(partition: partition, columns: columns, rows: rows)
      } catch {
        throw .data("partition '\(partition)': \(error)")
      }
    } else if let statePath = parsed.value("state") {
      for option in ["formula", "cluster", "ref"] where parsed.value(option) != nil {
        throw .usage(
          "'--\(option)' comes from the first pass: with '--state' the state holds it.",
          command: "partial")
      }
      let state = try readState(statePath)
      let table = try loadPartition(
        path, settings: state.settings, parsed: parsed, context: context)
      let header = state.header(partition: partition)
      do {
        let design = try state.design(for: table)
        switch state.pass {
        case .irls:
          document =
            try IRLSStatistics(
              header: header,
              columns: state.columns.isEmpty ? (design?.columnNames ?? []) : state.columns,
              design: design, beta: state.beta
            ).document
        case .robust:
          guard let beta = state.beta else { throw CLIError.data("\(statePath): no estimate") }
          document =
            try ClusterMeat.logistic(
              header: header, design: design, beta: beta, systemBeta: state.systemBeta
            ).document
        }
      } catch let error as CLIError {
        throw error
      } catch {
        throw .data("partition '\(partition)': \(error)")
      }
    } else {
      document = try schema(
        path, model: model, partition: partition, parsed: parsed, context: context
      )
      .document
    }
    try OutputWriter.deliver(document.encoded, to: parsed.value("output"), console: context.console)
    return ExitCode.success
  }

  /// What a one-pass survival count needs of a partition: the formula, and the response,
  /// groups and design (`nil` when no row is usable).
  struct GroupedSurvival {
    var formula: String
    var y: SurvivalResponse
    var groups: (codes: [Int], labels: [String], keys: [PartitionDesign.GroupKey])
    var design: DesignMatrix
  }

  static func groupedSurvival(
    _ path: String, partition: String, parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> (formula: String, data: GroupedSurvival?) {
    let settings = try settings(parsed)
    let table = try loadPartition(path, settings: settings, parsed: parsed, context: context)
    let formula = PartitionDesign.formula(settings)
    let design: DesignMatrix?
    do {
      design = try PartitionDesign.design(settings: settings, levels: [:], table: table)
    } catch {
      throw .data("partition '\(partition)': \(error)")
    }
    guard let design else { return (formula, nil) }
    let y = try SurvivalInput.response(design, command: "partial", partition: true)
    do {
      let groups = try PartitionDesign.groups(design, table: table)
      return (formula, GroupedSurvival(formula: formula, y: y, groups: groups, design: design))
    } catch {
      throw .usage(error.description, command: "partial")
    }
  }

  /// `partial km`: the partition's Kaplan-Meier counts per group.
  static func kaplanMeierCounts(
    _ path: String, partition: String, parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> KaplanMeierCounts {
    let header = PartialHeader(model: "km", pass: "counts", state: "-", partition: partition)
    let (formula, data) = try groupedSurvival(
      path, partition: partition, parsed: parsed, context: context)
    return KaplanMeierCounts(
      header: header, formula: formula, y: data?.y, codes: data?.groups.codes ?? [],
      labels: data?.groups.labels ?? [], keys: data?.groups.keys ?? [])
  }

  /// `partial logrank`: the partition's counts per stratum, group and time.
  static func logRankCounts(
    _ path: String, partition: String, parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> LogRankCounts {
    let header = PartialHeader(model: "logrank", pass: "counts", state: "-", partition: partition)
    let (formula, data) = try groupedSurvival(
      path, partition: partition, parsed: parsed, context: context)
    guard let data else {
      return LogRankCounts(
        header: header, formula: formula, y: nil, codes: [], labels: [], keys: [], strata: [])
    }
    if data.y.isCountingProcess {
      throw .data("partition '\(partition)': the log-rank test needs right-censored data")
    }
    let strata =
      data.design.strata.map { s in s.codes.map { s.labels[Int($0)] } }
      ?? [String](repeating: "", count: data.y.count)
    return LogRankCounts(
      header: header, formula: formula, y: data.y, codes: data.groups.codes,
      labels: data.groups.labels, keys: data.groups.keys, strata: strata)
  }

  /// The settings a first pass records (and every partition must share).
  static func settings(_ parsed: ParsedArguments) throws(CLIError) -> [String: [String]] {
    guard let formula = parsed.value("formula") else {
      throw .usage("Missing '--formula <formula>' (the first pass needs it).", command: "partial")
    }
    return PartitionDesign.settings(
      formula: formula, references: parsed.allValues("ref"),
      missing: parsed.value("missing") == "fail" ? .fail : .drop,
      cluster: try parsed.value("cluster").map(ColumnMapping.from(parsed).resolve))
  }

  /// The first pass over one partition.
  static func schema(
    _ path: String, model: String, partition: String, parsed: ParsedArguments,
    context: Context
  ) throws(CLIError) -> PartitionSchema {
    let settings = try settings(parsed)
    let table = try loadPartition(path, settings: settings, parsed: parsed, context: context)
    do {
      return try PartitionDesign.schema(
        model: model, partition: partition, settings: settings, table: table)
    } catch {
      throw .data("partition '\(partition)': \(error)")
    }
  }

  /// One partition's table, holding the columns the formula and cluster use; a formula
  /// naming a column the file lacks is refused with suggestions from the whole header.
  static func loadPartition(
    _ path: String, settings: [String: [String]], parsed: ParsedArguments, context: Context
  ) throws(CLIError) -> Table {
    let formula = PartitionDesign.formula(settings)
    let (table, header) = try TableLoader.load(
      path, formulas: [formula], extra: [PartitionDesign.cluster(settings)].compactMap { $0 },
      options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"))
    do {
      _ = try Formula.parse(formula, columns: header)
    } catch {
      throw .data("\(CSVFile.displayName(path)): \(error)")
    }
    return table
  }

  // MARK: combine

  static func runCombine(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError)
    -> Int32
  {
    var documents: [PartialDocument] = []
    for path in parsed.variadicArguments("statistics") {
      documents += try readDocuments(path)
    }
    let merged = try combine(documents)
    try OutputWriter.deliver(merged.encoded, to: parsed.value("output"), console: context.console)
    return ExitCode.success
  }

  /// The exact sum of statistics documents of one pass.
  static func combine(_ documents: [PartialDocument]) throws(CLIError) -> PartialDocument {
    guard let first = documents.first else {
      throw .usage("'combine' needs at least one statistics file.", command: "combine")
    }
    do throws(PartialsError) {
      let header = try PartialHeader(document: first)
      if header.model == "cox", header.pass != "schema" {
        return try DistributedCox.combine(documents)
      }
      if header.model == "poisson" { return try DistributedPoisson.combine(documents) }
      if header.model == "mcf" { return try DistributedMCF.combine(documents) }
      switch header.pass {
      case "schema": return try merged(documents, as: PartitionSchema.self).document
      case "irls": return try merged(documents, as: IRLSStatistics.self).document
      case "robust": return try merged(documents, as: ClusterMeat.self).document
      case "counts" where header.model == "logrank":
        return try merged(documents, as: LogRankCounts.self).document
      case "counts": return try merged(documents, as: KaplanMeierCounts.self).document
      default:
        throw PartialsError.malformed(
          source: first.source, line: 0, reason: "unknown pass '\(header.pass)'")
      }
    } catch {
      throw .data(error.description)
    }
  }

  static func merged<S: PartialStatistics>(_ documents: [PartialDocument], as type: S.Type)
    throws(PartialsError) -> S
  {
    var total = try S(document: documents[0])
    for d in documents.dropFirst() {
      do {
        try total.merge(try S(document: d))
      } catch .mismatch(_, let reason) {
        throw .mismatch(source: d.source, reason: reason)
      }
    }
    return total
  }

  // MARK: solve

  static func runSolve(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError)
    -> Int32
  {
    guard let levelText = parsed.value("level"), let level = Double(levelText), level > 0,
      level < 1
    else {
      throw .usage("'--level' needs a number between 0 and 1.", command: "solve")
    }
    let path = parsed.argument("statistics") ?? "-"
    let documents = try readDocuments(path)
    let merged = try combine(documents)
    if merged.value("model") == "logrank" {
      guard let rhoText = parsed.value("rho"), let rho = Double(rhoText), rho.isFinite else {
        throw .usage("'--rho' needs a number.", command: "solve")
      }
      let result: LogRankResult
      let counts: LogRankCounts
      do {
        counts = try LogRankCounts(document: merged)
        guard counts.groupLabels.count >= 2 else {
          throw CLIError.usage(
            "The log-rank test needs at least two groups on the right of '~'.", command: "solve")
        }
        result = try counts.test(rho: rho)
      } catch let error as CLIError {
        throw error
      } catch {
        throw .data("\(path): \(error)")
      }
      let report = LogRankReport(result: result, formula: counts.formula)
      try deliverResult(
        command: "logrank", parsed: parsed, context: context, body: report.jsonBody,
        render: report.render)
      return ExitCode.success
    }
    if merged.value("model") == "cox" {
      return try solveCox(merged, source: path, level: level, parsed: parsed, context: context)
    }
    if merged.value("model") == "mcf" {
      return try solveMCF(merged, source: path, level: level, parsed: parsed, context: context)
    }
    if merged.value("model") == "poisson" {
      return try solvePoisson(merged, source: path, level: level, parsed: parsed, context: context)
    }
    if merged.value("model") == "km" {
      return try solveKaplanMeier(
        merged, source: path, level: level, parsed: parsed, context: context)
    }
    let model = LogisticModel(confidenceLevel: level, goodnessOfFit: false)
    let step: DistributedLogistic.Step
    var clusterColumn: String?
    do {
      let header = try PartialHeader(document: merged)
      guard header.model == "logit" else {
        throw PartialsError.unsupported("'solve' supports logit, not '\(header.model)'")
      }
      if header.pass == "schema" {
        step = .pass(try DistributedLogistic(schema: try PartitionSchema(document: merged)))
      } else {
        guard let statePath = parsed.value("state") else {
          throw CLIError.usage(
            "'--state <file>' is needed: the state the statistics were computed at.",
            command: "solve")
        }
        let state = try readState(statePath)
        clusterColumn = state.settings["cluster"]?.first
        guard state.document.digest == header.state else {
          throw CLIError.data(
            "\(path): computed at state \(header.state), but '\(statePath)' is state "
              + "\(state.document.digest): solve with the state the pass ran at.")
        }
        if header.pass == "robust" {
          step = .fit(try state.finish(with: try ClusterMeat(document: merged), model: model))
        } else {
          step = try state.advance(with: try IRLSStatistics(document: merged), model: model)
        }
      }
    } catch let error as CLIError {
      throw error
    } catch let error as PartialsError {
      throw .data(error.description)
    } catch {
      throw .data("\(path): \(error)")
    }
    switch step {
    case .pass(let next):
      try writeNextState(
        next.document,
        pass: "'\(next.pass.rawValue)' (IRLS iteration \(next.iteration))", parsed: parsed,
        context: context)
    case .fit(let fit):
      try ModelInput.report(
        diagnostics: fit.diagnostics.map(\.description), parsed: parsed, context: context)
      let report = LogisticReport(
        fit: fit, source: parsed.value("data-name") ?? path,
        clusterColumn: fit.clusterCount == nil ? nil : clusterColumn)
      try deliverResult(
        command: "logit", parsed: parsed, context: context, body: report.jsonBody,
        render: { report.render($0) })
    }
    return ExitCode.success
  }

  /// `solve` for a distributed Cox fit: the next state, or the fit as `crampstat cox` prints
  /// it (without concordance and the robust score test, which need the rows).
  static func solveCox(
    _ merged: PartialDocument, source: String, level: Double, parsed: ParsedArguments,
    context: Context
  ) throws(CLIError) -> Int32 {
    let step: DistributedCox.Step
    var settings: [String: [String]] = [:]
    var patients = 0
    var dropped = (0, [String: Int]())
    do {
      let header = try PartialHeader(document: merged)
      if header.pass == "schema" {
        let schema = try PartitionSchema(document: merged)
        let ties: CoxModel.Ties = parsed.value("ties") == "breslow" ? .breslow : .efron
        let robust = schema.patientCount > 0
        step = .pass(
          try DistributedCox(
            schema: schema, model: CoxModel(ties: ties, confidenceLevel: level),
            robust: robust))
      } else {
        guard let statePath = parsed.value("state") else {
          throw CLIError.usage(
            "'--state <file>' is needed: the state the statistics were computed at.",
            command: "solve")
        }
        let state = try readCoxState(statePath)
        settings = state.settings
        patients = state.patients
        dropped = (state.dropped, state.droppedByVariable)
        step = try state.advance(with: merged)
      }
    } catch let error as CLIError {
      throw error
    } catch {
      throw .data("\(source): \(error)")
    }
    switch step {
    case .pass(let next):
      try writeNextState(
        next.document, pass: "'\(next.pass.rawValue)'", parsed: parsed, context: context)
    case .fit(let fit):
      try ModelInput.report(
        diagnostics: fit.diagnostics.map(CoxReport.describe), parsed: parsed, context: context)
      let formula = PartitionDesign.formula(settings)
      var report = CoxReport(
        fit: fit, formula: formula, source: parsed.value("data-name") ?? source,
        subjects: patients > 0 ? patients : fit.count, droppedRowCount: dropped.0,
        droppedByVariable: dropped.1, confidenceLevel: level)
      report.clusterColumn = clusterColumn(formula)
      try deliverResult(
        command: "cox", parsed: parsed, context: context, body: report.jsonBody,
        render: { report.render($0) })
    }
    return ExitCode.success
  }

  static func readCoxState(_ path: String) throws(CLIError) -> DistributedCox {
    let document = try readStateDocument(path)
    do {
      return try DistributedCox(document: document)
    } catch {
      throw .data("\(path): \(error)")
    }
  }

  /// `solve`'s next state to `--next`, and a line on stderr naming the pass it asks for.
  static func writeNextState(
    _ state: PartialDocument, pass: String, parsed: ParsedArguments, context: Context
  ) throws(CLIError) {
    guard let nextPath = parsed.value("next") else {
      throw .usage(
        "Another pass is needed: give '--next <file>' for the next state.", command: "solve")
    }
    try OutputWriter.write(Array(state.encoded.utf8), to: nextPath)
    if !parsed.flag("quiet") {
      context.console.err("solve: next pass \(pass); state written to \(nextPath)\n")
    }
  }

  /// `solve` on merged Kaplan-Meier counts: the curves as `crampstat km` prints them.
  static func solveKaplanMeier(
    _ merged: PartialDocument, source: String, level: Double, parsed: ParsedArguments,
    context: Context
  ) throws(CLIError) -> Int32 {
    let confidence: KaplanMeier.ConfidenceType =
      switch parsed.value("conf-type") {
      case "log-log": .logLog
      case "plain": .plain
      default: .log
      }
    var times: [Double] = []
    if let list = parsed.value("times") {
      for item in list.split(separator: ",") {
        guard let t = Double(String(item).trimmingSpaces()), t.isFinite else {
          throw .usage("'--times' needs comma-separated numbers, not '\(list)'.", command: "solve")
        }
        times.append(t)
      }
    }
    let counts: KaplanMeierCounts
    let fit: KaplanMeierFit
    do {
      counts = try KaplanMeierCounts(document: merged)
      fit = try KaplanMeier(confidenceType: confidence, confidenceLevel: level).fit(
        tables: counts.tables)
    } catch {
      throw .data("\(source): \(error)")
    }
    let report = KaplanMeierReport(
      fit: fit, formula: counts.formula, times: times, restrictedMeanHorizon: nil,
      cumulativeHazard: nil)
    try deliverResult(
      command: "km", parsed: parsed, context: context, body: report.jsonBody,
      render: { report.render($0) })
    return ExitCode.success
  }

  // MARK: Files

  static func readText(_ path: String) throws(CLIError) -> String {
    do {
      return String(decoding: try InputFile.bytes(of: path), as: UTF8.self)
    } catch {
      switch error.exitCode {
      case ExitCode.noInput: throw .noInput(error.description)
      default: throw .io(error.description)
      }
    }
  }

  static func readDocuments(_ path: String) throws(CLIError) -> [PartialDocument] {
    let text = try readText(path)
    do throws(PartialsError) {
      let documents = try partialDocuments(in: text, source: CSVFile.displayName(path))
      if documents.isEmpty {
        throw PartialsError.malformed(source: path, line: 1, reason: "no document")
      }
      return documents
    } catch {
      throw .data(error.description)
    }
  }

  static func readState(_ path: String) throws(CLIError) -> DistributedLogistic {
    let document = try readStateDocument(path)
    do throws(PartialsError) {
      return try DistributedLogistic(document: document)
    } catch {
      throw .data(error.description)
    }
  }

  /// The one state document in `path` (65 when it holds none or several).
  static func readStateDocument(_ path: String) throws(CLIError) -> PartialDocument {
    let text = try readText(path)
    do throws(PartialsError) {
      let documents = try partialDocuments(in: text, source: path)
      guard documents.count == 1, let d = documents.first, d.kind == .state else {
        throw PartialsError.malformed(source: path, line: 1, reason: "one state expected")
      }
      return d
    } catch {
      throw .data(error.description)
    }
  }
}
