// Placeholder until Firth lands.
struct FirthFitter {
  let x: [Double]
  let rows: Int
  let columns: Int
  let y: [Double]
  let offset: [Double]?
  let hasIntercept: Bool
  let maxIterations: Int
  let confidenceLevel: Double
  func fit() throws -> CoreFit { throw RegressionError.emptyModel }
}
