import CrampData
import Formula
import LinearAlgebra
import Survival

/// The issue-11 frailty formula: the issue-5 Andersen-Gill model with a patient frailty.
private let frailtyRightHandSide =
  "age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes"
  + " + alcohol_units + fluid_cups"

/// `frailty <nights.csv>`: the shared-frailty Andersen-Gill Cox fit as `crampstat cox` runs it,
/// then R `coxph(... + frailty(patient_id))` on the same file.
enum FrailtyCoxBenchmark {
  static let command = BenchCommand(
    name: "frailty",
    usage: "frailty <nights.csv> [--distribution gamma|gaussian] [--no-r]",
    summary: "Shared-frailty AG Cox (issue-5 formula + frailty(patient_id)) vs R coxph",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--distribution"])
    guard let path = parsed.positionals.first else {
      throw BenchFailure("frailty needs a file: CrampBench \(command.usage)")
    }
    let distributionName = parsed.value("--distribution") ?? "gamma"
    guard let distribution = FrailtyCoxModel.Distribution(rawValue: distributionName) else {
      throw BenchFailure("--distribution is gamma or gaussian, not \(distributionName)")
    }
    let start = Measure.now()
    let table: Table
    do throws(CSVError) {
      table = try CSVReader.read(path: path).table
    } catch {
      throw BenchFailure("\(path): \(error)")
    }
    let loaded = Measure.now()
    let formula = try Formula.parse(
      "Surv(start, stop, cramp) ~ \(frailtyRightHandSide)", columns: table.columnNames)
    let design = try DesignMatrix.build(
      formula, table: table, options: DesignOptions(cluster: "patient_id"))
    guard let outcome = design.survival, let groups = design.clusters else {
      throw BenchFailure("no Surv() response or patient_id")
    }
    let y = try SurvivalResponse(
      start: outcome.start, stop: outcome.stop, event: outcome.status.map { $0 != 0 })
    let kept = design.columnNames.indices.filter { design.columnNames[$0] != "(Intercept)" }
    let x = try Matrix(
      rows: design.rowCount, columns: design.columnCount, columnMajor: design.values
    ).selectingColumns(kept)
    let built = Measure.now()
    let fit = try FrailtyCoxModel(distribution: distribution).fit(
      y, x: x, termNames: kept.map { design.columnNames[$0] },
      groups: groups.codes.map { Int($0) })
    let done = Measure.now()
    let fitTime = done - built
    print("frailty benchmark (\(distributionName)): \(path)")
    print("  rows \(design.rowCount), columns \(x.columns), groups \(fit.frailty.groupCount)")
    print("  CSV load:        \(fixed(loaded - start, 3)) s")
    print("  design build:    \(fixed(built - loaded, 3)) s")
    print(
      "  fit:             \(fixed(fitTime, 3)) s  (\(fit.outerIterations) outer, "
        + "\(fit.newtonIterations) Newton-Raphson; "
        + "\(fixed(fitTime / Double(max(1, fit.newtonIterations + fit.outerIterations)), 3)) s "
        + "per likelihood evaluation)")
    print("  whole (load + build + fit): \(fixed(done - start, 3)) s")
    print(
      "  variance \(fit.frailty.variance), df \(fit.frailty.degreesOfFreedom), "
        + "I-likelihood \(fit.frailty.integratedLogLikelihood ?? .nan)")
    for c in fit.coefficients {
      print("  \(c.term): coef \(c.estimate) se \(c.standardError) se2 \(c.standardError2)")
    }
    let peak = Double(Measure.peakResidentBytes() ?? 0) / 1_048_576
    print("  peak RSS:        \(fixed(peak, 0)) MB")
    if !parsed.has("--no-r") {
      let term =
        distribution == .gamma
        ? "frailty(patient_id)" : "frailty(patient_id, distribution = \"gaussian\")"
      let expression =
        "coxph(Surv(start, stop, cramp) ~ \(frailtyRightHandSide) + \(term), data = d)"
      switch RBaseline.timeFit(
        path: path, setup: "suppressPackageStartupMessages(library(survival))",
        expression: expression)
      {
      case .success(let r):
        print("R coxph frailty (same file, fit only):")
        print("  fit: \(fixed(r.seconds, 3)) s, peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
      case .failure(let f):
        print("R coxph frailty: not run (\(f))")
      }
    }
    return 0
  }
}
