import CrampData
import Formula
import LinearAlgebra
import Survival

/// The inputs of ``SurvregModel/fit(time:event:x:columnNames:strata:strataLabels:cluster:weights:offset:)``
/// taken from a design matrix with a `Surv(time, status)` response.
///
/// Strata are renumbered in R's order (sorted levels, numbers numerically), so the scales come
/// out in the order R prints them; a stratum of one variable is labelled `name=value`.
public struct SurvregInput: Sendable {
  public let time: [Double]
  public let event: [Bool]
  /// The design with its intercept column.
  public let x: Matrix
  public let columnNames: [String]
  public let strata: [Int]?
  public let strataLabels: [String]
  public let cluster: [Int]?

  /// Why a design cannot be fitted by survreg.
  public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
    case notSurvival
    /// `Surv(start, stop, status)`: left truncation is not supported by survreg's likelihood
    /// here (R's survreg refuses it too).
    case leftTruncated
    case status(source: String, line: Int, column: String, text: String)
    case time(source: String, line: Int, column: String, value: Double)

    public var description: String {
      switch self {
      case .notSurvival:
        return "survreg needs a survival response: 'Surv(time, status) ~ ...'"
      case .leftTruncated:
        return "survreg fits right-censored data only: Surv(start, stop, status) "
          + "(left-truncated or counting-process rows) is not supported; use 'crampstat cox' "
          + "or one row per subject with Surv(time, status)"
      case .status(let source, let line, let column, let text):
        return "\(source):\(line): column '\(column)': status '\(text)' is not 0/1, 1/2 or "
          + "TRUE/FALSE"
      case .time(let source, let line, let column, let value):
        return "\(source):\(line): column '\(column)': time \(Expression.format(number: value)) "
          + "is not positive, and this distribution models log(time) (use --dist gaussian or "
          + "logistic for times on their own scale)"
      }
    }
  }

  /// Reads the response, the design, the strata and the clusters of `design`.
  ///
  /// - Throws: ``Failure`` (no `Surv()`, `(start, stop]` rows, a bad status with its line).
  public static func make(_ design: DesignMatrix) throws -> SurvregInput {
    guard let outcome = design.survival,
      case .survival(let start, _, let statusExpression) = design.formula.response
    else { throw Failure.notSurvival }
    guard start == nil, outcome.start == nil else { throw Failure.leftTruncated }
    let event: [Bool]
    do {
      event = try SurvivalResponse.normalizeStatus(outcome.status)
    } catch SurvivalError.unrecognizedStatus(let row, let text) {
      throw Failure.status(
        source: design.source, line: Int(design.lineNumbers[row]),
        column: statusExpression.label, text: Double(text).map(Expression.format(number:)) ?? text)
    }
    let x = try Matrix(
      rows: design.rowCount, columns: design.columnCount, columnMajor: design.values)
    var strata: [Int]?
    var labels: [String] = []
    if let grouping = design.strata, grouping.count > 1 {
      let single = design.formula.strata.count == 1 ? design.formula.strata[0].label : nil
      let order = grouping.labels.indices.sorted {
        Self.precedes(grouping.labels[$0], grouping.labels[$1])
      }
      var remap = [Int](repeating: 0, count: order.count)
      for (newCode, oldCode) in order.enumerated() { remap[oldCode] = newCode }
      strata = grouping.codes.map { remap[Int($0)] }
      labels = order.map { code in
        single.map { "\($0)=\(grouping.labels[code])" } ?? grouping.labels[code]
      }
    }
    return SurvregInput(
      time: outcome.stop, event: event, x: x, columnNames: design.columnNames, strata: strata,
      strataLabels: labels, cluster: design.clusters.map { $0.codes.map(Int.init) })
  }

  /// The message for a fit error, with the data line and column where there is one.
  public static func explain(_ error: SurvregError, design: DesignMatrix) -> String {
    if case .nonPositiveTime(let row, let value) = error, row < design.lineNumbers.count,
      case .survival(_, let stop, _) = design.formula.response
    {
      return Failure.time(
        source: design.source, line: Int(design.lineNumbers[row]), column: stop.label,
        value: value
      ).description
    }
    return "\(design.source): \(error)"
  }

  /// R's level order: numbers numerically, text lexically, part by part for `a=1, b=x`.
  static func precedes(_ a: String, _ b: String) -> Bool {
    let pa = a.split(separator: ",")
    let pb = b.split(separator: ",")
    for (x, y) in zip(pa, pb) where x != y {
      let vx = x.split(separator: "=").last.map(String.init) ?? String(x)
      let vy = y.split(separator: "=").last.map(String.init) ?? String(y)
      if let nx = Double(vx.trimmingCharacters()), let ny = Double(vy.trimmingCharacters()),
        nx != ny
      {
        return nx < ny
      }
      return x < y
    }
    return pa.count < pb.count
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var view = Substring(self)
    while view.first == " " { view = view.dropFirst() }
    while view.last == " " { view = view.dropLast() }
    return String(view)
  }
}
