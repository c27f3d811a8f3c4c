import Formula
import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension OrdinalData {
  /// The data of a design matrix built from `severity ~ x + ...`: the intercept column is
  /// dropped (the thresholds replace it), the response must be whole numbers, and its
  /// levels are the distinct values observed (as polr's `factor(severity)`).
  ///
  /// - Parameter weights: frequency weights per used row of the design, or `nil`.
  /// - Throws: ``OrdinalError/missingResponse``, ``OrdinalError/nonIntegerResponse(source:line:column:value:)``
  ///   naming the first offending row's source line, ``OrdinalError/tooFewLevels(column:levels:)``.
  public init(design: DesignMatrix, weights: [Double]? = nil) throws {
    guard let y = design.response else { throw OrdinalError.missingResponse }
    var responseName = "response"
    if case .expression(let e) = design.formula.response { responseName = e.label }
    for (i, v) in y.enumerated() where !(v == v.rounded() && abs(v) < 1e9) {
      let line = i < design.lineNumbers.count ? Int(design.lineNumbers[i]) : i + 2
      throw OrdinalError.nonIntegerResponse(
        source: design.source, line: line, column: responseName, value: v)
    }
    if let weights {
      for (i, w) in weights.enumerated() where !(w.isFinite && w > 0) {
        let line = i < design.lineNumbers.count ? Int(design.lineNumbers[i]) : i + 2
        throw OrdinalError.invalidWeight(source: design.source, line: line, value: w)
      }
    }
    let values = Set(y.map { Int($0) }).sorted()
    let names = values.map(String.init)
    guard values.count >= 3 else {
      throw OrdinalError.tooFewLevels(column: responseName, levels: names)
    }
    var code: [Int: Int] = [:]
    for (k, v) in values.enumerated() { code[v] = k }
    let present = Set(values)
    var unused: [String] = []
    if let low = values.first, let high = values.last {
      for v in low...high where !present.contains(v) { unused.append(String(v)) }
    }
    var copy = design
    let (x, columnNames) = copy.takeCovariates()
    var groups: [TermGroup] = []
    var position = 0
    for (j, name) in design.columnNames.enumerated() where name != "(Intercept)" {
      defer { position += 1 }
      let label = design.columnTerms[j].map { design.formula.terms[$0].label } ?? name
      if let k = groups.firstIndex(where: { $0.name == label }) {
        groups[k].columns.append(position)
      } else {
        groups.append(TermGroup(name: label, columns: [position]))
      }
    }
    self.init(
      covariates: try Matrix(
        rows: design.rowCount, columns: columnNames.count, columnMajor: x),
      covariateNames: columnNames, termGroups: groups,
      response: y.map { code[Int($0)] ?? 0 }, levels: names, weights: weights,
      clusters: design.clusters?.codes, clusterCount: design.clusters?.count ?? 0,
      unusedLevels: unused)
  }
}
