import DiarySimulation
import Partials
import Testing

@Suite("ExactSum")
struct ExactSumTests {
  @Test("cancellation a plain sum loses is kept")
  func cancellation() {
    #expect(ExactSum([1e16, 1, -1e16]).value == 1)
    #expect(ExactSum([Double](repeating: 0.1, count: 10)).value == 1)
    #expect(ExactSum([1, 1e100, 1, -1e100]).value == 2)
    #expect(ExactSum().value == 0)
  }

  @Test("the rounded value and canonical components do not depend on the order")
  func orderIndependence() {
    var generator = SplitMix64(state: 42)
    func unit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
    let terms = (0..<2000).map { _ in
      (unit() - 0.5) * Double(sign: .plus, exponent: Int(unit() * 60) - 30, significand: 1)
    }
    let forward = ExactSum(terms)
    let backward = ExactSum(terms.reversed())
    var pairwise = ExactSum(terms[..<700])
    pairwise.merge(ExactSum(terms[700...]))
    #expect(forward.value == backward.value)
    #expect(forward.canonicalComponents == backward.canonicalComponents)
    #expect(forward.canonicalComponents == pairwise.canonicalComponents)
    // The canonical components read back to the same value.
    #expect(ExactSum(components: forward.canonicalComponents).value == forward.value)
  }

  @Test("a half-way case rounds to even as math.fsum")
  func halfway() {
    // 1 + 2^-53 is half-way between 1 and its successor: ties to even gives 1; a tiny extra
    // term decides it upwards.
    #expect(ExactSum([1, 0x1p-53]).value == 1)
    #expect(ExactSum([1, 0x1p-53, 0x1p-100]).value == 1 + 0x1p-52)
  }

  @Test("non-finite terms give the plain sum's answer")
  func nonFinite() {
    #expect(ExactSum([1, .infinity]).value == .infinity)
    #expect(ExactSum([1, .nan]).value.isNaN)
  }
}
