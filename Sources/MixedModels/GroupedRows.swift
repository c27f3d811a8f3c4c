/// The rows of a mixed-model design reordered so that each group's rows are contiguous.
///
/// ## Contract
/// - `order[r]` is the original row of position `r`; group `g` owns positions
///   `starts[g]..<starts[g + 1]` (`starts.count == groupCount + 1`, every group non-empty).
/// - `y[r]` is the 0/1 response and `z[r + j * n]` the random-effect covariate `j` (`1` for
///   the intercept) of position `r`, `j < k`, `k` in {1, 2}.
/// - Within a group the rows keep their original order, so sums are deterministic.
struct GroupedRows: Sendable {
  let n: Int
  let k: Int
  let groupCount: Int
  let starts: [Int]
  let order: [Int]
  let y: [Double]
  let z: [Double]

  /// Groups the rows by `codes` (`0..<groupCount`, each code used at least once).
  ///
  /// - Parameters:
  ///   - columns: `k` random-effect covariates in the original row order (`nil` = intercept).
  init(codes: [Int32], groupCount: Int, y: [Double], columns: [[Double]?]) {
    let n = codes.count
    var counts = [Int](repeating: 0, count: groupCount + 1)
    for c in codes { counts[Int(c) + 1] += 1 }
    for g in 0..<groupCount { counts[g + 1] += counts[g] }
    var next = counts
    var order = [Int](repeating: 0, count: n)
    for (i, c) in codes.enumerated() {
      order[next[Int(c)]] = i
      next[Int(c)] += 1
    }
    var z = [Double](repeating: 1, count: n * columns.count)
    for (j, column) in columns.enumerated() {
      guard let column else { continue }
      for r in 0..<n { z[r + j * n] = column[order[r]] }
    }
    self.n = n
    self.k = columns.count
    self.groupCount = groupCount
    self.starts = counts
    self.order = order
    self.y = order.map { y[$0] }
    self.z = z
  }
}
