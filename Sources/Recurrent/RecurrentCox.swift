import Formula
import LinearAlgebra
import Survival

/// An Andersen-Gill or PWP model fitted through the Cox engine, with its tie summary.
public struct RecurrentCoxFit: Sendable {
  public let model: RecurrentModel
  /// The Cox fit (robust variance by patient unless turned off).
  public let cox: CoxFit
  /// Ties among event times (within event-number strata for PWP).
  public let ties: TieSummary
  /// The formula fitted on the layout.
  public let modelFormula: String
  /// Patients contributing rows.
  public let patients: Int
  /// Rows of the (merged) layout used.
  public let layoutRows: Int
  /// Diary rows read.
  public let diaryRows: Int
  /// Layout rows dropped for missing covariates, in total and by variable.
  public let droppedRowCount: Int
  public let droppedByVariable: [String: Int]
  /// Whether the sandwich variance clustered by patient is used for inference.
  public var isRobust: Bool { cox.clusterCount != nil }

  /// A fit from its parts (a streamed or distributed fit assembles its own).
  public init(
    model: RecurrentModel, cox: CoxFit, ties: TieSummary, modelFormula: String, patients: Int,
    layoutRows: Int, diaryRows: Int, droppedRowCount: Int, droppedByVariable: [String: Int]
  ) {
    self.model = model
    self.cox = cox
    self.ties = ties
    self.modelFormula = modelFormula
    self.patients = patients
    self.layoutRows = layoutRows
    self.diaryRows = diaryRows
    self.droppedRowCount = droppedRowCount
    self.droppedByVariable = droppedByVariable
  }
}

/// Fits AG and PWP models.
public enum RecurrentCox {
  /// Fits the Cox model of an AG or PWP design.
  ///
  /// AG: `coxph(Surv(start, stop, event) ~ x + cluster(patient_id))`; PWP adds
  /// `strata(enum)` (the event number), in gap or total time as the layout says.
  /// - Parameters:
  ///   - design: a design from ``RecurrentDesign/build(diary:formula:model:options:)`` for
  ///     `.andersenGill`, `.pwpGap` or `.pwpTotal`.
  ///   - ties: Efron (R's default) or Breslow.
  ///   - confidenceLevel: level of the coefficient intervals.
  /// - Throws: ``RecurrentError/fit(_:)`` when the Cox engine refuses the data.
  /// - Complexity: O(n log n + iterations * n p^2) for `n` layout rows.
  public static func fit(
    _ design: RecurrentDesign, ties: CoxModel.Ties = .efron, confidenceLevel: Double = 0.95
  ) throws(RecurrentError) -> RecurrentCoxFit {
    guard design.model.isCox, let d = design.design, let outcome = d.survival,
      let start = outcome.start
    else {
      throw .fit("\(design.model.rawValue) is not a Cox model on (start, stop] rows")
    }
    do {
      let event = outcome.status.map { $0 == 1 }
      let y = try SurvivalResponse(start: start, stop: outcome.stop, event: event)
      let keep = d.columnNames.indices.filter { d.columnNames[$0] != "(Intercept)" }
      let all = try Matrix(rows: d.rowCount, columns: d.columnCount, columnMajor: d.values)
      let x = keep.count == d.columnCount ? all : try all.selectingColumns(keep)
      let strata = d.strata.map { $0.codes.map(Int.init) }
      let cluster = d.clusters.map { $0.codes.map(Int.init) }
      let fit = try CoxModel(ties: ties, confidenceLevel: confidenceLevel).fit(
        y, x: x, termNames: keep.map { d.columnNames[$0] }, strata: strata, cluster: cluster,
        robust: cluster != nil)
      let patients = d.clusters?.count ?? design.patientCount
      return RecurrentCoxFit(
        model: design.model, cox: fit,
        ties: TieSummary(stop: outcome.stop, event: event, strata: strata),
        modelFormula: design.modelFormula, patients: patients, layoutRows: d.rowCount,
        diaryRows: design.diaryRows, droppedRowCount: d.droppedRowCount,
        droppedByVariable: d.droppedByVariable)
    } catch {
      throw .fit(String(describing: error))
    }
  }
}
