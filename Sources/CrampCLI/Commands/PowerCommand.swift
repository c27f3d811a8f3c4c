import Reporting
import TrialDesign

/// `crampstat power`: sample size or power of a two-arm cramp trial (parallel, crossover or
/// N-of-1) from closed forms, or power by simulation (`--simulate`).
enum PowerCommand {
  static let spec = CommandSpec(
    name: "power",
    abstract: "Sample size or power of a two-arm cramp trial: closed forms, or by simulation.",
    discussion: """
      Outcomes and formulas (two-sided tests): first-cramp, the log-rank test \
      of time to first cramp, events by Schoenfeld (1983), Biometrics 39:499-503, or Freedman \
      (1982), Statistics in Medicine 1:121-129, and patients = events / event probability; \
      counts, cramp-night counts by negative binomial rate ratio, Zhu and Lakkis (2014), \
      Statistics in Medicine 33:376-387 (approach 3 by default); nightly, a yes/no cramp per \
      night, two proportions as R's power.prop.test times the design effect \
      1 + (m - 1) ICC for m nights per patient; continuous, a difference of means (severity, \
      cramp nights per week), normal approximation (Julious 2004). Give --power for the size \
      needed or --n (total patients) for the power; --curve a:b:step prints the power over \
      sizes a to b. --design crossover (AB/BA) needs N_parallel (1 - rho) / 2 patients and \
      --design nof1 with --pairs k needs N_parallel (1 - rho) / (2 k), rho the within-patient \
      correlation of period outcomes (Senn 2002, Cross-over Trials in Clinical Research); not \
      for first-cramp. --simulate N estimates power instead from N simulated trials per size \
      (--preset trial, nof1 or negbin; --model negbin, ag or mixed), with its Monte Carlo SE.
      """,
    options: [
      .option(
        "outcome", value: "outcome", help: "What the trial compares.",
        allowed: ["first-cramp", "counts", "nightly", "continuous"]),
      .option(
        "design", value: "design",
        help:
          "parallel arms (the default), an AB/BA crossover, or an N-of-1 series of --pairs pairs.",
        allowed: ["parallel", "crossover", "nof1"]),
      .option(
        "within-correlation", value: "rho",
        help: "crossover, nof1: correlation of a patient's outcomes in two periods, [0, 1)."),
      .option(
        "pairs", value: "k", help: "nof1: randomized pairs of periods per patient (default 3)."),
      .option(
        "difference", value: "d", help: "continuous: difference of means, experimental - control."),
      .option("sd", value: "s", help: "continuous: standard deviation of the outcome per arm."),
      .option(
        "method", value: "method", help: "first-cramp: events formula.",
        allowed: EventsDesign.Method.allCases.map(\.rawValue), default: "schoenfeld"),
      .option("alpha", value: "a", help: "Two-sided significance level.", default: "0.05"),
      .option("power", value: "p", help: "Power wanted (default 0.8 unless --n is given)."),
      .option("n", value: "n", help: "Total patients: print the power for this size."),
      .option(
        "allocation", value: "p", help: "Share of patients on the experimental arm.",
        default: "0.5"),
      .option(
        "hazard-ratio", value: "hr", help: "first-cramp: hazard ratio, experimental/control."),
      .option(
        "event-probability", value: "p",
        help: "first-cramp: probability of a first cramp during follow-up (gives patients)."),
      .option("rate-ratio", value: "rr", help: "counts: rate ratio, experimental/control."),
      .option("control-rate", value: "r", help: "counts: cramps per night on control."),
      .option(
        "dispersion", value: "k",
        help: "counts: negative-binomial dispersion, Var = mu + k mu^2 (1/theta; 0 is Poisson).",
        default: "0"),
      .option(
        "nights", value: "t",
        help:
          "counts: nights of follow-up per patient (--simulate: treatment nights after the "
          + "screen, default 28 for trial; nof1 is fixed at 168)."),
      .option(
        "approach", value: "1|2|3",
        help:
          "counts: Zhu and Lakkis's null variance: 1 the control rate in both arms, 2 the true "
          + "rates (V0 = V1), 3 the restricted maximum-likelihood rate (numbered as "
          + "MKpower::power.nb.test).",
        allowed: ["1", "2", "3"], default: "3"),
      .option("p0", value: "p", help: "nightly: probability of a cramp night on control."),
      .option("p1", value: "p", help: "nightly: probability of a cramp night, experimental."),
      .option(
        "icc", value: "rho", help: "nightly: intraclass correlation of nights within a patient.",
        default: "0"),
      .option("nights-per-patient", value: "m", help: "nightly: nights observed per patient."),
      .option(
        "curve", value: "a:b:step",
        help: "Also print the power at total sizes a, a+step, ..., b (at most 200 sizes)."),
    ] + simulationOptions + CommonOptions.rendering + CommonOptions.charts
      + [CommonOptions.quiet],
    run: run)

  static func run(_ parsed: ParsedArguments, _ context: inout Context) throws(CLIError) -> Int32 {
    if parsed.values["simulate"] != nil { return try runSimulation(parsed, &context) }
    for name in ["preset", "model", "seed", "sizes"] where parsed.values[name] != nil {
      throw .usage("'--\(name)' applies to '--simulate N' only.", command: "power")
    }
    guard let outcome = parsed.value("outcome") else {
      throw .usage(
        "Missing '--outcome <outcome>' (first-cramp, counts or nightly).", command: "power")
    }
    if parsed.values["power"] != nil, parsed.values["n"] != nil {
      throw .usage("Give '--power' or '--n', not both.", command: "power")
    }
    let request = try PowerRequest(parsed)
    let result: PowerResult
    do {
      let levels = try TwoArmLevels(
        alpha: try number(parsed, "alpha"), allocation: try number(parsed, "allocation"))
      var design: any TwoArmDesign
      switch outcome {
      case "first-cramp":
        design = try EventsDesign(
          method: EventsDesign.Method(rawValue: parsed.value("method") ?? "") ?? .schoenfeld,
          hazardRatio: try required(parsed, "hazard-ratio", outcome),
          levels: levels, eventProbability: try optional(parsed, "event-probability"))
      case "counts":
        design = try CountsDesign(
          rateRatio: try required(parsed, "rate-ratio", outcome),
          controlRate: try required(parsed, "control-rate", outcome),
          dispersion: try number(parsed, "dispersion"),
          nights: try required(parsed, "nights", outcome), levels: levels,
          approach: CountsDesign.Approach(rawValue: Int(parsed.value("approach") ?? "") ?? 3)
            ?? .restrictedRate)
      case "continuous":
        design = try MeanDifferenceDesign(
          difference: try required(parsed, "difference", outcome),
          standardDeviation: try required(parsed, "sd", outcome), levels: levels)
      default:
        design = try NightlyDesign(
          p0: try required(parsed, "p0", outcome), p1: try required(parsed, "p1", outcome),
          icc: try number(parsed, "icc"),
          nightsPerPatient: try required(parsed, "nights-per-patient", outcome), levels: levels)
      }
      design = try crossover(design, parsed: parsed, outcome: outcome)
      result = try PowerResult.compute(design, request: request)
    } catch let error as TrialDesignError {
      throw .usage(message(error), command: "power")
    } catch let error as CLIError {
      throw error
    } catch {
      throw .software(String(describing: error))
    }
    let style = CommonOptions.chartStyle(parsed, context: context)
    try deliverResult(command: "power", parsed: parsed, context: context, body: result.json) {
      format in
      PowerRendering.render(result, format: format, chartStyle: style)
    }
    return ExitCode.success
  }

  /// `design` as a crossover or N-of-1 series when `--design` asks for one.
  static func crossover(_ design: any TwoArmDesign, parsed: ParsedArguments, outcome: String)
    throws(CLIError) -> any TwoArmDesign
  {
    let kind = parsed.value("design") ?? "parallel"
    guard kind != "parallel" else {
      for name in ["within-correlation", "pairs"] where parsed.values[name] != nil {
        throw .usage(
          "'--\(name)' applies to '--design crossover' or 'nof1' only.", command: "power")
      }
      return design
    }
    if outcome == "first-cramp" {
      throw .usage(
        "'--design \(kind)' does not apply to first-cramp: a first cramp happens once per "
          + "patient, so it cannot be compared within a patient; use counts, nightly or "
          + "continuous.", command: "power")
    }
    guard parsed.values["within-correlation"] != nil else {
      throw .usage(
        "'--design \(kind)' needs '--within-correlation <rho>'.", command: "power")
    }
    let rho = try number(parsed, "within-correlation")
    var pairs = 1
    if kind == "nof1" {
      let text = parsed.value("pairs") ?? "3"
      guard let k = Int(text) else {
        throw .usage("'--pairs' needs a whole number, not '\(text)'.", command: "power")
      }
      pairs = k
    } else if parsed.values["pairs"] != nil {
      throw .usage("'--pairs' applies to '--design nof1' only.", command: "power")
    }
    do {
      return try CrossoverDesign(parallel: design, withinCorrelation: rho, pairs: pairs)
    } catch {
      if case .outOfRange(let name, let value, "{0.5}") = error, name == "allocation" {
        throw .usage(
          "'--design \(kind)' has two balanced sequences: '--allocation' must be 0.5, not "
            + "\(PowerRendering.number(value)).", command: "power")
      }
      throw .usage(message(error), command: "power")
    }
  }

  /// The design error as the CLI says it, naming the option.
  static func message(_ error: TrialDesignError) -> String {
    switch error {
    case .outOfRange(let name, let value, let range):
      if value.isNaN, name == "event-probability" {
        return "'--n' and '--curve' with first-cramp need '--event-probability <p>'."
      }
      if range == "{0.5}" {
        return "'--outcome nightly' is 1:1, as power.prop.test: '--\(name)' must be 0.5, not "
          + "\(PowerRendering.number(value))."
      }
      return "'--\(name)' must be in \(range), not \(PowerRendering.number(value))."
    case .noEffect(let name):
      return "'--\(name)' gives no difference between the arms, so no trial size has power; "
        + "give an effect other than the null."
    case .tooLarge(let name, let value):
      return "The \(name) needed would be \(PowerRendering.number(value)), more than 1e9: "
        + "the effect is too small for a trial."
    case .tooSmall(let name, let value):
      return "'--\(name)' is too small (\(PowerRendering.number(value)))."
    }
  }

  static func number(_ parsed: ParsedArguments, _ name: String) throws(CLIError) -> Double {
    guard let text = parsed.value(name) else {
      throw .usage("Missing '--\(name)'.", command: "power")
    }
    guard let value = Double(text), value.isFinite else {
      throw .usage("'--\(name)' needs a number, not '\(text)'.", command: "power")
    }
    return value
  }

  static func optional(_ parsed: ParsedArguments, _ name: String) throws(CLIError) -> Double? {
    parsed.value(name) == nil ? nil : try number(parsed, name)
  }

  static func required(
    _ parsed: ParsedArguments, _ name: String, _ outcome: String
  ) throws(CLIError) -> Double {
    guard parsed.value(name) != nil else {
      throw .usage("'--outcome \(outcome)' needs '--\(name) <value>'.", command: "power")
    }
    return try number(parsed, name)
  }
}

/// What `power` was asked: a size for a power, or a power for a size, and a curve.
struct PowerRequest {
  /// Power wanted, when a size is asked for.
  var power: Double?
  /// Total patients, when the power is asked for.
  var patients: Int?
  /// Sizes of the curve, empty for none.
  var curve: [Int]

  init(_ parsed: ParsedArguments) throws(CLIError) {
    if let text = parsed.value("n") {
      guard let n = Int(text), n >= 2, n <= 1_000_000_000 else {
        throw .usage(
          "'--n' needs a whole number of patients from 2 to 1e9, not '\(text)'.",
          command: "power")
      }
      patients = n
      power = nil
    } else {
      patients = nil
      power = try PowerCommand.optional(parsed, "power") ?? 0.8
    }
    curve = []
    if let text = parsed.value("curve") {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
      guard parts.count == 3, let a = parts[0], let b = parts[1], let step = parts[2],
        a >= 2, b >= a, step >= 1, b <= 1_000_000_000, (b - a) / step < 200
      else {
        throw .usage(
          "'--curve' needs a:b:step, whole numbers with 2 <= a <= b, step >= 1 and at most "
            + "200 sizes (e.g. 50:500:50), not '\(text)'.", command: "power")
      }
      curve = Array(stride(from: a, through: b, by: step))
    }
  }
}
