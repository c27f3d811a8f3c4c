import Reporting
import TrialDesign
import TrialSimulation

#if canImport(Glibc)
  import Glibc
#endif

/// What `power --simulate` found, with the closed form beside it and where they part.
struct SimulatedPowerResult {
  var design: SimulatedPowerDesign
  var points: [SimulatedPowerPoint]
  /// Zhu and Lakkis's power at each size (`nil` where it has no inputs), at the stated rate
  /// ratio, the control rate and dispersion of the world (stated for negbin; the replicates'
  /// means for the presets), and the treatment nights.
  var closedForm: [Double?]
  var approach: CountsDesign.Approach

  init(design: SimulatedPowerDesign, points: [SimulatedPowerPoint], approach: CountsDesign.Approach)
  {
    self.design = design
    self.points = points
    self.approach = approach
    closedForm = points.map { point in
      let rate = design.world == .negbin ? design.controlRate : point.meanControlRate
      let dispersion = design.world == .negbin ? design.dispersion : point.meanDispersion
      guard design.rateRatio != 1, design.world != .nof1, let k = dispersion, rate > 0,
        let levels = try? TwoArmLevels(alpha: design.alpha, allocation: 0.5),
        let counts = try? CountsDesign(
          rateRatio: design.rateRatio, controlRate: rate, dispersion: k,
          nights: Double(design.nights), levels: levels, approach: approach)
      else { return nil }
      return try? counts.power(patients: Double(point.patients))
    }
  }

  var analysisName: String {
    switch design.analysis {
    case .negbin: return "negative binomial rate ratio (crampstat recurrent --model negbin)"
    case .ag: return "Andersen-Gill, robust (crampstat recurrent --model ag)"
    case .mixed: return "nightly logistic with a patient random intercept (crampstat logit)"
    }
  }

  var ratioName: String {
    switch design.analysis {
    case .negbin: return "rate ratio"
    case .ag: return "hazard ratio"
    case .mixed: return "odds ratio"
    }
  }

  /// RR, HR or OR: the column header of the mean fitted ratio.
  var ratioAbbreviation: String {
    switch design.analysis {
    case .negbin: return "RR"
    case .ag: return "HR"
    case .mixed: return "OR"
    }
  }

  /// Four significant digits: Monte Carlo error is in the second or third.
  static func short(_ value: Double) -> String {
    value.isNaN ? "NA" : NumberFormat.significant(value, digits: 4)
  }

  var warnings: [String] {
    var lines: [String] = []
    for point in points {
      if point.failures > 0 {
        lines.append(
          "\(point.failures) of \(point.replicates) replicates at \(point.patients) patients "
            + "could not be fitted and count as not significant (first: "
            + "\(point.firstFailure ?? "unknown"))")
      }
      if point.notConverged > 0 {
        lines.append(
          "\(point.notConverged) of \(point.replicates) fits at \(point.patients) patients "
            + "did not report convergence; their p-values are used as they are")
      }
    }
    return lines
  }

  var heading: String {
    "Power by simulation: \(design.world.rawValue) world, \(analysisName)"
  }

  var reference: String {
    "Monte Carlo power (Arnold et al. 2011, BMC Med Res Methodol 11:94): the share of "
      + "replicates with a two-sided p-value below alpha; MC SE = sqrt(p (1 - p) / R)"
  }

  var json: [String: JSONValue] {
    var body: [String: JSONValue] = [
      "outcome": .string("counts"),
      "preset": .string(design.world.rawValue),
      "model": .string(design.analysis.rawValue),
      "seed": .string(String(design.seed)),
      "replicates": .int(design.replicates),
      "rate_ratio": .number(design.rateRatio),
      "nights": .int(design.nights),
      "significance_level": .number(design.alpha),
      "allocation": .number(0.5),
      "approach": .int(approach.rawValue),
      "reference": .string(reference),
      "assumptions": .array(design.departures.map { .string($0) }),
      "warnings": .array(warnings.map { .string($0) }),
    ]
    if design.world == .negbin {
      body["control_rate"] = .number(design.controlRate)
      body["dispersion"] = .number(design.dispersion)
    }
    let rows: [JSONValue] = zip(points, closedForm).map { point, closed in
      var row: [String: JSONValue] = [
        "n_patients": .int(point.patients),
        "power": .number(point.power),
        "monte_carlo_std_error": .number(point.monteCarloStandardError),
        "rejections": .int(point.rejections),
        "n_failed": .int(point.failures),
        "n_not_converged": .int(point.notConverged),
        "mean_estimate": .number(point.meanEstimate),
        "simulated_control_rate": .number(point.meanControlRate),
        "closed_form_power": closed.map { .number($0) } ?? .null,
      ]
      row["simulated_dispersion"] = point.meanDispersion.map { .number($0) } ?? .null
      return .object(row)
    }
    body["curve"] = .array(rows)
    if points.count == 1, let point = points.first {
      body["n_patients"] = .int(point.patients)
      body["power"] = .number(point.power)
      body["monte_carlo_std_error"] = .number(point.monteCarloStandardError)
    }
    return body
  }

  func curveTable() -> DataTable {
    var table = DataTable(headers: [
      "patients", "power", "MC SE", "rejected", "failed", "mean \(ratioAbbreviation)",
      "placebo rate", "closed form",
    ])
    for (point, closed) in zip(points, closedForm) {
      table.append([
        String(point.patients), Self.short(point.power),
        Self.short(point.monteCarloStandardError), String(point.rejections),
        String(point.failures), Self.short(exp(point.meanEstimate)),
        Self.short(point.meanControlRate), closed.map { Self.short($0) } ?? "NA",
      ])
    }
    return table
  }

  func render(format: OutputFormat, chartStyle: ChartStyle?) -> String {
    switch format {
    case .markdown: return curveTable().renderMarkdown()
    case .csv: return curveTable().renderCSV()
    case .json, .text: break
    }
    var out = "\(heading)\n\(reference)\n\n"
    var inputs = DataTable(headers: ["", "value"])
    inputs.append(["rate ratio put into the generator", PowerRendering.number(design.rateRatio)])
    inputs.append(["treatment nights per patient", String(design.nights)])
    if design.world == .negbin {
      inputs.append(["placebo cramps per night", PowerRendering.number(design.controlRate)])
      inputs.append([
        "dispersion (gamma frailty variance)", PowerRendering.number(design.dispersion),
      ])
    }
    inputs.append(["alpha (two-sided)", PowerRendering.number(design.alpha)])
    inputs.append(["replicates per size", String(design.replicates)])
    inputs.append(["seed", String(design.seed)])
    out += inputs.renderText()
    out += "\nPower curve (mean \(ratioAbbreviation): the \(ratioName), exp of the mean fitted "
    out += "log ratio; placebo rate: "
    out += "cramps per observed night; closed form: Zhu and Lakkis approach "
    out +=
      "\(approach.rawValue) at the stated rate ratio and the \(design.world == .negbin ? "stated" : "simulated") "
    out += "placebo rate and dispersion)\n"
    out += curveTable().renderText()
    if let style = chartStyle, points.count >= 2 {
      let simulated = points.map { (x: Double($0.patients), y: $0.power) }
      var closed: [(x: Double, y: Double)] = []
      for (point, value) in zip(points, closedForm) {
        if let value { closed.append((Double(point.patients), value)) }
      }
      out += "\n"
      out += LineSketch(
        points: simulated, smooth: closed, reference: 0.8,
        title: "Simulated power by total patients (dashed: 0.8)", xTitle: "Patients",
        yTitle: "Power", pointLabel: "simulated", smoothLabel: "closed form"
      ).render(style: style)
    }
    out += "\nWhere the closed form's assumptions do not hold in this world:\n"
    for line in design.departures { out += "  - \(line)\n" }
    return out
  }
}
