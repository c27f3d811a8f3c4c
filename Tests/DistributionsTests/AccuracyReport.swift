import Distributions
import Foundation
import Testing
import _TestSupport

/// Worst relative error against R per fixture kind; printed when `DISTRIBUTIONS_REPORT=1`.
///
/// The per-case tests already enforce `Tolerance.specialFunction`; this only measures how much room
/// is left, for the numbers quoted in commit messages and reviews.
@Suite("Accuracy report")
struct AccuracyReport {
  @Test("worst relative error per function stays within Tolerance.specialFunction")
  func worstErrors() throws {
    let file = try ReferenceFile.load()
    var worst: [String: (error: Double, call: String)] = [:]
    for reference in file.cases {
      guard let actual = Self.evaluate(reference) else { continue }
      // Subnormal expectations are compared by range, not relatively (see Tolerance).
      if abs(reference.value) < Double.leastNormalMagnitude { continue }
      let error = Tolerance.relativeError(actual, reference.value)
      if error >= worst[reference.kind, default: (-1, "")].error {
        worst[reference.kind] = (error, reference.call)
      }
    }
    for (kind, entry) in worst {
      #expect(entry.error <= Tolerance.specialFunction, "\(kind): \(entry.call)")
    }
    if ProcessInfo.processInfo.environment["DISTRIBUTIONS_REPORT"] == "1" {
      for kind in worst.keys.sorted() {
        let entry = worst[kind] ?? (0, "")
        print(String(format: "%-16@ %.2e  %@", kind as NSString, entry.error, entry.call))
      }
    }
  }

  static func evaluate(_ r: ReferenceCase) -> Double? {
    let x = r.x ?? .nan
    let p = r.p ?? .nan
    let df = r.df ?? .nan
    switch r.kind {
    case "pnorm": return Normal.cdf(x)
    case "pnorm_upper": return Normal.survival(x)
    case "pnorm_upper_log": return Normal.logSurvival(x)
    case "qnorm": return Normal.quantile(p)
    case "pchisq": return ChiSquared.cdf(x, degreesOfFreedom: df)
    case "pchisq_upper": return ChiSquared.survival(x, degreesOfFreedom: df)
    case "qchisq": return ChiSquared.quantile(p, degreesOfFreedom: df)
    case "pt", "pt_exact": return StudentT.cdf(x, degreesOfFreedom: df)
    case "pt_upper": return StudentT.survival(x, degreesOfFreedom: df)
    case "qt": return StudentT.quantile(p, degreesOfFreedom: df)
    case "pf":
      return FDistribution.cdf(
        x, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: r.df2 ?? .nan)
    case "pf_upper":
      return FDistribution.survival(
        x, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: r.df2 ?? .nan)
    case "qf":
      return FDistribution.quantile(
        p, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: r.df2 ?? .nan)
    case "pgamma": return SpecialFunctions.regularizedGammaP(a: r.a ?? .nan, x: x)
    case "pgamma_upper": return SpecialFunctions.regularizedGammaQ(a: r.a ?? .nan, x: x)
    case "pbeta": return SpecialFunctions.regularizedBeta(x: x, a: r.a ?? .nan, b: r.b ?? .nan)
    default: return nil
    }
  }
}
