import LinearAlgebra
import Testing

@Suite("The linked BLAS library")
struct BLASLibraryTests {
  @Test("an explicit thread count in the environment is respected")
  func respectsEnvironment() {
    #expect(
      !BLASLibrary.useCallingThreadUnlessConfigured(environment: ["OPENBLAS_NUM_THREADS": "4"]))
    #expect(!BLASLibrary.useCallingThreadUnlessConfigured(environment: ["OMP_NUM_THREADS": "2"]))
  }

  @Test("without one, OpenBLAS runs on the calling thread")
  func defaultsToOneThread() {
    #expect(BLASLibrary.useCallingThreadUnlessConfigured(environment: [:]))
    #expect(BLASLibrary.threadCount == 1)
    #expect(BLASLibrary.configuration.contains("OpenBLAS"))
  }
}
