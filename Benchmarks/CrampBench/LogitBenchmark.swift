import CrampData
import Formula
import Glibc
import Regression

/// The benchmark formula of issue 4 (columns of `gen_diary.py`'s nights file).
let logitBenchmarkFormula =
  "cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes"
  + " + alcohol_units + fluid_cups"

/// Times the logistic fit on a benchmark diary: CSV load, design build, fit (best/median of
/// `repetitions` after a warm-up), the cluster-robust and GEE exchangeable variants, and
/// peak RSS.
///
/// - Parameters:
///   - path: a nights file from `gen_diary.py` (needs the formula's columns and `patient_id`).
///   - repetitions: timed fits per variant (at least 1).
/// - Returns: lines to print.
func runLogitBenchmark(path: String, repetitions: Int) throws -> [String] {
  let runs = max(1, repetitions)
  var lines: [String] = []
  func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
  // Process CPU time: on a shared machine wall time includes waiting for a core.
  func cpuNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  // The whole command first, in its own scope, so its table and design are released
  // before the detailed runs (peak RSS is then one table + one design).
  do {
    let totalStart = Measure.now()
    let wholeTable = try CSVReader.read(path: path).table
    let wholeDesign = try DesignMatrix.build(
      Formula.parse(logitBenchmarkFormula), table: wholeTable)
    let wholeFit = try LogisticModel().fit(wholeDesign)
    let wholeTime = Measure.now() - totalStart
    lines.append("logit benchmark: \(path)")
    lines.append(
      "  load + build + fit:  \(seconds(wholeTime))  (deviance \(wholeFit.deviance), first run)")
  }
  let loadStart = Measure.now()
  let table = try CSVReader.read(path: path).table
  let loadTime = Measure.now() - loadStart
  lines.append("  CSV load:            \(seconds(loadTime))  (\(table.rowCount) rows)")

  let formula = try Formula.parse(logitBenchmarkFormula)
  let buildStart = Measure.now()
  let design = try DesignMatrix.build(
    formula, table: table, options: DesignOptions(cluster: "patient_id"))
  let buildTime = Measure.now() - buildStart
  lines.append(
    "  design build:        \(seconds(buildTime))  (\(design.rowCount) x \(design.columnCount))")

  let model = LogisticModel()
  var fit: LogisticFit?
  var cpuStart = cpuNow()
  let fitTimes = Timing(
    try Measure.repeated(runs: runs) { () throws -> Int in
      let result = try model.fit(design)
      fit = result
      return result.iterations
    }.wall)
  lines.append(
    "  fit (model SE):      best \(seconds(fitTimes.best)), median \(seconds(fitTimes.median))"
      + ", cpu \(seconds((cpuNow() - cpuStart) / Double(runs + 1)))/fit"
      + "  (\(fit?.iterations ?? 0) iterations, converged \(fit?.converged ?? false))")

  let plainTimes = Timing(
    try Measure.repeated(runs: runs) { () throws -> Int in
      try LogisticModel(goodnessOfFit: false).fit(design).iterations
    }.wall)
  lines.append(
    "  fit without AUC/HL:  best \(seconds(plainTimes.best)), median \(seconds(plainTimes.median))")

  cpuStart = cpuNow()
  let robustTimes = Timing(
    try Measure.repeated(runs: runs) { () throws -> Int in
      try model.fit(design, variance: .clusterRobust).iterations
    }.wall)
  lines.append(
    "  fit (--cluster):     best \(seconds(robustTimes.best)), median "
      + "\(seconds(robustTimes.median)), cpu \(seconds((cpuNow() - cpuStart) / Double(runs + 1)))"
      + "/fit  (\(design.clusters?.count ?? 0) clusters)")

  cpuStart = cpuNow()
  var gee: GEEFit?
  let geeTimes = Timing(
    try Measure.repeated(runs: runs) { () throws -> Int in
      let result = try GEEModel(correlation: .exchangeable).fit(design)
      gee = result
      return result.iterations
    }.wall)
  lines.append(
    "  GEE exchangeable:    best \(seconds(geeTimes.best)), median \(seconds(geeTimes.median))"
      + ", cpu \(seconds((cpuNow() - cpuStart) / Double(runs + 1)))/fit"
      + "  (\(gee?.iterations ?? 0) iterations, alpha \(gee?.alpha ?? .nan))")

  let peak = Double(Measure.peakResidentBytes() ?? 0) / 1_048_576
  lines.append(String(format: "  peak RSS:            %.0f MB", peak))
  return lines
}

/// `logit <nights.csv>`: the issue-4 logistic workload, CrampStat then R `glm`.
enum LogitBenchmark {
  static let command = BenchCommand(
    name: "logit",
    usage: "logit <nights.csv> [--runs N] [--no-r]",
    summary: "Logistic fit of the issue-4 formula (model SE, --cluster, GEE exchangeable) vs R glm",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--runs"])
    guard let path = parsed.positionals.first else {
      throw BenchFailure("logit needs a file: CrampBench \(command.usage)")
    }
    for line in try runLogitBenchmark(
      path: path, repetitions: try parsed.integer("--runs", default: 3))
    {
      print(line)
    }
    if !parsed.has("--no-r") {
      let expression = "glm(\(logitBenchmarkFormula), family = binomial, data = d)"
      switch RBaseline.timeFit(path: path, setup: "", expression: expression) {
      case .success(let r):
        print("R glm (same file, fit only, formula and model frame included):")
        print("  fit: \(fixed(r.seconds, 3)) s, peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
      case .failure(let f):
        print("R glm: not run (\(f))")
      }
    }
    return 0
  }
}
