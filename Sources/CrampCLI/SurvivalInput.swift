import CrampData
import Formula
import LinearAlgebra
import Partials
import Survival

/// Turns a design matrix with a `Surv(...)` response into the inputs of the survival engines.
enum SurvivalInput {
  /// The survival response of the design (status coded 0/1, 1/2 or TRUE/FALSE).
  static func response(
    _ design: DesignMatrix, command: String, partition: Bool = false
  ) throws(CLIError) -> SurvivalResponse {
    guard let outcome = design.survival else {
      throw .usage(
        "The formula needs a survival response: 'Surv(time, status) ~ ...' or 'Surv(start, stop, status) ~ ...'.",
        command: command)
    }
    do {
      let event =
        try partition
        ? SurvivalResponse.normalizePartitionStatus(outcome.status)
        : SurvivalResponse.normalizeStatus(outcome.status)
      return try SurvivalResponse(start: outcome.start, stop: outcome.stop, event: event)
    } catch {
      throw .data("\(design.source): \(error)")
    }
  }

  /// The design's covariate matrix without the intercept column (Cox models have none).
  static func covariates(_ design: DesignMatrix) throws(CLIError) -> (Matrix, [String]) {
    let (values, names) = design.covariates()
    do {
      return (try Matrix(rows: design.rowCount, columns: names.count, columnMajor: values), names)
    } catch {
      throw .software("design matrix: \(error)")
    }
  }

  /// The covariates without the intercept, moved out of the design (whose values are then
  /// empty): no `n` x `p` copy, for callers that need the design's values no more.
  static func takeCovariates(_ design: inout DesignMatrix) throws(CLIError) -> (Matrix, [String]) {
    let (values, names) = design.takeCovariates()
    do {
      return (try Matrix(rows: design.rowCount, columns: names.count, columnMajor: values), names)
    } catch {
      throw .software("design matrix: \(error)")
    }
  }

  /// Groups defined by the right-hand-side variables (R's strata labels `sex=F, trimester=1`),
  /// ordered by each variable's sorted levels (numeric order for numbers); one group `all`
  /// for `~ 1`.
  static func groups(
    _ design: DesignMatrix, table: Table
  ) throws(CLIError) -> (codes: [Int], labels: [String]) {
    do {
      let groups = try PartitionDesign.groups(design, table: table)
      return (groups.codes, groups.labels)
    } catch {
      throw .usage(error.description, command: nil)
    }
  }
}
