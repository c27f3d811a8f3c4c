import Formula
import Foundation

/// The designs of a `--stream` fit's blocks, kept on disk after the first pass that builds
/// them, so that later passes read binary columns (``DesignMatrix/spill(to:)``) instead of
/// parsing the text again: a pass then costs a read of `n (p + 2)` numbers, not a parse.
///
/// Files live in a fresh directory under `TMPDIR` (or `/tmp`), one per block, and are
/// removed by ``remove()``. The spill is only a cache: a block whose file cannot be written
/// (disk full, no directory) is built from its text again in every pass, with the same bits.
/// Memory stays bounded by the block, as without it.
public final class DesignSpill: @unchecked Sendable {
  private enum Slot {
    case unknown
    case spilled
    case empty
    case unavailable
  }

  private let lock = NSLock()
  private var slots: [Slot]
  private let directory: String?

  /// A spill for `blocks` blocks (no directory: every block is rebuilt each pass).
  public init(blocks: Int) {
    slots = [Slot](repeating: .unknown, count: blocks)
    let base =
      ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
      ?? "/tmp"
    var template = Array("\(base)/crampstat-stream-XXXXXX".utf8CString)
    directory = template.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
    }
  }

  private func path(_ k: Int) -> String? { directory.map { "\($0)/block-\(k).design" } }

  /// Block `k`'s design: read back when spilled, else `build()` (then spilled for later
  /// passes when it can be); `nil` when the block has no usable row.
  public func design(
    _ k: Int, formula: Formula, source: String, build: () throws -> DesignMatrix?
  ) throws -> DesignMatrix? {
    lock.lock()
    let slot = slots[k]
    lock.unlock()
    switch slot {
    case .empty: return nil
    case .spilled:
      if let path = path(k),
        let design = try? DesignMatrix(
          spilledAt: path, formula: formula, source: source)
      {
        return design
      }
      return try build()
    case .unavailable: return try build()
    case .unknown:
      let design = try build()
      var next = Slot.unavailable
      if let design {
        if design.spillable, let path = path(k), (try? design.spill(to: path)) != nil {
          next = .spilled
        }
      } else {
        next = .empty
      }
      lock.lock()
      slots[k] = next
      lock.unlock()
      return design
    }
  }

  /// Removes the spill files and their directory.
  public func remove() {
    guard let directory else { return }
    for k in slots.indices { if let path = path(k) { unlink(path) } }
    rmdir(directory)
  }

  deinit { remove() }
}
