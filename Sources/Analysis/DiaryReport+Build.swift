import CrampData
import Formula
import LinearAlgebra
import MixedModels
import Regression
import Survival

extension DiaryReport {
  /// Candidate key factors, each a list of alternative column names (first present wins).
  public static let defaultFactors: [[String]] = [
    ["age_over_50"], ["sex"], ["trimester"], ["dialysis_day", "dialysis", "hemodialysis"],
    ["mg_supp", "supplement"],
  ]

  /// Candidate model covariates (first present of each list; `trimester` enters as a factor).
  public static let defaultCovariates: [[String]] =
    defaultFactors + [
      ["diabetes"], ["mg_diet_mg", "magnesium_mg"], ["alcohol_units"], ["fluid_cups"],
      ["on_thiazide"], ["on_ksparing"], ["on_loop"], ["on_statin"], ["on_laba"],
    ]

  /// Runs every analysis of the report on a night-level diary.
  ///
  /// Analyses that cannot run on this diary (a column missing, a model that fails) are
  /// skipped with a note; the report itself only fails when the diary cannot be read as a
  /// night-level diary at all.
  /// - Throws: ``RecurrentLayoutError`` when `patient_id`, `night`/`date` or `cramp` is missing.
  public static func build(
    nights table: Table, patients: Table? = nil, options: DiaryReportOptions = .init()
  ) throws -> DiaryReport {
    var notes: [String] = []
    var findings = DiaryValidator.validate(table, layout: .nights, patients: patients)
    if let patients { findings = DiaryValidator.validate(patients, layout: .patients) + findings }
    guard let summary = DiarySummary(table) else {
      throw RecurrentLayoutError.missingColumn(
        source: table.source, column: "patient_id", suggestion: nil)
    }
    let factors = options.factors ?? pick(defaultFactors, in: table)
    let covariates = options.covariates ?? pick(defaultCovariates, in: table)

    // Prevalence and first-cramp survival by factor.
    let layoutOptions = RecurrentLayoutOptions(covariates: factors)
    let first = try RecurrentLayout.first.build(from: table, options: layoutOptions)
    let prevalence = factors.flatMap { prevalenceRows(table, factor: $0) }
    var firstCramp: [FactorSurvival] = []
    for factor in factors {
      do {
        let survival = try firstCrampSurvival(first, factor: factor)
        guard survival.curves.curves.count >= 2 else {
          notes.append(
            "time to first cramp by \(factor): every patient has the same value on the first night")
          continue
        }
        firstCramp.append(survival)
      } catch {
        notes.append("time to first cramp by \(factor): \(error)")
      }
    }

    // Nightly logistic model, cluster-robust by patient. A diary without cramp nights (or
    // with nothing else) has no model to fit: its estimates would diverge, not be estimates.
    let outcomes = outcomeCounts(first)
    let rhs = covariates.map { $0 == "trimester" ? "factor(trimester)" : $0 }
    var logistic: ModelResult<LogisticFit>?
    var mixedLogistic: ModelResult<MixedLogisticFit>?
    if outcomes.events == 0 {
      notes.append(
        "no cramp night in the diary: the nightly logistic and Andersen-Gill models, the mean cumulative function and the proportional-hazards check need at least one; not fitted"
      )
    } else if !rhs.isEmpty {
      let text = "cramp ~ " + rhs.joined(separator: " + ")
      do {
        let formula = try Formula.parse(text, columns: table.columnNames)
        let design = try DesignMatrix.build(
          formula, table: table, options: DesignOptions(cluster: "patient_id"))
        let fit = try LogisticModel().fit(design, variance: .clusterRobust)
        logistic = ModelResult(
          formula: text + " (cluster: patient_id)", fit: fit, rows: design.rowCount,
          droppedRows: design.droppedRowCount)
      } catch {
        notes.append("nightly logistic model: \(error)")
      }
      if table.rowCount <= options.mixedModelRowLimit {
        mixedLogistic = mixedLogisticModel(
          text + " + (1 | patient_id)", table: table, notes: &notes)
      } else {
        notes.append(
          "random-intercept logistic model: not fitted in the report above "
            + "\(options.mixedModelRowLimit) diary rows (this diary has \(table.rowCount); about "
            + "36 s per 180,000 rows); run crampstat logit \(table.source) --formula \"\(text) + "
            + "(1 | patient_id)\"")
      }
    }

    // Andersen-Gill model on merged intervals, and the mean cumulative function.
    var andersenGill: ModelResult<CoxFit>?
    var frailty: ModelResult<FrailtyCoxFit>?
    var proportionalHazards: ProportionalHazardsTest?
    var tiedShare: Double?
    var mcf: KaplanMeierFit.Curve?
    do {
      guard outcomes.events > 0 else { throw NoEvents() }
      let ag = try RecurrentLayout.ag.build(
        from: table, options: RecurrentLayoutOptions(covariates: covariates))
      tiedShare = tiedEventShare(ag)
      mcf = try meanCumulativeFunction(ag)
      if !rhs.isEmpty {
        let text =
          "Surv(start, stop, event) ~ " + rhs.joined(separator: " + ") + " + cluster(patient_id)"
        let formula = try Formula.parse(text, columns: ag.columnNames)
        let design = try DesignMatrix.build(formula, table: ag)
        let fit = try coxFit(design)
        do {
          proportionalHazards = try fit.proportionalHazardsTest(
            terms: design.termGroupsWithoutIntercept)
        } catch {
          notes.append("proportional-hazards check: \(error)")
        }
        andersenGill = ModelResult(
          formula: text, fit: fit, rows: design.rowCount, droppedRows: design.droppedRowCount)
        do {
          frailty = ModelResult(
            formula: text.replacingOccurrences(
              of: "cluster(patient_id)", with: "frailty(patient_id, distribution = \"gaussian\")"),
            fit: try frailtyFit(design), rows: design.rowCount,
            droppedRows: design.droppedRowCount)
        } catch {
          notes.append("Andersen-Gill model with a patient frailty: \(error)")
        }
      }
    } catch is NoEvents {
    } catch {
      notes.append("Andersen-Gill model: \(error)")
    }

    var total = 0
    if let cramp = table["cramp"], cramp.type != .string {
      let count = table["cramp_count"].flatMap { $0.isNumeric ? $0 : nil }
      for row in 0..<table.rowCount where !cramp.missing[row] && cramp.numbers[row] == 1 {
        total += count.map { $0.missing[row] ? 1 : crampsOnCrampNight($0.numbers[row]) } ?? 1
      }
    }
    let trial = trialSection(nights: table, patients: patients, notes: &notes)
    let competing = competingFirstCramp(first: first, patients: patients, notes: &notes)
    var conventions = [
      "Time: night k of the diary covers (k, k+1] nights since the first night; missing diary nights are gaps in the risk set, not cramp-free nights.",
      "Event: a cramp night (a night with several cramps is one event).",
      "Kaplan-Meier: Greenwood variance, log-transformed 95% pointwise intervals (R survfit defaults); medians by R's print.survfit rule.",
      "Log-rank: survdiff (rho = 0).",
      "Logistic model: IRLS as R glm; cluster-robust sandwich variance by patient (HC0, no small-sample factor), Wald intervals on the robust SE.",
      "Random-intercept logistic model: glmer's Laplace approximation (nAGQ = 1), a normal random intercept per patient; conditional (patient-specific) odds ratios with Wald intervals.",
      "Andersen-Gill model: Cox partial likelihood with Efron ties on merged (start, stop] intervals; robust sandwich variance clustered by patient (R coxph cluster()), Wald intervals on the robust SE.",
      "Shared frailty: the Andersen-Gill model refitted with a log-normal frailty per patient (coxph frailty(patient_id, distribution = \"gaussian\"), REML variance, Efron ties); its hazard ratios are conditional on the patient.",
      "Mean cumulative function: Nelson-Aalen estimate of the expected number of cramp nights per patient.",
      "Proportional hazards: cox.zph score tests on the Andersen-Gill model (Kaplan-Meier time transform), per term and global.",
    ]
    if trial != nil {
      conventions.append(
        "Trial: nights after the screen or washout (period), arms from rct_arm; cramp nights per patient by MASS::glm.nb with offset(log(nights observed)), model-based Wald interval; severity by arm by MASS::polr (logit) on the cramp nights, cluster-robust SEs by patient."
      )
    }
    if competing != nil {
      conventions.append(
        "Cumulative incidence of the first cramp: Aalen-Johansen with delivery and dropout (censor_reason) as competing ends of follow-up, as survfit(Surv(time, factor(event_type)) ~ 1); infinitesimal-jackknife SEs."
      )
    }
    var report = DiaryReport(
      findings: findings, summary: summary, totalCramps: total, prevalence: prevalence,
      firstCramp: firstCramp, logistic: logistic, mixedLogistic: mixedLogistic,
      andersenGill: andersenGill, frailty: frailty,
      proportionalHazards: proportionalHazards, severityCounts: severityCounts(table),
      eventStrips: eventStrips(table, patients: 20), tiedEventShare: tiedShare,
      meanCumulativeFunction: mcf, notes: notes,
      conventions: conventions, source: table.source, factors: factors, covariates: covariates)
    report.trial = trial
    report.competingFirstCramp = competing
    return report
  }

  /// The nightly model with a random intercept per patient.
  ///
  /// `nil` with a note when it cannot be fitted; its warnings (a singular fit, a large
  /// gradient) become notes.
  static func mixedLogisticModel(
    _ text: String, table: Table, notes: inout [String]
  ) -> ModelResult<MixedLogisticFit>? {
    do {
      let mixed = try MixedFormula.parse(text, columns: table.columnNames)
      let design = try DesignMatrix.build(
        mixed.fixed, table: table, options: DesignOptions(cluster: mixed.random.group))
      let random = try RandomEffects.build(mixed.random, design: design, table: table)
      let fit = try MixedLogisticModel().fit(design, random: random)
      for diagnostic in fit.diagnostics {
        notes.append("random-intercept logistic model: \(diagnostic)")
      }
      return ModelResult(
        formula: text, fit: fit, rows: design.rowCount, droppedRows: design.droppedRowCount)
    } catch {
      notes.append("random-intercept logistic model: \(error)")
      return nil
    }
  }

  /// Cramps on a cramp night with recorded count `value`: the count when it is a whole
  /// number from 1 to 100 (the layouts refuse others), else 1, as the layouts count it.
  static func crampsOnCrampNight(_ value: Double) -> Int {
    guard value.isFinite, value >= 1, value <= 100 else { return 1 }
    return Int(value)
  }

  /// Stops the recurrent section of a diary with no cramp night (already noted).
  private struct NoEvents: Error {}

  /// Patients with a first cramp and patients in the time-to-first-cramp layout.
  static func outcomeCounts(_ first: Table) -> (events: Int, patients: Int) {
    guard let event = first["event"], event.isNumeric else { return (0, first.rowCount) }
    var events = 0
    for row in 0..<first.rowCount where !event.missing[row] && event.numbers[row] == 1 {
      events += 1
    }
    return (events, first.rowCount)
  }

  /// Cramp nights by recorded severity 0...10.
  static func severityCounts(_ table: Table) -> [(severity: Int, nights: Int)] {
    guard let severity = table["severity"], severity.isNumeric, let cramp = table["cramp"] else {
      return []
    }
    var counts = [Int](repeating: 0, count: 11)
    for row in 0..<table.rowCount
    where !severity.missing[row] && !cramp.missing[row] && cramp.numbers[row] == 1 {
      let v = severity.numbers[row]
      if v >= 0, v <= 10, v == v.rounded() { counts[Int(v)] += 1 }
    }
    guard counts.contains(where: { $0 > 0 }) else { return [] }
    return counts.enumerated().map { (severity: $0.offset, nights: $0.element) }
  }

  /// Strips for the first `patients` patients (diary order): cramps per night since the
  /// diary origin, `nil` where no outcome was recorded.
  static func eventStrips(_ table: Table, patients limit: Int) -> [(label: String, nights: [Int?])]
  {
    guard let ids = table["patient_id"], let cramp = table["cramp"],
      let night = table["night"], night.isNumeric
    else { return [] }
    let keys = PatientKeys(ids)
    let count = table["cramp_count"].flatMap { $0.isNumeric ? $0 : nil }
    let observed = table["observed"].flatMap { $0.isNumeric ? $0 : nil }
    let origin = night.numbers.filter { $0.isFinite }.min() ?? 0
    var order: [Int64] = []
    var strips: [Int64: (label: String, nights: [Int?])] = [:]
    for row in 0..<table.rowCount {
      guard let key = keys.key(row), !night.missing[row] else { continue }
      if strips[key] == nil {
        guard order.count < limit else { continue }
        order.append(key)
        strips[key] = (keys.label(row), [])
      }
      let offset = night.numbers[row] - origin
      guard offset >= 0, offset < 100_000 else { continue }
      let index = Int(offset)
      var s = strips[key] ?? ("", [])
      while s.nights.count <= index { s.nights.append(nil) }
      let notObserved = observed.map { !$0.missing[row] && $0.numbers[row] == 0 } ?? false
      if !cramp.missing[row] && !notObserved {
        let c =
          cramp.numbers[row] == 1
          ? count.map { $0.missing[row] ? 1 : crampsOnCrampNight($0.numbers[row]) } ?? 1 : 0
        s.nights[index] = c
      }
      strips[key] = s
    }
    return order.compactMap { strips[$0] }
  }

  /// The first present column of each candidate list that varies in the table.
  static func pick(_ candidates: [[String]], in table: Table) -> [String] {
    candidates.compactMap { names in
      names.first { name in
        guard let c = table[name] else { return false }
        return ColumnSummary(c).distinct >= 2
      }
    }
  }

  /// Nightly and per-patient cramp prevalence by level of `factor`.
  ///
  /// - Complexity: O(n) with integer keys (no per-row strings): levels and patients are coded
  ///   once, and a patient counts for a level when any of its observed nights has it.
  static func prevalenceRows(_ table: Table, factor: String) -> [PrevalenceRow] {
    // The layouts built before this checked that `cramp` holds 0/1; a text column has no
    // numbers to read.
    guard let column = table[factor], let cramp = table["cramp"], cramp.type != .string,
      let ids = table["patient_id"]
    else { return [] }
    let patients = PatientKeys(ids)
    // Level code per row: string codes, or the distinct numbers in order of appearance.
    var levelOf = [Int](repeating: -1, count: table.rowCount)
    var numberCodes: [Double: Int] = [:]
    var levelText: [String] = []
    var levelSort: [Double] = []
    for row in 0..<table.rowCount where !column.missing[row] {
      if column.type == .string {
        levelOf[row] = Int(column.codes[row])
      } else if let c = numberCodes[column.numbers[row]] {
        levelOf[row] = c
      } else {
        numberCodes[column.numbers[row]] = levelText.count
        levelOf[row] = levelText.count
        levelText.append(column.text(at: row) ?? "")
        levelSort.append(column.numbers[row])
      }
    }
    if column.type == .string {
      levelText = column.levels
      levelSort = []
    }
    let k = levelText.count
    var nights = [Int](repeating: 0, count: k)
    var crampNights = [Int](repeating: 0, count: k)
    struct PatientLevel: Hashable {
      var patient: Int64
      var level: Int
    }
    var seen = Set<PatientLevel>()
    var seenCramp = Set<PatientLevel>()
    var patientsAt = [Int](repeating: 0, count: k)
    var patientsWithCramp = [Int](repeating: 0, count: k)
    for row in 0..<table.rowCount where !cramp.missing[row] && levelOf[row] >= 0 {
      guard let key = patients.key(row) else { continue }
      let level = levelOf[row]
      nights[level] += 1
      let pair = PatientLevel(patient: key, level: level)
      if seen.insert(pair).inserted { patientsAt[level] += 1 }
      if cramp.numbers[row] == 1 {
        crampNights[level] += 1
        if seenCramp.insert(pair).inserted { patientsWithCramp[level] += 1 }
      }
    }
    let order = (0..<k).filter { nights[$0] > 0 }.sorted { a, b in
      levelSort.isEmpty ? levelText[a] < levelText[b] : levelSort[a] < levelSort[b]
    }
    return order.map { l in
      PrevalenceRow(
        factor: factor, level: levelText[l], nights: nights[l], crampNights: crampNights[l],
        patients: patientsAt[l], patientsWithCramp: patientsWithCramp[l])
    }
  }

  /// Kaplan-Meier of time to first cramp by `factor` (baseline value) with the log-rank test.
  static func firstCrampSurvival(_ first: Table, factor: String) throws -> FactorSurvival {
    guard let time = first["time"], let event = first["event"], let column = first[factor] else {
      throw RecurrentLayoutError.missingColumn(
        source: first.source, column: factor, suggestion: nil)
    }
    var levelIndex: [String: Int] = [:]
    var levels: [(String, Double)] = []
    var codes: [Int] = []
    var stop: [Double] = []
    var status: [Bool] = []
    for row in 0..<first.rowCount where !column.missing[row] {
      guard let label = column.text(at: row) else { continue }
      if levelIndex[label] == nil {
        levelIndex[label] = levels.count
        levels.append((label, column.isNumeric ? column.numbers[row] : .nan))
      }
      codes.append(levelIndex[label] ?? 0)
      stop.append(time.numbers[row])
      status.append(event.numbers[row] == 1)
    }
    // Order groups as R does: numeric order for numbers, else sorted text.
    let order = levels.indices.sorted { a, b in
      let (x, y) = (levels[a], levels[b])
      return !x.1.isNaN && !y.1.isNaN ? x.1 < y.1 : x.0 < y.0
    }
    var remap = [Int](repeating: 0, count: levels.count)
    for (new, old) in order.enumerated() { remap[old] = new }
    let groups = codes.map { remap[$0] }
    let labels = order.map { "\(factor)=\(levels[$0].0)" }
    let y = try SurvivalResponse(stop: stop, event: status)
    let curves = try KaplanMeier().fit(y, groups: groups, groupLabels: labels)
    let test = labels.count >= 2 ? try? LogRank.test(y, groups: groups, groupLabels: labels) : nil
    let horizon = stop.max() ?? 0
    let ticks = niceTicks(upTo: horizon)
    let atRisk = labels.indices.map { g in
      (
        labels[g],
        ticks.map { t in zip(groups, stop).filter { $0.0 == g && $0.1 >= t }.count }
      )
    }
    return FactorSurvival(
      factor: factor, curves: curves, logRank: test, atRisk: atRisk, atRiskTimes: ticks)
  }

  /// About five round tick times from 0 to `horizon`.
  public static func niceTicks(upTo horizon: Double) -> [Double] {
    guard horizon > 0 else { return [0] }
    let raw = horizon / 5
    var step = 1.0
    for candidate in [1.0, 2, 5, 7, 10, 14, 20, 25, 30, 50, 60, 90, 100, 180, 200, 365, 500, 1000]
    where candidate >= raw {
      step = candidate
      break
    }
    if raw > 1000 { step = (raw / 1000).rounded(.up) * 1000 }
    return stride(from: 0.0, through: horizon, by: step).map { $0 }
  }

  /// Share of events that share their time with another event (heavy ties favour the
  /// discrete-time logistic model).
  static func tiedEventShare(_ ag: Table) -> Double? {
    guard let stop = ag["stop"], let event = ag["event"] else { return nil }
    var counts: [Double: Int] = [:]
    var total = 0
    for row in 0..<ag.rowCount where event.numbers[row] == 1 {
      counts[stop.numbers[row], default: 0] += 1
      total += 1
    }
    guard total > 0 else { return nil }
    let tied = counts.values.filter { $0 > 1 }.reduce(0, +)
    return Double(tied) / Double(total)
  }

  /// The Nelson-Aalen estimate of the mean cumulative number of cramp nights on AG rows.
  static func meanCumulativeFunction(_ ag: Table) throws -> KaplanMeierFit.Curve? {
    guard let start = ag["start"], let stop = ag["stop"], let event = ag["event"] else {
      return nil
    }
    let y = try SurvivalResponse(
      start: start.numbers, stop: stop.numbers, event: event.numbers.map { $0 == 1 })
    return try KaplanMeier().fit(y, groupLabels: ["all"]).curves.first
  }

  /// The Andersen-Gill design refitted with a log-normal shared frailty per patient.
  ///
  /// coxph `frailty(patient_id, distribution = "gaussian")`, REML variance, instead of the
  /// robust variance: the between-patient variance on the log-hazard scale.
  static func frailtyFit(_ design: DesignMatrix) throws -> FrailtyCoxFit {
    let (y, x, names) = try countingProcessInputs(design)
    guard let clusters = design.clusters else {
      throw RecurrentLayoutError.missingColumn(
        source: design.source, column: "patient_id", suggestion: nil)
    }
    return try FrailtyCoxModel(distribution: .gaussian).fit(
      y, x: x, termNames: names, groups: clusters.codes.map(Int.init),
      strata: design.strata.map { $0.codes.map(Int.init) })
  }

  /// The `(start, stop]` response and the intercept-free covariates of an AG design.
  static func countingProcessInputs(
    _ design: DesignMatrix
  ) throws -> (y: SurvivalResponse, x: Matrix, names: [String]) {
    guard let outcome = design.survival, let start = outcome.start else {
      throw RecurrentLayoutError.missingColumn(
        source: design.source, column: "start", suggestion: nil)
    }
    let (values, names) = design.covariates()
    let x = try Matrix(rows: design.rowCount, columns: names.count, columnMajor: values)
    let y = try SurvivalResponse(
      start: start, stop: outcome.stop,
      event: try SurvivalResponse.normalizeStatus(outcome.status))
    return (y, x, names)
  }

  /// Cox fit of an AG design (intercept column removed, clusters from the design).
  static func coxFit(_ design: DesignMatrix) throws -> CoxFit {
    let (y, x, names) = try countingProcessInputs(design)
    return try CoxModel().fit(
      y, x: x, termNames: names,
      strata: design.strata.map { $0.codes.map(Int.init) },
      cluster: design.clusters.map { $0.codes.map(Int.init) })
  }

}
