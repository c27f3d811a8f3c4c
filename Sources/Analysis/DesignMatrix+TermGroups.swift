import Formula

extension DesignMatrix {
  /// The design's columns, without the intercept, grouped by formula term (a factor's
  /// dummies together), as positions in the intercept-free column order.
  ///
  /// This is how cox.zph tests a term as a whole (R's `terms = TRUE`).
  public var termGroupsWithoutIntercept: [(name: String, columns: [Int])] {
    var groups: [(name: String, columns: [Int])] = []
    var position = 0
    for (j, name) in columnNames.enumerated() where name != "(Intercept)" {
      defer { position += 1 }
      guard let t = columnTerms[j] else { continue }
      let label = formula.terms[t].label
      if let k = groups.firstIndex(where: { $0.name == label }) {
        groups[k].columns.append(position)
      } else {
        groups.append((label, [position]))
      }
    }
    return groups
  }
}
