/// Dictionary encoding for one string column: byte slices to dense codes.
///
/// Level bytes live back to back in one arena; an open-addressing table (linear
/// probing, power-of-two size, load at most 1/2) maps the FNV-1a hash of a slice to
/// its level. A `String` is built once per distinct level, in ``levels()``, and
/// UTF-8 is validated once per distinct level, when it is first seen.
struct CSVLevelTable {
  private var arena: [UInt8] = []
  /// Level `k` spans `arena[starts[k]..<starts[k + 1]]`.
  private var starts: [Int] = [0]
  private var levelHashes: [UInt64] = []
  private var slots: [Int32] = Array(repeating: -1, count: 16)
  private var lastCode: Int32 = -1

  /// Number of distinct levels so far.
  var count: Int { levelHashes.count }

  /// The code of `bytes[start..<end]`, adding a level on first sight; `nil` if those
  /// bytes are not valid UTF-8.
  mutating func code(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int32? {
    // Diaries repeat a patient's value on consecutive nights: try the last level first.
    if lastCode >= 0 && matches(Int(lastCode), bytes, from: start, to: end) {
      return lastCode
    }
    let hash = Self.hash(bytes, from: start, to: end)
    let mask = slots.count &- 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let level = slots[slot]
      if level < 0 { break }
      if levelHashes[Int(level)] == hash && matches(Int(level), bytes, from: start, to: end) {
        lastCode = level
        return level
      }
      slot = (slot &+ 1) & mask
    }
    if CSVByte.firstInvalidUTF8(bytes, from: start, to: end) != nil { return nil }
    let code = Int32(truncatingIfNeeded: levelHashes.count)
    arena.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    starts.append(arena.count)
    levelHashes.append(hash)
    slots[slot] = code
    if levelHashes.count &* 2 > slots.count { grow() }
    lastCode = code
    return code
  }

  /// The levels as strings, in order of first appearance.
  func levels() -> [String] {
    arena.withUnsafeBufferPointer { buffer in
      (0..<count).map { k in
        String(
          decoding: UnsafeBufferPointer(rebasing: buffer[starts[k]..<starts[k &+ 1]]), as: UTF8.self
        )
      }
    }
  }

  private func matches(
    _ level: Int, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
  ) -> Bool {
    let levelStart = starts[level]
    let length = starts[level &+ 1] &- levelStart
    guard length == end &- start else { return false }
    return arena.withUnsafeBufferPointer { stored in
      var k = 0
      while k < length {
        if stored[levelStart &+ k] != bytes[start &+ k] { return false }
        k &+= 1
      }
      return true
    }
  }

  private mutating func grow() {
    var bigger = [Int32](repeating: -1, count: slots.count &* 2)
    let mask = bigger.count &- 1
    for (level, hash) in levelHashes.enumerated() {
      var slot = Int(truncatingIfNeeded: hash) & mask
      while bigger[slot] >= 0 { slot = (slot &+ 1) & mask }
      bigger[slot] = Int32(truncatingIfNeeded: level)
    }
    slots = bigger
  }

  private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int)
    -> UInt64
  {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var i = start
    while i < end {
      h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
      i &+= 1
    }
    // FNV-1a mixes the low bits poorly for short keys; fold the high half in.
    return h ^ (h >> 29)
  }
}
