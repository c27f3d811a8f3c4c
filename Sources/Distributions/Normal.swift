#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The standard normal distribution N(0, 1): density, tails, log tails and quantile.
///
/// Tails are computed directly rather than as `1 − other tail`, so `survival(37)` and
/// `cdf(-37)` keep full relative accuracy. NaN in gives NaN out; nothing traps.
public enum Normal {
  /// Standard normal density `φ(x) = exp(−x²/2) / √(2π)`.
  ///
  /// `x²/2` is formed without rounding error in its leading part (see `halfSquare`), so the
  /// density keeps full relative accuracy far into the tails.
  public static func density(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    let square = halfSquare(abs(x))
    return exp(-square.high) * exp(-square.low) / sqrtTwoPi
  }

  /// Lower tail `Φ(x) = P(Z ≤ x)` (R: `pnorm(x)`).
  ///
  /// `Φ(x) = Q(−x)` for `x < 0` (see `survival`) and `1 − Q(x)` otherwise.
  public static func cdf(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    return x < 0 ? upperTail(-x) : 1 - upperTail(x)
  }

  /// Upper tail `Q(x) = P(Z > x) = 1 − Φ(x)` (R: `pnorm(x, lower.tail = FALSE)`).
  ///
  /// Full relative accuracy throughout the normal double range: `survival(37.5) ≈ 4.6e−308`.
  /// Below `2.2e−308` (x > 37.52) the result is subnormal, so it carries fewer significant
  /// bits, and it underflows to 0 past x ≈ 38.5. (R 4.2 returns 0 from x > 37.5193 on.)
  ///
  /// Method: for `0 ≤ x < 5`, `Q(x) = erfc(x/√2)/2` with the C library `erfc`; the rounding of
  /// `x/√2` costs at most `1.5·x²·ε ≈ 4e−15` relative there. For `x ≥ 5`, `Q(x) = φ(x)·R(x)`
  /// with the Mills ratio `R(x) = Q(x)/φ(x)` from Laplace's continued fraction
  /// `R(x) = 1/(x + 1/(x + 2/(x + 3/(x + ···))))` (Abramowitz & Stegun 26.2.14), and `φ(x)`
  /// from the exactly split exponent. This avoids the error `0.5·erfc(x/√2)` inherits from
  /// rounding its argument, which reaches `x²·ε ≈ 1.5e−13` relative at x = 37.
  public static func survival(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    return x < 0 ? 1 - upperTail(-x) : upperTail(x)
  }

  /// Natural log of the upper tail, `log Q(x)` (R: `pnorm(x, lower.tail = FALSE, log.p = TRUE)`).
  ///
  /// Finite for every finite `x`, far beyond where `Q(x)` itself underflows:
  /// `log Q(x) = −x²/2 − log √(2π) + log R(x)` for `x ≥ 5` (Mills ratio `R`), and
  /// `log1p(−Q(−x))` for `x < 0`. `+inf` gives `−inf`; `−inf` gives 0.
  public static func logSurvival(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    if x < 0 { return log1p(-upperTail(-x)) }
    if x < 5 { return log(upperTail(x)) }
    if x == .infinity { return -.infinity }
    let square = halfSquare(x)
    return -square.high - square.low - logSqrtTwoPi + log(millsRatio(x))
  }

  /// Natural log of the lower tail, `log Φ(x) = logSurvival(−x)` (R: `pnorm(x, log.p = TRUE)`).
  public static func logCDF(_ x: Double) -> Double {
    logSurvival(-x)
  }

  /// Two-sided p-value of a z statistic, `P(|Z| ≥ |z|) = 2 Q(|z|)`.
  ///
  /// NaN gives NaN; `±inf` gives 0; `z = 0` gives 1.
  public static func twoSidedPValue(z: Double) -> Double {
    if z.isNaN { return .nan }
    return min(1, 2 * upperTail(abs(z)))
  }

  /// Quantile `Φ⁻¹(p)`, the `z` with `Φ(z) = p` (R: `qnorm(p)`).
  ///
  /// Wichura's algorithm AS 241 (PPND16; M. J. Wichura, "The percentage points of the normal
  /// distribution", Applied Statistics 37(3), 477–484, 1988): a rational approximation in
  /// `q = p − ½` for `|q| ≤ 0.425`, and in `r = √(−log min(p, 1 − p))` beyond, split at
  /// `r = 5`; relative accuracy about 1e−16. R 4.2's `qnorm` uses the same algorithm.
  ///
  /// - Returns: NaN for NaN or `p` outside `[0, 1]`; `−inf` at 0; `+inf` at 1.
  public static func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      return q * horner(r, AS241.a) / horner(r, AS241.b)
    }
    var r = q < 0 ? p : 1 - p
    r = (-log(r)).squareRoot()
    let magnitude: Double
    if r <= 5 {
      r -= 1.6
      magnitude = horner(r, AS241.c) / horner(r, AS241.d)
    } else {
      r -= 5
      magnitude = horner(r, AS241.e) / horner(r, AS241.f)
    }
    return q < 0 ? -magnitude : magnitude
  }
}

// MARK: - Internals

extension Normal {
  /// `Q(z)` for `z ≥ 0` (or `+inf`).
  static func upperTail(_ z: Double) -> Double {
    if z < 5 { return 0.5 * erfc(z / 2.0.squareRoot()) }
    if z == .infinity { return 0 }
    // Past ~38.5 the result is below the smallest subnormal.
    if z > 40 { return 0 }
    let square = halfSquare(z)
    // φ(z)·R(z) ordered so the intermediate stays in the normal range as long as possible.
    return exp(-square.high) / sqrtTwoPi * millsRatio(z) * exp(-square.low)
  }

  /// Splits `z²/2` as `high + low` where `high` is exact.
  ///
  /// `z` is split as `h + (z − h)` with `h` a multiple of 1/16 (few enough bits that `h²` is
  /// exact), so `z²/2 = h²/2 + (z − h)(z + h)/2` and the small second part carries the rounding.
  /// Cody's normal-cdf code (W. J. Cody, Math. Comp. 23, 1969; used by R) does the same.
  static func halfSquare(_ z: Double) -> (high: Double, low: Double) {
    if !z.isFinite || z > 1e150 { return (z * z / 2, 0) }
    let h = (z * 16).rounded(.towardZero) / 16
    return (h * h / 2, (z - h) * (z + h) / 2)
  }

  /// Mills ratio `R(z) = Q(z)/φ(z)` for `z ≥ 5` by Laplace's continued fraction
  /// `1/(z + 1/(z + 2/(z + 3/(z + ···))))`, evaluated with the modified Lentz method; the
  /// fraction converges faster the larger `z` is, which is why it is used only in the tail.
  static func millsRatio(_ z: Double) -> Double {
    // Lentz on f = z + 1/(z + 2/(z + ···)), so R = 1/f; all partial denominators are
    // positive, so no zero-guard is needed.
    var f = z
    var c = z
    var d = 0.0
    var k = 1.0
    while k < 5_000 {
      d = 1 / (z + k * d)
      c = z + k / c
      let delta = c * d
      f *= delta
      if abs(delta - 1) <= .ulpOfOne { break }
      k += 1
    }
    return 1 / f
  }

  /// Evaluates `c[0] + c[1] r + ··· + c[n] rⁿ` by Horner's rule.
  static func horner(_ r: Double, _ coefficients: [Double]) -> Double {
    var result = 0.0
    for coefficient in coefficients.reversed() {
      result = result * r + coefficient
    }
    return result
  }

  /// Coefficients of AS 241 (PPND16) as published by Wichura (1988), lowest degree first.
  enum AS241 {
    static let a: [Double] = [
      3.387_132_872_796_366_608_0, 1.331_416_678_917_843_774_5e2, 1.971_590_950_306_551_442_7e3,
      1.373_169_376_550_946_112_5e4, 4.592_195_393_154_987_145_7e4, 6.726_577_092_700_870_085_3e4,
      3.343_057_558_358_812_810_5e4, 2.509_080_928_730_122_672_7e3,
    ]
    static let b: [Double] = [
      1.0, 4.231_333_070_160_091_125_2e1, 6.871_870_074_920_579_083_0e2,
      5.394_196_021_424_751_107_7e3, 2.121_379_430_158_659_586_7e4, 3.930_789_580_009_271_061_0e4,
      2.872_908_573_572_194_267_4e4, 5.226_495_278_852_854_561_0e3,
    ]
    static let c: [Double] = [
      1.423_437_110_749_683_577_34, 4.630_337_846_156_545_295_90, 5.769_497_221_460_691_405_50,
      3.647_848_324_763_204_605_04, 1.270_458_252_452_368_382_58, 2.417_807_251_774_506_117_70e-1,
      2.272_384_498_926_918_458_33e-2, 7.745_450_142_783_414_076_40e-4,
    ]
    static let d: [Double] = [
      1.0, 2.053_191_626_637_758_821_87, 1.676_384_830_183_803_849_40,
      6.897_673_349_851_000_045_50e-1, 1.481_039_764_274_800_745_90e-1,
      1.519_866_656_361_645_719_66e-2, 5.475_938_084_995_344_946_00e-4,
      1.050_750_071_644_416_843_24e-9,
    ]
    static let e: [Double] = [
      6.657_904_643_501_103_777_20, 5.463_784_911_164_114_369_90, 1.784_826_539_917_291_335_80,
      2.965_605_718_285_048_912_30e-1, 2.653_218_952_657_612_309_30e-2,
      1.242_660_947_388_078_438_60e-3, 2.711_555_568_743_487_578_15e-5,
      2.010_334_399_292_288_132_65e-7,
    ]
    static let f: [Double] = [
      1.0, 5.998_322_065_558_879_376_90e-1, 1.369_298_809_227_358_053_10e-1,
      1.487_536_129_085_061_485_25e-2, 7.868_691_311_456_132_591_00e-4,
      1.846_318_317_510_054_681_80e-5, 1.421_511_758_316_445_888_70e-7,
      2.044_263_103_389_939_785_64e-15,
    ]
  }
}
