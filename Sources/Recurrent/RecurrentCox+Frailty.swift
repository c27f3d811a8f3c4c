import Formula
import Foundation
import LinearAlgebra
import Survival

/// An AG or PWP model with a shared frailty per patient.
public struct RecurrentFrailtyFit: Sendable {
  public let model: RecurrentModel
  public let fit: FrailtyCoxFit
  /// The coxph formula fitted, with its `frailty(patient_id)` term.
  public let modelFormula: String
  /// The frailty term as written in that formula.
  public let frailtyTerm: String
  /// Labels of the fixed formula terms, in the order of the fit's term degrees of freedom.
  public let termLabels: [String]
  public let patients: Int
  public let layoutRows: Int
  public let diaryRows: Int
  public let droppedRowCount: Int
  public let droppedByVariable: [String: Int]
}

extension RecurrentCox {
  /// Fits an AG or PWP design with a shared frailty per patient instead of the robust variance.
  ///
  /// AG: `coxph(Surv(start, stop, event) ~ x + frailty(patient_id))`; PWP adds `strata(enum)`.
  /// `distribution = .gaussian` is `frailty(patient_id, distribution = "gaussian")`. See
  /// ``FrailtyCoxModel`` for the estimation.
  /// - Parameters:
  ///   - design: built with `options.robust = true`, so that the patient is the cluster.
  /// - Throws: ``RecurrentError/fit(_:)`` when the model refuses the data.
  /// - Complexity: O(n log n) once, then O(n p^2 + patients p^2) per Newton iteration.
  public static func fitFrailty(
    _ design: RecurrentDesign, distribution: FrailtyCoxModel.Distribution,
    ties: CoxModel.Ties = .efron, confidenceLevel: Double = 0.95
  ) throws(RecurrentError) -> RecurrentFrailtyFit {
    guard design.model.isCox, let d = design.design, let outcome = d.survival,
      let start = outcome.start, let patients = d.clusters
    else {
      throw .fit("\(design.model.rawValue) is not a Cox model on (start, stop] rows by patient")
    }
    do {
      let event = outcome.status.map { $0 == 1 }
      let y = try SurvivalResponse(start: start, stop: outcome.stop, event: event)
      let keep = d.columnNames.indices.filter { d.columnNames[$0] != "(Intercept)" }
      let all = try Matrix(rows: d.rowCount, columns: d.columnCount, columnMajor: d.values)
      let x = keep.count == d.columnCount ? all : try all.selectingColumns(keep)
      // Term groups (a factor's dummies together) in the intercept-free column order.
      var groups: [[Int]] = []
      var labels: [Int] = []
      var names: [String] = []
      for (position, j) in keep.enumerated() {
        let t = d.columnTerms[j] ?? -1 - position
        if let k = labels.firstIndex(of: t) {
          groups[k].append(position)
        } else {
          labels.append(t)
          groups.append([position])
          names.append(
            t >= 0 && t < d.formula.terms.count ? d.formula.terms[t].label : d.columnNames[j])
        }
      }
      let fit = try FrailtyCoxModel(
        distribution: distribution, ties: ties, confidenceLevel: confidenceLevel
      ).fit(
        y, x: x, termNames: keep.map { d.columnNames[$0] }, termGroups: groups,
        groups: patients.codes.map(Int.init), strata: d.strata.map { $0.codes.map(Int.init) })
      let term =
        distribution == .gamma
        ? "frailty(patient_id)" : "frailty(patient_id, distribution = \"gaussian\")"
      return RecurrentFrailtyFit(
        model: design.model, fit: fit,
        modelFormula: design.modelFormula.replacingOccurrences(
          of: "cluster(patient_id)", with: term),
        frailtyTerm: term, termLabels: names, patients: patients.count, layoutRows: d.rowCount,
        diaryRows: design.diaryRows, droppedRowCount: d.droppedRowCount,
        droppedByVariable: d.droppedByVariable)
    } catch {
      throw .fit(String(describing: error))
    }
  }
}
