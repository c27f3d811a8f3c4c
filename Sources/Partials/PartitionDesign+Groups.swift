import CrampData
import Formula

extension PartitionDesign {
  /// Why the right-hand side cannot define groups.
  public struct GroupingError: Error, CustomStringConvertible, Equatable {
    public let term: String
    public var description: String {
      "Grouping terms must be plain columns or factor(column), not '\(term)'."
    }
  }

  /// One group's sort key: per variable its number (NaN for text) and its text.
  public typealias GroupKey = [(number: Double, text: String)]

  /// Whether group `a` sorts before `b`: variable by variable, numbers by value where both
  /// are numbers, else text by code point (R's strata order for `Surv(...) ~ x + y`).
  public static func groupPrecedes(_ a: GroupKey, _ b: GroupKey) -> Bool {
    for (x, y) in zip(a, b) where x.text != y.text {
      if !x.number.isNaN, !y.number.isNaN { return x.number < y.number }
      return x.text < y.text
    }
    return false
  }

  /// Groups defined by the right-hand-side variables (R's strata labels `sex=F, trimester=1`),
  /// ordered by ``groupPrecedes(_:_:)``; one group `all` for `~ 1`.
  public static func groups(_ design: DesignMatrix, table: Table) throws(GroupingError) -> (
    codes: [Int], labels: [String], keys: [GroupKey]
  ) {
    var names: [String] = []
    for term in design.formula.terms {
      for variable in term.variables {
        guard let name = variable.groupColumnName, table[name] != nil else {
          throw GroupingError(term: variable.label)
        }
        if !names.contains(name) { names.append(name) }
      }
    }
    let rows = design.rowsUsed.map(Int.init)
    guard !names.isEmpty else {
      return ([Int](repeating: 0, count: rows.count), ["all"], [[]])
    }
    var keys: [[(Double, String)]] = []
    for name in names {
      guard let column = table[name] else { continue }
      keys.append(
        rows.map { row in
          let text = column.text(at: row) ?? "NA"
          let numeric = column.isNumeric ? column.numbers[row] : .nan
          return (numeric, text)
        })
    }
    var index: [String: Int] = [:]
    var order: [GroupKey] = []
    var codes = [Int](repeating: 0, count: rows.count)
    for i in rows.indices {
      let parts = keys.map { (number: $0[i].0, text: $0[i].1) }
      let label = zip(names, parts).map { "\($0)=\($1.text)" }.joined(separator: ", ")
      if let c = index[label] {
        codes[i] = c
      } else {
        index[label] = order.count
        codes[i] = order.count
        order.append(parts)
      }
    }
    let labels = index.sorted { $0.value < $1.value }.map(\.key)
    let sorted = order.indices.sorted { groupPrecedes(order[$0], order[$1]) }
    var remap = [Int](repeating: 0, count: sorted.count)
    for (newCode, oldCode) in sorted.enumerated() { remap[oldCode] = newCode }
    return (codes.map { remap[$0] }, sorted.map { labels[$0] }, sorted.map { order[$0] })
  }
}

extension Expression {
  /// The column a plain or `factor(...)` variable refers to.
  var groupColumnName: String? {
    switch self {
    case .column(let name): return name
    case .call(let function, let arguments) where function == "factor" && arguments.count == 1:
      return arguments[0].groupColumnName
    default: return nil
    }
  }
}
