import CrampData

/// How to build a design matrix from a table.
public struct DesignOptions: Sendable, Equatable {
  /// What to do with rows where a model variable is missing.
  public enum MissingPolicy: String, Sendable, Equatable, Codable {
    /// Drop such rows and count them (R's `na.omit`).
    case drop
    /// Refuse: throw ``FormulaError/missingValue(source:line:column:)`` for the first one.
    case fail
  }

  /// Reference level per categorical variable, keyed by the variable's name (`trimester` for
  /// `factor(trimester)`), overriding the default (first level in sorted order).
  public var references: [String: String]
  /// Missing-value policy.
  public var missing: MissingPolicy
  /// A cluster column given outside the formula (`--cluster id`); it takes precedence over a
  /// `cluster(...)` term.
  public var cluster: String?
  /// Fitted spline bases by term label (`ns(age, df = 3)`), from
  /// ``DesignMatrix/splineBases`` of a training design: a spline term found here is evaluated
  /// on these knots instead of placing new ones (a profile of one new patient).
  public var splineBases: [String: SplineBasis] = [:]
  /// Levels agreed across the partitions of a distributed fit, by variable name (`trimester`
  /// for `factor(trimester)`), in sorted order as R's `factor` would give on the whole data.
  ///
  /// A categorical variable found here is coded on this list (then ``references`` moves its
  /// reference first) whether or not every level occurs in this table, so every partition
  /// builds the same columns; a value outside the list is refused
  /// (``FormulaError/levelOutsidePartitionLevels(source:line:variable:level:)``).
  public var fixedLevels: [String: [String]] = [:]
  /// Whether a categorical variable may have a single level on these rows.
  ///
  /// One partition of a distributed fit may hold one level only; its ``DesignMatrix/categoricalLevels``
  /// still lists it (for the levels agreed across partitions). R's rule (at least two levels)
  /// applies to the whole data, when the levels are merged.
  public var allowsSingleLevel = false

  /// The most levels a text column may have as a factor.
  ///
  /// A text column used as a factor is refused (``FormulaError/tooManyLevels(source:line:column:levels:rows:)``)
  /// when it has more than this many distinct values on the rows used, or when it has at
  /// least ``distinctShareMinimumLevels`` and more than half of the rows used have distinct
  /// values: such a column is an identifier, free text or numbers read as text (a decimal
  /// comma), and thousands of indicator columns would only exhaust memory. Numeric columns
  /// under `factor()` are not limited.
  public static let maximumFactorLevels = 50
  /// Levels from which the "more than half the rows distinct" rule applies.
  public static let distinctShareMinimumLevels = 10

  /// Creates options; the defaults are R's (sorted first level, drop incomplete rows).
  public init(
    references: [String: String] = [:], missing: MissingPolicy = .drop, cluster: String? = nil
  ) {
    self.references = references
    self.missing = missing
    self.cluster = cluster
  }
}

/// Integer codes of a grouping variable (clusters or strata) on the rows used.
public struct Grouping: Sendable, Equatable {
  /// Group of each used row, `0..<count`, numbered in order of first appearance.
  public let codes: [Int32]
  /// Group labels (the cluster id as text, or `a=1, b=x` for strata).
  public let labels: [String]
  /// Number of groups.
  public var count: Int { labels.count }
}

/// The survival outcome of a `Surv(...)` response on the rows used.
public struct SurvivalOutcome: Sendable, Equatable {
  /// Entry times for `Surv(start, stop, status)`, else `nil`.
  public let start: [Double]?
  /// Event or censoring times.
  public let stop: [Double]
  /// Event indicator (1 event, 0 censored).
  public let status: [Double]
}

/// The model matrix of a formula on a table: `n` x `p`, column-major, complete rows only.
///
/// Built once by ``build(_:table:options:)``; fitting functions read ``values`` in row
/// blocks and never copy it. Column `j` holds rows `j * rowCount ..< (j + 1) * rowCount`.
///
/// Coding follows R's `model.matrix`: treatment contrasts with the first level (sorted;
/// numeric order for `factor()` of numbers) as reference; a categorical variable in an
/// interaction whose margin is absent, or the first one in a model without intercept, gets
/// one column per level. Boolean columns are numbers 0/1 named `x` (R, which reads them as
/// logical, would write `xTRUE`).
public struct DesignMatrix: Sendable {
  /// The most columns a design may have: beyond it `X'X` alone would need gigabytes, and a
  /// term that gets there is a factor of ids or free text, not a model variable.
  public static let maximumColumns = 10_000
  /// The most values (rows x columns) a design may hold: 12 GB of doubles, half this
  /// project's 24 GB machine.
  public static let maximumValues = 1_500_000_000

  /// The formula this matrix was built from.
  public let formula: Formula
  /// Name of the table's source (for messages).
  public let source: String
  /// Number of rows used, `n`.
  public let rowCount: Int
  /// Number of columns, `p`.
  public let columnCount: Int
  /// The matrix, column-major, `n * p` values (empty after ``takeCovariates()``).
  public private(set) var values: [Double]
  /// Column names: `(Intercept)`, `x`, `x[level]`, `a:b`, `a:x[level]`.
  public let columnNames: [String]
  /// For each column, the index into `formula.terms` it belongs to; `nil` for the intercept
  /// (R's `assign` attribute, minus one).
  public let columnTerms: [Int?]
  /// Response values for an ordinary response, else `nil`.
  public let response: [Double]?
  /// The outcome of a `Surv(...)` response, else `nil`.
  public let survival: SurvivalOutcome?
  /// Sum of the `offset(...)` terms, or `nil` without offset.
  public let offset: [Double]?
  /// Cluster codes from `cluster(...)` or ``DesignOptions/cluster``, if any.
  public let clusters: Grouping?
  /// Strata from `strata(...)`, if any.
  public let strata: Grouping?
  /// Index in the table of each used row (ascending).
  public let rowsUsed: [Int32]
  /// Source line of each used row (from `Table.lineNumbers`), for messages.
  public let lineNumbers: [Int32]
  /// Number of table rows dropped for missing values.
  public let droppedRowCount: Int
  /// For each model column with missing values, on how many rows it is missing.
  ///
  /// A row missing two variables counts under both, so the counts may add up to more than
  /// ``droppedRowCount``.
  public let droppedByVariable: [String: Int]
  /// Levels of each categorical variable (after dropping rows), keyed by variable name,
  /// with the reference level first.
  public let categoricalLevels: [String: [String]]
  /// The basis of each spline term (knots, boundary knots, `ns` projection), keyed by the
  /// term's label (`ns(age, df = 3)`); pass it as ``DesignOptions/splineBases`` to evaluate
  /// the same basis on new rows.
  public internal(set) var splineBases: [String: SplineBasis] = [:]

  /// Whether the first column is the intercept.
  public var hasIntercept: Bool { formula.hasIntercept }

  /// The values without the intercept column, and their names: the covariates of a model
  /// that has no intercept (Cox).
  ///
  /// Without an intercept column the values are shared, not copied; otherwise one copy of the
  /// other columns is made. ``takeCovariates()`` avoids that copy when the design is no longer
  /// needed.
  public func covariates() -> (values: [Double], names: [String]) {
    var copy = self
    return copy.takeCovariates()
  }

  /// Moves the values out of the matrix, without the intercept column, and leaves ``values``
  /// empty: the covariates of a model that has no intercept (Cox), without copying `n p` values
  /// when the matrix holds the only reference to them.
  ///
  /// - Returns: the `n` x `(p - 1)` (or `n` x `p` without intercept) values, column-major, and
  ///   their column names.
  public mutating func takeCovariates() -> (values: [Double], names: [String]) {
    var moved: [Double] = []
    swap(&moved, &values)
    guard let first = columnNames.firstIndex(of: "(Intercept)") else { return (moved, columnNames) }
    moved.removeSubrange((first * rowCount)..<((first + 1) * rowCount))
    var names = columnNames
    names.remove(at: first)
    return (moved, names)
  }

  /// The values of column `j` (no copy).
  public func column(_ j: Int) -> ArraySlice<Double> {
    values[(j * rowCount)..<((j + 1) * rowCount)]
  }

  init(
    formula: Formula, source: String, rowCount: Int, columnCount: Int, values: [Double],
    columnNames: [String], columnTerms: [Int?], response: [Double]?, survival: SurvivalOutcome?,
    offset: [Double]?, clusters: Grouping?, strata: Grouping?, rowsUsed: [Int32],
    lineNumbers: [Int32], droppedRowCount: Int, droppedByVariable: [String: Int],
    categoricalLevels: [String: [String]]
  ) {
    self.formula = formula
    self.source = source
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.values = values
    self.columnNames = columnNames
    self.columnTerms = columnTerms
    self.response = response
    self.survival = survival
    self.offset = offset
    self.clusters = clusters
    self.strata = strata
    self.rowsUsed = rowsUsed
    self.lineNumbers = lineNumbers
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
    self.categoricalLevels = categoricalLevels
  }
}
