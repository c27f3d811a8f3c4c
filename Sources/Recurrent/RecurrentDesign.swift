import CrampData
import Formula

/// Options of a recurrent-event analysis.
public struct RecurrentOptions: Sendable, Equatable {
  /// What the rate models count per patient.
  public enum CountOutcome: String, Sendable, CaseIterable {
    /// All recorded cramps (`cramp_count` summed over observed nights).
    case cramps
    /// Nights with at least one cramp.
    case crampNights = "cramp-nights"

    /// The column of the `counts` layout.
    public var column: String { self == .cramps ? "cramps" : "cramp_nights" }
  }

  /// Interval merging, the multiple-cramp rule and the origin of the layout.
  public var layout: RecurrentLayoutOptions
  /// Reference levels of categorical variables (as `DesignOptions.references`).
  public var references: [String: String]
  /// Rows with a missing model variable: drop (R's `na.omit`) or fail.
  public var missing: DesignOptions.MissingPolicy
  /// Cluster-robust (sandwich) variance by patient for AG/PWP and Poisson.
  public var robust: Bool
  /// What the rate models count.
  public var countOutcome: CountOutcome

  /// Creates options with the defaults of `crampstat recurrent`.
  public init(
    layout: RecurrentLayoutOptions = .init(), references: [String: String] = [:],
    missing: DesignOptions.MissingPolicy = .drop, robust: Bool = true,
    countOutcome: CountOutcome = .cramps
  ) {
    self.layout = layout
    self.references = references
    self.missing = missing
    self.robust = robust
    self.countOutcome = countOutcome
  }
}

/// A diary reshaped for one model and the design matrix of the model's formula on it.
public struct RecurrentDesign: Sendable {
  public let model: RecurrentModel
  /// The right-hand side as the user wrote it (`~ age_over_50 + sex`).
  public let formula: String
  /// The formula fitted on the layout: `Surv(start, stop, event) ~ sex + cluster(patient_id)`.
  public let modelFormula: String
  /// The layout rows (``RecurrentLayout``) the model is fitted on.
  public let layout: Table
  /// The design on the layout (`nil` for the MCF, which needs only the grouping columns).
  public let design: DesignMatrix?
  /// Columns of the diary the formula reads.
  public let covariates: [String]
  /// Number of diary rows read.
  public let diaryRows: Int
  public let options: RecurrentOptions

  /// Layout columns a covariate may not shadow.
  static let layoutColumns: Set<String> = [
    "patient_id", "start", "stop", "event", "enum", "cramps", "cramp_nights", "nights", "time",
  ]

  /// A diary reshaped for one model, before any design is built: what every partition of
  /// a distributed fit builds from its own rows (whole patients), then designs on agreed
  /// factor levels.
  public struct Layout: Sendable {
    /// The right-hand side as the user wrote it, `~ x` form.
    public let formula: String
    /// The formula fitted on the layout (``RecurrentDesign/modelFormula``).
    public let modelFormula: String
    /// The layout rows.
    public let table: Table
    /// Columns of the diary the formula reads.
    public let covariates: [String]
  }

  /// Reshapes `diary` with ``RecurrentLayout`` for `model` (the first half of
  /// ``build(diary:formula:model:options:)``).
  /// - Throws: ``RecurrentError`` for an unknown column or a layout problem.
  public static func layout(
    diary: Table, formula: String, model: RecurrentModel, options: RecurrentOptions = .init()
  ) throws(RecurrentError) -> Layout {
    let rhs: String
    if let tilde = formula.firstIndex(of: "~") {
      rhs = String(formula[formula.index(after: tilde)...]).trimmed()
    } else {
      rhs = formula.trimmed()
    }
    let parsed: Formula
    do {
      // `age_over_50` may be derived from the age at enrolment rather than read.
      var known = diary.columnNames
      if options.layout.ageAtEnrolmentColumn != nil {
        known.append(RecurrentLayoutOptions.ageOver50)
      }
      parsed = try Formula.parse("~ " + (rhs.isEmpty ? "1" : rhs), columns: known)
    } catch {
      throw .formula(String(describing: error))
    }
    var covariates: [String] = []
    for reference in parsed.columnReferences
    where !layoutColumns.contains(reference.name) && !covariates.contains(reference.name) {
      covariates.append(reference.name)
    }
    var layoutOptions = options.layout
    layoutOptions.covariates = covariates
    let table: Table
    do {
      table = try model.layout.build(from: diary, options: layoutOptions)
    } catch {
      throw .layout(error)
    }
    let right = rhs.isEmpty ? "1" : rhs
    let modelFormula = Self.modelFormula(
      right: right, model: model, options: options, hasCluster: !parsed.clusters.isEmpty)
    return Layout(
      formula: "~ " + right, modelFormula: modelFormula, table: table, covariates: covariates)
  }

  /// The formula fitted on the layout for the right-hand side `right`: AG and PWP add
  /// `cluster(patient_id)` for the robust variance (unless the formula has a cluster) and PWP
  /// `strata(enum)`; the rate models count with `offset(log(nights))`.
  public static func modelFormula(
    right: String, model: RecurrentModel, options: RecurrentOptions, hasCluster: Bool
  ) -> String {
    switch model {
    case .andersenGill, .pwpGap, .pwpTotal:
      var formula = "Surv(start, stop, event) ~ " + right
      if options.robust && !hasCluster { formula += " + cluster(patient_id)" }
      if model != .andersenGill { formula += " + strata(enum)" }
      return formula
    case .meanCumulativeFunction:
      return "Surv(start, stop, event) ~ " + right
    case .poisson, .negativeBinomial:
      return options.countOutcome.column + " ~ " + right + " + offset(log(nights))"
    }
  }

  /// Reshapes `diary` with ``RecurrentLayout`` and builds the model's design on the layout.
  ///
  /// - Parameters:
  ///   - diary: the night-level diary (`patient_id`, `night` or `date`, `cramp`, optional
  ///     `cramp_count` and `observed`, covariates).
  ///   - formula: `~ covariates` (a left-hand side, if any, is ignored: the outcome is fixed by
  ///     the model); `cluster(...)` and `strata(...)` terms are kept.
  ///   - model: the analysis.
  /// - Throws: ``RecurrentError`` for an unknown column, a layout problem or a design error.
  public static func build(
    diary: Table, formula: String, model: RecurrentModel, options: RecurrentOptions = .init()
  ) throws(RecurrentError) -> RecurrentDesign {
    let reshaped = try layout(diary: diary, formula: formula, model: model, options: options)
    let table = reshaped.table
    var design: DesignMatrix?
    if model != .meanCumulativeFunction {
      do {
        let f = try Formula.parse(reshaped.modelFormula, columns: table.columnNames)
        design = try DesignMatrix.build(
          f, table: table,
          options: DesignOptions(references: options.references, missing: options.missing))
      } catch {
        throw .formula(String(describing: error))
      }
    }
    return RecurrentDesign(
      model: model, formula: reshaped.formula, modelFormula: reshaped.modelFormula,
      layout: table, design: design, covariates: reshaped.covariates,
      diaryRows: diary.rowCount, options: options)
  }

  /// Number of distinct patients in the layout.
  public var patientCount: Int {
    guard let column = layout["patient_id"] else { return 0 }
    if column.type == .string { return Set(column.codes).count }
    return Set(column.numbers).count
  }
}

extension String {
  func trimmed() -> String {
    var s = Substring(self)
    while let c = s.first, c == " " || c == "\t" || c == "\n" { s.removeFirst() }
    while let c = s.last, c == " " || c == "\t" || c == "\n" { s.removeLast() }
    return String(s)
  }
}
