import CrampData
import Partials
import Recurrent
import Reporting

extension PartialCommand {
  /// `partial poisson`: one partition of the night-level diary, reshaped to per-patient
  /// counts, and the pass its state asks for (the schema without `--state`).
  static func recurrentPartial(
    _ path: String, model: RecurrentModel, partition: String, parsed: ParsedArguments,
    context: Context
  ) throws(CLIError) -> PartialDocument {
    var state: DistributedPoisson?
    var mcf: DistributedMCF?
    let settings: [String: [String]]
    if let statePath = parsed.value("state") {
      for option in ["formula", "ref", "count", "variance", "origin", "multiple"]
      where parsed.values[option] != nil {
        throw .usage(
          "'--\(option)' comes from the first pass: with '--state' the state holds it.",
          command: "partial")
      }
      let document = try readStateDocument(statePath)
      do {
        if model == .poisson {
          state = try DistributedPoisson(document: document)
        } else {
          mcf = try DistributedMCF(document: document)
        }
      } catch {
        throw .data("\(statePath): \(error)")
      }
      settings = state?.settings ?? mcf?.settings ?? [:]
    } else {
      guard let formula = parsed.value("formula") else {
        throw .usage(
          "Missing '--formula <formula>' (the first pass needs it).", command: "partial")
      }
      let options = try RecurrentCommand.recurrentOptions(parsed)
      do {
        settings = try RecurrentPartition.settings(
          model: model, formula: formula, options: options)
      } catch {
        throw .usage(error.description, command: "partial")
      }
      state = nil
    }
    let diary = try TableLoader.load(
      path, formulas: [RecurrentPartition.formula(settings)],
      extra: RecurrentPartition.diaryColumns(settings),
      options: try CommonOptions.csvOptions(parsed), context: context,
      quiet: parsed.flag("quiet"), kind: .nightDiary
    ).table
    do {
      if let mcf { return try mcf.statistics(partition: partition, diary: diary) }
      guard let state else {
        return try RecurrentPartition.schema(
          partition: partition, settings: settings, diary: diary
        ).document
      }
      let layout = try RecurrentPartition.layout(diary: diary, settings: settings).table
      return try state.statistics(partition: partition, design: try state.design(for: layout))
    } catch {
      throw .data("partition '\(partition)': \(error)")
    }
  }

  /// `solve` for a distributed Poisson fit: the next state, or the fit as
  /// `crampstat recurrent --model poisson` prints it.
  static func solvePoisson(
    _ merged: PartialDocument, source: String, level: Double, parsed: ParsedArguments,
    context: Context
  ) throws(CLIError) -> Int32 {
    let step: DistributedPoisson.Step
    var settings: [String: [String]] = [:]
    do {
      let header = try PartialHeader(document: merged)
      if header.pass == "schema" {
        let schema = try PartitionSchema(document: merged)
        var state = try DistributedPoisson(schema: schema)
        state.settings = RecurrentPartition.withOrigin(
          state.settings, origin: schema.minimums["night"])
        step = .pass(state)
      } else {
        guard let statePath = parsed.value("state") else {
          throw CLIError.usage(
            "'--state <file>' is needed: the state the statistics were computed at.",
            command: "solve")
        }
        let document = try readStateDocument(statePath)
        let state = try DistributedPoisson(document: document)
        guard document.digest == header.state else {
          throw CLIError.data(
            "\(source): computed at state \(header.state), but '\(statePath)' is state "
              + "\(document.digest): solve with the state the pass ran at.")
        }
        settings = state.settings
        step = try state.advance(with: merged, confidenceLevel: level)
      }
    } catch let error as CLIError {
      throw error
    } catch {
      throw .data("\(source): \(error)")
    }
    switch step {
    case .pass(let next):
      try writeNextState(
        next.document, pass: "'\(next.pass.rawValue)' (IRLS iteration \(next.iteration))",
        parsed: parsed, context: context)
    case .fit(let fit):
      try ModelInput.report(diagnostics: fit.warnings, parsed: parsed, context: context)
      let report = RecurrentRateReport(
        fit: fit, formula: RecurrentPartition.formula(settings),
        source: parsed.value("data-name") ?? source)
      try deliverResult(
        command: "recurrent", parsed: parsed, context: context, body: report.jsonBody,
        render: report.render)
    }
    return ExitCode.success
  }
}

extension PartialCommand {
  /// `solve` for a distributed mean cumulative function: the next state, or the estimate as
  /// `crampstat recurrent --model mcf` prints it.
  static func solveMCF(
    _ merged: PartialDocument, source: String, level: Double, parsed: ParsedArguments,
    context: Context
  ) throws(CLIError) -> Int32 {
    let step: DistributedMCF.Step
    var settings: [String: [String]] = [:]
    do {
      let header = try PartialHeader(document: merged)
      if header.pass == "schema" {
        step = .pass(try DistributedMCF(schema: try PartitionSchema(document: merged)))
      } else {
        guard let statePath = parsed.value("state") else {
          throw CLIError.usage(
            "'--state <file>' is needed: the state the statistics were computed at.",
            command: "solve")
        }
        let document = try readStateDocument(statePath)
        let state = try DistributedMCF(document: document)
        guard document.digest == header.state else {
          throw CLIError.data(
            "\(source): computed at state \(header.state), but '\(statePath)' is state "
              + "\(document.digest): solve with the state the pass ran at.")
        }
        settings = state.settings
        step = try state.advance(with: merged, confidenceLevel: level)
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
    case .fit(let fit, let ties):
      let report = RecurrentMCFReport(
        fit: fit, ties: ties, formula: RecurrentPartition.formula(settings),
        source: parsed.value("data-name") ?? source)
      try deliverResult(
        command: "recurrent", parsed: parsed, context: context, body: report.jsonBody,
        render: report.render)
    }
    return ExitCode.success
  }
}
