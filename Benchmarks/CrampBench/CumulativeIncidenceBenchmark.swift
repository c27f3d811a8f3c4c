import CrampData
import Survival

/// `cif <file.csv>`: Aalen-Johansen curves with IJ standard errors and Gray's test.
///
/// The file has columns `time,status,group` (status 0 censored, 1, 2, ... causes); CrampStat
/// runs first, then R's multi-state survfit and cmprsk::cuminc on the same file.
enum CumulativeIncidenceBenchmark {
  static let command = BenchCommand(
    name: "cif",
    usage: "cif <time-status-group.csv> [--runs N] [--no-r]",
    summary: "Aalen-Johansen cumulative incidence + Gray's test vs survfit (multi-state), cuminc",
    run: run)

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try BenchArguments(arguments, valued: ["--runs"])
    guard let path = parsed.positionals.first else {
      throw BenchFailure("cif needs a file: CrampBench \(command.usage)")
    }
    let runs = try parsed.integer("--runs", default: 3)
    let table = try CSVReader.read(path: path).table
    guard let time = table["time"]?.numbers, let status = table["status"]?.numbers,
      let group = table["group"]?.numbers
    else { throw BenchFailure("the file needs numeric columns time, status, group") }
    let groups = group.map { Int($0) }
    let labels = Array(Set(groups)).sorted().map(String.init)
    print("cif benchmark: \(path) (\(time.count) subjects, \(labels.count) groups)")
    for (label, withTests) in [("curves + IJ SE", false), ("curves + IJ SE + Gray", true)] {
      var steps = 0
      let times = Timing(
        try Measure.repeated(runs: runs) { () throws -> Int in
          let fit = try CumulativeIncidence(grayTest: withTests).fit(
            time: time, status: status, groups: groups, groupLabels: labels)
          steps = fit.curves.reduce(0) { $0 + $1.steps.count }
          return steps
        }.wall)
      print(
        "  \(label):".padding(toLength: 26, withPad: " ", startingAt: 0)
          + "best \(fixed(times.best, 3)) s, median \(fixed(times.median, 3)) s  (\(steps) steps)")
    }
    if !parsed.has("--no-r") {
      let expression =
        "list(survival::survfit(survival::Surv(time, factor(status)) ~ group, data = d), "
        + "cmprsk::cuminc(d$time, d$status, d$group))"
      switch RBaseline.timeFit(path: path, setup: "", expression: expression) {
      case .success(let r):
        print("R survfit + cuminc (same file, fit only):")
        print("  fit: \(fixed(r.seconds, 3)) s, peak RSS \(fixed(Double(r.peakBytes) / 1e6, 0)) MB")
      case .failure(let f):
        print("R survfit + cuminc: not run (\(f))")
      }
    }
    return 0
  }
}
