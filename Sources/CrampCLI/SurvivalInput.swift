import CrampData
import Formula
import LinearAlgebra
import Survival

/// Turns a design matrix with a `Surv(...)` response into the inputs of the survival engines.
enum SurvivalInput {
  /// The survival response of the design (status coded 0/1, 1/2 or TRUE/FALSE).
  static func response(_ design: DesignMatrix, command: String) throws(CLIError) -> SurvivalResponse
  {
    guard let outcome = design.survival else {
      throw .usage(
        "The formula needs a survival response: 'Surv(time, status) ~ ...' or 'Surv(start, stop, status) ~ ...'.",
        command: command)
    }
    do {
      let event = try SurvivalResponse.normalizeStatus(outcome.status)
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
    var names: [String] = []
    for term in design.formula.terms {
      for variable in term.variables {
        let name = variable.columnName
        guard let name, table[name] != nil else {
          throw .usage(
            "Grouping terms must be plain columns or factor(column), not '\(variable.label)'.",
            command: nil)
        }
        if !names.contains(name) { names.append(name) }
      }
    }
    let rows = design.rowsUsed.map(Int.init)
    guard !names.isEmpty else {
      return ([Int](repeating: 0, count: rows.count), ["all"])
    }
    // Per variable: the text and a sort key of each used row's value.
    var keys: [[(Double, String)]] = []
    for name in names {
      guard let column = table[name] else { continue }
      keys.append(
        rows.map { row in
          let text = column.text(at: row) ?? "NA"
          let numeric = column.isNumeric ? column.numbers[row] : .nan
          return (numeric, text)
        })
    }
    var index: [String: Int] = [:]
    var order: [[(Double, String)]] = []
    var codes = [Int](repeating: 0, count: rows.count)
    for i in rows.indices {
      let parts = keys.map { $0[i] }
      let label = zip(names, parts).map { "\($0)=\($1.1)" }.joined(separator: ", ")
      if let c = index[label] {
        codes[i] = c
      } else {
        index[label] = order.count
        codes[i] = order.count
        order.append(parts)
      }
    }
    let labels = index.sorted { $0.value < $1.value }.map(\.key)
    let sorted = order.indices.sorted { a, b in
      for (x, y) in zip(order[a], order[b]) where x.1 != y.1 {
        if !x.0.isNaN, !y.0.isNaN { return x.0 < y.0 }
        return x.1 < y.1
      }
      return false
    }
    var remap = [Int](repeating: 0, count: sorted.count)
    for (newCode, oldCode) in sorted.enumerated() { remap[oldCode] = newCode }
    return (codes.map { remap[$0] }, sorted.map { labels[$0] })
  }
}

extension Expression {
  /// The column a plain or `factor(...)` variable refers to.
  var columnName: String? {
    switch self {
    case .column(let name): return name
    case .call(let function, let arguments) where function == "factor" && arguments.count == 1:
      return arguments[0].columnName
    default: return nil
    }
  }
}
