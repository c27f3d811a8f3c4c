import Glibc

/// Memory helpers for the reader's large buffers.
enum CSVMemory {
  /// Below this many bytes, huge pages are not worth asking for.
  private static let hugePageBytes = 2 << 20

  /// An empty array with room for `capacity` elements (no zero fill).
  ///
  /// The storage is not advised for transparent huge pages any more: with THP in `madvise`
  /// mode and `defrag=madvise`, `MADV_HUGEPAGE` makes every fault of the advised range
  /// compact memory synchronously for a 2 MiB page. On the 18.25M-row diary (146 MB per
  /// column) that cost 2-2.5 s of system time in `crampstat logit` (sys 4.9-5.1 s with the
  /// advice, 2.3-2.8 s without; whole command 16-16.6 s vs 13.8-14.6 s), and on the
  /// 3.6M-row diary the reader was no faster with it (CrampBench csv best 0.75 s vs 0.63 s).
  static func reservedArray<Element>(capacity: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: max(capacity, 0)) { _, initialized in
      initialized = 0
    }
  }

  /// `count` copies of `value`.
  static func filledArray<Element>(_ value: Element, count: Int) -> [Element] {
    [Element](repeating: value, count: max(count, 0))
  }

  /// Advises huge pages for the 2 MiB-aligned part of `buffer` (unused by the reader: see
  /// ``reservedArray(capacity:)``).
  static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count >= 2 &* hugePageBytes, let base = buffer.baseAddress else { return }
    let address = UInt(bitPattern: base)
    let mask = UInt(hugePageBytes &- 1)
    let alignedStart = (address &+ mask) & ~mask
    let alignedEnd = (address &+ UInt(buffer.count)) & ~mask
    guard alignedEnd > alignedStart,
      let start = UnsafeMutableRawPointer(bitPattern: alignedStart)
    else { return }
    _ = madvise(start, Int(alignedEnd &- alignedStart), MADV_HUGEPAGE)
  }
}
