import Distributions
import Testing

// TEMPORARY (branch surv): keeps the test target buildable until branch `dist` lands its tests.
@Test("stand-in normal tail is symmetric")
func standInSymmetry() {
  #expect(abs(Normal.cdf(1.5) + Normal.cdf(-1.5) - 1) < 1e-15)
}
