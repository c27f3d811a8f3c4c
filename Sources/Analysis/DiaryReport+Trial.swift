import CrampData
import Formula
import Foundation
import Ordinal
import Recurrent
import Survival

/// One arm of a randomized diary: patients and what their treatment nights recorded.
public struct TrialArmSummary: Sendable, Equatable {
  /// The arm's value of `rct_arm`.
  public var label: String
  public var patients: Int
  /// Treatment nights with a recorded outcome, and how many had a cramp.
  public var nightsObserved: Int
  public var crampNights: Int
  /// Mean worst severity over the arm's cramp nights with a severity (`nil`: none recorded).
  public var meanSeverity: Double?

  /// Cramp nights per observed night.
  public var crampNightRate: Double {
    nightsObserved == 0 ? .nan : Double(crampNights) / Double(nightsObserved)
  }
}

/// The trial section of the report: arms, the cramp-night rate ratio, severity by arm.
public struct TrialSection: Sendable {
  /// The arm column (`rct_arm`) and the reference arm of both models.
  public var armColumn: String
  public var reference: String
  public var arms: [TrialArmSummary]
  /// Whether screen and washout nights (`period`) were left out.
  public var treatmentNightsOnly: Bool
  /// `MASS::glm.nb(cramp_nights ~ rct_arm + offset(log(nights)))` on the treatment nights.
  public var rateRatio: ModelResult<RateFit>?
  /// `MASS::polr(factor(severity) ~ rct_arm)` on the treatment cramp nights, with
  /// cluster-robust standard errors by patient.
  public var severity: ModelResult<CumulativeLinkFit>?
}

/// Cumulative incidence of the first cramp with the diary's competing ends of follow-up.
public struct CompetingFirstCramp: Sendable {
  public var fit: CumulativeIncidenceFit
  /// Labels of `fit.causes`, in order (first cramp, delivery, dropout).
  public var causeLabels: [String]
  public var formula: String
}

/// A `censor_reason` that is not one of the codes of ``DiaryReport/competingCodes``.
public enum CompetingEndError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The patient file has no `censor_reason` column.
  case missingColumn(source: String)
  /// The patient file has no `patient_id` column, or the layout no `patient_id` / `event`.
  case missingPatientID(source: String)
  /// A value outside admin, delivery_end, dropout: file, line and the text.
  case unknownReason(source: String, line: Int, text: String)

  public var description: String {
    switch self {
    case .missingColumn(let source):
      return "\(source): no column 'censor_reason' ('--competing' codes censored patients "
        + "by it: admin, delivery_end or dropout)"
    case .missingPatientID(let source): return "\(source): no column 'patient_id'"
    case .unknownReason(let source, let line, let text):
      return "\(source):\(line): column 'censor_reason': '\(text)' is not admin, "
        + "delivery_end or dropout"
    }
  }
}

extension DiaryReport {
  /// Status codes of `censor_reason` (`admin` and empty are 0, censored).
  public static let competingCodes: [String: Double] = [
    "admin": 0, "delivery_end": 2, "dropout": 3,
  ]

  /// Cause labels of the codes 1 (first cramp), 2 and 3.
  public static let competingLabels: [Int: String] = [
    1: "first cramp", 2: "delivery", 3: "dropout",
  ]

  /// The event type of each `first` row: 1 for a first cramp, else the code of the
  /// patient's `censor_reason` in `patients` (0 when empty or the patient is not listed).
  ///
  /// - Throws: ``CompetingEndError``.
  public static func competingEventTypes(first rows: Table, patients: Table)
    throws(CompetingEndError) -> [Double]
  {
    guard let reason = patients["censor_reason"] else {
      throw .missingColumn(source: patients.source)
    }
    guard let key = patients["patient_id"], let id = rows["patient_id"],
      let event = rows["event"]
    else { throw .missingPatientID(source: patients.source) }
    var reasonOf: [String: (String?, Int)] = [:]
    for row in 0..<patients.rowCount {
      if let k = key.text(at: row), reasonOf[k] == nil {
        reasonOf[k] = (reason.text(at: row), Int(patients.lineNumbers[row]))
      }
    }
    var codes = [Double](repeating: 0, count: rows.rowCount)
    for row in 0..<rows.rowCount {
      if event.numbers[row] == 1 {
        codes[row] = 1
        continue
      }
      guard let (text, line) = id.text(at: row).flatMap({ reasonOf[$0] }), let text else {
        continue
      }
      let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: " "))
      guard !trimmed.isEmpty else { continue }
      guard let code = competingCodes[trimmed] else {
        throw .unknownReason(source: patients.source, line: line, text: text)
      }
      codes[row] = code
    }
    return codes
  }

  /// The cumulative incidence of the first cramp when some patient's follow-up ended by a
  /// competing event (delivery, dropout); `nil` otherwise or when it cannot be estimated
  /// (with a note).
  static func competingFirstCramp(first: Table, patients: Table?, notes: inout [String])
    -> CompetingFirstCramp?
  {
    guard let patients, patients["censor_reason"] != nil, let time = first["time"] else {
      return nil
    }
    do {
      let status = try competingEventTypes(first: first, patients: patients)
      guard status.contains(where: { $0 >= 2 }) else { return nil }
      let fit = try CumulativeIncidence(grayTest: false).fit(time: time.numbers, status: status)
      return CompetingFirstCramp(
        fit: fit, causeLabels: fit.causes.map { competingLabels[$0] ?? "cause \($0)" },
        formula: "Surv(time, event_type) ~ 1")
    } catch {
      notes.append("cumulative incidence of the first cramp: \(error)")
      return nil
    }
  }

  /// The trial section, when `rct_arm` has two or more arms.
  ///
  /// Arms come from the diary's `rct_arm`, else the patient file's; `nil` with fewer than two.
  /// Models that cannot be fitted are left out with a note.
  static func trialSection(nights table: Table, patients: Table?, notes: inout [String])
    -> TrialSection?
  {
    let column = "rct_arm"
    guard let ids = table["patient_id"] else { return nil }
    var armOf: [String: String] = [:]
    if let arm = table[column] {
      for row in 0..<table.rowCount {
        if let id = ids.text(at: row), let a = arm.text(at: row), !a.isEmpty, armOf[id] == nil {
          armOf[id] = a
        }
      }
    } else if let patients, let arm = patients[column], let key = patients["patient_id"] {
      for row in 0..<patients.rowCount {
        if let id = key.text(at: row), let a = arm.text(at: row), !a.isEmpty, armOf[id] == nil {
          armOf[id] = a
        }
      }
    }
    let levels = Array(Set(armOf.values)).sorted()
    guard levels.count >= 2 else { return nil }
    let reference = levels.contains("placebo") ? "placebo" : levels[0]
    let ordered = [reference] + levels.filter { $0 != reference }

    // Treatment nights: rows of randomized patients outside the screen and washout.
    let period = table["period"].flatMap { $0.type == .string ? $0 : nil }
    var rows: [Int] = []
    var armCodes: [Int32] = []
    for row in 0..<table.rowCount {
      guard let id = ids.text(at: row), let a = armOf[id], let code = ordered.firstIndex(of: a)
      else { continue }
      if let p = period?.text(at: row), p == "screen" || p == "washout" { continue }
      rows.append(row)
      armCodes.append(Int32(code))
    }
    var columns: [Column] = []
    for name in ["patient_id", "night", "date", "observed", "cramp", "cramp_count", "severity"] {
      if let c = table[name] { columns.append(c.selecting(rows)) }
    }
    columns.append(Column(name: column, codes: armCodes, levels: ordered))
    let diary = Table(
      source: table.source, columns: columns, lineNumbers: rows.map { table.lineNumbers[$0] })

    var section = TrialSection(
      armColumn: column, reference: reference, arms: [], treatmentNightsOnly: period != nil,
      rateRatio: nil, severity: nil)
    section.arms = armSummaries(diary, arm: column, levels: ordered)
    do {
      let design = try RecurrentDesign.build(
        diary: diary, formula: "~ \(column)", model: .negativeBinomial,
        options: RecurrentOptions(references: [column: reference], countOutcome: .crampNights))
      let fit = try RateRegression.fit(design)
      for warning in fit.warnings { notes.append("trial rate ratio: \(warning)") }
      section.rateRatio = ModelResult(
        formula: "~ \(column)", fit: fit, rows: design.layout.rowCount,
        droppedRows: design.design?.droppedRowCount ?? 0)
    } catch {
      notes.append("trial rate ratio (negative binomial): \(error)")
    }
    if diary["severity"] != nil {
      do {
        let formula = try Formula.parse("severity ~ \(column)", columns: diary.columnNames)
        let design = try DesignMatrix.build(
          formula, table: diary,
          options: DesignOptions(references: [column: reference], cluster: "patient_id"))
        let fit = try CumulativeLinkModel(proportionalOddsTest: false).fit(
          try OrdinalData(design: design))
        for d in fit.diagnostics { notes.append("trial severity model: \(d)") }
        section.severity = ModelResult(
          formula: "severity ~ \(column)", fit: fit, rows: design.rowCount,
          droppedRows: design.droppedRowCount)
      } catch {
        notes.append("trial severity model (polr): \(error)")
      }
    }
    return section
  }

  /// Patients, observed nights, cramp nights and mean severity per arm.
  static func armSummaries(_ diary: Table, arm: String, levels: [String]) -> [TrialArmSummary] {
    guard let armColumn = diary[arm], let ids = diary["patient_id"], let cramp = diary["cramp"]
    else { return [] }
    let observed = diary["observed"].flatMap { $0.isNumeric ? $0 : nil }
    let severity = diary["severity"].flatMap { $0.isNumeric ? $0 : nil }
    var out = levels.map {
      TrialArmSummary(
        label: $0, patients: 0, nightsObserved: 0, crampNights: 0, meanSeverity: nil)
    }
    var patients = [Set<String>](repeating: [], count: levels.count)
    var severitySum = [Double](repeating: 0, count: levels.count)
    var severityCount = [Int](repeating: 0, count: levels.count)
    for row in 0..<diary.rowCount {
      let k = Int(armColumn.codes[row])
      if let id = ids.text(at: row) { patients[k].insert(id) }
      if let o = observed, o.missing[row] || o.numbers[row] == 0 { continue }
      guard cramp.isNumeric, !cramp.missing[row] else { continue }
      out[k].nightsObserved += 1
      guard cramp.numbers[row] == 1 else { continue }
      out[k].crampNights += 1
      if let s = severity, !s.missing[row] {
        severitySum[k] += s.numbers[row]
        severityCount[k] += 1
      }
    }
    for k in out.indices {
      out[k].patients = patients[k].count
      if severityCount[k] > 0 { out[k].meanSeverity = severitySum[k] / Double(severityCount[k]) }
    }
    return out
  }
}

extension Column {
  /// The column's values at `rows`, in that order.
  func selecting(_ rows: [Int]) -> Column {
    if type == .string {
      return Column(name: name, codes: rows.map { codes[$0] }, levels: levels)
    }
    return Column(
      name: name, type: type, numbers: rows.map { numbers[$0] }, missing: rows.map { missing[$0] })
  }
}
