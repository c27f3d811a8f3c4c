import Glibc

/// Memory helpers for the reader's large buffers.
enum CSVMemory {
  /// Below this many bytes, huge pages are not worth asking for.
  private static let hugePageBytes = 2 << 20

  /// An empty array with room for `capacity` elements, its storage advised for
  /// transparent huge pages.
  ///
  /// A 3.6M-row column is 29 MB of doubles; faulting it in 4 KiB pages costs more than
  /// parsing it (about 7,000 faults per column). With `MADV_HUGEPAGE` the kernel maps
  /// 2 MiB pages instead. The advice only changes how pages are backed; it is ignored
  /// where THP is disabled.
  static func reservedArray<Element>(capacity: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: max(capacity, 0)) { buffer, initialized in
      initialized = 0
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
    }
  }

  /// `count` copies of `value`, the storage advised for huge pages first.
  static func filledArray<Element>(_ value: Element, count: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: max(count, 0)) { buffer, initialized in
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      buffer.initialize(repeating: value)
      initialized = buffer.count
    }
  }

  /// Advises huge pages for the 2 MiB-aligned part of `buffer`.
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
