import DiarySimulation
import Reporting

/// `crampstat simulate`: writes a synthetic diary from the documented generating model.
enum SimulateCommand {
  static let spec = CommandSpec(
    name: "simulate",
    abstract:
      "Write a realistic synthetic cramp diary (diary_nights.csv, patients.csv, truth.json).",
    discussion: """
      Presets: teaching (200 x 90), trial (magnesium vs placebo RCT: 2-week screen, 4 weeks \
      treatment), nof1 (20 patients in randomized blocks), cohort (5,000 x 365), registry \
      (100,000 x 365). The model and its sources are in Datasets/README.md. The same command \
      writes byte-identical files on every run and machine.
      """,
    options: [
      .option(
        "preset", value: "name", help: "Dataset design.", allowed: Preset.allCases.map(\.rawValue)),
      .option("patients", value: "n", help: "Override the preset's number of patients."),
      .option("nights", value: "n", help: "Override the preset's nights of follow-up."),
      .option("seed", value: "n", help: "Random seed (unsigned 64-bit integer)."),
      .option("output", short: "o", value: "dir", help: "Directory to write (created if missing)."),
      .option(
        "spell-tau", value: "sd",
        help:
          "SD of the within-patient AR(1) spells on log rate (default 0.5; 0 turns them off, so a cloglog random-intercept model is exactly the generating model)."
      ),
      .option(
        "format", value: "format", help: "Format of the summary printed on stdout.",
        allowed: OutputFormat.allCases.map(\.rawValue), default: "text"),
      CommonOptions.quiet,
    ],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    guard let presetName = parsed.value("preset"), let preset = Preset(rawValue: presetName) else {
      throw .usage("Missing '--preset <name>'.", command: "simulate")
    }
    guard let seedText = parsed.value("seed") else {
      throw .usage("Missing '--seed <n>': simulations are always seeded.", command: "simulate")
    }
    guard let seed = UInt64(seedText) else {
      throw .usage("'--seed' needs an unsigned integer, not '\(seedText)'.", command: "simulate")
    }
    guard let directory = parsed.value("output") else {
      throw .usage("Missing '-o <dir>'.", command: "simulate")
    }
    func count(_ name: String) throws(CLIError) -> Int? {
      guard let text = parsed.value(name) else { return nil }
      guard let n = Int(text), n > 0 else {
        throw .usage(
          "'--\(name)' needs a positive whole number, not '\(text)'.", command: "simulate")
      }
      return n
    }
    var request = SimulationRequest(
      preset: preset, patients: try count("patients"), nights: try count("nights"), seed: seed)
    if let text = parsed.value("spell-tau") {
      guard let tau = Double(text), tau.isFinite, (0...3).contains(tau) else {
        throw .usage(
          "'--spell-tau' needs a number from 0 to 3, not '\(text)'.", command: "simulate")
      }
      request.parameters.spellTau = tau
    }
    let console = context.console
    let quiet = parsed.flag("quiet")
    let summary: SimulationSummary
    do {
      summary = try DiarySimulator.run(request, outputDirectory: directory) { done, total in
        if !quiet, total >= 5000, done % 5000 == 0 || done == total {
          console.err("simulate: \(done)/\(total) patients\n")
        }
      }
    } catch let error as SimulationError {
      switch error {
      case .invalidNightCount, .invalidPatientCount, .presetWithoutArms:
        throw .usage(String(describing: error), command: "simulate")
      case .cannotCreateDirectory, .cannotWriteFile:
        throw .io(String(describing: error))
      }
    } catch {
      throw .software(String(describing: error))
    }
    if !quiet {
      let rate = Int(summary.rowsPerSecond.rounded())
      console.err(
        "simulate: wrote \(summary.rows) rows for \(summary.patients) patients to \(directory) (\(rate) rows/s)\n"
      )
    }
    // The summary on stdout is deterministic: counts and file names, no timings.
    let files = summary.filesWritten.map { PathResolver.lastComponent($0) }
    var table = DataTable(headers: ["", "value"])
    table.append(["preset", preset.rawValue])
    table.append(["seed", String(seed)])
    table.append(["patients", String(summary.patients)])
    table.append(["patient-nights", String(summary.rows)])
    table.append(["files", files.joined(separator: ", ")])
    let text: String
    switch OutputFormat(rawValue: parsed.value("format") ?? "text") ?? .text {
    case .text: text = quiet ? "" : CommonOptions.fitted(context) { table.renderText() }
    case .markdown: text = table.renderMarkdown()
    case .csv: text = table.renderCSV()
    case .json:
      text = JSONEnvelope.make(
        command: "simulate", parsed: parsed,
        body: [
          "preset": .string(preset.rawValue), "seed": .string(String(seed)),
          "n_patients": .int(summary.patients), "rows": .int(summary.rows),
          "files": .array(files.map { .string($0) }),
        ]
      ).rendered()
    }
    if !text.isEmpty { console.out(text) }
    return ExitCode.success
  }
}
