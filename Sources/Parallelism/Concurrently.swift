import Dispatch

/// Runs two independent computations at once when more than one worker is allowed.
///
/// With ``RowPartition/workerCount`` equal to 1 the two run one after the other, `first`
/// first. Each closure must only touch its own state; their results never depend on whether
/// they ran in parallel.
public enum Concurrently {
  /// `(first(), second())`, computed on two threads when allowed.
  public static func pair<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    guard RowPartition.workerCount > 1 else { return (first(), second()) }
    var a: A?
    var b: B?
    withUnsafeMutablePointer(to: &a) { aSlot in
      withUnsafeMutablePointer(to: &b) { bSlot in
        let slots = UncheckedPair(first: aSlot, second: bSlot)
        withoutActuallyEscaping(first) { firstWork in
          withoutActuallyEscaping(second) { secondWork in
            let work = UncheckedPair(first: firstWork, second: secondWork)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
              if k == 0 {
                slots.first.pointee = work.first()
              } else {
                slots.second.pointee = work.second()
              }
            }
          }
        }
      }
    }
    guard let a, let b else { preconditionFailure("Concurrently.pair: a result is missing") }
    return (a, b)
  }
}

/// Two values carried into `concurrentPerform`; ``Concurrently/pair(_:_:)`` gives each
/// iteration its own half.
private struct UncheckedPair<First, Second>: @unchecked Sendable {
  let first: First
  let second: Second
}
