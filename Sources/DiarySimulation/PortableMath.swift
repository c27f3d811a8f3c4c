/// Elementary functions built only from IEEE-754 `+ − × ÷` and `sqrt`.
///
/// Platform `libm` implementations of `exp`, `log` and `cos` may differ in the last bit
/// between operating systems. Every transcendental value the simulator uses goes through
/// these functions instead, so a given seed produces byte-identical files on any IEEE-754
/// machine. Accuracy is about 1e-15 relative — ample for simulation, not a libm replacement.
public enum PortableMath {
  private static let ln2Hi = 6.931_471_803_691_238_164_90e-01
  private static let ln2Lo = 1.908_214_929_270_587_700_02e-10
  private static let log2e = 1.442_695_040_888_963_387_00

  /// e^x by range reduction x = k·ln 2 + r, |r| ≤ ln2/2, and a degree-14 Taylor polynomial.
  public static func exp(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709.78 { return .infinity }
    if x < -745.1 { return 0 }
    let k = (x * log2e).rounded(.toNearestOrEven)
    let r = (x - k * ln2Hi) - k * ln2Lo
    // Horner form of sum_{n=0}^{14} r^n / n!; |r| ≤ 0.347 so the truncation error is < 1e-17.
    var p = 1.0 / 87_178_291_200.0
    p = p * r + 1.0 / 6_227_020_800.0
    p = p * r + 1.0 / 479_001_600.0
    p = p * r + 1.0 / 39_916_800.0
    p = p * r + 1.0 / 3_628_800.0
    p = p * r + 1.0 / 362_880.0
    p = p * r + 1.0 / 40_320.0
    p = p * r + 1.0 / 5_040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return scaleByPowerOfTwo(p, Int(k))
  }

  /// ln x via x = m·2^e with m ∈ [√½, √2) and ln m = 2·atanh(s), s = (m − 1)/(m + 1).
  public static func log(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return x }
    var e = Int(x.exponent)
    var m = x.significand  // in [1, 2)
    if m > 1.414_213_562_373_095_048_80 {
      m *= 0.5
      e += 1
    }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    // 2·(s + s³/3 + … + s^23/23); |s| ≤ 0.1716 so s² ≤ 0.0295 and the tail is < 1e-19.
    var p = 1.0 / 23.0
    p = p * s2 + 1.0 / 21.0
    p = p * s2 + 1.0 / 19.0
    p = p * s2 + 1.0 / 17.0
    p = p * s2 + 1.0 / 15.0
    p = p * s2 + 1.0 / 13.0
    p = p * s2 + 1.0 / 11.0
    p = p * s2 + 1.0 / 9.0
    p = p * s2 + 1.0 / 7.0
    p = p * s2 + 1.0 / 5.0
    p = p * s2 + 1.0 / 3.0
    p = p * s2 + 1.0
    let fe = Double(e)
    return fe * ln2Hi + (2 * s * p + fe * ln2Lo)
  }

  /// cos x by reduction to [−π, π] and the Taylor series to degree 34 (error < 1e-16).
  ///
  /// Meant for table building (seasonal curves), not speed.
  public static func cos(_ x: Double) -> Double {
    let twoPi = 6.283_185_307_179_586_476_93
    var r = x - (x / twoPi).rounded(.toNearestOrEven) * twoPi
    if r > twoPi / 2 { r -= twoPi }
    let r2 = r * r
    var term = 1.0
    var sum = 1.0
    var n = 0.0
    while n < 34 {
      term *= -r2 / ((n + 1) * (n + 2))
      sum += term
      n += 2
    }
    return sum
  }

  private static func scaleByPowerOfTwo(_ value: Double, _ k: Int) -> Double {
    // Two exact multiplications keep subnormal results correct for k < −1022.
    if k < -1000 {
      return value * Double(sign: .plus, exponent: k + 1000, significand: 1)
        * Double(sign: .plus, exponent: -1000, significand: 1)
    }
    return value * Double(sign: .plus, exponent: k, significand: 1)
  }
}
