#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Solves `tail(x) = target` on `(0, ∞)` for a monotone tail probability.
///
/// Contract: `evaluate(x)` returns the tail probability at `x > 0` and the density there;
/// the tail is increasing in `x` when `increasing` (a lower tail, the cdf) and decreasing
/// otherwise (an upper tail). `target` lies strictly in `(0, 1)`. `start` is any positive guess.
///
/// Method: Newton's method on `g(x) = log tail(x) − log target`, whose derivative is
/// `±density/tail`; working on the log scale keeps the step well scaled when the target is tiny
/// (1e−300) and the tail is exponential or a power law. A bracket `[low, high]` of points known
/// to lie on either side of the root is kept; a Newton step that leaves it, or that cannot be
/// formed (density 0, tail underflow), is replaced by a factor-16 step outward while one side
/// is open, then bisection (geometric while the bracket spans more than a factor 4, since the
/// root may be anywhere in `(0, ∞)`).
/// Stops when a step moves `x` by at most 2 ulp or the bracket has closed to that width.
///
/// - Complexity: usually 3–8 evaluations; at most 300.
func invertTail(
  target: Double, increasing: Bool, start: Double,
  evaluate: (Double) -> (tail: Double, density: Double)
) -> Double {
  var low = 0.0
  var high = Double.infinity
  var x = start > 0 && start.isFinite ? start : 1
  let logTarget = log(target)
  for _ in 0..<300 {
    let (tail, density) = evaluate(x)
    if tail == target { return x }
    if (tail < target) == increasing { low = x } else { high = x }

    var next = Double.nan
    if tail > 0, density > 0, tail.isFinite {
      let slope = increasing ? density / tail : -density / tail
      next = x - (log(tail) - logTarget) / slope
    }
    if !(next > low && next < high) {
      if high == .infinity {
        next = 16 * x
      } else if low == 0 {
        next = x / 16
      } else if high > 4 * low {
        next = (low * high).squareRoot()
      } else {
        next = low + (high - low) / 2
      }
    }
    if abs(next - x) <= 2 * x.ulp || high - low <= 2 * high.ulp {
      return next
    }
    x = next
  }
  return x
}
