import Foundation
import Testing

@testable import DiarySimulation

@Suite("Random number generation")
struct RandomTests {
  @Test("SplitMix64 matches the published reference sequence for state 0")
  func splitMixReference() {
    // Reference outputs of Vigna's splitmix64.c started at x = 0.
    var g = SplitMix64(state: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(g.next() == 0x06C4_5D18_8009_454F)
  }

  @Test("Streams keyed by (seed, stream, index) are reproducible and distinct")
  func keyedStreams() {
    var a = Xoshiro256StarStar(seed: 7, stream: 1, index: 3)
    var b = Xoshiro256StarStar(seed: 7, stream: 1, index: 3)
    var c = Xoshiro256StarStar(seed: 7, stream: 1, index: 4)
    var d = Xoshiro256StarStar(seed: 8, stream: 1, index: 3)
    let first = (0..<4).map { _ in a.next() }
    #expect(first == (0..<4).map { _ in b.next() })
    #expect(first != (0..<4).map { _ in c.next() })
    #expect(first != (0..<4).map { _ in d.next() })
  }

  @Test("Uniform, normal, Poisson, gamma and Bernoulli moments")
  func moments() {
    var g = Xoshiro256StarStar(seed: 42)
    let n = 100_000
    var sum = 0.0
    var sumSquares = 0.0
    var poissonSum = 0
    var gammaSum = 0.0
    var hits = 0
    var minU = 1.0
    var maxU = 0.0
    for _ in 0..<n {
      let z = g.normal()
      sum += z
      sumSquares += z * z
      poissonSum += g.poisson(2.5)
      gammaSum += g.gamma(shape: 0.7, scale: 2)
      if g.bernoulli(0.3) { hits += 1 }
      let u = g.uniform()
      minU = min(minU, u)
      maxU = max(maxU, u)
    }
    // Tolerances are about 5 Monte-Carlo standard errors for n = 100,000.
    #expect(abs(sum / Double(n)) < 0.016)
    #expect(abs(sumSquares / Double(n) - 1) < 0.025)
    #expect(abs(Double(poissonSum) / Double(n) - 2.5) < 0.025)
    #expect(abs(gammaSum / Double(n) - 1.4) < 0.03)
    #expect(abs(Double(hits) / Double(n) - 0.3) < 0.008)
    #expect(minU > 0 && maxU < 1)
  }

  @Test("Categorical and geometric draws")
  func categoricalGeometric() {
    var g = Xoshiro256StarStar(seed: 9)
    var counts = [0, 0, 0]
    var geometricSum = 0
    for _ in 0..<60_000 {
      counts[g.categorical([1, 2, 3])] += 1
      geometricSum += g.geometric(0.2)
    }
    #expect(abs(Double(counts[2]) / 60_000 - 0.5) < 0.01)
    #expect(abs(Double(geometricSum) / 60_000 - 4) < 0.1)
  }

  @Test("Portable exp, log and cos agree with the platform to 1e-14 relative")
  func portableMath() {
    var x = -40.0
    while x < 40 {
      let e = PortableMath.exp(x)
      #expect(abs(e - Foundation.exp(x)) <= 1e-14 * Foundation.exp(x))
      x += 0.173
    }
    var y = 1e-6
    while y < 1e6 {
      #expect(
        abs(PortableMath.log(y) - Foundation.log(y)) <= 1e-14 * max(1, abs(Foundation.log(y))))
      y *= 1.37
    }
    var c = -20.0
    while c < 20 {
      #expect(abs(PortableMath.cos(c) - Foundation.cos(c)) < 1e-14)
      c += 0.091
    }
  }

  @Test("Fixed-point formatting rounds half away from zero and never prints -0")
  func fixedFormatting() {
    func text(_ v: Double, _ d: Int) -> String {
      let b = ByteBuffer(capacity: 8)
      b.fixed(v, decimals: d)
      return String(decoding: b.bytes, as: UTF8.self)
    }
    #expect(text(2.25, 1) == "2.3")
    #expect(text(-2.25, 1) == "-2.3")
    #expect(text(-0.04, 1) == "0.0")
    #expect(text(5, 0) == "5")
    #expect(text(12.3456, 4) == "12.3456")
    #expect(text(0.05, 2) == "0.05")
    let b = ByteBuffer(capacity: 8)
    b.unsigned(42, minDigits: 6)
    b.int(-17)
    #expect(String(decoding: b.bytes, as: UTF8.self) == "000042-17")
  }
}
