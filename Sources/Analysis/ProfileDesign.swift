import CrampData
import Formula

/// What a fitted model needs to know about one input variable to score new patients.
public struct VariableInfo: Sendable, Codable, Equatable {
  /// Column name in the data.
  public var name: String
  /// Whether the column holds text (a string column); otherwise numbers.
  public var isText: Bool
  /// Training levels (reference first) when the variable is categorical in the model.
  public var levels: [String]?
  /// Range and median of a numeric variable over the rows the model used.
  public var minimum: Double?
  public var maximum: Double?
  public var median: Double?
  /// Most frequent value of a categorical or text variable.
  public var mode: String?

  /// The value used for the cohort's median patient.
  public var typicalValue: String {
    if let mode { return mode }
    if let median { return Self.text(median) }
    return ""
  }

  static func text(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
  }
}

/// Builds design rows for covariate profiles (a new patient, the cohort median patient)
/// exactly as the model's training design was built.
///
/// The profile is evaluated by the Formula module on a small table: the profile's row plus
/// one row per training level of each categorical variable, so level order, reference levels
/// and term names come out as in training. Only the profile's row is kept.
public enum ProfileDesign {
  /// Describes every variable of `formula`'s right-hand side on the rows a design used.
  public static func variables(
    of formula: Formula, design: DesignMatrix, table: Table
  ) -> [VariableInfo] {
    var names: [String] = []
    for term in formula.terms {
      for variable in term.variables {
        for reference in variable.columnNames where !names.contains(reference) {
          names.append(reference)
        }
      }
    }
    return names.compactMap { name in
      guard let column = table[name] else { return nil }
      let rows = design.rowsUsed.map(Int.init)
      var info = VariableInfo(name: name, isText: !column.isNumeric)
      info.levels = design.categoricalLevels[name]
      if column.isNumeric {
        let values = rows.map { column.numbers[$0] }.filter { $0.isFinite }.sorted()
        info.minimum = values.first
        info.maximum = values.last
        if !values.isEmpty {
          let mid = values.count / 2
          info.median = values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
        }
      }
      if info.levels != nil || !column.isNumeric {
        var counts: [String: Int] = [:]
        for row in rows { if let t = column.text(at: row) { counts[t, default: 0] += 1 } }
        info.mode = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
      }
      return info
    }
  }

  /// The right-hand side of `formula` as a formula text without response, offset, strata
  /// or cluster terms.
  public static func rightHandSide(_ formula: Formula) -> String {
    let terms = formula.termLabels.joined(separator: " + ")
    if terms.isEmpty { return formula.hasIntercept ? "~ 1" : "~ 0" }
    return "~ " + terms + (formula.hasIntercept ? "" : " - 1")
  }

  /// One design row for `values` (variable name -> value text); variables not given take the
  /// cohort's typical value and are listed in `filled`.
  ///
  /// - Returns: the row (one value per design column, `columnNames` order) and the names
  ///   of the variables that were filled in.
  /// - Throws: ``ProfileError`` for an unknown variable name, an unreadable number, or a level
  ///   the model was not trained on.
  public static func row(
    rightHandSide: String, references: [String: String], variables: [VariableInfo],
    values: [String: String], columnNames: [String],
    splineBases: [String: SplineBasis] = [:]
  ) throws -> (row: [Double], filled: [String]) {
    for key in values.keys where !variables.contains(where: { $0.name == key }) {
      throw ProfileError.unknownVariable(
        name: key, suggestion: closestMatch(to: key, among: variables.map(\.name)))
    }
    // The profile's row, then every training level of each categorical variable in turn.
    let k = 1 + (variables.map { $0.levels?.count ?? 0 }.max() ?? 0)
    var filled: [String] = []
    var columns: [Column] = []
    for v in variables {
      let given = values[v.name]
      if given == nil { filled.append(v.name) }
      let first = given ?? v.typicalValue
      if let levels = v.levels, !levels.contains(first) {
        throw ProfileError.unknownLevel(
          name: v.name, value: first, levels: levels,
          suggestion: closestMatch(to: first, among: levels))
      }
      var texts = [first]
      for i in 1..<k { texts.append(v.levels.map { $0[(i - 1) % $0.count] } ?? first) }
      if v.isText {
        var levelIndex: [String: Int32] = [:]
        var levels: [String] = []
        let codes: [Int32] = texts.map { t in
          if let c = levelIndex[t] { return c }
          levelIndex[t] = Int32(levels.count)
          levels.append(t)
          return Int32(levels.count - 1)
        }
        columns.append(Column(name: v.name, codes: codes, levels: levels))
      } else {
        var numbers: [Double] = []
        for t in texts {
          guard let x = Double(t), x.isFinite else {
            throw ProfileError.notANumber(name: v.name, value: t)
          }
          numbers.append(x)
        }
        columns.append(
          Column(
            name: v.name, type: .double, numbers: numbers,
            missing: [Bool](repeating: false, count: k)))
      }
    }
    let table = Table(
      source: "profile", columns: columns, lineNumbers: (0..<k).map { Int32($0 + 1) })
    let formula = try Formula.parse(rightHandSide, columns: table.columnNames)
    let design = try DesignMatrix.build(
      formula, table: table,
      options: {
        var options = DesignOptions(references: references)
        options.splineBases = splineBases
        return options
      }())
    guard design.columnNames == columnNames else {
      throw ProfileError.designMismatch(expected: columnNames, found: design.columnNames)
    }
    let row = (0..<design.columnCount).map { design.values[$0 * design.rowCount] }
    // A spline basis is NaN outside its boundary knots (R would extrapolate): refuse.
    if let j = row.firstIndex(where: { !$0.isFinite }) {
      throw ProfileError.outsideSplineKnots(column: columnNames[j])
    }
    return (row, filled)
  }
}

/// Why a covariate profile cannot be scored.
public enum ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
  case unknownVariable(name: String, suggestion: String?)
  case unknownLevel(name: String, value: String, levels: [String], suggestion: String?)
  case notANumber(name: String, value: String)
  case designMismatch(expected: [String], found: [String])
  case malformed(String)
  /// The profile names a variable twice (`age=63,age=36`): which one was meant is unknown.
  case duplicateVariable(name: String)
  /// A value outside the boundary knots of a spline term (the basis is not extrapolated).
  case outsideSplineKnots(column: String)
  /// The profile's design row could not be built (the formula module's message).
  case design(String)
  /// `--patient-id` names a group the mixed model was not fitted on.
  case unknownGroup(column: String, value: String)

  public var description: String {
    switch self {
    case .design(let message):
      return message
    case .outsideSplineKnots(let column):
      return "the value gives no '\(column)': it lies outside the training range (the "
        + "boundary knots) of the spline term, which is not extrapolated"
    case .unknownGroup(let column, let value):
      return "\(column) '\(value)' is not in the model's training data; leave out "
        + "--patient-id for the risk of a new patient (marginal over patients)"
    case .unknownVariable(let name, let suggestion):
      let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
      return "the model has no variable '\(name)'" + hint
    case .unknownLevel(let name, let value, let levels, let suggestion):
      let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
      let list = levels.joined(separator: ", ")
      return "'\(value)' is not a level of '\(name)' the model was fitted on (levels: \(list))"
        + hint
    case .notANumber(let name, let value):
      return "'\(name)' needs a number, not '\(value)'"
    case .designMismatch(let expected, let found):
      return "the profile's design columns \(found) differ from the model's \(expected)"
    case .malformed(let text):
      return "cannot read the profile '\(text)': write it as name=value,name=value"
    case .duplicateVariable(let name):
      return "'\(name)' is given more than once; give each variable once"
    }
  }

  /// Parses `age=63,sex=F` into a dictionary.
  /// - Throws: ``malformed(_:)`` for an item without `=`, ``duplicateVariable(name:)`` for a
  ///   name given twice.
  public static func parse(_ text: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in text.split(separator: ",") {
      let parts = item.split(separator: "=", maxSplits: 1).map {
        String($0).trimmingCharacters(in: " ")
      }
      guard parts.count == 2, !parts[0].isEmpty else { throw ProfileError.malformed(text) }
      guard out[parts[0]] == nil else { throw ProfileError.duplicateVariable(name: parts[0]) }
      out[parts[0]] = parts[1]
    }
    return out
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s.removeFirst() }
    while s.last == set { s.removeLast() }
    return String(s)
  }
}

extension Expression {
  /// Names of the data columns this expression reads.
  var columnNames: [String] {
    switch self {
    case .column(let name): return [name]
    case .number: return []
    case .call(_, let arguments): return arguments.flatMap(\.columnNames)
    case .binary(_, let lhs, let rhs): return lhs.columnNames + rhs.columnNames
    case .negate(let operand): return operand.columnNames
    }
  }
}
