import Analysis
import CrampCLI
import CrampData
import Formula
import Glibc
import Survival

/// `crampstat survreg` (Weibull) timed as a whole command, in-process (read, design, fit,
/// render), next to R's `survreg` on the same file.
///
/// Tasks (issue 14): the time-to-first-cramp file (`<prefix>_first.csv`, one row per
/// patient) and the night-level diary (`<prefix>_nights.csv`) with `cluster(patient_id)`.
/// The nights file holds `(start, stop]` rows, which survreg does not fit; the benchmark
/// reads each night as a right-censored row `Surv(stop, cramp)`, a workload of the right
/// size and shape, not a model anyone should report.
enum SurvregBenchmark {
  static let command = BenchCommand(
    name: "survreg",
    usage: "survreg <first.csv> [<nights.csv>] [--runs N] [--no-r]",
    summary: "Weibull survreg whole command on the first-cramp file and the nights file, vs R",
    run: run)

  static let rightHandSide =
    "age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes"
    + " + alcohol_units + fluid_cups"
  static let firstFormula = "Surv(time, event) ~ " + rightHandSide
  static let nightsFormula = "Surv(stop, cramp) ~ " + rightHandSide + " + cluster(patient_id)"

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--runs"])
    guard let first = parsed.positionals.first else {
      throw BenchFailure("survreg needs a first-cramp file: CrampBench \(command.usage)")
    }
    let runs = try parsed.integer("--runs", default: 3)
    var tasks = [(first, firstFormula)]
    if let nights = parsed.positionals.dropFirst().first { tasks.append((nights, nightsFormula)) }
    for (path, formula) in tasks {
      var lastStatus: Int32 = 0
      let console = Console(
        out: { _ in }, err: { _ in }, outputFailure: { nil })
      let times = Measure.repeated(runs: runs) { () -> Int32 in
        lastStatus = CLI.run(
          arguments: ["survreg", path, "--formula", formula, "--format", "json", "-q"],
          console: console)
        return lastStatus
      }
      let timing = Timing(times.wall)
      print(
        "crampstat survreg \(path) (\(formula)): whole command best \(fixed(timing.best, 3)) s, "
          + "median \(fixed(timing.median, 3)) s (\(timing.runs) runs), exit \(lastStatus)")
      // The fit alone, on a design built once (R's figure below is its fit alone too).
      let table = try CSVReader.read(path: path).table
      let design = try DesignMatrix.build(Formula.parse(formula), table: table)
      let input = try SurvregInput.make(design)
      var summary = ""
      let fitTimes = try Measure.repeated(runs: runs) { () -> Int in
        let fit = try SurvregModel(distribution: .weibull).fit(
          time: input.time, event: input.event, x: input.x, columnNames: input.columnNames,
          cluster: input.cluster)
        summary =
          "  loglik \(fit.logLikelihood), null \(fit.nullLogLikelihood), "
          + "iterations \(fit.iterations), clusters \(fit.clusterCount ?? 0)"
        return fit.iterations
      }
      let fitTiming = Timing(fitTimes.wall)
      print(
        "  survreg fit alone (\(input.time.count) rows): best \(fixed(fitTiming.best, 3)) s, "
          + "median \(fixed(fitTiming.median, 3)) s")
      print(summary)
      if !parsed.has("--no-r") {
        // The same formula text: R's survreg reads factor() and cluster() in it.
        switch RBaseline.timeFit(
          path: path, setup: "library(survival)",
          expression: "survreg(\(formula), data = d, dist = \"weibull\")")
        {
        case .success(let r):
          print(
            "  R survival::survreg (fit only, after fread): \(fixed(r.seconds, 3)) s, "
              + "peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
        case .failure(let f):
          print("  R survreg: not run (\(f))")
        }
      }
    }
    let peak = Double(Measure.peakResidentBytes() ?? 0) / 1e6
    print("peak RSS: \(fixed(peak, 0)) MB")
    return 0
  }
}
