/// A growable byte buffer with allocation-free ASCII number formatting.
///
/// Rows are appended field by field; nothing builds a `String` per row. Numbers are formatted
/// here rather than by `String(format:)` so the text never depends on locale or platform:
/// integers in base 10, reals as fixed-point with round-half-away-from-zero.
final class ByteBuffer {
  private(set) var storage: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// Bytes currently held.
  private(set) var count = 0

  init(capacity: Int = 1 << 16) {
    self.capacity = max(capacity, 64)
    storage = .allocate(capacity: self.capacity)
  }

  deinit { storage.deallocate() }

  /// Empties the buffer, keeping its memory.
  func removeAll() { count = 0 }

  /// Makes room for at least `extra` more bytes.
  @inline(__always)
  func reserve(_ extra: Int) {
    if count + extra > capacity { grow(count + extra) }
  }

  private func grow(_ needed: Int) {
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newStorage.update(from: storage, count: count)
    storage.deallocate()
    storage = newStorage
    capacity = newCapacity
  }

  /// Calls `body` with the bytes held.
  func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage, count: count))
  }

  /// The bytes held, copied into an array (for tests and small files).
  var bytes: [UInt8] { withBytes { Array($0) } }

  // MARK: Appending. Callers reserve space first (a diary row needs < 400 bytes).

  @inline(__always)
  func byte(_ b: UInt8) {
    reserve(1)
    storage[count] = b
    count += 1
  }

  @inline(__always)
  func comma() { byte(44) }

  @inline(__always)
  func newline() { byte(10) }

  func append(_ bytes: [UInt8]) {
    reserve(bytes.count)
    for b in bytes {
      storage[count] = b
      count += 1
    }
  }

  func append(_ text: String) { append(Array(text.utf8)) }

  /// Appends a signed integer in base 10.
  @inline(__always)
  func int(_ value: Int) {
    reserve(21)
    if value < 0 {
      storage[count] = 45  // "-"
      count += 1
      if value == Int.min {
        append(Array("9223372036854775808".utf8))
        return
      }
      unsigned(UInt(-value), minDigits: 1)
    } else {
      unsigned(UInt(value), minDigits: 1)
    }
  }

  /// Appends a non-negative integer left-padded with zeros to `minDigits`.
  @inline(__always)
  func unsigned(_ value: UInt, minDigits: Int) {
    reserve(max(minDigits, 20))
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    var v = value
    withUnsafeMutableBytes(of: &digits) { raw in
      repeat {
        raw[n] = UInt8(48 + v % 10)
        v /= 10
        n += 1
      } while v > 0
      var pad = minDigits - n
      while pad > 0 {
        storage[count] = 48
        count += 1
        pad -= 1
      }
      while n > 0 {
        n -= 1
        storage[count] = raw[n]
        count += 1
      }
    }
  }

  /// Appends `value` with exactly `decimals` digits after the point, for 0 to 6 decimals.
  ///
  /// The value is scaled by 10^decimals and rounded half away from zero; −0 prints as 0.
  @inline(__always)
  func fixed(_ value: Double, decimals: Int) {
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (value * Double(scale)).rounded(.toNearestOrAwayFromZero)
    guard scaled.isFinite, abs(scaled) < 9.0e15 else {
      append(Array("NaN".utf8))
      return
    }
    var n = Int(scaled)
    reserve(24)
    if n < 0 {
      byte(45)
      n = -n
    }
    unsigned(UInt(n / scale), minDigits: 1)
    if decimals > 0 {
      byte(46)
      unsigned(UInt(n % scale), minDigits: decimals)
    }
  }
}
