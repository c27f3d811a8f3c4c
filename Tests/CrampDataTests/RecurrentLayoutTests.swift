import Testing

@testable import CrampData

/// A small diary built by hand: patient A has nights 0-6 with a cramp on night 2 (two
/// cramps) and night 5, night 4 missing (observed = 0), and trimester changing on night 3;
/// patient B has nights 0-2, no cramp.
private func handDiary() -> Table {
  let rows: [(String, Double, Double?, Double?, Double, Double)] = [
    // patient, night, cramp, count, observed, trimester
    ("A", 0, 0, 0, 1, 1), ("A", 1, 0, 0, 1, 1), ("A", 2, 1, 2, 1, 1), ("A", 3, 0, 0, 1, 2),
    ("A", 4, nil, nil, 0, 2), ("A", 5, 1, 1, 1, 2), ("A", 6, 0, 0, 1, 2),
    ("B", 0, 0, 0, 1, 0), ("B", 1, 0, 0, 1, 0), ("B", 2, 0, 0, 1, 0),
  ]
  func numeric(_ name: String, _ values: [Double?]) -> Column {
    Column(
      name: name, type: .integer, numbers: values.map { $0 ?? .nan },
      missing: values.map { $0 == nil })
  }
  let ids = Column(name: "patient_id", codes: rows.map { $0.0 == "A" ? 0 : 1 }, levels: ["A", "B"])
  return Table(
    source: "hand.csv",
    columns: [
      ids, numeric("night", rows.map(\.1)), numeric("cramp", rows.map(\.2)),
      numeric("cramp_count", rows.map(\.3)), numeric("observed", rows.map(\.4)),
      numeric("trimester", rows.map(\.5)),
    ],
    lineNumbers: (0..<rows.count).map { Int32($0 + 2) })
}

private func values(_ table: Table, _ name: String) -> [Double] {
  table[name]?.numbers ?? []
}

@Suite("Diary to analysis layouts")
struct RecurrentLayoutTests {
  let options = RecurrentLayoutOptions(covariates: ["trimester"])

  @Test("AG: merged cramp-free runs, a gap for the missing night, events end intervals")
  func andersenGill() throws {
    let t = try RecurrentLayout.ag.build(from: handDiary(), options: options)
    // A: (0,3] event (nights 0-2, same trimester); (3,4] trimester 2; gap (4,5];
    //    (5,6] event; (6,7] censored. B: (0,3] censored.
    #expect(values(t, "start") == [0, 3, 5, 6, 0])
    #expect(values(t, "stop") == [3, 4, 6, 7, 3])
    #expect(values(t, "event") == [1, 0, 1, 0, 0])
    #expect(values(t, "trimester") == [1, 2, 2, 2, 0])
    #expect(t.lineNumbers == [2, 5, 7, 8, 9])
    #expect(t["patient_id"]?.codes == [0, 0, 0, 0, 1])
  }

  @Test("AG without merging: one row per observed night, same events and risk time")
  func unmerged() throws {
    var o = options
    o.mergeIntervals = false
    let t = try RecurrentLayout.ag.build(from: handDiary(), options: o)
    #expect(t.rowCount == 9)
    #expect(values(t, "event").reduce(0, +) == 2)
    let time = zip(values(t, "start"), values(t, "stop")).map { $1 - $0 }.reduce(0, +)
    #expect(time == 9)
  }

  @Test("split rule: a night with two cramps gives two half-night intervals with events")
  func split() throws {
    var o = options
    o.multipleCramps = .split
    let t = try RecurrentLayout.ag.build(from: handDiary(), options: o)
    #expect(values(t, "start") == [0, 2.5, 3, 5, 6, 0])
    #expect(values(t, "stop") == [2.5, 3, 4, 6, 7, 3])
    #expect(values(t, "event") == [1, 1, 0, 1, 0, 0])
  }

  @Test("PWP: event number strata; gap time restarts after each event")
  func pwp() throws {
    let total = try RecurrentLayout.pwpTotal.build(from: handDiary(), options: options)
    #expect(values(total, "enum") == [1, 2, 2, 3, 1])
    #expect(values(total, "start") == [0, 3, 5, 6, 0])
    let gap = try RecurrentLayout.pwpGap.build(from: handDiary(), options: options)
    #expect(values(gap, "start") == [0, 0, 2, 0, 0])
    #expect(values(gap, "stop") == [3, 1, 3, 1, 3])
  }

  @Test("first and counts: one row per patient")
  func perPatient() throws {
    let first = try RecurrentLayout.first.build(from: handDiary(), options: options)
    #expect(values(first, "time") == [3, 3])
    #expect(values(first, "event") == [1, 0])
    #expect(values(first, "nights_observed") == [3, 3])
    let counts = try RecurrentLayout.counts.build(from: handDiary(), options: options)
    #expect(values(counts, "cramps") == [3, 0])
    #expect(values(counts, "cramp_nights") == [2, 0])
    #expect(values(counts, "nights") == [6, 3])
    #expect(values(counts, "trimester") == [1, 0])
  }

  @Test("a missing covariate column names the closest one")
  func missingColumn() {
    #expect(
      throws: RecurrentLayoutError.missingColumn(
        source: "hand.csv", column: "trimster", suggestion: "trimester")
    ) {
      try RecurrentLayout.ag.build(
        from: handDiary(), options: RecurrentLayoutOptions(covariates: ["trimster"]))
    }
  }
}

@Suite("Age crossing 50 from the age at enrolment")
struct AgeCrossingTests {
  /// Patient A enrolled at 49.99 (nights 0-7, cramp on night 6, night 1 missing); patient B
  /// at 60 and C at 30 (nights 0-2); the diary's own `age_over_50` is the enrolment value.
  static func diary() -> Table {
    let rows: [(Int32, Double, Double?, Double)] = [
      // patient, night, cramp, age
      (0, 0, 0, 49.99), (0, 1, nil, 49.99), (0, 2, 0, 49.99), (0, 3, 0, 49.99),
      (0, 4, 0, 49.99), (0, 5, 0, 49.99), (0, 6, 1, 49.99), (0, 7, 0, 49.99),
      (1, 0, 0, 60), (1, 1, 1, 60), (1, 2, 0, 60), (2, 0, 0, 30), (2, 1, 0, 30), (2, 2, 0, 30),
    ]
    func numeric(_ name: String, _ values: [Double?]) -> Column {
      Column(
        name: name, type: .double, numbers: values.map { $0 ?? .nan },
        missing: values.map { $0 == nil })
    }
    return Table(
      source: "age.csv",
      columns: [
        Column(name: "patient_id", codes: rows.map(\.0), levels: ["A", "B", "C"]),
        numeric("night", rows.map(\.1)), numeric("cramp", rows.map(\.2)),
        numeric("observed", rows.map { $0.2 == nil ? 0 : 1 }), numeric("age", rows.map(\.3)),
        numeric("age_over_50", rows.map { $0.3 >= 50 ? 1 : 0 }),
      ],
      lineNumbers: (0..<rows.count).map { Int32($0 + 2) })
  }

  @Test("49.99 at enrolment: over 50 from night 4 (49.99 + 4/365.25 >= 50), intervals split")
  func crossing() throws {
    let options = RecurrentLayoutOptions(
      covariates: ["age_over_50"], ageAtEnrolmentColumn: "age")
    let t = try RecurrentLayout.ag.build(from: Self.diary(), options: options)
    // A: (0,1] age 49.99; gap (1,2]; (2,4] under 50; (4,7] event (turned 50 on night 4);
    //    (7,8]. B: 60 throughout. C: 30 throughout.
    #expect(values(t, "start") == [0, 2, 4, 7, 0, 2, 0])
    #expect(values(t, "stop") == [1, 4, 7, 8, 2, 3, 3])
    #expect(values(t, "event") == [0, 0, 1, 0, 1, 0, 0])
    #expect(values(t, "age_over_50") == [0, 0, 1, 1, 1, 1, 0])
    // Without the option the diary's constant enrolment value is used: no split at night 4.
    let recorded = try RecurrentLayout.ag.build(
      from: Self.diary(), options: RecurrentLayoutOptions(covariates: ["age_over_50"]))
    #expect(values(recorded, "start") == [0, 2, 7, 0, 2, 0])
    #expect(values(recorded, "age_over_50") == [0, 0, 0, 1, 1, 0])
  }

  @Test("the threshold: 49 crosses on night 366 (365.25 rounded up), 50 is over from night 0")
  func threshold() {
    let nights: [Double] = [0, 365, 366, 0]
    let column = LayoutInput.ageOver50(
      age: [49, 49, 49, 50], night: nights, order: [0, 1, 2, 3], rank: [0, 0, 0, 1])
    #expect(column.numbers == [0, 0, 1, 1])
    let missing = LayoutInput.ageOver50(age: [.nan], night: [3], order: [0], rank: [0])
    #expect(missing.missing == [true])
  }

  @Test("a missing age column is reported")
  func missingColumn() {
    let options = RecurrentLayoutOptions(
      covariates: ["age_over_50"], ageAtEnrolmentColumn: "age_enrol")
    #expect(throws: RecurrentLayoutError.self) {
      try RecurrentLayout.ag.build(from: Self.diary(), options: options)
    }
  }
}
