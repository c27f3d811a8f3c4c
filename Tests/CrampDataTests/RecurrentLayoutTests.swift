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
