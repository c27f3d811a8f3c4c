import LinearAlgebra

/// A Gauss-Hermite rule for the standard normal density: `E f(Z) ~ sum_j w_j f(z_j)`.
///
/// Golub & Welsch (1969): the nodes are the eigenvalues of the symmetric tridiagonal Jacobi
/// matrix of the probabilists' Hermite polynomials (zero diagonal, off-diagonal `sqrt(j)`,
/// `j = 1..K-1`), and each weight is the squared first component of its unit eigenvector
/// (the weights sum to 1). lme4's `GHrule(K)` tabulates the same rule; the two agree to
/// rounding. The eigenproblem goes through the LAPACK wrapper (`dsyev`).
public struct GaussHermiteRule: Sendable, Equatable {
  /// Nodes `z_j` in ascending order.
  public let nodes: [Double]
  /// Weights `w_j` (positive, summing to 1).
  public let weights: [Double]

  /// The `K`-point rule (`1 <= K <= 25` as lme4 allows; `K = 1` is the node 0 with weight 1).
  ///
  /// - Throws: ``MixedModelError/invalidQuadraturePoints(_:)`` outside `1...25`;
  ///   `LinearAlgebraError` if the eigensolver fails.
  public init(points: Int) throws {
    guard (1...25).contains(points) else {
      throw MixedModelError.invalidQuadraturePoints(points)
    }
    var jacobi = Matrix(rows: points, columns: points)
    for j in 1..<max(1, points) {
      let value = Double(j).squareRoot()
      jacobi[j - 1, j] = value
      jacobi[j, j - 1] = value
    }
    let eigen = try SymmetricEigen(jacobi)
    var nodes = eigen.values
    var weights = (0..<points).map { eigen.vectors[0, $0] * eigen.vectors[0, $0] }
    // The rule is symmetric: average the mirrored pairs so rounding does not break it.
    for j in 0..<(points / 2) {
      let mirror = points - 1 - j
      let node = (nodes[mirror] - nodes[j]) / 2
      let weight = (weights[j] + weights[mirror]) / 2
      nodes[j] = -node
      nodes[mirror] = node
      weights[j] = weight
      weights[mirror] = weight
    }
    if points % 2 == 1 { nodes[points / 2] = 0 }
    let total = weights.reduce(0, +)
    self.nodes = nodes
    self.weights = weights.map { $0 / total }
  }
}
