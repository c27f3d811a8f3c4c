import LinearAlgebra

/// The rows a cumulative-link model is fitted to: covariates, the response as category codes,
/// optional frequency weights and clusters.
///
/// The covariate matrix has no intercept column: the thresholds play its part. The response
/// is coded `0..<levels.count` in the order of ``levels`` (the distinct observed values,
/// ascending, as `factor()` orders numbers; unobserved values are not levels).
public struct OrdinalData: Sendable {
  /// A group of covariate columns that belong to one formula term (a factor's dummies).
  public struct TermGroup: Sendable, Equatable {
    public var name: String
    /// 0-based columns of ``OrdinalData/covariates``.
    public var columns: [Int]

    public init(name: String, columns: [Int]) {
      self.name = name
      self.columns = columns
    }
  }

  /// `n` x `p` covariates, column-major, no intercept.
  public var covariates: Matrix
  /// Column names of ``covariates``, such as `stretch_bedtime` or `trimester[2]`.
  public var covariateNames: [String]
  /// Columns grouped by term, for per-term tests.
  public var termGroups: [TermGroup]
  /// Category of each row, `0..<levels.count`.
  public var response: [Int]
  /// Labels of the categories, lowest first.
  public var levels: [String]
  /// Frequency weights (R's `weights`), or `nil` for 1 on every row.
  public var weights: [Double]?
  /// Cluster code of each row (`0..<clusterCount`), or `nil`.
  public var clusters: [Int32]?
  /// Number of distinct clusters.
  public var clusterCount: Int
  /// Values inside the observed range with no row, such as severity 7.
  ///
  /// polr's `factor()` response does not have them as levels.
  public var unusedLevels: [String]

  /// Number of rows `n`.
  public var rowCount: Int { response.count }

  /// Creates the data; shapes are checked when fitting.
  public init(
    covariates: Matrix, covariateNames: [String], termGroups: [TermGroup]? = nil,
    response: [Int], levels: [String], weights: [Double]? = nil, clusters: [Int32]? = nil,
    clusterCount: Int = 0, unusedLevels: [String] = []
  ) {
    self.covariates = covariates
    self.covariateNames = covariateNames
    self.termGroups =
      termGroups ?? covariateNames.enumerated().map { TermGroup(name: $1, columns: [$0]) }
    self.response = response
    self.levels = levels
    self.weights = weights
    self.clusters = clusters
    self.clusterCount = clusterCount
    self.unusedLevels = unusedLevels
  }

  /// Total weight (the number of rows without weights).
  public var totalWeight: Double {
    weights.map { $0.reduce(0, +) } ?? Double(rowCount)
  }
}
