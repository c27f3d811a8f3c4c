import Foundation
import LinearAlgebra

/// Residuals of a Cox fit, as R's `residuals.coxph`. Rows are in the input order.
extension CoxFit {
  /// Martingale residuals `delta_i - exp(eta_i) H_i` (unweighted, R's default).
  public var martingaleResiduals: [Double] {
    (0..<data.count).map { i in
      (data.event[i] ? 1 : 0) - rowTerms.risk[i] * rowTerms.hazard[i]
    }
  }

  /// Deviance residuals `sign(M) sqrt(-2 (M + delta log(delta - M)))`.
  public var devianceResiduals: [Double] {
    martingaleResiduals.enumerated().map { i, m in
      let status: Double = data.event[i] ? 1 : 0
      let logTerm = status > 0 ? status * log(status - m) : 0
      let value = (-2 * (m + logTerm)).squareRoot()
      return m < 0 ? -value : value
    }
  }

  /// Score residuals, `n` x `p` over ``estimableTerms`` (unweighted, R's default).
  ///
  /// Recomputed by one risk-set sweep on each access (the fit does not keep `n p` values).
  public var scoreResiduals: Matrix {
    let p = keptColumns.count
    var matrix = Matrix(rows: data.count, columns: p)
    // Not kept by the fit (n x p): one residual pass at the estimate recomputes them.
    var kernel = RiskSetKernel(data: data, ties: ties)
    guard let (_, terms) = try? kernel.evaluateWithResiduals(beta),
      terms.scoreResiduals.count == data.count * p
    else { return matrix }
    for j in 0..<p {
      for i in 0..<data.count {
        matrix.storage[i + j * data.count] = terms.scoreResiduals[data.position[i] + j * data.count]
      }
    }
    return matrix
  }

  /// Schoenfeld residuals `x_i - xbar(t_i)` for the event rows, ordered by stratum and time
  /// (ties by row), with their rows and times.
  public var schoenfeldResiduals: (residuals: Matrix, rows: [Int], times: [Double]) {
    let events = rowTerms.eventRows.count
    let matrix =
      (try? Matrix(
        rows: events, columns: keptColumns.count, columnMajor: rowTerms.schoenfeld))
      ?? Matrix(rows: events, columns: keptColumns.count)
    return (matrix, rowTerms.eventRows, rowTerms.eventRows.map { data.stop[$0] })
  }

  /// dfbeta residuals: the approximate change in the coefficients when row `i` is dropped,
  /// `w_i L_i V` with the model variance `V` (R weights them by the case weights by default).
  ///
  /// - Throws: `LinearAlgebraError` only for an internal shape error.
  public func dfbetaResiduals(weighted: Bool = true) throws -> Matrix {
    var scores = scoreResiduals
    if weighted {
      let p = keptColumns.count
      for j in 0..<p {
        for i in 0..<data.count { scores.storage[i + j * data.count] *= data.weight[i] }
      }
    }
    guard keptColumns.count > 0 else { return scores }
    return try BLAS.gemm(scores, modelVariance)
  }

  /// Linear predictors `x_i'beta + offset_i` (R's `predict(fit, type = "lp")` before R's
  /// centring by the means).
  public var linearPredictors: [Double] { rowTerms.linearPredictor }
}
