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
        withoutActuallyEscaping(first) { firstWork in
          withoutActuallyEscaping(second) { secondWork in
            let shared = UncheckedSendable((aSlot, bSlot, firstWork, secondWork))
            DispatchQueue.concurrentPerform(iterations: 2) { k in
              let (aSlot, bSlot, firstWork, secondWork) = shared.value
              if k == 0 {
                aSlot.pointee = firstWork()
              } else {
                bSlot.pointee = secondWork()
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
