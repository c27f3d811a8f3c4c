import CrampData
import Formula
import Ordinal

/// The severity formula of issue 15 (columns of `crampstat simulate`'s diary).
let polrBenchmarkFormula = "severity ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50"

/// `polr <diary_nights.csv>`: the cumulative-logit fit on every cramp night, CrampStat then
/// R's MASS::polr on the same file.
enum PolrBenchmark {
  static let command = BenchCommand(
    name: "polr",
    usage: "polr <diary_nights.csv> [--runs N] [--no-r]",
    summary: "Cumulative logit (severity, cramp nights; model SE, --cluster, Brant) vs MASS::polr",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--runs"])
    guard let path = parsed.positionals.first else {
      throw BenchFailure("polr needs a file: CrampBench \(command.usage)")
    }
    let runs = try parsed.integer("--runs", default: 3)
    func seconds(_ value: Double) -> String { fixed(value, 3) + " s" }
    let loadStart = Measure.now()
    let table = try CSVReader.read(path: path).table
    print("polr benchmark: \(path)")
    print("  CSV load:            \(seconds(Measure.now() - loadStart))  (\(table.rowCount) rows)")
    let buildStart = Measure.now()
    let design = try DesignMatrix.build(
      Formula.parse(polrBenchmarkFormula), table: table,
      options: DesignOptions(cluster: "patient_id"))
    let data = try OrdinalData(design: design)
    print(
      "  design build:        \(seconds(Measure.now() - buildStart))  "
        + "(\(data.rowCount) cramp nights, \(data.levels.count) levels)")
    let variants: [(String, CumulativeLinkModel)] = [
      ("fit (model SE)", CumulativeLinkModel(clusterRobust: false, proportionalOddsTest: false)),
      ("fit + cluster SE", CumulativeLinkModel(clusterRobust: true, proportionalOddsTest: false)),
      ("fit + cluster + Brant", CumulativeLinkModel()),
    ]
    for (label, model) in variants {
      var fit: CumulativeLinkFit?
      let times = Timing(
        try Measure.repeated(runs: runs) { () throws -> Int in
          let result = try model.fit(data)
          fit = result
          return result.iterations
        }.wall)
      print(
        "  \(label):".padding(toLength: 25, withPad: " ", startingAt: 0)
          + "best \(seconds(times.best)), median \(seconds(times.median))  "
          + "(\(fit?.iterations ?? 0) iterations, deviance \(fit?.deviance ?? .nan))")
    }
    if !parsed.has("--no-r") {
      let expression =
        "MASS::polr(factor(severity) ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50, "
        + "data = d[!is.na(severity)], Hess = TRUE)"
      switch RBaseline.timeFit(path: path, setup: "", expression: expression) {
      case .success(let r):
        print("R MASS::polr (same file, Hess = TRUE, fit only):")
        print("  fit: \(fixed(r.seconds, 3)) s, peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
      case .failure(let f):
        print("R polr: not run (\(f))")
      }
    }
    return 0
  }
}
