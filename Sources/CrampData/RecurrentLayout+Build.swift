extension RecurrentLayout {
  /// Builds this layout from a night-level diary table.
  ///
  /// Output columns:
  /// - `first`: `patient_id, time, event, nights_observed, <covariates>` (covariates from the
  ///   first observed night);
  /// - `ag`: `patient_id, start, stop, event, <covariates>`;
  /// - `pwp-gap` / `pwp-total`: `patient_id, enum, start, stop, event, <covariates>`, where
  ///   `enum` is 1 + the number of earlier events (the PWP stratum) and gap-time rows count
  ///   from the previous event;
  /// - `counts`: `patient_id, cramps, cramp_nights, nights, <covariates>` (covariates from the
  ///   first observed night; `cramps` sums `cramp_count` when the column exists).
  ///
  /// ``Table/lineNumbers`` of the result point at the diary line where each row begins.
  ///
  /// - Complexity: O(n) for a diary sorted by patient and night, O(n log n) otherwise.
  /// - Throws: ``RecurrentLayoutError`` for a missing column or a row without patient or night.
  public func build(from table: Table, options: RecurrentLayoutOptions = .init())
    throws(RecurrentLayoutError) -> Table
  {
    let input = try LayoutInput(table: table, options: options)
    var out = LayoutAccumulator(layout: self)
    input.forEachPatient { rows in
      switch self {
      case .first: out.addFirst(rows, input: input)
      case .counts: out.addCounts(rows, input: input)
      case .ag, .pwpGap, .pwpTotal:
        out.addIntervals(
          rows, input: input, merge: options.mergeIntervals, rule: options.multipleCramps)
      }
    }
    return out.table(input: input, source: table.source)
  }
}

/// The diary columns a layout reads, resolved and checked once.
struct LayoutInput {
  let table: Table
  let patient: Column
  let patientKeys: PatientKeys
  /// Night index per row, relative to the origin (per patient first date for date diaries).
  let night: [Double]
  let cramp: [Double]
  let count: [Double]?
  let observed: [Double]?
  let covariates: [Column]
  /// Row order grouped by patient (first appearance) and ascending night.
  let order: [Int]

  init(table: Table, options: RecurrentLayoutOptions) throws(RecurrentLayoutError) {
    self.table = table
    func require(_ name: String) throws(RecurrentLayoutError) -> Column {
      guard let c = table[name] else {
        throw .missingColumn(
          source: table.source, column: name,
          suggestion: closestMatch(to: name, among: table.columnNames))
      }
      return c
    }
    patient = try require(options.patientColumn)
    patientKeys = PatientKeys(patient)
    let crampView = NumericView(try require(options.crampColumn))
    cramp = crampView.values
    // The outcome must be 0/1 (or missing): a text value read as missing, or a 2, would
    // silently change the event counts of every model built on this layout.
    for row in 0..<table.rowCount {
      let value = cramp[row]
      let text = crampView.unparsableText(at: row)
      guard text != nil || !(value.isNaN || value == 0 || value == 1) else { continue }
      throw .invalidValue(
        source: table.source, line: Int(table.lineNumbers[row]), column: options.crampColumn,
        message: text.map { "cannot read '\($0)' as a cramp night: code it 0 (no) or 1 (yes)" }
          ?? "must be 0 or 1 (found \(DiaryValidator.format(value)))")
    }
    count = table[options.countColumn].map { NumericView($0).values }
    if let count {
      // A cramp night's count is a whole number of cramps; one past any credible night
      // (or not whole) is a data error, not a number to convert.
      for row in 0..<table.rowCount where cramp[row] == 1 && count[row].isFinite {
        let value = count[row]
        guard value > Self.maximumCrampsPerNight || value != value.rounded() else { continue }
        throw .invalidValue(
          source: table.source, line: Int(table.lineNumbers[row]), column: options.countColumn,
          message:
            "must be a whole number of cramps up to \(Self.maximumCrampsPerNight) (found \(DiaryValidator.format(value)))"
        )
      }
    }
    observed = table[options.observedColumn].map { NumericView($0).values }
    let derivesAge = options.ageAtEnrolmentColumn != nil
    var covs: [Column] = []
    for name in options.covariates where !(derivesAge && name == RecurrentLayoutOptions.ageOver50) {
      covs.append(try require(name))
    }
    var age: [Double]?
    if let name = options.ageAtEnrolmentColumn { age = NumericView(try require(name)).values }
    let n = table.rowCount
    let rawNight: [Double]
    let usesDates: Bool
    if let c = table[options.nightColumn] {
      rawNight = NumericView(c).values
      usesDates = false
    } else if let c = table[options.dateColumn] {
      rawNight = NumericView(c).values
      usesDates = true
    } else {
      throw .missingColumn(source: table.source, column: options.nightColumn, suggestion: nil)
    }
    var keys = [Int64](repeating: 0, count: n)
    for row in 0..<n {
      guard let k = patientKeys.key(row) else {
        throw .invalidValue(
          source: table.source, line: Int(table.lineNumbers[row]), column: options.patientColumn,
          message: "patient_id is empty")
      }
      guard !rawNight[row].isNaN else {
        throw .invalidValue(
          source: table.source, line: Int(table.lineNumbers[row]),
          column: usesDates ? options.dateColumn : options.nightColumn, message: "night is empty")
      }
      keys[row] = k
    }
    // Group rows by patient in order of first appearance, nights ascending; the common case
    // (already sorted) costs one pass.
    var rank: [Int64: Int] = [:]
    var patientRank = [Int](repeating: 0, count: n)
    for row in 0..<n {
      if let r = rank[keys[row]] {
        patientRank[row] = r
      } else {
        patientRank[row] = rank.count
        rank[keys[row]] = rank.count
      }
    }
    var sorted = true
    for row in 1..<max(1, n)
    where (patientRank[row], rawNight[row]) < (patientRank[row - 1], rawNight[row - 1]) {
      sorted = false
      break
    }
    var order = Array(0..<n)
    if !sorted {
      order.sort { (patientRank[$0], rawNight[$0], $0) < (patientRank[$1], rawNight[$1], $1) }
    }
    self.order = order
    // Origin: given, else the smallest night index; for date diaries each patient's first date.
    var shifted = rawNight
    if usesDates {
      var first: [Int: Double] = [:]
      for row in order where first[patientRank[row]] == nil {
        first[patientRank[row]] = rawNight[row]
      }
      for row in 0..<n { shifted[row] = rawNight[row] - (first[patientRank[row]] ?? 0) }
    } else {
      let origin = options.origin.map(Double.init) ?? (rawNight.min() ?? 0)
      for row in 0..<n { shifted[row] = rawNight[row] - origin }
    }
    night = shifted
    if let age {
      let derived = Self.ageOver50(age: age, night: shifted, order: order, rank: patientRank)
      if let slot = options.covariates.firstIndex(of: RecurrentLayoutOptions.ageOver50) {
        covs.insert(derived, at: slot)
      }
    }
    covariates = covs
  }

  /// `age_over_50` per row from the age at enrolment: `age + d / 365.25 >= 50`, `d` the nights
  /// since the patient's first diary row (see ``RecurrentLayout``).
  static func ageOver50(age: [Double], night: [Double], order: [Int], rank: [Int]) -> Column {
    var first: [Int: Double] = [:]
    for row in order where first[rank[row]] == nil { first[rank[row]] = night[row] }
    let n = age.count
    var values = [Double](repeating: 0, count: n)
    var missing = [Bool](repeating: false, count: n)
    for row in 0..<n {
      guard !age[row].isNaN else {
        missing[row] = true
        continue
      }
      let nights = night[row] - (first[rank[row]] ?? night[row])
      values[row] = age[row] + nights / 365.25 >= 50 ? 1 : 0
    }
    return Column(
      name: RecurrentLayoutOptions.ageOver50, type: .integer, numbers: values, missing: missing)
  }

  /// Calls `body` with the row indexes of each patient (in night order).
  func forEachPatient(_ body: (ArraySlice<Int>) -> Void) {
    var begin = 0
    while begin < order.count {
      let key = patientKeys.key(order[begin])
      var end = begin + 1
      while end < order.count, patientKeys.key(order[end]) == key { end += 1 }
      body(order[begin..<end])
      begin = end
    }
  }

  /// Whether the night in `row` has a recorded outcome (observed and cramp known).
  func isObserved(_ row: Int) -> Bool {
    if let observed, observed[row] == 0 { return false }
    return !cramp[row].isNaN
  }

  /// The most cramps one night may record (checked when the layout is built).
  static let maximumCrampsPerNight = 100.0

  /// Number of cramps recorded in `row` (1 for a cramp night without a usable count).
  func cramps(_ row: Int) -> Int {
    guard cramp[row] == 1 else { return 0 }
    guard let count, count[row].isFinite, count[row] >= 1 else { return 1 }
    return Int(count[row])
  }

  /// Whether two rows have identical covariates (missing equals missing).
  func sameCovariates(_ a: Int, _ b: Int) -> Bool {
    for c in covariates {
      if c.type == .string {
        if c.codes[a] != c.codes[b] { return false }
      } else if c.missing[a] != c.missing[b] || (!c.missing[a] && c.numbers[a] != c.numbers[b]) {
        return false
      }
    }
    return true
  }
}

/// Output rows of a layout, as parallel arrays; covariates are gathered at the end from the
/// diary row each output row starts at.
struct LayoutAccumulator {
  let layout: RecurrentLayout
  var sourceRow: [Int] = []
  var start: [Double] = []
  var stop: [Double] = []
  var event: [Double] = []
  var eventNumber: [Double] = []
  var extra: [[Double]] = [[], [], []]

  init(layout: RecurrentLayout) { self.layout = layout }

  mutating func addFirst(_ rows: ArraySlice<Int>, input: LayoutInput) {
    guard let firstObserved = rows.first(where: input.isObserved) else { return }
    var nights = 0
    var time = 0.0
    var status = 0.0
    for row in rows where input.isObserved(row) {
      nights += 1
      let k = input.cramps(row)
      if k > 0 {
        time = input.night[row] + 1
        status = 1
        break
      }
      time = input.night[row] + 1
    }
    sourceRow.append(firstObserved)
    stop.append(time)
    event.append(status)
    extra[0].append(Double(nights))
  }

  mutating func addCounts(_ rows: ArraySlice<Int>, input: LayoutInput) {
    guard let firstObserved = rows.first(where: input.isObserved) else { return }
    var cramps = 0
    var crampNights = 0
    var nights = 0
    for row in rows where input.isObserved(row) {
      nights += 1
      let k = input.cramps(row)
      cramps += k
      if k > 0 { crampNights += 1 }
    }
    sourceRow.append(firstObserved)
    extra[0].append(Double(cramps))
    extra[1].append(Double(crampNights))
    extra[2].append(Double(nights))
  }

  /// Counting-process rows for AG and PWP; see ``RecurrentLayout/build(from:options:)``.
  mutating func addIntervals(
    _ rows: ArraySlice<Int>, input: LayoutInput, merge: Bool, rule: MultipleCrampRule
  ) {
    let gapTime = layout == .pwpGap
    var events = 0
    var lastEventTime = 0.0
    // The open (event-free, not yet written) interval: its first diary row and its span.
    var openRow = -1
    var openStart = 0.0
    var openStop = 0.0
    func emit(_ row: Int, _ s: Double, _ e: Double, _ status: Double) {
      sourceRow.append(row)
      let shift = gapTime ? lastEventTime : 0
      start.append(s - shift)
      stop.append(e - shift)
      event.append(status)
      eventNumber.append(Double(events + 1))
    }
    func flush() {
      if openRow >= 0 { emit(openRow, openStart, openStop, 0) }
      openRow = -1
    }
    for row in rows {
      guard input.isObserved(row) else {
        flush()
        continue
      }
      let nightStart = input.night[row]
      let nightStop = nightStart + 1
      let k = input.cramps(row)
      let contiguous =
        openRow >= 0 && merge && openStop == nightStart && input.sameCovariates(openRow, row)
      if !contiguous { flush() }
      if k == 0 {
        if openRow < 0 {
          openRow = row
          openStart = nightStart
        }
        openStop = nightStop
        continue
      }
      let pieces = rule == .split ? k : 1
      let width = 1.0 / Double(pieces)
      for j in 0..<pieces {
        let s = j == 0 && openRow >= 0 ? openStart : nightStart + Double(j) * width
        let e = j == pieces - 1 ? nightStop : nightStart + Double(j + 1) * width
        emit(j == 0 && openRow >= 0 ? openRow : row, s, e, 1)
        openRow = -1
        events += 1
        lastEventTime = e
      }
    }
    flush()
  }

  func table(input: LayoutInput, source: String) -> Table {
    let n = sourceRow.count
    let noMissing = [Bool](repeating: false, count: n)
    var columns: [Column] = [gather(input.patient, name: "patient_id")]
    func numeric(_ name: String, _ values: [Double]) -> Column {
      let allIntegral = values.allSatisfy { $0 == $0.rounded() }
      return Column(
        name: name, type: allIntegral ? .integer : .double, numbers: values, missing: noMissing)
    }
    switch layout {
    case .first:
      columns += [
        numeric("time", stop), numeric("event", event), numeric("nights_observed", extra[0]),
      ]
    case .counts:
      columns += [
        numeric("cramps", extra[0]), numeric("cramp_nights", extra[1]), numeric("nights", extra[2]),
      ]
    case .ag:
      columns += [numeric("start", start), numeric("stop", stop), numeric("event", event)]
    case .pwpGap, .pwpTotal:
      columns += [
        numeric("enum", eventNumber), numeric("start", start), numeric("stop", stop),
        numeric("event", event),
      ]
    }
    for c in input.covariates { columns.append(gather(c, name: c.name)) }
    let lines = sourceRow.map { input.table.lineNumbers[$0] }
    return Table(source: source, columns: columns, lineNumbers: lines)
  }

  private func gather(_ column: Column, name: String) -> Column {
    if column.type == .string {
      return Column(name: name, codes: sourceRow.map { column.codes[$0] }, levels: column.levels)
    }
    return Column(
      name: name, type: column.type, numbers: sourceRow.map { column.numbers[$0] },
      missing: sourceRow.map { column.missing[$0] })
  }
}
