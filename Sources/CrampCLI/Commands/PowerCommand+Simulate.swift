import Foundation
import Reporting
import TrialDesign
import TrialSimulation

/// `crampstat power --simulate N`: power by simulating and analysing `N` trials per size.
extension PowerCommand {
  /// The options only the simulation reads.
  static let simulationOptions: [OptionSpec] = [
    .option(
      "simulate", value: "N",
      help: "Power by simulation: N replicate trials per size, each analysed by --model."),
    .option(
      "preset", value: "world",
      help:
        "--simulate: the data-generating model: trial or nof1 (crampstat simulate's presets, "
        + "with the 3-per-night cap), or negbin (the closed form's own negative binomial). "
        + "Default trial.",
      allowed: SimulatedPowerDesign.World.allCases.map(\.rawValue)),
    .option(
      "model", value: "model",
      help:
        "--simulate: analysis of each replicate: negbin (glm.nb rate ratio), ag (Andersen-Gill, "
        + "robust), mixed (nightly logistic with a patient random intercept). Default negbin.",
      allowed: SimulatedPowerDesign.Analysis.allCases.map(\.rawValue)),
    .option("seed", value: "n", help: "--simulate: master random seed (default 1)."),
    .option(
      "sizes", value: "n1,n2,...",
      help: "--simulate: total patients of each size (default --n, else the preset's size)."),
    CommonOptions.strict,
  ]

  /// Runs the simulation and renders it.
  static func runSimulation(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError)
    -> Int32
  {
    guard let text = parsed.value("simulate"), let replicates = Int(text) else {
      throw .usage("'--simulate' needs a whole number of replicates.", command: "power")
    }
    if let outcome = parsed.value("outcome"), outcome != "counts" {
      throw .usage(
        "'--simulate' states the effect as a rate ratio ('--rate-ratio'); '--outcome "
          + "\(outcome)' applies to the closed forms only.", command: "power")
    }
    for name in ["design", "within-correlation", "pairs"] where parsed.values[name] != nil {
      throw .usage(
        "'--\(name)' belongs to the closed forms; with '--simulate' a within-patient design "
          + "is '--preset nof1'.", command: "power")
    }
    if parsed.values["power"] != nil {
      throw .usage(
        "'--simulate' gives the power of the sizes in '--sizes' or '--n'; it does not search "
          + "for a size ('--power').", command: "power")
    }
    let world =
      SimulatedPowerDesign.World(rawValue: parsed.value("preset") ?? "trial") ?? .trial
    let analysis =
      SimulatedPowerDesign.Analysis(rawValue: parsed.value("model") ?? "negbin") ?? .negbin
    let seedText = parsed.value("seed") ?? "1"
    guard let seed = UInt64(seedText) else {
      throw .usage("'--seed' needs an unsigned 64-bit integer.", command: "power")
    }
    let sizes = try simulationSizes(parsed, world: world)
    let nightsDefault = world == .trial ? 28 : (world == .nof1 ? 168 : nil)
    let nights: Int
    if let nightsText = parsed.value("nights") {
      guard let value = Int(nightsText) else {
        throw .usage(
          "'--nights' needs a whole number of nights with '--simulate', not '\(nightsText)'.",
          command: "power")
      }
      nights = value
    } else if let value = nightsDefault {
      nights = value
    } else {
      throw .usage("'--preset negbin' needs '--nights <t>'.", command: "power")
    }
    let rateRatio = try requiredForSimulation(parsed, "rate-ratio")
    let controlRate = world == .negbin ? try requiredForSimulation(parsed, "control-rate") : 0
    let design: SimulatedPowerDesign
    do {
      design = try SimulatedPowerDesign(
        world: world, analysis: analysis, rateRatio: rateRatio, nights: nights,
        controlRate: controlRate, dispersion: try number(parsed, "dispersion"),
        alpha: try number(parsed, "alpha"), replicates: replicates, seed: seed, sizes: sizes)
    } catch let error as SimulatedPowerError {
      throw .usage(error.description + ".", command: "power")
    } catch let error as CLIError {
      throw error
    } catch {
      throw .software(String(describing: error))
    }
    if world != .negbin, parsed.values["control-rate"] != nil {
      throw .usage(
        "'--control-rate' sets the negbin world's rate; the \(world.rawValue) preset has its "
          + "own (reported as the simulated placebo rate).", command: "power")
    }
    let points: [SimulatedPowerPoint]
    do {
      points = try SimulatedPower.run(design)
    } catch {
      throw .usage(String(describing: error), command: "power")
    }
    let approach =
      CountsDesign.Approach(rawValue: Int(parsed.value("approach") ?? "") ?? 3) ?? .restrictedRate
    let result = SimulatedPowerResult(design: design, points: points, approach: approach)
    try ModelInput.report(diagnostics: result.warnings, parsed: parsed, context: context)
    let style = CommonOptions.chartStyle(parsed, context: context)
    try deliverResult(command: "power", parsed: parsed, context: context, body: result.json) {
      format in
      result.render(format: format, chartStyle: style)
    }
    return ExitCode.success
  }

  /// `--sizes`, else `--curve`, else `--n`, else the preset's size.
  static func simulationSizes(_ parsed: ParsedArguments, world: SimulatedPowerDesign.World)
    throws(CLIError) -> [Int]
  {
    if let text = parsed.value("sizes") {
      let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      guard !parts.isEmpty, parts.count <= 50, parts.allSatisfy({ $0 != nil }) else {
        throw .usage(
          "'--sizes' needs up to 50 whole numbers separated by commas (e.g. 20,40,60), not "
            + "'\(text)'.", command: "power")
      }
      return parts.compactMap { $0 }
    }
    let request = try PowerRequest(parsed)
    if !request.curve.isEmpty {
      guard request.curve.count <= 50 else {
        throw .usage("'--curve' with '--simulate' allows at most 50 sizes.", command: "power")
      }
      return request.curve
    }
    if let n = request.patients { return [n] }
    return [world == .nof1 ? 20 : 100]
  }

  static func requiredForSimulation(_ parsed: ParsedArguments, _ name: String) throws(CLIError)
    -> Double
  {
    guard parsed.value(name) != nil else {
      throw .usage("'--simulate' needs '--\(name) <value>'.", command: "power")
    }
    return try number(parsed, name)
  }
}
