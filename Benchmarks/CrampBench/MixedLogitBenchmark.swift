import CrampData
import Formula
import MixedModels

/// The issue-11 mixed-model formula: the issue-4 logistic formula plus a patient intercept.
let mixedLogitBenchmarkFormula = logitBenchmarkFormula + " + (1 | patient_id)"

/// `glmer <nights.csv>`: the random-intercept logistic fit (Laplace) as the whole command would
/// run it, then R `lme4::glmer(nAGQ = 1)` on the same file.
enum MixedLogitBenchmark {
  static let command = BenchCommand(
    name: "glmer",
    usage: "glmer <nights.csv> [--nagq K] [--no-r]",
    summary: "Random-intercept logistic fit (issue-4 formula + (1 | patient_id)) vs R lme4::glmer",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--nagq"])
    guard let path = parsed.positionals.first else {
      throw BenchFailure("glmer needs a file: CrampBench \(command.usage)")
    }
    let nagq = try parsed.integer("--nagq", default: 1)
    let start = Measure.now()
    let table = try CSVReader.read(path: path).table
    let loaded = Measure.now()
    let mixed = try MixedFormula.parse(mixedLogitBenchmarkFormula, columns: table.columnNames)
    let design = try DesignMatrix.build(
      mixed.fixed, table: table, options: DesignOptions(cluster: mixed.random.group))
    let random = try RandomEffects.build(mixed.random, design: design, table: table)
    let built = Measure.now()
    let fit = try MixedLogisticModel(quadraturePoints: nagq).fit(design, random: random)
    let done = Measure.now()
    let fitTime = done - built
    print("glmer benchmark: \(path)")
    print(
      "  rows \(design.rowCount), fixed effects \(design.columnCount), groups \(fit.groupCount)")
    print("  CSV load:        \(fixed(loaded - start, 3)) s")
    print("  design build:    \(fixed(built - loaded, 3)) s")
    print(
      "  fit:             \(fixed(fitTime, 3)) s  (\(fit.iterations) Newton iterations, "
        + "\(fixed(fitTime / Double(max(1, fit.iterations + 2)), 3)) s per iteration incl. the "
        + "final Hessian; deviance \(fit.deviance))")
    print("  whole command:   \(fixed(done - start, 3)) s")
    let peak = Double(Measure.peakResidentBytes() ?? 0) / 1_048_576
    print("  peak RSS:        \(fixed(peak, 0)) MB")
    if !parsed.has("--no-r") {
      let expression =
        "glmer(\(mixedLogitBenchmarkFormula), family = binomial, data = d, nAGQ = \(nagq))"
      switch RBaseline.timeFit(
        path: path, setup: "suppressPackageStartupMessages(library(lme4))",
        expression: expression)
      {
      case .success(let r):
        print("R lme4::glmer (same file, fit only):")
        print("  fit: \(fixed(r.seconds, 3)) s, peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
      case .failure(let f):
        print("R glmer: not run (\(f))")
      }
    }
    return 0
  }
}
