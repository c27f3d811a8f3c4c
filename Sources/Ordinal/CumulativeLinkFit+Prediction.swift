import LinearAlgebra

extension CumulativeLinkFit {
  /// The predicted distribution of the response for covariate values `x` (one per
  /// coefficient, in order): `P(Y = k) = F(zeta_k - x'beta) - F(zeta_{k-1} - x'beta)`, as
  /// `predict(polr, newdata, type = "probs")`.
  ///
  /// - Throws: `.dimensionMismatch` when `x` does not have one value per coefficient.
  public func predictedProbabilities(_ x: [Double]) throws -> [Double] {
    let beta = coefficients.map(\.estimate)
    guard x.count == beta.count else {
      throw LinearAlgebraError.dimensionMismatch(
        "predictedProbabilities: \(x.count) values for \(beta.count) coefficients")
    }
    var eta = 0.0
    if !beta.isEmpty {
      eta = try BLAS.gemv(try Matrix(rows: 1, columns: x.count, columnMajor: x), beta)[0]
    }
    var probabilities: [Double] = []
    var lower = -Double.infinity
    for k in 0...thresholds.count {
      let upper = k < thresholds.count ? thresholds[k].estimate - eta : .infinity
      probabilities.append(link.probability(lower: lower, upper: upper))
      lower = upper
    }
    return probabilities
  }
}
