/// Memory helpers for the reader's large buffers.
enum CSVMemory {
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
}
