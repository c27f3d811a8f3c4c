import Distributions
import Foundation

// The probability functions the regression results need, routed through Distributions.

/// `2 * P(Z > |z|)` for a standard normal `Z` (`2 * pnorm(-abs(z))`).
func normalTwoSidedPValue(_ z: Double) -> Double {
  Normal.twoSidedPValue(z: z)
}

/// `log(2 * P(Z > |z|))`, finite far beyond where the p-value underflows.
func logNormalTwoSidedPValue(_ z: Double) -> Double {
  log(2) + Normal.logSurvival(abs(z))
}

/// The standard normal quantile `qnorm(p)`.
func normalQuantile(_ p: Double) -> Double {
  Normal.quantile(p)
}

/// `P(X > x)` for `X` chi-squared with `df` degrees of freedom (`pchisq(x, df, lower = FALSE)`).
func chiSquaredSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
  ChiSquared.survival(x, degreesOfFreedom: df)
}

/// The chi-squared quantile `qchisq(p, df)`.
func chiSquaredQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
  ChiSquared.quantile(p, degreesOfFreedom: df)
}
