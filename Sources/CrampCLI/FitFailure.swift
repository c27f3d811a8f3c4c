import CrampData
import Formula
import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#endif

/// Turns a numerical failure deep inside a fit into a message about the data.
///
/// A NaN in a Cholesky factor, a `gemm`, GEE's working correlation or an eigen-solver says
/// nothing to a researcher; its cause almost always does: an outcome that never (or always)
/// happens, so the estimates diverge (separation); a single cluster; or a column whose values
/// are so large or small that products overflow. The message names what the design shows and
/// the option that helps, then keeps the technical detail on the last line.
enum FitFailure {
  /// Values beyond this magnitude make `x'Wx` overflow or swamp the other columns.
  static let extremeMagnitude = 1e100

  /// The message for `error`, raised while fitting `model` on `design` (or, when the design
  /// values were already handed to the fit, on the formula's columns of `table`).
  static func explain(
    _ error: any Error, model: String, design: DesignMatrix?, table: Table? = nil
  ) -> String {
    let detail = String(describing: error)
    guard isNumerical(error) else { return detail }
    var causes: [String] = []
    if let design {
      if let y = design.response {
        let zeros = y.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        let ones = y.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        if zeros == y.count {
          causes.append("the outcome is 0 on all \(y.count) rows used: there is no event to model")
        } else if ones == y.count {
          causes.append(
            "the outcome is 1 on all \(y.count) rows used, so no estimate is finite "
              + "(complete separation)")
        }
      }
      if let status = design.survival?.status, !status.contains(1) {
        causes.append("there is no event on the \(status.count) rows used")
      }
      if let clusters = design.clusters, clusters.count < 2 {
        causes.append(
          "all rows are in one cluster, so there is no between-cluster variance to estimate")
      }
      causes += extremeColumns(design: design, table: table)
    }
    var message = "the \(model) fit failed numerically"
    if causes.isEmpty {
      message +=
        "; the usual causes are separation (an outcome one level of a covariate always or "
        + "never has), a single cluster, or a column with extreme values"
    } else {
      message += ": " + causes.joined(separator: "; ")
    }
    if model == "logistic", causes.contains(where: { $0.contains("separation") }) {
      message += ". Firth's penalized likelihood (--firth) gives finite estimates"
    }
    return message + "\n  (detail: \(detail))"
  }

  /// Whether `error` is a numerical breakdown rather than a data or usage error.
  static func isNumerical(_ error: any Error) -> Bool {
    if let error = error as? LinearAlgebraError {
      switch error {
      case .nonFinite, .notPositiveDefinite, .singular, .didNotConverge: return true
      default: return false
      }
    }
    let text = String(describing: error)
    return text.contains("non-finite") || text.contains("not positive definite")
      || text.contains("singular")
  }

  /// Columns holding a value beyond ``extremeMagnitude``, from the design values when they
  /// are still there, else from the table's numeric columns the formula reads.
  static func extremeColumns(design: DesignMatrix, table: Table?) -> [String] {
    var out: [String] = []
    func check(_ name: String, _ values: some Sequence<Double>) {
      var largest = 0.0
      for v in values where v.isFinite { largest = max(largest, abs(v)) }
      if largest > extremeMagnitude {
        out.append(
          "column '\(name)' holds values as large as \(Self.short(largest)): rescale it "
            + "(for example I(\(name) / 1e6))")
      }
    }
    if design.values.count == design.rowCount * design.columnCount, design.columnCount > 0 {
      for j in 0..<design.columnCount { check(design.columnNames[j], design.column(j)) }
    } else if let table {
      for name in Set(design.formula.columnReferences.map(\.name)).sorted() {
        guard let column = table[name], column.isNumeric else { continue }
        check(name, column.numbers)
      }
    }
    return out
  }

  /// `value` (finite, > 1e100 here) as `3.2e+120`: two significant digits suffice.
  private static func short(_ value: Double) -> String {
    let exponent = Int(log10(value).rounded(.down))
    let mantissa = (value / pow(10, Double(exponent)) * 10).rounded() / 10
    return "\(mantissa)e+\(exponent)"
  }
}
