import Foundation
import Testing

@testable import Reporting

/// R's printed numbers, each beside the R call that printed it.
///
/// R 4.2.2 with default options; `Rscript Tests/Reference/number_format.R` prints them all
/// again. R pads to a common width;
/// the table renderer aligns cells itself, so the expected strings are R's without padding.
@Suite("Numbers printed as R prints them")
struct RNumberFormatTests {
  static func trimmed(_ s: [String]) -> [String] { s.map { $0.trimmingSpaces } }

  @Test("format(x, digits =) on vectors: common notation and decimals")
  func vectors() {
    // format(c(-3.64669, 3.2e-7, 0.53775, 1.1e-7), digits = 4)
    #expect(
      NumberFormat.rFormat([-3.64669, 3.2e-7, 0.53775, 1.1e-7], digits: 4) == [
        "-3.647e+00", "3.200e-07", "5.377e-01", "1.100e-07",
      ])
    // format(c(1.0000003, 5.952, 0.8136), digits = 4)
    #expect(
      NumberFormat.rFormat([1.0000003, 5.952, 0.8136], digits: 4) == ["1.0000", "5.9520", "0.8136"])
    // format(c(0.15, 0.25, 2.675), digits = 2): the binary values, not their decimal spelling
    #expect(NumberFormat.rFormat([0.15, 0.25, 2.675], digits: 2) == ["0.15", "0.25", "2.67"])
    // format(1e-4, digits = 3); format(100000, digits = 4); format(123456.7, digits = 4)
    #expect(NumberFormat.rFormat([1e-4], digits: 3) == ["1e-04"])
    #expect(NumberFormat.rFormat([100000], digits: 4) == ["1e+05"])
    #expect(NumberFormat.rFormat([123456.7], digits: 4) == ["123457"])
    // format(c(0.011067, 1.011128, 0.009267), digits = 4)
    #expect(
      NumberFormat.rFormat([0.011067, 1.011128, 0.009267], digits: 4) == [
        "0.011067", "1.011128", "0.009267",
      ])
    // format(c(9996, 1), digits = 3): fixed notation keeps 9996 (rounding would widen it)
    #expect(NumberFormat.rFormat([9996, 1], digits: 3) == ["9996", "1"])
    // format(c(-1.5, NA, 2.25), digits = 4)
    #expect(NumberFormat.rFormat([-1.5, nil, 2.25], digits: 4) == ["-1.50", "NA", "2.25"])
    // format(3.2e-7); format(1.0000003)
    #expect(NumberFormat.rFormat([3.2e-7]) == ["3.2e-07"])
    #expect(NumberFormat.rFormat([1.0000003]) == ["1"])
    // format(c(0.02608, 5.952, 14.82, 0.9398), digits = 4)
    #expect(
      NumberFormat.rFormat([0.02608, 5.952, 14.82, 0.9398], digits: 4) == [
        "0.02608", "5.95200", "14.82000", "0.93980",
      ])
    // format(c(1e-300, 1), digits = 4)
    #expect(NumberFormat.rFormat([1e-300, 1], digits: 4) == ["1e-300", "1e+00"])
    // round(0.15, 1); round(2.675, 2)
    #expect(NumberFormat.rRound(0.15, decimals: 1) == 0.1)
    #expect(NumberFormat.rRound(2.675, decimals: 2) == 2.67)
  }

  @Test("format.pval with eps = .Machine$double.eps")
  func pValues() {
    // format.pval(c(1e-20, 0.0123, 0.5), digits = 3)
    #expect(NumberFormat.rFormatPValues([1e-20, 0.0123, 0.5]) == ["<2e-16", "0.0123", "0.5000"])
    // format.pval(c(1e-20, 1.23e-5), digits = 3)
    #expect(NumberFormat.rFormatPValues([1e-20, 1.23e-5]) == ["< 2e-16", "1.23e-05"])
    // format.pval(1e-20, digits = 3)
    #expect(NumberFormat.rFormatPValues([1e-20]) == ["<2e-16"])
    #expect(NumberFormat.pValue(1e-20) == "<2e-16")
    // format.pval(c(1.19e-11, 4.73e-09, 0.508, 0.179, 0.00511), digits = 3)
    #expect(
      NumberFormat.rFormatPValues([1.19e-11, 4.73e-09, 0.508, 0.179, 0.00511]) == [
        "1.19e-11", "4.73e-09", "0.50800", "0.17900", "0.00511",
      ])
    // format.pval(1e-4, digits = 3)
    #expect(NumberFormat.pValue(1e-4) == "1e-04")
    #expect(NumberFormat.rFormatPValues([nil, .nan]) == ["NA", "NA"])
  }

  /// The cells of one `printCoefmat` line: R's output split at runs of spaces, stars dropped.
  static func cells(_ line: String) -> [String] {
    line.split(separator: " ").map(String.init).filter { !$0.allSatisfy { "*.".contains($0) } }
  }

  /// Our estimate table's cells for the same rows, without the term and the stars.
  static func ours(
    _ estimate: [Double], _ se: [Double], _ z: [Double], _ p: [Double]
  ) -> [[String]] {
    let rows = estimate.indices.map { i in
      CoefficientRow(
        term: "t\(i + 1)", estimate: estimate[i], standardError: se[i], statistic: z[i],
        pValue: p[i], ratio: nil, ratioLow: nil, ratioHigh: nil)
    }
    let table = CoefficientTable.estimates(rows, headers: .logistic, showModelSE: false)
    return table.rows.map { r in r.compactMap { $0 }.filter { !$0.allSatisfy { "*.".contains($0) } }
    }
  }

  @Test("printCoefmat(digits = 4): a term scaled x 1e6 prints in scientific notation")
  func coefmatScaled() {
    // m <- cbind(Estimate = c(-3.64669, 3.2e-7), "Std. Error" = c(0.53775, 1.1e-7),
    //   "z value" = c(-6.781, 2.909), "Pr(>|z|)" = c(1.19e-11, 0.00363)); printCoefmat(m, digits = 4)
    //      Estimate Std. Error z value Pr(>|z|)
    // t1 -3.647e+00  5.377e-01  -6.781 1.19e-11 ***
    // t2  3.200e-07  1.100e-07   2.909  0.00363 **
    let r = [
      "t1 -3.647e+00  5.377e-01  -6.781 1.19e-11 ***",
      "t2  3.200e-07  1.100e-07   2.909  0.00363 **",
    ].map(Self.cells)
    #expect(
      Self.ours([-3.64669, 3.2e-7], [0.53775, 1.1e-7], [-6.781, 2.909], [1.19e-11, 0.00363]) == r)
  }

  @Test("printCoefmat(digits = 4): the teaching diary's model")
  func coefmatTeaching() {
    // coefmat(c(-3.646692, 1.783731, -0.2062925, 0.6691872, -0.06209157),
    //   c(0.5377503, 0.3045828, 0.3119012, 0.4684013, 0.04416221),
    //   c(-6.781396, 5.856321, -0.661403, 1.428662, -1.406), c(1.19e-11, 4.73e-09, 0.508, 0.153, 0.16))
    let r = [
      "t1 -3.64669    0.53775  -6.781 1.19e-11 ***", "t2  1.78373    0.30458   5.856 4.73e-09 ***",
      "t3 -0.20629    0.31190  -0.661    0.508", "t4  0.66919    0.46840   1.429    0.153",
      "t5 -0.06209    0.04416  -1.406    0.160",
    ].map(Self.cells)
    #expect(
      Self.ours(
        [-3.646692, 1.783731, -0.2062925, 0.6691872, -0.06209157],
        [0.5377503, 0.3045828, 0.3119012, 0.4684013, 0.04416221],
        [-6.781396, 5.856321, -0.661403, 1.428662, -1.406],
        [1.19e-11, 4.73e-09, 0.508, 0.153, 0.16])
        == r)
  }

  @Test("printCoefmat(digits = 4): zeros and values that round to zero")
  func coefmatZero() {
    // coefmat(c(2.5, 1e-9, 0), c(0.1, 0.02, 0.3), c(25, 5e-8, 0), c(1e-30, 0.99999, 1))
    let r = [
      "t1  2.5e+00    1.0e-01      25   <2e-16 ***", "t2  1.0e-09    2.0e-02       0        1",
      "t3  0.0e+00    3.0e-01       0        1",
    ].map(Self.cells)
    #expect(
      Self.ours([2.5, 1e-9, 0], [0.1, 0.02, 0.3], [25, 5e-8, 0], [1e-30, 0.99999, 1]) == r)
  }

  @Test("summary.coxph: coef, exp(coef) and se(coef) share their decimals")
  func coxBlock() {
    // printCoefmat(cbind(coef = c(0.011067, -0.552612), "exp(coef)" = c(1.011128, 0.575445),
    //   "se(coef)" = c(0.009267, 0.167739), z = c(1.194, -3.294),
    //   "Pr(>|z|)" = c(0.232416, 0.000986)), digits = 4)
    // age  0.011067  1.011128  0.009267  1.194 0.232416
    // sex -0.552612  0.575445  0.167739 -3.294 0.000986 ***
    let block = NumberFormat.rCoefficientColumns([
      [0.011067, -0.552612], [1.011128, 0.575445], [0.009267, 0.167739],
    ])
    #expect(
      block == [["0.011067", "-0.552612"], ["1.011128", "0.575445"], ["0.009267", "0.167739"]])
    #expect(NumberFormat.rStatisticColumn([1.194, -3.294]) == ["1.194", "-3.294"])
    #expect(NumberFormat.rFormatPValues([0.232416, 0.000986]) == ["0.232416", "0.000986"])
  }

  @Test("a ratio that is not 1 never prints as 1")
  func ratioNotOne() {
    // print(cbind(1.0000003, 5.952), digits = 4) shows 1.000; exp(3.2e-7) must not look like 1.
    let texts = NumberFormat.rRatioColumn([exp(3.2e-7), 5.952, 1])
    #expect(texts == ["1.0000003", "5.9520000", "1.0000000"])
    // The forest plot's labels follow the same rule.
    #expect(ForestPlot.formatRatio(1.0000003) == "1.0000003")
    #expect(ForestPlot.formatRatio(1) == "1.00")
    #expect(
      NumberFormat.rRatioColumn([0.02608, 5.952, 14.82]) == ["0.02608", "5.95200", "14.82000"])
  }
}
