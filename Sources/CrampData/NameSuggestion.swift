/// "Did you mean" suggestions for misspelled names: columns, options, subcommands, levels.
public enum NameSuggestion {
  /// The candidate closest to `name`, or `nil` when none is a plausible typo.
  ///
  /// A candidate qualifies when it equals `name` ignoring case, or when its optimal string
  /// alignment distance (Levenshtein plus adjacent transpositions, so `tise` -> `ties` is one
  /// edit) is at most a third of the name's length (at least 1, at most 3); failing that, a
  /// unique candidate starting with `name` (three letters or more, e.g. `magnes` for
  /// `magnesium_mg`). Ties go to the first candidate, so pass candidates in a meaningful order.
  public static func closest(to name: String, among candidates: [String]) -> String? {
    let lowered = name.lowercased()
    if let exact = candidates.first(where: { $0.lowercased() == lowered }) { return exact }
    let limit = min(3, max(1, name.count / 3))
    var best: (String, Int)?
    for candidate in candidates {
      let d = distance(lowered, candidate.lowercased())
      if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    if let best { return best.0 }
    let prefixed = candidates.filter { lowered.count >= 3 && $0.lowercased().hasPrefix(lowered) }
    return prefixed.count == 1 ? prefixed[0] : nil
  }

  /// Optimal string alignment distance between `a` and `b`, counted on Unicode scalars.
  public static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var before = [Int](repeating: 0, count: y.count + 1)
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      current[0] = i
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          v = min(v, before[j - 2] + 1)
        }
        current[j] = v
      }
      before = previous
      previous = current
    }
    return previous[y.count]
  }
}

/// The candidate closest to a misspelled name (see ``NameSuggestion/closest(to:among:)``).
public func closestMatch(to name: String, among candidates: [String]) -> String? {
  NameSuggestion.closest(to: name, among: candidates)
}
