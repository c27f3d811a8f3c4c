import Testing

@testable import LinearAlgebra

/// The one `info` -> error map shared by every wrapper (LAPACK's documented conventions).
@Suite("LAPACK info mapping")
struct LAPACKInfoTests {
  @Test("0 is success")
  func success() throws {
    try LAPACK.check(0, routine: "dpotrf", positive: .notPositiveDefinite)
  }

  @Test("-1010 and -1011 are LAPACKE allocation failures")
  func allocation() {
    for info: BlasInt in [-1010, -1011] {
      #expect(throws: LinearAlgebraError.workspaceAllocation(routine: "dgeqp3")) {
        try LAPACK.check(info, routine: "dgeqp3", positive: .impossible)
      }
    }
  }

  @Test("other negative info names the illegal argument (a bug in our call)")
  func illegalArgument() {
    #expect(throws: LinearAlgebraError.invalidArgument(routine: "dpotrs", position: 5)) {
      try LAPACK.check(-5, routine: "dpotrs", positive: .impossible)
    }
  }

  @Test("positive info takes the routine's meaning")
  func positive() {
    #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 3)) {
      try LAPACK.check(3, routine: "dpotrf", positive: .notPositiveDefinite)
    }
    #expect(throws: LinearAlgebraError.singular(pivot: 2)) {
      try LAPACK.check(2, routine: "dtrtrs", positive: .singular)
    }
    #expect(throws: LinearAlgebraError.didNotConverge(routine: "dsyev", info: 4)) {
      try LAPACK.check(4, routine: "dsyev", positive: .didNotConverge)
    }
  }

  @Test("dimensions beyond Int32 are rejected before any call")
  func tooLarge() {
    #expect(throws: LinearAlgebraError.dimensionTooLarge(1 << 31)) {
      try LAPACK.int(1 << 31)
    }
  }
}
