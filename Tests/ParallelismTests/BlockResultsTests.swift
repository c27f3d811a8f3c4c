import Testing

@testable import Parallelism

@Suite("BlockResults")
struct BlockResultsTests {
  struct Failure: Error, Equatable { let job: Int }

  @Test("run returns results in job order")
  func order() throws {
    let results = try BlockResults.run(count: 37) { k in k * k }
    #expect(results == (0..<37).map { $0 * $0 })
  }

  @Test(
    "forEachGroup hands every job once, in order, in groups of the size asked",
    arguments: [1, 3, 8, 100])
  func groups(size: Int) throws {
    var seen: [Int] = []
    var sizes: [Int] = []
    try BlockResults.forEachGroup(count: 20, groupSize: size) { k in
      k
    } handle: { group in
      seen += group
      sizes.append(group.count)
    }
    #expect(seen == Array(0..<20))
    #expect(sizes.allSatisfy { $0 <= size })
    #expect(sizes.dropLast().allSatisfy { $0 == min(size, 20) })
  }

  @Test("the first failing job (in job order) is thrown and later groups do not run")
  func failure() throws {
    var handled = 0
    #expect(throws: Failure(job: 5)) {
      try BlockResults.forEachGroup(count: 20, groupSize: 4) { k -> Int in
        if k == 5 || k == 6 { throw Failure(job: k) }
        return k
      } handle: { _ in
        handled += 1
      }
    }
    #expect(handled == 1)
  }
}
