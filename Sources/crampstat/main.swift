import CrampCLI
import Foundation
import LinearAlgebra

#if canImport(Glibc)
  import Glibc

  // Model commands on large diaries allocate and free arrays of hundreds of MB several times.
  // By default glibc maps each one with mmap and unmaps it on free, so every new array faults in
  // freshly zeroed pages (about a third of the run time of a Cox fit on 18M rows). The process
  // is short-lived: serve large blocks from the heap and keep freed memory there for reuse.
  // (`mallopt` is in <malloc.h>, which the Glibc module does not export.)
  if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    _ = mallopt(-4, 0)  // M_MMAP_MAX: no mmap'ed chunks
    _ = mallopt(-1, Int32.max)  // M_TRIM_THRESHOLD: keep freed memory
  }
#endif

// One BLAS thread unless the user chose otherwise: CrampStat parallelises its own row passes.
BLASLibrary.useCallingThreadUnlessConfigured(
  environment: ProcessInfo.processInfo.environment)

exit(CLI.main())
