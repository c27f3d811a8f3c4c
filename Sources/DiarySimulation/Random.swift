/// SplitMix64, the 64-bit mixing generator used only to seed ``Xoshiro256StarStar``.
///
/// `state += 0x9E3779B97F4A7C15`, then the output is the state passed through two
/// xor-shift-multiply rounds (Steele, Lea & Flood 2014). Every 64-bit seed gives a distinct,
/// well-mixed sequence, so it is the recommended seeder for the xoshiro family.
public struct SplitMix64: Sendable {
  /// The current counter value.
  public private(set) var state: UInt64

  /// Creates a generator whose first output is derived from `state`.
  public init(state: UInt64) { self.state = state }

  /// Returns the next 64-bit output and advances the counter.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }

  /// The SplitMix64 finalizer: a bijective avalanche of a 64-bit word.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The xoshiro256** generator (Blackman & Vigna 2018), keyed by (seed, stream, index).
///
/// State: four 64-bit words, never all zero. Output: `rotl(s1 * 5, 7) * 9`. Period 2^256 - 1.
///
/// Keying: the four state words are the first four outputs of a ``SplitMix64`` started at
/// `mix(mix(seed ^ stream·φ) ^ index)`, where φ = 0x9E3779B97F4A7C15. Each patient (index)
/// of each purpose (stream) therefore has its own generator, so any patient can be
/// regenerated alone and patient blocks can be produced in parallel with identical output.
public struct Xoshiro256StarStar: Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// The second normal deviate of the last polar-method pair, if not yet used.
  private var spareNormal: Double?

  /// Creates the generator for `stream` and `index` under the user's `seed`.
  public init(seed: UInt64, stream: UInt64 = 0, index: UInt64 = 0) {
    let key = SplitMix64.mix(SplitMix64.mix(seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)) ^ index)
    var seeder = SplitMix64(state: key)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is a fixed point
    spareNormal = nil
  }

  /// Returns the next 64 random bits.
  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// A uniform deviate on the open interval (0, 1): `(top 53 bits + 0.5) / 2^53`.
  ///
  /// Never returns 0 or 1, so `log(u)` and `log(1 - u)` are always finite.
  @inline(__always)
  public mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// A Bernoulli(p) draw, `uniform() < p`, consuming one uniform.
  @inline(__always)
  public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

  /// A uniform integer in `0..<n` (n ≥ 1) by Lemire's multiply-shift; consumes one word.
  ///
  /// The bias is below n / 2^64, far under anything a diary simulation could detect.
  @inline(__always)
  public mutating func integer(below n: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(n)).high)
  }

  /// A standard normal deviate by Marsaglia's polar method.
  ///
  /// Pairs (v1, v2) uniform on the square are rejected outside the unit disc (probability
  /// 1 − π/4); with s = v1² + v2², both v1·√(−2 ln s / s) and v2·√(−2 ln s / s) are N(0, 1).
  /// The second is kept for the next call, so consumption is deterministic given the stream.
  public mutating func normal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    while true {
      let v1 = 2 * uniform() - 1
      let v2 = 2 * uniform() - 1
      let s = v1 * v1 + v2 * v2
      if s < 1 && s > 0 {
        let factor = (-2 * PortableMath.log(s) / s).squareRoot()
        spareNormal = v2 * factor
        return v1 * factor
      }
    }
  }

  /// A normal deviate with the given mean and standard deviation.
  @inline(__always)
  public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

  /// A Poisson(mean) deviate.
  ///
  /// For mean ≤ 30, sequential inversion: walk k = 0, 1, … accumulating P(K = k) =
  /// e^{−m} m^k / k! until the cumulative sum exceeds one uniform. Larger means are split
  /// into a sum of independent Poisson(≤ 30) parts, which is exact and never needed by the
  /// diary model (its rates are capped at 3 per night).
  public mutating func poisson(_ mean: Double) -> Int {
    guard mean > 0 else { return 0 }
    var remaining = mean
    var total = 0
    while remaining > 30 {
      total += poissonInversion(30)
      remaining -= 30
    }
    return total + poissonInversion(remaining)
  }

  @inline(__always)
  private mutating func poissonInversion(_ mean: Double) -> Int {
    let u = uniform()
    var k = 0
    var p = PortableMath.exp(-mean)
    var cumulative = p
    while u > cumulative && k < 200 {
      k += 1
      p *= mean / Double(k)
      cumulative += p
    }
    return k
  }

  /// A Gamma(shape, scale) deviate (mean shape·scale) by Marsaglia & Tsang (2000).
  ///
  /// d = a − 1/3, c = 1/√(9d); repeat x ~ N(0,1), v = (1 + c x)³ until v > 0 and
  /// ln u < x²/2 + d − d v + d ln v; return d·v·scale. Shapes below 1 use the boosting
  /// identity Gamma(a) = Gamma(a + 1) · U^{1/a}.
  public mutating func gamma(shape: Double, scale: Double) -> Double {
    guard shape > 0, scale > 0 else { return 0 }
    if shape < 1 {
      let boost = PortableMath.exp(PortableMath.log(uniform()) / shape)
      return gamma(shape: shape + 1, scale: scale) * boost
    }
    let d = shape - 1.0 / 3.0
    let c = 1.0 / (9 * d).squareRoot()
    while true {
      var x: Double
      var v: Double
      repeat {
        x = normal()
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = uniform()
      if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
      if PortableMath.log(u) < 0.5 * x * x + d * (1 - v + PortableMath.log(v)) {
        return d * v * scale
      }
    }
  }

  /// An index drawn with probabilities proportional to `weights` (one uniform).
  public mutating func categorical(_ weights: [Double]) -> Int {
    var total = 0.0
    for w in weights { total += w }
    let target = uniform() * total
    var cumulative = 0.0
    for (i, w) in weights.enumerated() {
      cumulative += w
      if target < cumulative { return i }
    }
    return weights.count - 1
  }

  /// The number of failures before the first success of a per-trial probability `p`.
  ///
  /// Geometric by inversion: ⌊ln U / ln(1 − p)⌋; returns `Int.max / 4` when p ≤ 0.
  public mutating func geometric(_ p: Double) -> Int {
    guard p > 0 else { return Int.max / 4 }
    guard p < 1 else { return 0 }
    let value = PortableMath.log(uniform()) / PortableMath.log(1 - p)
    return value >= Double(Int.max / 4) ? Int.max / 4 : Int(value)
  }
}
