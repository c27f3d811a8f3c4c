import CrampData
import Formula

/// The random-effects part of a mixed-model design: one grouping factor and its `k` (1 or 2)
/// covariates `z` on the rows the fixed-effect design uses.
public struct RandomEffects: Sendable, Equatable {
  /// The grouping column's name.
  public let group: String
  /// Group of each used row (codes in order of first appearance) and the group labels.
  public let grouping: Grouping
  /// Names of the random effects: `(Intercept)` and/or the slope's column.
  public let terms: [String]
  /// One column per term in the design's row order; `nil` is the intercept (all ones).
  public let columns: [[Double]?]
  /// The term as written in a formula, `(1 + mg_supp | patient_id)`.
  public var formulaTerm: String {
    let slopes = terms.filter { $0 != "(Intercept)" }
    let lhs = (terms.first == "(Intercept)" ? ["1"] : ["0"]) + slopes
    return "(" + lhs.joined(separator: " + ") + " | " + group + ")"
  }

  /// Creates the random-effects part.
  ///
  /// - Throws: ``MixedModelError/dimensionMismatch(_:)`` when there are not 1 or 2 terms, a
  ///   group code is outside the labels, or a column's length differs from the grouping's.
  public init(group: String, grouping: Grouping, terms: [String], columns: [[Double]?]) throws {
    guard (1...2).contains(terms.count), terms.count == columns.count else {
      throw MixedModelError.dimensionMismatch(
        "random effects: \(terms.count) terms, \(columns.count) columns (1 or 2 supported)")
    }
    if let bad = grouping.codes.first(where: { $0 < 0 || Int($0) >= grouping.count }) {
      throw MixedModelError.dimensionMismatch(
        "random effects: group code \(bad) outside 0..<\(grouping.count)")
    }
    for case let column? in columns where column.count != grouping.codes.count {
      throw MixedModelError.dimensionMismatch(
        "random effects: a column has \(column.count) values for \(grouping.codes.count) rows")
    }
    self.group = group
    self.grouping = grouping
    self.terms = terms
    self.columns = columns
  }

  /// The random effects of `term` on the rows of `design`.
  ///
  /// `design` must have been built with `DesignOptions(cluster: term.group)`, so that its
  /// clusters are the groups and rows with a missing group were dropped. Slope values are read
  /// from `table` at the design's rows.
  /// - Throws: ``MixedModelError/nonFiniteSlope(column:line:)`` for a missing or non-numeric
  ///   slope value on a used row; ``MixedModelError/dimensionMismatch(_:)`` when the design
  ///   has no clusters.
  public static func build(
    _ term: MixedFormula.RandomTerm, design: DesignMatrix, table: Table
  ) throws -> RandomEffects {
    guard let grouping = design.clusters else {
      throw MixedModelError.dimensionMismatch("the design was built without the group column")
    }
    var columns: [[Double]?] = term.hasIntercept ? [nil] : []
    for name in term.slopes {
      guard let column = table[name], column.isNumeric else {
        throw MixedModelError.nonFiniteSlope(column: name, line: 0)
      }
      var values = [Double](repeating: 0, count: design.rowCount)
      for (r, row) in design.rowsUsed.enumerated() {
        let i = Int(row)
        let value = column.numbers[i]
        guard !column.missing[i], value.isFinite else {
          throw MixedModelError.nonFiniteSlope(column: name, line: Int(design.lineNumbers[r]))
        }
        values[r] = value
      }
      columns.append(values)
    }
    return try RandomEffects(
      group: term.group, grouping: grouping, terms: term.termNames, columns: columns)
  }
}
