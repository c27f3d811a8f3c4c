import Foundation
import Partials

extension DistributedCox {
  /// The state as a document (what `crampstat partial --state` reads): settings, centre,
  /// where the next pass evaluates, the Newton driver's memory and, at the robust pass, the
  /// broadcast (one `step` record per stratum and event time).
  public var document: PartialDocument {
    var d = PartialDocument(kind: .state)
    d.append("model", ["cox"])
    d.append("setting", lists: settings)
    d.append("levels", lists: levels)
    d.append("dropped", [String(dropped)])
    d.append("dropped-by", counts: droppedByVariable)
    d.append("patients", [String(patients)])
    d.append("ties", [ties.rawValue])
    d.append(
      "control", [String(maxIterations)] + [tolerance, confidenceLevel].map(PartialDocument.format))
    d.append("robust", [isRobust ? "yes" : "no"])
    d.append("columns", columns)
    d.append("pass", [pass.rawValue])
    d.append("center", numbers: center)
    d.append("beta", numbers: beta)
    d.append("iteration", [String(iteration)])
    d.append("accepted", numbers: accepted)
    if let best { d.append("best", numbers: best.numbers) }
    d.append("halving", [String(halving)])
    d.append("initial", numbers: [initialLogLikelihood, scoreTest])
    if let final { d.append("final", numbers: final.numbers) }
    d.append(
      "flags",
      [
        countingProcess ? "counting" : "right", converged ? "converged" : "-",
        finishing ? "finishing" : "-",
      ])
    d.append("rows", [String(rows)])
    d.append("events", [String(events)])
    for step in broadcast {
      d.append(
        "step",
        [step.stratum]
          + ([step.time, step.hazard, step.eventHazard] + step.hazardMean + step.eventHazardMean
          + step.mean).map(PartialDocument.format))
    }
    return d
  }

  /// Reads a state document.
  /// - Throws: ``PartialsError/malformed(source:line:reason:)`` for a document that is not a
  ///   Cox state or misses a record.
  public init(document d: PartialDocument) throws(PartialsError) {
    guard d.kind == .state, d.value("model") == "cox" else {
      throw .malformed(source: d.source, line: 1, reason: "not a cox state")
    }
    func bad(_ reason: String) -> PartialsError {
      .malformed(source: d.source, line: 0, reason: reason)
    }
    settings = d.lists("setting")
    levels = d.lists("levels")
    dropped = try d.integer("dropped")
    droppedByVariable = d.counts("dropped-by")
    patients = try d.integer("patients")
    guard let ties = CoxModel.Ties(rawValue: try d.one("ties").first ?? "") else {
      throw bad("unknown tie method")
    }
    self.ties = ties
    let control = try d.one("control")
    guard control.count == 3, let maxIterations = Int(control[0]) else {
      throw bad("'control' needs the iteration limit, tolerance and confidence level")
    }
    self.maxIterations = maxIterations
    tolerance = try d.number(control[1], key: "control")
    confidenceLevel = try d.number(control[2], key: "control")
    isRobust = try d.one("robust").first == "yes"
    columns = try d.one("columns")
    let p = columns.count
    guard let pass = Pass(rawValue: try d.one("pass").first ?? "") else {
      throw bad("unknown pass")
    }
    self.pass = pass
    center = try d.numbers(d.one("center"), key: "center")
    beta = try d.numbers(d.one("beta"), key: "beta")
    iteration = try d.integer("iteration")
    accepted = try d.numbers(d.one("accepted"), key: "accepted")
    guard pass == .center || (center.count == p && beta.count == p) else {
      throw bad("'center' and 'beta' need one number per column")
    }
    if let fields = d.all("best").first {
      guard let best = RiskSetEvaluation(numbers: try d.numbers(fields, key: "best"), order: p)
      else { throw bad("'best' has the wrong length") }
      self.best = best
    }
    halving = try d.integer("halving")
    let initial = try d.numbers(d.one("initial"), key: "initial")
    guard initial.count == 2 else { throw bad("'initial' needs two numbers") }
    initialLogLikelihood = initial[0]
    scoreTest = initial[1]
    if let fields = d.all("final").first {
      guard let final = RiskSetEvaluation(numbers: try d.numbers(fields, key: "final"), order: p)
      else { throw bad("'final' has the wrong length") }
      self.final = final
    }
    let flags = try d.one("flags")
    guard flags.count == 3 else { throw bad("'flags' needs three fields") }
    countingProcess = flags[0] == "counting"
    converged = flags[1] == "converged"
    finishing = flags[2] == "finishing"
    rows = try d.integer("rows")
    events = try d.integer("events")
    broadcast = []
    for fields in d.all("step") {
      guard fields.count == 4 + 3 * p, let stratum = fields.first else {
        throw bad("a 'step' record needs a stratum, time, two hazards and 3 x \(p) means")
      }
      let x = try d.numbers(fields.dropFirst(), key: "step")
      broadcast.append(
        ScoreStep(
          stratum: stratum, time: x[0], hazard: x[1], eventHazard: x[2],
          hazardMean: Array(x[3..<(3 + p)]), eventHazardMean: Array(x[(3 + p)..<(3 + 2 * p)]),
          mean: Array(x[(3 + 2 * p)..<(3 + 3 * p)])))
    }
  }
}
