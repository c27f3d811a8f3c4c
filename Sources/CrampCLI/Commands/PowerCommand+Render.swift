import Reporting
import TrialDesign

/// What `power` found: the design's inputs as rows, the size or power, the curve.
struct PowerResult {
  /// Rows of the text table, label then value.
  var rows: [(String, String)]
  /// The JSON body.
  var json: [String: JSONValue]
  /// The reference line.
  var reference: String
  /// Heading such as "time to first cramp, log-rank test".
  var heading: String
  /// Caveats.
  var assumptions: [String]
  /// Curve points (total patients, power).
  var curve: [(n: Int, power: Double)]
  /// Target power drawn as the reference line of the curve.
  var target: Double?

  static func compute(_ design: any TwoArmDesign, request: PowerRequest) throws(TrialDesignError)
    -> PowerResult
  {
    var rows: [(String, String)] = []
    var json: [String: JSONValue] = [:]
    var heading: String
    let levels = design.levels
    func add(_ label: String, _ key: String, _ value: Double) {
      rows.append((label, PowerRendering.number(value)))
      json[key] = .number(value)
    }
    let crossover = design as? CrossoverDesign
    json["design"] = .string(crossover.map { $0.pairs == 1 ? "crossover" : "nof1" } ?? "parallel")
    switch crossover?.parallel ?? design {
    case let d as EventsDesign:
      heading = "time to first cramp, log-rank test (\(d.method.rawValue))"
      json["outcome"] = .string("first_cramp")
      json["method"] = .string(d.method.rawValue)
      add("hazard ratio", "hazard_ratio", d.hazardRatio)
      if let pe = d.eventProbability { add("event probability", "event_probability", pe) }
    case let d as CountsDesign:
      heading = "cramp counts, negative binomial rate ratio (approach \(d.approach.rawValue))"
      json["outcome"] = .string("counts")
      json["approach"] = .int(d.approach.rawValue)
      add("rate ratio", "rate_ratio", d.rateRatio)
      add("control rate per night", "control_rate", d.controlRate)
      add("dispersion", "dispersion", d.dispersion)
      add("nights of follow-up", "nights", d.nights)
    case let d as NightlyDesign:
      heading = "nightly cramp (yes/no), two proportions with clustering"
      json["outcome"] = .string("nightly")
      add("p0 (control)", "p0", d.p0)
      add("p1 (experimental)", "p1", d.p1)
      add("ICC", "icc", d.icc)
      add("nights per patient", "nights_per_patient", d.nightsPerPatient)
      add("design effect", "design_effect", d.designEffect)
    case let d as MeanDifferenceDesign:
      heading = "difference of two means, normal approximation"
      json["outcome"] = .string("continuous")
      add("difference of means", "difference", d.difference)
      add("SD per arm", "std_dev", d.standardDeviation)
    default:
      throw .noEffect(name: "outcome")
    }
    if let c = crossover {
      heading =
        (c.pairs == 1 ? "AB/BA crossover" : "N-of-1 series of \(c.pairs) pairs") + " of "
        + heading
      add("within-patient correlation", "within_correlation", c.withinCorrelation)
      if c.pairs > 1 {
        rows.append(("pairs of periods per patient", String(c.pairs)))
        json["pairs"] = .int(c.pairs)
      }
      add("patients per parallel patient", "design_factor", c.factor)
    }
    add("alpha (two-sided)", "significance_level", levels.alpha)
    add("allocation (experimental)", "allocation", levels.allocation)
    json["reference"] = .string(design.reference)
    json["assumptions"] = .array(design.assumptions.map { .string($0) })
    if let power = request.power {
      add("power", "power", power)
      if let d = crossover?.parallel as? EventsDesign ?? design as? EventsDesign {
        let events = try d.events(power: power)
        rows.append(("events needed", PowerRendering.count(events)))
        json["events_exact"] = .number(events)
        json["n_events"] = .int(ArmSizes.roundUp(events))
      }
      if let d = crossover?.parallel as? NightlyDesign ?? design as? NightlyDesign {
        let nights = try d.nightsPerArm(power: power)
        let label = crossover == nil ? "" : " (parallel)"
        rows.append(("independent nights per arm" + label, PowerRendering.count(nights)))
        json["nights_per_arm_exact"] = .number(nights)
      }
      if let c = crossover, let parallel = try c.parallel.sampleSize(power: power) {
        rows.append(
          ("parallel patients (formula, unrounded)", PowerRendering.number(parallel.exactTotal)))
        json["n_parallel_exact"] = .number(parallel.exactTotal)
      }
      if let size = try design.sampleSize(power: power) {
        rows.append(("patients (formula, unrounded)", PowerRendering.number(size.exactTotal)))
        if crossover == nil {
          rows.append(("patients needed (each arm rounded up)", String(size.total)))
          rows.append(("  control", String(size.control)))
          rows.append(("  experimental", String(size.experimental)))
        } else {
          rows.append(("patients needed (each sequence rounded up)", String(size.total)))
          rows.append(("  sequence placebo first", String(size.control)))
          rows.append(("  sequence experimental first", String(size.experimental)))
        }
        json["n_exact"] = .number(size.exactTotal)
        json["n_control"] = .int(size.control)
        json["n_experimental"] = .int(size.experimental)
        json["n_patients"] = .int(size.total)
      }
    } else if let n = request.patients {
      rows.append(("patients (total)", String(n)))
      json["n_patients"] = .int(n)
      add("power", "power", try design.power(patients: Double(n)))
    }
    var curve: [(n: Int, power: Double)] = []
    for n in request.curve { curve.append((n, try design.power(patients: Double(n)))) }
    if !curve.isEmpty {
      json["curve"] = .array(
        curve.map { .object(["n_patients": .int($0.n), "power": .number($0.power)]) })
    }
    return PowerResult(
      rows: rows, json: json, reference: design.reference, heading: heading,
      assumptions: design.assumptions, curve: curve, target: request.power)
  }
}

/// Text, markdown and CSV of a ``PowerResult``.
enum PowerRendering {
  /// A number as R prints it with 7 significant digits.
  static func number(_ value: Double) -> String {
    if value.isNaN { return "NA" }
    return NumberFormat.significant(value, digits: 7)
  }

  /// A real count with its rounding up: `246.9 -> 247 (246.92)`.
  static func count(_ value: Double) -> String {
    "\(ArmSizes.roundUp(value)) (\(NumberFormat.significant(value, digits: 7)))"
  }

  static func table(_ result: PowerResult) -> DataTable {
    var table = DataTable(headers: ["", "value"])
    for (label, value) in result.rows { table.append([label, value]) }
    return table
  }

  static func render(_ result: PowerResult, format: OutputFormat, chartStyle: ChartStyle?)
    -> String
  {
    switch format {
    case .markdown: return table(result).renderMarkdown()
    case .csv: return table(result).renderCSV()
    case .json, .text: break
    }
    var out = "Power: \(result.heading)\nFormula: \(result.reference)\n\n"
    out += table(result).renderText()
    if !result.curve.isEmpty {
      out += "\nPower curve\n"
      var curve = DataTable(headers: ["patients", "power"])
      for point in result.curve { curve.append([String(point.n), number(point.power)]) }
      out += curve.renderText()
      if let style = chartStyle {
        let points = result.curve.map { (x: Double($0.n), y: $0.power) }
        out += "\n"
        out += LineSketch(
          points: points, smooth: points, reference: result.target ?? 0.8,
          title: "Power by total patients (dashed: target power)", xTitle: "Patients",
          yTitle: "Power", pointLabel: "power", smoothLabel: "closed form"
        ).render(style: style)
      }
    }
    out += "\nAssumptions (where the closed form may fail):\n"
    for line in result.assumptions { out += "  - \(line)\n" }
    return out
  }
}
