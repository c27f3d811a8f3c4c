/// Why a design has no answer: an input outside the range its formula is defined on.
///
/// Each case names the quantity and the range, so the CLI can say exactly what to change.
public enum TrialDesignError: Error, Equatable, Sendable {
  /// A probability-like input (alpha, power, allocation, event probability, p0, p1, ICC) is
  /// outside its open (or half-open) interval.
  case outOfRange(name: String, value: Double, range: String)
  /// The two arms are assumed equal (hazard ratio 1, rate ratio 1, p0 == p1): no size gives power.
  case noEffect(name: String)
  /// The formula asks for more than a billion patients or events: the effect is too small.
  case tooLarge(name: String, value: Double)
  /// The requested size is too small for the formula (fewer than 2 patients, say).
  case tooSmall(name: String, value: Double)

  /// The message for users, one sentence.
  public var message: String {
    switch self {
    case .outOfRange(let name, let value, let range):
      return "'\(name)' must be in \(range), not \(TrialDesignError.text(value))."
    case .noEffect(let name):
      return "'\(name)' describes no difference between the arms, so no trial size has power; "
        + "give an effect other than the null."
    case .tooLarge(let name, let value):
      return "'\(name)' would be \(value), more than 1e9: the effect is too small to power."
    case .tooSmall(let name, let value):
      return "'\(name)' is too small (\(TrialDesignError.text(value)))."
    }
  }

  static func text(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }

  /// Checks `0 < value < 1`.
  static func checkOpenUnit(_ value: Double, _ name: String) throws(TrialDesignError) {
    guard value.isFinite, value > 0, value < 1 else {
      throw .outOfRange(name: name, value: value, range: "(0, 1)")
    }
  }

  /// Checks that a size is finite and at most 1e9.
  static func checkSize(_ value: Double, _ name: String) throws(TrialDesignError) {
    guard value.isFinite, value <= 1e9 else { throw .tooLarge(name: name, value: value) }
  }

  /// Checks `0 < value < infinity`.
  static func checkPositive(_ value: Double, _ name: String) throws(TrialDesignError) {
    guard value.isFinite, value > 0 else {
      throw .outOfRange(name: name, value: value, range: "(0, infinity)")
    }
  }
}
