import CrampData
import Formula
import Glibc
import LinearAlgebra
import Survival

/// The right-hand side of the benchmark models (R: `bench_r.R`'s `form_rhs`).
private let coxRightHandSide =
  "age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes"
  + " + alcohol_units + fluid_cups"

/// A design built from a CSV file for a Cox model.
private struct CoxInput {
  let response: SurvivalResponse
  let x: Matrix
  let names: [String]
  let cluster: [Int]?
}

/// Builds the response, design and cluster codes of `formula` on `table`.
private func coxInput(_ formula: String, table: Table) throws -> CoxInput {
  let parsed = try Formula.parse(formula, columns: table.columnNames)
  let design = try DesignMatrix.build(parsed, table: table)
  guard let outcome = design.survival else { throw BenchFailure("formula has no Surv() response") }
  let response = try SurvivalResponse(
    start: outcome.start, stop: outcome.stop, event: outcome.status.map { $0 != 0 })
  // A Cox model has no intercept (the baseline hazard absorbs it): drop that column.
  let n = design.rowCount
  var x = try Matrix(rows: n, columns: design.columnCount, columnMajor: design.values)
  var names = design.columnNames
  if let intercept = names.firstIndex(of: "(Intercept)") {
    let kept = names.indices.filter { $0 != intercept }
    x = try x.selectingColumns(kept)
    names.remove(at: intercept)
  }
  return CoxInput(
    response: response, x: x, names: names,
    cluster: design.clusters.map { $0.codes.map { Int($0) } })
}

/// Reads a CSV file, mapping the typed CSV error to a thrown error.
private func readTable(_ path: String) throws -> Table {
  do throws(CSVError) {
    return try CSVReader.read(path: path).table
  } catch {
    throw BenchFailure("\(path): \(error)")
  }
}

/// Times the Cox benchmarks of issue 5 and returns the lines to print.
///
/// Andersen-Gill fit with cluster-robust SEs on the nights file, the time-to-first-cramp Cox
/// fit and Kaplan-Meier on the first-cramp file (and on 1M rows made by repeating it), each
/// best/median of `repetitions` after a warm-up; CSV load and design build once; peak RSS.
func runCoxBenchmark(nightsPath: String, firstPath: String?, repetitions: Int) throws -> [String] {
  var lines = [String]()
  let runs = max(1, repetitions)
  func report(_ label: String, _ times: (wall: [Double], cpu: [Double])) {
    let timing = Timing(times.wall)
    let cpu = Timing(times.cpu)
    lines.append(
      "\(label): best \(fixed(timing.best, 3)) s, median \(fixed(timing.median, 3)) s"
        + " (CPU best \(fixed(cpu.best, 3)) s; \(timing.runs) runs)")
  }

  var start = Measure.now()
  let nights = try readTable(nightsPath)
  lines.append(
    "CSV load \(nightsPath): \(fixed(Measure.now() - start, 3)) s, \(nights.rowCount) rows")
  start = Measure.now()
  let ag = try coxInput(
    "Surv(start, stop, cramp) ~ \(coxRightHandSide) + cluster(patient_id)", table: nights)
  lines.append("design build (AG): \(fixed(Measure.now() - start, 3)) s, \(ag.x.columns) columns")
  // Only a summary of the fit is kept between repetitions, so at most one fit is alive.
  var summary = [String]()
  let agTimes = try Measure.repeated(runs: runs) { () -> Int in
    let fit = try CoxModel().fit(ag.response, x: ag.x, termNames: ag.names, cluster: ag.cluster)
    summary = [
      "  loglik \(fit.logLikelihood), iterations \(fit.iterations), "
        + "events \(fit.eventCount), clusters \(fit.clusterCount ?? 0)"
    ]
    if !fit.diagnostics.isEmpty { summary.append("  diagnostics: \(fit.diagnostics)") }
    for c in fit.coefficients {
      summary.append(
        "  \(c.term): coef \(c.estimate ?? .nan) se \(c.modelStandardError ?? .nan) "
          + "robust se \(c.robustStandardError ?? .nan)")
    }
    return fit.iterations
  }
  report("AG Cox fit, Efron, robust SE (\(ag.x.rows) rows)", agTimes)
  lines.append(contentsOf: summary)

  if let firstPath {
    let first = try readTable(firstPath)
    let input = try coxInput("Surv(time, event) ~ \(coxRightHandSide)", table: first)
    let coxTimes = try Measure.repeated(runs: runs) {
      try CoxModel().fit(input.response, x: input.x, termNames: input.names).iterations
    }
    report("first-cramp Cox fit, Efron (\(input.x.rows) patients)", coxTimes)
    let kmTimes = try Measure.repeated(runs: runs) {
      try KaplanMeier().fit(input.response).curves.count
    }
    report("KM on first-cramp data (\(input.x.rows) rows)", kmTimes)
    // 1M subjects: the first-cramp times repeated.
    let target = 1_000_000
    var stop = [Double]()
    var event = [Bool]()
    stop.reserveCapacity(target)
    event.reserveCapacity(target)
    while stop.count < target {
      let take = min(input.response.count, target - stop.count)
      stop.append(contentsOf: input.response.stop.prefix(take))
      event.append(contentsOf: input.response.event.prefix(take))
    }
    let big = try SurvivalResponse(stop: stop, event: event)
    let bigTimes = try Measure.repeated(runs: runs) { try KaplanMeier().fit(big).curves.count }
    report("KM on 1M subjects (first-cramp times repeated)", bigTimes)
  }
  let peak = Double(Measure.peakResidentBytes() ?? 0) / 1e6
  lines.append("peak RSS: \(fixed(peak, 0)) MB")
  return lines
}

/// `cox <nights.csv> [<first.csv>]`: the issue-5 survival workloads, CrampStat then R.
enum CoxBenchmark {
  static let command = BenchCommand(
    name: "cox",
    usage: "cox <nights.csv> [<first.csv>] [--runs N] [--no-r]",
    summary:
      "Andersen-Gill Cox with robust SE on the nights file, first-cramp Cox and KM, vs R coxph",
    run: run)

  /// The issue-5 Andersen-Gill formula for R.
  static let rFormula =
    "Surv(start, stop, cramp) ~ age_over_50 + factor(trimester) + magnesium_mg + supplement"
    + " + dialysis + diabetes + alcohol_units + fluid_cups + cluster(patient_id)"

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--runs"])
    guard let nights = parsed.positionals.first else {
      throw BenchFailure("cox needs a nights file: CrampBench \(command.usage)")
    }
    let first = parsed.positionals.dropFirst().first
    let runs = try parsed.integer("--runs", default: 3)
    for line in try runCoxBenchmark(nightsPath: nights, firstPath: first, repetitions: runs) {
      print(line)
    }
    if !parsed.has("--no-r") {
      switch RBaseline.timeFit(
        path: nights, setup: "library(survival)", expression: "coxph(\(rFormula), data = d)")
      {
      case .success(let r):
        print("R survival::coxph (same file and formula, fit only):")
        print("  fit: \(fixed(r.seconds, 3)) s, peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
      case .failure(let f):
        print("R coxph: not run (\(f))")
      }
    }
    return 0
  }
}
