import Testing
import _TestSupport

@testable import TrialDesign

/// The closed forms against R.
///
/// Cases come from `Tests/Reference/power.R`; every case quotes its R call.
@Suite("Power formulas against R")
struct PowerFormulaTests {
  @Test("the fixture loads and has cases of every kind")
  func fixtureLoads() throws {
    let file = try PowerReferenceFile.load()
    #expect(!file.cases.isEmpty)
    for kind in [
      "events_schoenfeld", "events_freedman", "power_schoenfeld", "power_freedman", "counts_n",
      "counts_power", "nightly_nights", "nightly_nights_uniroot", "nightly_patients",
      "nightly_power",
    ] {
      #expect((file.counts[kind] ?? 0) > 0, "no \(kind) cases")
      #expect(file.cases.contains { $0.kind == kind }, "no \(kind) cases")
    }
  }

  static func events(_ c: PowerCase, _ method: EventsDesign.Method) throws -> EventsDesign {
    try EventsDesign(
      method: method, hazardRatio: c.input("hr"),
      levels: TwoArmLevels(alpha: c.input("alpha"), allocation: c.input("allocation")))
  }

  @Test("Schoenfeld events", arguments: PowerReferenceFile.cases("events_schoenfeld"))
  func schoenfeldEvents(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let d = try Self.events(c, .schoenfeld).events(power: c.input("power"))
    #expect(Tolerance.isClose(d, c.value, relative: Tolerance.powerFormula), "\(d) vs R \(c.value)")
  }

  @Test("Freedman events", arguments: PowerReferenceFile.cases("events_freedman"))
  func freedmanEvents(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let d = try Self.events(c, .freedman).events(power: c.input("power"))
    #expect(Tolerance.isClose(d, c.value, relative: Tolerance.powerFormula), "\(d) vs R \(c.value)")
  }

  @Test("Schoenfeld power", arguments: PowerReferenceFile.cases("power_schoenfeld"))
  func schoenfeldPower(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let p = try Self.events(c, .schoenfeld).power(events: c.input("events"))
    #expect(Tolerance.isClose(p, c.value, relative: Tolerance.powerFormula), "\(p) vs R \(c.value)")
  }

  @Test("Freedman power", arguments: PowerReferenceFile.cases("power_freedman"))
  func freedmanPower(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let p = try Self.events(c, .freedman).power(events: c.input("events"))
    #expect(Tolerance.isClose(p, c.value, relative: Tolerance.powerFormula), "\(p) vs R \(c.value)")
  }

  static func counts(_ c: PowerCase) throws -> CountsDesign {
    let approach = try #require(CountsDesign.Approach(rawValue: Int(c.input("approach"))))
    return try CountsDesign(
      rateRatio: c.input("rr"), controlRate: c.input("r0"), dispersion: c.input("dispersion"),
      nights: c.input("nights"),
      levels: TwoArmLevels(alpha: c.input("alpha"), allocation: c.input("allocation")),
      approach: approach)
  }

  @Test("Zhu-Lakkis total patients", arguments: PowerReferenceFile.cases("counts_n"))
  func countsSize(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let n = try Self.counts(c).patients(power: c.input("power")).exactTotal
    #expect(Tolerance.isClose(n, c.value, relative: Tolerance.powerFormula), "\(n) vs R \(c.value)")
  }

  @Test("Zhu-Lakkis power", arguments: PowerReferenceFile.cases("counts_power"))
  func countsPower(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let p = try Self.counts(c).power(patients: c.input("n"))
    #expect(Tolerance.isClose(p, c.value, relative: Tolerance.powerFormula), "\(p) vs R \(c.value)")
  }

  static func nightly(_ c: PowerCase, icc: Double = 0, m: Double = 1) throws -> NightlyDesign {
    try NightlyDesign(
      p0: c.input("p0"), p1: c.input("p1"), icc: icc, nightsPerPatient: m,
      levels: TwoArmLevels(alpha: c.input("alpha")))
  }

  @Test(
    "power.prop.test n per arm (closed form and uniroot)",
    arguments: PowerReferenceFile.cases("nightly_nights")
      + PowerReferenceFile.cases("nightly_nights_uniroot"))
  func nightlyNights(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let n = try Self.nightly(c).nightsPerArm(power: c.input("power"))
    #expect(Tolerance.isClose(n, c.value, relative: Tolerance.powerFormula), "\(n) vs R \(c.value)")
  }

  @Test("power.prop.test power", arguments: PowerReferenceFile.cases("nightly_power"))
  func nightlyPower(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let p = try Self.nightly(c).power(patients: 2 * c.input("n"))
    #expect(Tolerance.isClose(p, c.value, relative: Tolerance.powerFormula), "\(p) vs R \(c.value)")
  }

  @Test("patients with the design effect", arguments: PowerReferenceFile.cases("nightly_patients"))
  func nightlyPatients(_ argument: FixtureArgument<PowerCase>) throws {
    let c = try argument.value()
    let design = try Self.nightly(c, icc: c.input("icc"), m: c.input("m"))
    let n = try design.patients(power: c.input("power")).exactTotal
    #expect(Tolerance.isClose(n, c.value, relative: Tolerance.powerFormula), "\(n) vs R \(c.value)")
  }
}
