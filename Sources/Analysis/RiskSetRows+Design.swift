import Formula
import LinearAlgebra
import Survival

extension RiskSetRows {
  /// One partition's rows for a distributed Cox fit (``DistributedCox``), from its design of
  /// `Surv(time, status) ~ ...` or `Surv(start, stop, status) ~ ...` with optional `strata(...)`,
  /// `cluster(...)` and `offset(...)`: the covariates without the intercept, the stratum and
  /// cluster labels (text, so they agree across partitions) and the offset.
  ///
  /// Status codes are read by ``SurvivalResponse/normalizePartitionStatus(_:twoCoded:)``
  /// with the coding agreed over all partitions (`twoCoded`, from the state).
  /// - Parameter weights: case weights on the design's rows, or `nil`.
  /// - Returns: the rows (`nil` when the design has none) and the covariate names.
  /// - Throws: ``SurvivalError/invalidParameter(_:)`` without a survival response, and the
  ///   ``SurvivalError`` cases of ``RiskSetRows/init(response:x:strata:clusters:weights:offset:)``.
  public static func make(design: DesignMatrix, weights: [Double]? = nil, twoCoded: Bool)
    throws
    -> (rows: RiskSetRows?, columns: [String])
  {
    guard let outcome = design.survival else {
      throw SurvivalError.invalidParameter(
        "a Cox model needs a survival response: 'Surv(time, status) ~ ...'")
    }
    let (values, names) = design.covariates()
    guard design.rowCount > 0 else { return (nil, names) }
    let response = try SurvivalResponse(
      start: outcome.start, stop: outcome.stop,
      event: SurvivalResponse.normalizePartitionStatus(outcome.status, twoCoded: twoCoded))
    let rows = try RiskSetRows(
      response: response,
      x: Matrix(rows: design.rowCount, columns: names.count, columnMajor: values),
      strata: design.strata.map { g in g.codes.map { g.labels[Int($0)] } },
      clusters: design.clusters.map { g in g.codes.map { g.labels[Int($0)] } },
      weights: weights, offset: design.offset)
    return (rows, names)
  }
}
