import CrampData
import Foundation
import Recurrent
import Survival
import Testing
import _TestSupport

@Suite("AG and PWP against R coxph on layouts built in R")
struct RecurrentCoxReferenceTests {
  static func model(_ entry: [String: Any]) throws -> RecurrentModel {
    let name = try #require(entry["model"] as? String)
    return try #require(RecurrentModel(rawValue: name))
  }

  static func check(_ section: String, _ name: String) throws {
    let entry = try RecurrentReference.named(section, name)
    let call = entry["call"] as? String ?? name
    let diary = try RecurrentReference.diary(entry)
    var options = RecurrentOptions()
    if let rule = entry["multiple"] as? String {
      options.layout.multipleCramps = try #require(MultipleCrampRule(rawValue: rule))
    }
    let design = try RecurrentDesign.build(
      diary: diary, formula: try #require(entry["formula"] as? String), model: try model(entry),
      options: options)
    if let mergedRows = entry.number("merged_rows") {
      #expect(Double(design.layout.rowCount) == mergedRows, "\(call) merged rows")
    }
    let ties: CoxModel.Ties = entry["ties"] as? String == "breslow" ? .breslow : .efron
    let fit = try RecurrentCox.fit(design, ties: ties)
    var errors: [Double] = []
    let c = fit.cox.coefficients
    let estimates = entry.numbers("coefficients")
    #expect(c.count == estimates.count, "\(call)")
    for k in c.indices where k < estimates.count {
      let what = "\(call) \(c[k].term)"
      errors.append(Tolerance.check(c[k].estimate, estimates[k], "\(what) coef"))
      errors.append(
        Tolerance.check(c[k].standardError, entry.numbers("std_error")[k], "\(what) robust se"))
      errors.append(
        Tolerance.check(
          c[k].modelStandardError, entry.numbers("model_std_error")[k], "\(what) se"))
      errors.append(Tolerance.check(c[k].z, entry.numbers("z")[k], "\(what) z"))
      errors.append(
        Tolerance.check(c[k].confidenceLow, entry.numbers("conf_low")[k], "\(what) lower"))
      Tolerance.checkPValue(c[k].pValue, entry.numbers("p_value")[k], "\(what) p")
    }
    let loglik = entry.numbers("loglik")
    errors.append(Tolerance.check(fit.cox.nullLogLikelihood, loglik[0], "\(call) null loglik"))
    errors.append(Tolerance.check(fit.cox.logLikelihood, loglik[1], "\(call) loglik"))
    #expect(Double(fit.cox.eventCount) == entry.number("nevent"), "\(call) events")
    #expect(fit.isRobust)
    reportMaximum("\(section) \(name)", errors)
  }

  @Test(
    "AG: coxph(Surv(start, stop, event) ~ x + cluster(patient_id))",
    arguments: RecurrentReference.names("ag"))
  func andersenGill(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    try Self.check("ag", name)
  }

  @Test(
    "PWP: coxph(Surv(start, stop, event) ~ x + strata(enum) + cluster(patient_id))",
    arguments: RecurrentReference.names("pwp"))
  func prenticeWilliamsPeterson(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    try Self.check("pwp", name)
  }

  @Test("AG estimates are identical with and without interval merging")
  func mergingLeavesEstimatesUnchanged() throws {
    let entry = try RecurrentReference.named("ag", "small_ag")
    let diary = try RecurrentReference.diary(entry)
    let formula = try #require(entry["formula"] as? String)
    var unmerged = RecurrentOptions()
    unmerged.layout.mergeIntervals = false
    let merged = try RecurrentCox.fit(
      try RecurrentDesign.build(diary: diary, formula: formula, model: .andersenGill))
    let nightly = try RecurrentCox.fit(
      try RecurrentDesign.build(
        diary: diary, formula: formula, model: .andersenGill, options: unmerged))
    // R's nightly layout has one row per observed night; merging must shrink it.
    #expect(Double(nightly.layoutRows) == entry.number("n_rows_nightly"))
    #expect(merged.layoutRows < nightly.layoutRows)
    #expect(Double(merged.layoutRows) == entry.number("merged_rows"))
    var errors: [Double] = []
    for (a, b) in zip(merged.cox.coefficients, nightly.cox.coefficients) {
      errors.append(
        Tolerance.check(a.estimate, b.estimate, "\(a.term) merged vs nightly", tolerance: 1e-9))
      errors.append(
        Tolerance.check(a.standardError, b.standardError, "\(a.term) se", tolerance: 1e-9))
    }
    errors.append(
      Tolerance.check(
        merged.cox.logLikelihood, nightly.cox.logLikelihood, "loglik", tolerance: 1e-12))
    reportMaximum("ag merged vs unmerged", errors)
  }

  @Test("Ties: nightly event times are mostly tied; the summary counts them")
  func ties() throws {
    let entry = try RecurrentReference.named("ag", "teaching_ag")
    let diary = try RecurrentReference.diary(entry)
    let fit = try RecurrentCox.fit(
      try RecurrentDesign.build(diary: diary, formula: "~ sex", model: .andersenGill))
    #expect(fit.ties.events == 1018)
    #expect(fit.ties.tiedShare > 0.9)
    #expect(fit.ties.dominates)
    // Hand case: times 1, 1, 2, 3, 3, 3 (events) and 2 censored: 5 of 6 events tied.
    let hand = TieSummary(
      stop: [1, 1, 2, 3, 3, 3, 2], event: [true, true, true, true, true, true, false])
    #expect(hand.tiedEvents == 5 && hand.events == 6 && hand.distinctTimes == 3)
    // Strata separate tied times: the PWP view.
    let split = TieSummary(stop: [1, 1, 2], event: [true, true, true], strata: [1, 2, 1])
    #expect(split.tiedEvents == 0)
  }
}

@Suite("Joining patients.csv onto the diary")
struct PatientJoinTests {
  @Test("baseline columns are matched by patient_id; unknown patients get missing values")
  func join() throws {
    let diary = Table(
      source: "d.csv",
      columns: [
        Column(name: "patient_id", codes: [0, 0, 1, 2], levels: ["A", "B", "C"]),
        Column(
          name: "night", type: .integer, numbers: [0, 1, 0, 0],
          missing: [false, false, false, false]),
      ], lineNumbers: [2, 3, 4, 5])
    let patients = Table(
      source: "p.csv",
      columns: [
        Column(name: "patient_id", codes: [0, 1], levels: ["B", "A"]),
        Column(name: "pvd", type: .integer, numbers: [1, 0], missing: [false, false]),
        Column(name: "cohort", codes: [0, 1], levels: ["hd", "general"]),
      ], lineNumbers: [2, 3])
    let joined = try PatientJoin.join(diary: diary, patients: patients)
    #expect(joined["pvd"]?.numbers.prefix(3) == [0, 0, 1])
    #expect(joined["pvd"]?.missing == [false, false, false, true])
    #expect(joined["cohort"]?.codes == [1, 1, 0, -1])
  }
}

@Suite("Age crossing 50 during follow-up")
struct AgeCrossingCoxTests {
  /// The reference diary with an age at enrolment: a third of the patients enrolled at 49.95
  /// (over 50 from night 19 on, within their 25-50 nights), the others at 40 or 60.
  static func diary() throws -> Table {
    let table = try RecurrentReference.diary(try RecurrentReference.named("ag", "small_ag"))
    let ids = try #require(table["patient_id"])
    let ages = ids.codes.map { [49.95, 40, 60][Int($0) % 3] }
    var columns = table.columnNames.compactMap { table[$0] }
    columns.append(
      Column(
        name: "age", type: .double, numbers: ages,
        missing: [Bool](repeating: false, count: ages.count)))
    return Table(source: table.source, columns: columns, lineNumbers: table.lineNumbers)
  }

  @Test("time-varying age_over_50: merged and nightly layouts give identical AG estimates")
  func mergedEqualsNightly() throws {
    let diary = try Self.diary()
    var options = RecurrentOptions()
    options.layout.ageAtEnrolmentColumn = "age"
    let formula = "~ age_over_50 + sex + mg_supp"
    let merged = try RecurrentDesign.build(
      diary: diary, formula: formula, model: .andersenGill, options: options)
    var unmergedOptions = options
    unmergedOptions.layout.mergeIntervals = false
    let nightly = try RecurrentDesign.build(
      diary: diary, formula: formula, model: .andersenGill, options: unmergedOptions)
    // Some patients change value during follow-up, so the covariate is time-varying.
    let over = try #require(merged.layout["age_over_50"]).numbers
    let patient = try #require(merged.layout["patient_id"]).codes
    let crossing = Set(patient.indices.filter { over[$0] == 1 }.map { patient[$0] })
      .intersection(patient.indices.filter { over[$0] == 0 }.map { patient[$0] })
    #expect(crossing.count >= 10)
    let a = try RecurrentCox.fit(merged)
    let b = try RecurrentCox.fit(nightly)
    #expect(a.layoutRows < b.layoutRows)
    var errors: [Double] = []
    for (x, y) in zip(a.cox.coefficients, b.cox.coefficients) {
      errors.append(Tolerance.check(x.estimate, y.estimate, "\(x.term) coef", tolerance: 1e-9))
      errors.append(
        Tolerance.check(x.standardError, y.standardError, "\(x.term) se", tolerance: 1e-9))
    }
    errors.append(
      Tolerance.check(a.cox.logLikelihood, b.cox.logLikelihood, "loglik", tolerance: 1e-12))
    reportMaximum("ag age crossing merged vs unmerged", errors)
  }
}
