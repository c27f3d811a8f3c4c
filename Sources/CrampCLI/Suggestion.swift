/// "Did you mean" suggestions by Damerau-Levenshtein (optimal string alignment) distance.
enum Suggestion {
  /// The candidate closest to `input`, if it is close enough to be a plausible typo
  /// (distance <= max(1, length/3)); ties go to the earliest candidate.
  static func closest(to input: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    let limit = max(1, input.count / 3)
    for candidate in candidates {
      let d = distance(input.lowercased(), candidate.lowercased())
      if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
  }

  /// Optimal string alignment distance between `a` and `b`.
  static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev2 = [Int](repeating: 0, count: y.count + 1)
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      cur[0] = i
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          v = min(v, prev2[j - 2] + 1)
        }
        cur[j] = v
      }
      prev2 = prev
      prev = cur
    }
    return prev[y.count]
  }
}
