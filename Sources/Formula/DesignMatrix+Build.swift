import CrampData

/// A model variable evaluated on the used rows.
private enum Evaluated {
  case numeric([Double])
  /// Codes `0..<levels.count` per row; `levels` sorted, reference first after reordering.
  case categorical(name: String, codes: [Int32], levels: [String])
  /// A spline basis of `x` (the variable on the used rows): one column per basis function.
  case spline(SplineSpec, SplineBasis, x: [Double])
}

/// How one variable of a term contributes columns (R's TermCode: 1 contrasts, 2 indicators).
private enum Coding {
  case numeric
  case contrasts
  case indicators
}

extension DesignMatrix {
  /// Builds the design matrix of `formula` on `table`.
  ///
  /// Steps, as R's `model.frame` + `model.matrix` with `na.omit` and `drop.unused.levels`:
  /// find rows where any column the formula (or the cluster option) reads is missing and drop
  /// them (or throw with `.fail`); evaluate each variable on the remaining rows; order levels
  /// of categorical variables (sorted; reference first); expand terms into columns.
  ///
  /// - Throws: ``FormulaError`` for unknown columns (with "did you mean"), text used as a
  ///   number, missing values under `.fail`, non-finite transformed values, unknown reference
  ///   levels, categorical variables with one level, or no complete rows.
  /// - Complexity: O(n p) time and one `n * p` allocation for the matrix.
  public static func build(
    _ formula: Formula, table: Table, options: DesignOptions = DesignOptions()
  ) throws -> DesignMatrix {
    try formula.checkColumns(table.columnNames)
    if let cluster = options.cluster, table.index(of: cluster) == nil {
      throw FormulaError.unknownClusterColumn(
        name: cluster, suggestion: closestMatch(to: cluster, among: table.columnNames))
    }
    var builder = Builder(formula: formula, table: table, options: options)
    return try builder.build()
  }
}

private struct Builder {
  let formula: Formula
  let table: Table
  let options: DesignOptions
  var rows: [Int32] = []
  var allRows = false
  var cache: [Expression: Evaluated] = [:]

  init(formula: Formula, table: Table, options: DesignOptions) {
    self.formula = formula
    self.table = table
    self.options = options
  }

  mutating func build() throws -> DesignMatrix {
    let (dropped, counts) = try selectRows()
    guard !rows.isEmpty else { throw FormulaError.noCompleteRows(dropped: dropped) }
    let n = rows.count

    var response: [Double]?
    var survival: SurvivalOutcome?
    switch formula.response {
    case .expression(let e)?:
      response = try numeric(e)
    case .survival(let start, let stop, let status)?:
      survival = SurvivalOutcome(
        start: try start.map { try numeric($0) }, stop: try numeric(stop),
        status: try numeric(status))
    case nil:
      break
    }
    var offset: [Double]?
    for e in formula.offsets {
      let values = try numeric(e)
      offset = offset.map { zip($0, values).map { $0 + $1 } } ?? values
    }

    // Variables of every term, evaluated once each.
    var levelsByName: [String: [String]] = [:]
    for term in formula.terms {
      for variable in term.variables where cache[variable] == nil {
        let value = try evaluate(variable)
        cache[variable] = value
        if case .categorical(let name, _, let levels) = value { levelsByName[name] = levels }
      }
    }
    for name in options.references.keys where levelsByName[name] == nil {
      throw FormulaError.referenceForNonCategorical(variable: name)
    }

    let codings = termCodings()
    // Column layout: names and, per column, one component per variable of its term.
    var names: [String] = []
    var columnTerms: [Int?] = []
    var components: [[(Expression, Int?)]] = []  // level index for categorical variables
    if formula.hasIntercept {
      names.append("(Intercept)")
      columnTerms.append(nil)
      components.append([])
    }
    for (t, term) in formula.terms.enumerated() {
      var combos: [[(Expression, Int?, String)]] = [[]]
      // The first variable varies fastest, as in R.
      for (v, variable) in term.variables.enumerated() {
        var parts: [(Expression, Int?, String)] = []
        switch (cache[variable], codings[t][v]) {
        case (.categorical(let name, _, let levels)?, let coding):
          let first = coding == .indicators ? 0 : 1
          for level in first..<levels.count {
            parts.append((variable, level, "\(name)[\(levels[level])]"))
          }
        case (.spline(let spec, let basis, _)?, _):
          for j in 0..<basis.columnCount { parts.append((variable, j, spec.columnName(j))) }
        default:
          parts.append((variable, nil, variable.label))
        }
        let width = names.count + combos.count * parts.count
        if width > DesignMatrix.maximumColumns || width * n > DesignMatrix.maximumValues {
          throw FormulaError.designTooLarge(
            term: term.label, columns: width, rows: n,
            limit: width > DesignMatrix.maximumColumns
              ? "\(DesignMatrix.maximumColumns) columns"
              : "\(DesignMatrix.maximumValues) values (8 bytes each)")
        }
        var next: [[(Expression, Int?, String)]] = []
        for part in parts {
          for combo in combos { next.append(combo + [part]) }
        }
        combos = next
      }
      for combo in combos {
        names.append(combo.map(\.2).joined(separator: ":"))
        columnTerms.append(t)
        components.append(combo.map { ($0.0, $0.1) })
      }
    }

    let p = names.count
    // A spline that is a term of its own fills its columns straight into the matrix; one in
    // an interaction is evaluated once into `interacted` and multiplied in like a number.
    var interacted: [Expression: [Double]] = [:]
    for parts in components where parts.count > 1 {
      for (variable, _) in parts where interacted[variable] == nil {
        guard case .spline(_, let basis, let x)? = cache[variable] else { continue }
        var flat = [Double](repeating: 0, count: n * basis.columnCount)
        x.withUnsafeBufferPointer { xs in
          flat.withUnsafeMutableBufferPointer { o in
            if let base = o.baseAddress { basis.fill(xs, into: base, stride: n) }
          }
        }
        interacted[variable] = flat
      }
    }
    // Every element is written by its column's first component (no zero fill on top of the
    // kernel's page zeroing); later components multiply in. Writing the first component
    // directly gives the same values as starting from 1 (1 * x == x exactly).
    let values = [Double](unsafeUninitializedCapacity: n * p) { out, initialized in
      for (j, parts) in components.enumerated() {
        let base = j * n
        var first = true
        for (variable, level) in parts {
          switch cache[variable] {
          case .numeric(let x)?:
            x.withUnsafeBufferPointer { x in
              if first {
                for i in 0..<n { out[base + i] = x[i] }
              } else {
                for i in 0..<n { out[base + i] *= x[i] }
              }
            }
          case .categorical(_, let codes, _)?:
            let target = Int32(level ?? -1)
            codes.withUnsafeBufferPointer { codes in
              if first {
                for i in 0..<n { out[base + i] = codes[i] == target ? 1 : 0 }
              } else {
                for i in 0..<n where codes[i] != target { out[base + i] = 0 }
              }
            }
          case .spline(_, let basis, let x)?:
            let j = level ?? 0
            if parts.count == 1 {
              // Columns of one basis are adjacent: the first fills them all.
              if j == 0, let start = out.baseAddress {
                x.withUnsafeBufferPointer { basis.fill($0, into: start + base, stride: n) }
              }
            } else if let flat = interacted[variable] {
              flat.withUnsafeBufferPointer { b in
                if first {
                  for i in 0..<n { out[base + i] = b[j * n + i] }
                } else {
                  for i in 0..<n { out[base + i] *= b[j * n + i] }
                }
              }
            }
          case nil:
            if first { for i in 0..<n { out[base + i] = 1 } }
          }
          first = false
        }
        if first { for i in 0..<n { out[base + i] = 1 } }
      }
      initialized = n * p
    }

    let clusters = try grouping(
      options.cluster.map { [Expression.column($0)] } ?? formula.clusters)
    let strata = try grouping(formula.strata)
    var bases: [String: SplineBasis] = [:]
    for (variable, value) in cache {
      if case .spline(_, let basis, _) = value { bases[variable.label] = basis }
    }
    var design = DesignMatrix(
      formula: formula, source: table.source, rowCount: n, columnCount: p, values: values,
      columnNames: names, columnTerms: columnTerms, response: response, survival: survival,
      offset: offset, clusters: clusters, strata: strata, rowsUsed: rows,
      lineNumbers: allRows ? table.lineNumbers : rows.map { table.lineNumbers[Int($0)] },
      droppedRowCount: dropped, droppedByVariable: counts, categoricalLevels: levelsByName)
    design.splineBases = bases
    return design
  }

  // MARK: Rows

  /// Chooses the complete rows; returns the number dropped and per-column missing counts.
  private mutating func selectRows() throws -> (Int, [String: Int]) {
    var names = formula.columnReferences.map(\.name)
    if let cluster = options.cluster, !names.contains(cluster) { names.append(cluster) }
    let columns = names.compactMap { table[$0] }
    let n = table.rowCount
    var keep = [Bool](repeating: true, count: n)
    var counts: [String: Int] = [:]
    for column in columns where column.missingCount > 0 {
      counts[column.name] = column.missingCount
      for i in 0..<n where column.missing[i] { keep[i] = false }
    }
    let dropped = keep.reduce(0) { $0 + ($1 ? 0 : 1) }
    if dropped > 0, options.missing == .fail, let row = keep.firstIndex(of: false) {
      let column = columns.first { $0.missing[row] }?.name ?? ""
      throw FormulaError.missingValue(
        source: table.source, line: Int(table.lineNumbers[row]), column: column)
    }
    allRows = dropped == 0
    rows.reserveCapacity(n - dropped)
    for i in 0..<n where keep[i] { rows.append(Int32(i)) }
    return (dropped, counts)
  }

  // MARK: Evaluation

  private func isCategorical(_ e: Expression) -> Bool {
    if e.isFactorCall { return true }
    if case .column(let name) = e, let column = table[name] { return !column.isNumeric }
    return false
  }

  private mutating func evaluate(_ e: Expression) throws -> Evaluated {
    if let spec = SplineSpec(e) { return try spline(spec, label: e.label) }
    if !isCategorical(e) { return .numeric(try numeric(e)) }
    let inner: Expression
    if case .call("factor", let arguments) = e { inner = arguments[0] } else { inner = e }
    let name = inner.label
    var codes: [Int32]
    var levels: [String]
    if case .column(let columnName) = inner, let column = table[columnName], !column.isNumeric {
      // Present levels only (glm's drop.unused.levels), sorted by code point.
      var present = [Bool](repeating: false, count: column.levels.count)
      for r in rows { present[Int(column.codes[Int(r)])] = true }
      let order = column.levels.indices.filter { present[$0] }.sorted {
        column.levels[$0] < column.levels[$1]
      }
      var map = [Int32](repeating: -1, count: column.levels.count)
      if let agreed = options.fixedLevels[name] {
        let position = Dictionary(
          agreed.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        for original in order {
          guard let k = position[column.levels[original]] else {
            let row = rows.first { Int(column.codes[Int($0)]) == original } ?? 0
            throw FormulaError.levelOutsidePartitionLevels(
              source: table.source, line: Int(table.lineNumbers[Int(row)]), variable: name,
              level: column.levels[original])
          }
          map[original] = k
        }
        levels = agreed
      } else {
        for (k, original) in order.enumerated() { map[original] = Int32(k) }
        levels = order.map { column.levels[$0] }
      }
      codes = rows.map { map[Int(column.codes[Int($0)])] }
      try checkLevelCount(levels.count, column: column)
    } else if let agreed = options.fixedLevels[name] {
      let x = try numeric(inner)
      let (distinct, firstCodes) = Self.denseCodes(x)
      let position = Dictionary(
        agreed.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
      var map = [Int32](repeating: -1, count: distinct.count)
      for (k, value) in distinct.enumerated() {
        let text = Expression.format(number: value)
        guard let code = position[text] else {
          let row = rows[firstCodes.firstIndex(of: Int32(k)) ?? 0]
          throw FormulaError.levelOutsidePartitionLevels(
            source: table.source, line: Int(table.lineNumbers[Int(row)]), variable: name,
            level: text)
        }
        map[k] = code
      }
      levels = agreed
      codes = firstCodes.map { map[Int($0)] }
    } else {
      let x = try numeric(inner)
      let (distinct, firstCodes) = Self.denseCodes(x)
      // Renumber from first-appearance order to numeric order.
      let order = distinct.indices.sorted { distinct[$0] < distinct[$1] }
      var rank = [Int32](repeating: 0, count: distinct.count)
      for (k, original) in order.enumerated() { rank[original] = Int32(k) }
      levels = order.map { Expression.format(number: distinct[$0]) }
      codes = firstCodes.map { rank[Int($0)] }
    }
    if let reference = options.references[name] {
      guard let r = levels.firstIndex(of: reference) else {
        throw FormulaError.unknownReferenceLevel(
          variable: name, level: reference, levels: levels,
          suggestion: closestMatch(to: reference, among: levels))
      }
      if r != 0 {
        // Move the reference to the front; the other levels keep their order.
        let old = Int32(r)
        codes = codes.map { $0 == old ? 0 : ($0 < old ? $0 + 1 : $0) }
        levels.insert(levels.remove(at: r), at: 0)
      }
    }
    if levels.count < 2, !options.allowsSingleLevel {
      throw FormulaError.singleLevel(variable: name, level: levels.first ?? "")
    }
    return .categorical(name: name, codes: codes, levels: levels)
  }

  /// Places the knots of a spline term on the used rows (R's `ns`/`bs` with `intercept = FALSE`).
  ///
  /// The knots come from every row where the spline's own variable is present, not only the
  /// rows the model uses: R's `model.frame` evaluates `ns(age)` before `na.omit` drops rows
  /// missing another variable, so a row missing the response still places knots.
  private func spline(_ spec: SplineSpec, label: String) throws -> Evaluated {
    for name in spec.argument.columnNames {
      if let column = table[name], !column.isNumeric {
        throw FormulaError.spline(
          term: label, reason: "column '\(name)' holds text; a spline needs a numeric variable")
      }
    }
    let x = try numeric(spec.argument)
    if let fitted = options.splineBases[label] {
      let low = fitted.boundaryKnots.first ?? 0
      let high = fitted.boundaryKnots.last ?? 0
      if let outside = x.first(where: { !($0 >= low && $0 <= high) }) {
        throw FormulaError.spline(
          term: label,
          reason: "\(Expression.format(number: outside)) is outside the boundary knots "
            + "\(Expression.format(number: low)) to \(Expression.format(number: high)) of the "
            + "fitted basis; extrapolating a spline is not supported")
      }
      return .spline(spec, fitted, x: x)
    }
    var sample = self
    let columns = spec.argument.columnNames.compactMap { table[$0] }
    sample.rows = (0..<table.rowCount).filter { i in !columns.contains { $0.missing[i] } }.map {
      Int32($0)
    }
    sample.allRows = sample.rows.count == table.rowCount
    let knotValues = try sample.numeric(spec.argument)
    do {
      let basis = try SplineBasis(
        kind: spec.kind, values: knotValues, degreesOfFreedom: spec.degreesOfFreedom,
        knots: spec.knots,
        degree: spec.degree)
      return .spline(spec, basis, x: x)
    } catch let problem as SplineBasis.Problem {
      let variable = spec.argument.label
      let reason: String
      switch problem {
      case .degreesOfFreedomTooSmall(let minimum):
        reason = "df must be at least \(minimum)"
      case .badDegree:
        reason = "degree must be at least 1"
      case .collapsingKnots(let distinct):
        reason =
          "'\(variable)' has \(distinct) distinct value\(distinct == 1 ? "" : "s") where it is "
          + "present, too few for the knots asked for (they would coincide); use fewer df, "
          + "explicit knots, or the variable as a factor"
      case .knotOutsideRange(let knot):
        reason =
          "knot \(Expression.format(number: knot)) is not inside the range of '\(variable)' "
          + "(\(Expression.format(number: x.min() ?? 0)) to "
          + "\(Expression.format(number: x.max() ?? 0)))"
      }
      throw FormulaError.spline(term: label, reason: reason)
    }
  }

  /// Refuses a text factor with too many levels (``DesignOptions/maximumFactorLevels``).
  private func checkLevelCount(_ count: Int, column: Column) throws {
    let limit = DesignOptions.maximumFactorLevels
    let tooMany = count > limit
    let mostlyDistinct = count >= DesignOptions.distinctShareMinimumLevels && count * 2 > rows.count
    guard tooMany || mostlyDistinct, let firstRow = rows.first else { return }
    var line = Int(table.lineNumbers[Int(firstRow)])
    if tooMany {
      var seen = Set<Int32>()
      for r in rows where seen.insert(column.codes[Int(r)]).inserted && seen.count > limit {
        line = Int(table.lineNumbers[Int(r)])
        break
      }
    }
    throw FormulaError.tooManyLevels(
      source: table.source, line: line, column: column.name, levels: count, rows: rows.count)
  }

  /// Evaluates an expression as numbers on the used rows, refusing non-finite results.
  private func numeric(_ e: Expression) throws -> [Double] {
    let values = try compute(e)
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      throw FormulaError.nonFiniteValue(
        source: table.source, line: Int(table.lineNumbers[Int(rows[bad])]), expression: e.label)
    }
    return values
  }

  private func compute(_ e: Expression) throws -> [Double] {
    switch e {
    case .column(let name):
      guard let column = table[name] else { return [] }
      guard column.isNumeric else { throw FormulaError.notNumeric(column: name) }
      if allRows { return column.numbers }
      return rows.map { column.numbers[Int($0)] }
    case .number(let value):
      return [Double](repeating: value, count: rows.count)
    case .negate(let operand):
      return try compute(operand).map { -$0 }
    case .binary(let op, let lhs, let rhs):
      let a = try compute(lhs)
      let b = try compute(rhs)
      return zip(a, b).map { op.apply($0, $1) }
    case .call(let name, let arguments):
      if SplineSpec.functions.contains(name) || name.hasPrefix("=") {
        throw FormulaError.spline(
          term: e.label,
          reason: "a spline is a model term of its own; it cannot be used inside arithmetic, "
            + "I(), a response, offset(), strata() or cluster()")
      }
      if name == "I" { return try compute(arguments[0]) }
      if name == "factor" {
        // factor() inside arithmetic: R would refuse; use the underlying numbers.
        return try compute(arguments[0])
      }
      guard let function = Expression.numericFunctions[name] else {
        return try compute(arguments[0])
      }
      return try compute(arguments[0]).map(function)
    }
  }

  /// Distinct values in order of first appearance and the code of each row.
  ///
  /// Diary rows come grouped (a patient's nights, a handful of trimester codes), so the
  /// previous row's value is tried first and a dictionary is consulted only on a change.
  static func denseCodes(_ x: [Double]) -> ([Double], [Int32]) {
    var distinct: [Double] = []
    var index: [Double: Int32] = [:]
    var codes = [Int32](repeating: 0, count: x.count)
    var lastValue = Double.nan
    var lastCode: Int32 = 0
    for (i, value) in x.enumerated() {
      if value != lastValue {
        if let code = index[value] {
          lastCode = code
        } else {
          lastCode = Int32(distinct.count)
          index[value] = lastCode
          distinct.append(value)
        }
        lastValue = value
      }
      codes[i] = lastCode
    }
    return (distinct, codes)
  }

  // MARK: Coding (R's TermCode)

  /// For each term and each of its variables: numeric, contrasts or indicator columns.
  ///
  /// A categorical variable gets contrasts when the term without it is empty (main effect)
  /// or contained in an earlier term; otherwise all its levels. Without an intercept, the
  /// first categorical variable of the first term that has one gets all its levels, which
  /// is what `model.matrix` does.
  private func termCodings() -> [[Coding]] {
    let sets = formula.terms.map { Set($0.variables) }
    var codings: [[Coding]] = []
    for (t, term) in formula.terms.enumerated() {
      var row: [Coding] = []
      for variable in term.variables {
        guard case .categorical? = cache[variable] else {
          row.append(.numeric)
          continue
        }
        var margin = sets[t]
        margin.remove(variable)
        let contained = margin.isEmpty || sets[..<t].contains { margin.isSubset(of: $0) }
        row.append(contained ? .contrasts : .indicators)
      }
      codings.append(row)
    }
    if !formula.hasIntercept {
      outer: for t in codings.indices {
        for v in codings[t].indices where codings[t][v] != .numeric {
          codings[t][v] = .indicators
          break outer
        }
      }
    }
    return codings
  }

  // MARK: Groupings

  private func grouping(_ expressions: [Expression]) throws -> Grouping? {
    guard !expressions.isEmpty else { return nil }
    var perVariable: [(label: String, keys: [Int32], names: [String])] = []
    for e in expressions {
      if case .column(let name) = e, let column = table[name], !column.isNumeric {
        var names: [String] = []
        // Codes are already dense per level: renumber by first appearance with an array.
        var renumber = [Int32](repeating: -1, count: column.levels.count)
        let keys = rows.map { r -> Int32 in
          let code = Int(column.codes[Int(r)])
          if renumber[code] < 0 {
            renumber[code] = Int32(names.count)
            names.append(column.levels[code])
          }
          return renumber[code]
        }
        perVariable.append((e.label, keys, names))
      } else {
        let (distinct, keys) = Self.denseCodes(try numeric(e))
        perVariable.append((e.label, keys, distinct.map { Expression.format(number: $0) }))
      }
    }
    if perVariable.count == 1 {
      return Grouping(codes: perVariable[0].keys, labels: perVariable[0].names)
    }
    var labels: [String] = []
    var map: [[Int32]: Int32] = [:]
    var codes = [Int32](repeating: 0, count: rows.count)
    for i in 0..<rows.count {
      let key = perVariable.map { $0.keys[i] }
      if let k = map[key] {
        codes[i] = k
      } else {
        map[key] = Int32(labels.count)
        codes[i] = Int32(labels.count)
        labels.append(
          zip(perVariable, key).map { "\($0.label)=\($0.names[Int($1)])" }.joined(separator: ", "))
      }
    }
    return Grouping(codes: codes, labels: labels)
  }
}
