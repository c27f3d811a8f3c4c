/// A sample size: the exact (real) solution of a formula and the whole patients it rounds to.
///
/// Each arm is rounded up on its own (`ceil(N p)` experimental, `ceil(N (1 - p))` control), so
/// the total is the sum of the arms and each arm has at least the size the formula needs.
public struct ArmSizes: Sendable, Equatable {
  /// The formula's total number of patients before rounding.
  public var exactTotal: Double
  /// Whole patients on the control arm.
  public var control: Int
  /// Whole patients on the experimental arm.
  public var experimental: Int

  /// Whole patients in the trial.
  public var total: Int { control + experimental }

  /// Rounds `exactTotal` arm by arm with `allocation` on the experimental arm.
  init(exactTotal: Double, allocation: Double) {
    self.exactTotal = exactTotal
    experimental = ArmSizes.roundUp(exactTotal * allocation)
    control = ArmSizes.roundUp(exactTotal * (1 - allocation))
  }

  /// The whole number at or above `x`, for `0 <= x <= 1e9` (the designs check the range).
  ///
  /// A relative 1e-12 slack keeps an exact integer that rounding left at 60.000000000000007
  /// from becoming 61.
  public static func roundUp(_ x: Double) -> Int {
    guard x.isFinite, x > 0 else { return 0 }
    return Int((min(x, 1e12) * (1 - 1e-12)).rounded(.up))
  }
}
