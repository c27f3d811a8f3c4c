/// One row of a regression coefficient table, already on the scale it is printed.
public struct CoefficientRow: Sendable, Equatable {
  public var term: String
  public var estimate: Double?
  public var standardError: Double?
  /// The model-based SE when ``standardError`` is robust (shown as an extra column, as R's
  /// `coxph` prints `se(coef)` beside `robust se`).
  public var modelStandardError: Double?
  public var statistic: Double?
  public var pValue: Double?
  /// The ratio (odds, hazard or rate ratio) and its interval.
  public var ratio: Double?
  public var ratioLow: Double?
  public var ratioHigh: Double?
  /// How the interval was computed, shown when methods differ between rows.
  public var intervalMethod: String

  public init(
    term: String, estimate: Double?, standardError: Double?, modelStandardError: Double? = nil,
    statistic: Double?, pValue: Double?, ratio: Double?, ratioLow: Double?, ratioHigh: Double?,
    intervalMethod: String = ""
  ) {
    self.term = term
    self.estimate = estimate
    self.standardError = standardError
    self.modelStandardError = modelStandardError
    self.statistic = statistic
    self.pValue = pValue
    self.ratio = ratio
    self.ratioLow = ratioLow
    self.ratioHigh = ratioHigh
    self.intervalMethod = intervalMethod
  }
}

/// Renders coefficient tables the way R's `printCoefmat` and `summary.coxph` lay them out.
///
/// Text output follows `printCoefmat` with `digits = max(3, getOption("digits") - 3)` = 4:
/// estimates and standard errors share one notation and number of decimals (scientific when
/// a value would otherwise round to 0), the test statistic is rounded to 3 decimals, p-values
/// go through `format.pval` (`<2e-16` below machine epsilon), with R's significance stars.
/// CSV and JSON keep full precision.
public enum CoefficientTable {
  /// Column headers of the estimate table.
  public struct Headers: Sendable {
    public var estimate: String
    public var standardError: String
    public var modelStandardError: String
    public var statistic: String
    public var pValue: String
    public var ratio: String

    /// R's `summary.glm` headers with odds ratios.
    public static let logistic = Headers(
      estimate: "Estimate", standardError: "Std. Error", modelStandardError: "Model SE",
      statistic: "z value", pValue: "Pr(>|z|)", ratio: "OR")

    /// logistf's headers for Firth's fit: the p-value is the penalized likelihood-ratio
    /// test's, so its statistic is the chi-square, not a Wald z.
    public static let firth = Headers(
      estimate: "Estimate", standardError: "Std. Error", modelStandardError: "Model SE",
      statistic: "Chisq", pValue: "Pr(>Chisq)", ratio: "OR")

    /// R's `summary.coxph` headers with hazard ratios.
    public static let cox = Headers(
      estimate: "coef", standardError: "se(coef)", modelStandardError: "se(coef)",
      statistic: "z", pValue: "Pr(>|z|)", ratio: "exp(coef)")

    public init(
      estimate: String, standardError: String, modelStandardError: String, statistic: String,
      pValue: String, ratio: String
    ) {
      self.estimate = estimate
      self.standardError = standardError
      self.modelStandardError = modelStandardError
      self.statistic = statistic
      self.pValue = pValue
      self.ratio = ratio
    }
  }

  /// R's significance code for a p-value.
  public static func stars(_ p: Double?) -> String {
    guard let p, !p.isNaN else { return "" }
    if p < 0.001 { return "***" }
    if p < 0.01 { return "**" }
    if p < 0.05 { return "*" }
    if p < 0.1 { return "." }
    return ""
  }

  /// The legend printed under a table with stars.
  public static let signifLegend = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"

  /// The estimate table (estimate, SE, [model SE], statistic, p, stars) as `printCoefmat`
  /// prints it with `digits = 4`: estimates and standard errors as one block
  /// (``NumberFormat/rCoefficientColumns(_:digits:)``), the statistic rounded to 3 decimals,
  /// p-values through `format.pval`.
  public static func estimates(_ rows: [CoefficientRow], headers: Headers, showModelSE: Bool)
    -> DataTable
  {
    var h = ["", headers.estimate, headers.standardError]
    if showModelSE { h.append(headers.modelStandardError) }
    h += [headers.statistic, headers.pValue, ""]
    var table = DataTable(
      headers: h, alignments: h.indices.map { $0 == 0 || $0 == h.count - 1 ? .left : .right })
    var block = [rows.map(\.estimate), rows.map(\.standardError)]
    if showModelSE { block.append(rows.map(\.modelStandardError)) }
    let columns = NumberFormat.rCoefficientColumns(block)
    let statistics = NumberFormat.rStatisticColumn(rows.map(\.statistic))
    let pValues = NumberFormat.rFormatPValues(rows.map(\.pValue))
    for (i, r) in rows.enumerated() {
      var cells: [String?] = [r.term]
      cells += columns.map { $0[i] }
      cells += [statistics[i], pValues[i], stars(r.pValue)]
      table.append(cells)
    }
    return table
  }

  /// The ratio table (`OR lower .95 upper .95`), with a method column when asked; each
  /// column formatted as `print(matrix, digits = 4)` does
  /// (``NumberFormat/rRatioColumn(_:digits:)``).
  public static func ratios(
    _ rows: [CoefficientRow], headers: Headers, level: Double, showMethod: Bool
  ) -> DataTable {
    var h = ["", headers.ratio, "lower \(levelLabel(level))", "upper \(levelLabel(level))"]
    if showMethod { h.append("interval") }
    var table = DataTable(
      headers: h, alignments: h.indices.map { $0 == 0 || $0 == 4 ? .left : .right })
    let ratio = NumberFormat.rRatioColumn(rows.map(\.ratio))
    let low = NumberFormat.rRatioColumn(rows.map(\.ratioLow))
    let high = NumberFormat.rRatioColumn(rows.map(\.ratioHigh))
    for (i, r) in rows.enumerated() {
      var cells: [String?] = [r.term, ratio[i], low[i], high[i]]
      if showMethod { cells.append(r.intervalMethod) }
      table.append(cells)
    }
    return table
  }

  /// A confidence level as R's column headers show it: 0.95 as `.95`.
  public static func levelLabel(_ level: Double) -> String {
    let text = NumberFormat.significant(level, digits: 3)
    return text.hasPrefix("0.") ? String(text.dropFirst()) : text
  }

  /// All columns at full precision, for CSV.
  public static func fullPrecision(_ rows: [CoefficientRow]) -> DataTable {
    var table = DataTable(headers: [
      "term", "estimate", "std_error", "model_std_error", "statistic", "p_value", "exp_estimate",
      "exp_conf_low", "exp_conf_high", "interval",
    ])
    func f(_ v: Double?) -> String? {
      guard let v, v.isFinite else { return nil }
      return JSONValue.format(v)
    }
    for r in rows {
      table.append([
        r.term, f(r.estimate), f(r.standardError), f(r.modelStandardError), f(r.statistic),
        f(r.pValue), f(r.ratio), f(r.ratioLow), f(r.ratioHigh), r.intervalMethod,
      ])
    }
    return table
  }
}
