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
    var modelFormula: String
    switch model {
    case .andersenGill, .pwpGap, .pwpTotal:
      modelFormula = "Surv(start, stop, event) ~ " + right
      if options.robust && parsed.clusters.isEmpty { modelFormula += " + cluster(patient_id)" }
      if model != .andersenGill { modelFormula += " + strata(enum)" }
    case .meanCumulativeFunction:
      modelFormula = "Surv(start, stop, event) ~ " + right
    case .poisson, .negativeBinomial:
      modelFormula = options.countOutcome.column + " ~ " + right + " + offset(log(nights))"
    }
    var design: DesignMatrix?
    if model != .meanCumulativeFunction {
      do {
        let f = try Formula.parse(modelFormula, columns: table.columnNames)
        design = try DesignMatrix.build(
          f, table: table,
          options: DesignOptions(references: options.references, missing: options.missing))
      } catch {
        throw .formula(String(describing: error))
      }
    }
    return RecurrentDesign(
      model: model, formula: "~ " + right, modelFormula: modelFormula, layout: table,
      design: design, covariates: covariates, diaryRows: diary.rowCount, options: options)
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
