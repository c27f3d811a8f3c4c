import CrampData
import Formula
import Foundation
import Partials
import Regression
import Testing
import _TestSupport

/// Runs every pass of a distributed logistic fit over `tables` in process, merging the
/// partitions in the order `mergeOrder` gives.
func distributedLogistic(
  _ tables: [Table], formula: String, cluster: String?, mergeOrder: [Int]? = nil
) throws -> (fit: LogisticFit, documents: [String]) {
  let order = mergeOrder ?? Array(tables.indices)
  let settings = PartitionDesign.settings(
    formula: formula, references: [], missing: .drop, cluster: cluster)
  var transcript: [String] = []
  func merge<S: PartialStatistics>(_ parts: [S]) throws -> S {
    var total = parts[order[0]]
    for i in order.dropFirst() { try total.merge(parts[i]) }
    // Through the text format, as `crampstat combine` and `solve` see it.
    let text = total.document.encoded
    transcript.append(text)
    return try S(document: try PartialDocument(text: text, source: "merged"))
  }
  let schema = try merge(
    try tables.enumerated().map { (i, table) in
      try PartitionDesign.schema(
        model: "logit", partition: "p\(i)", settings: settings, table: table)
    })
  var state = try DistributedLogistic(schema: schema)
  let model = LogisticModel(goodnessOfFit: false)
  for _ in 0..<200 {
    let designs = try tables.map { try state.design(for: $0) }
    switch state.pass {
    case .irls:
      let stats = try merge(
        try designs.enumerated().map { (i, design) in
          try IRLSStatistics(
            header: state.header(partition: "p\(i)"),
            columns: state.columns.isEmpty
              ? (designs.compactMap { $0 }.first?.columnNames ?? []) : state.columns,
            design: design, beta: state.beta)
        })
      switch try state.advance(with: stats, model: model) {
      case .pass(let next):
        // The state travels as text too.
        state = try DistributedLogistic(
          document: try PartialDocument(text: next.document.encoded, source: "state"))
      case .fit(let fit): return (fit, transcript)
      }
    case .robust:
      let meat = try merge(
        try designs.enumerated().map { (i, design) in
          try ClusterMeat.logistic(
            header: state.header(partition: "p\(i)"), design: design,
            beta: state.beta ?? [], systemBeta: state.systemBeta)
        })
      return (try state.finish(with: meat, model: model), transcript)
    }
  }
  throw PartialsError.unsupported("no fit after 200 passes")
}

@Suite("Distributed logistic fit")
struct DistributedLogisticTests {
  /// The in-memory fit of the whole diary.
  static func reference(robust: Bool) throws -> LogisticFit {
    let table = try TeachingPartitions.whole()
    let formula = try Formula.parse(TeachingPartitions.formula, columns: table.columnNames)
    let design = try DesignMatrix.build(
      formula, table: table, options: DesignOptions(cluster: robust ? "patient_id" : nil))
    return try LogisticModel(goodnessOfFit: false).fit(
      design, variance: robust ? .clusterRobust : .model)
  }

  static let tolerance = Tolerance.distributed

  static func expectClose(_ a: LogisticFit, _ b: LogisticFit) {
    #expect(a.coefficients.map(\.term) == b.coefficients.map(\.term))
    func close(_ x: Double?, _ y: Double?) -> Bool {
      guard let x, let y else { return x == nil && y == nil }
      return abs(x - y) <= tolerance * max(abs(y), 1e-300)
    }
    for (x, y) in zip(a.coefficients, b.coefficients) {
      #expect(close(x.estimate, y.estimate), "\(x.term) estimate")
      #expect(close(x.standardError, y.standardError), "\(x.term) SE")
      #expect(close(x.modelStandardError, y.modelStandardError), "\(x.term) model SE")
    }
    #expect(close(a.deviance, b.deviance))
    #expect(close(a.nullDeviance, b.nullDeviance))
    #expect(a.iterations == b.iterations)
    #expect(a.converged == b.converged)
    #expect(a.n == b.n)
    #expect(a.droppedRowCount == b.droppedRowCount)
    #expect(a.clusterCount == b.clusterCount)
  }

  @Test(
    "1, 2, 7 and 31 partitions give the in-memory fit (robust SE by patient)",
    arguments: [1, 2, 7, 31])
  func partitions(count: Int) throws {
    let (fit, _) = try distributedLogistic(
      try TeachingPartitions.tables(count, empty: count == 7), formula: TeachingPartitions.formula,
      cluster: "patient_id")
    Self.expectClose(fit, try Self.reference(robust: true))
  }

  /// Separation: a cramp exactly when `x` > 0.
  ///
  /// The diverging coefficient is found from the iterates and each column's largest value, which the start pass alone carries.
  @Test("separation is diagnosed as in memory")
  func separation() throws {
    var texts = [String](repeating: "patient_id,y,x,z\n", count: 3)
    var whole = "patient_id,y,x,z\n"
    for i in 0..<90 {
      let x = Double(i % 9) - 4
      let y = x > 0 ? 1 : 0
      let row = "\(i / 3),\(y),\(x),\(Double((i * 7) % 11) / 3)\n"
      texts[(i / 3) % 3] += row
      whole += row
    }
    let tables = try texts.enumerated().map { (k, text) in
      try CSVReader.read(bytes: Array(text.utf8), source: "p\(k)").table
    }
    let (fit, _) = try distributedLogistic(tables, formula: "y ~ x + z", cluster: nil)
    let table = try CSVReader.read(bytes: Array(whole.utf8), source: "whole").table
    let reference = try LogisticModel(goodnessOfFit: false).fit(
      DesignMatrix.build(Formula.parse("y ~ x + z"), table: table), variance: .model)
    #expect(reference.diagnostics.contains { if case .separation = $0 { true } else { false } })
    #expect(fit.diagnostics == reference.diagnostics)
  }

  @Test("model-based SEs without a cluster column")
  func modelVariance() throws {
    let (fit, _) = try distributedLogistic(
      try TeachingPartitions.tables(7), formula: TeachingPartitions.formula, cluster: nil)
    Self.expectClose(fit, try Self.reference(robust: false))
  }

  @Test("merging in another order gives the same documents to the bit")
  func orderIndependent() throws {
    let tables = try TeachingPartitions.tables(7, empty: true)
    let a = try distributedLogistic(
      tables, formula: TeachingPartitions.formula, cluster: "patient_id")
    let b = try distributedLogistic(
      tables, formula: TeachingPartitions.formula, cluster: "patient_id",
      mergeOrder: [5, 2, 6, 0, 3, 1, 4])
    #expect(a.documents == b.documents)
    #expect(a.fit == b.fit)
  }

  @Test("documents read back to the same text")
  func roundTrip() throws {
    let (_, documents) = try distributedLogistic(
      try TeachingPartitions.tables(2), formula: TeachingPartitions.formula,
      cluster: "patient_id")
    #expect(documents.count > 3)
    for text in documents {
      let document = try PartialDocument(text: text, source: "t")
      #expect(document.encoded == text)
    }
  }

  @Test("a patient in two partitions is refused, naming both")
  func splitPatient() throws {
    var tables = try TeachingPartitions.tables(2)
    tables.append(tables[0])
    #expect {
      _ = try distributedLogistic(
        tables, formula: TeachingPartitions.formula, cluster: "patient_id")
    } throws: { error in
      guard case PartialsError.overlap(let reason) = error else { return false }
      return reason.contains("'p0'") && reason.contains("'p2'")
    }
  }

  @Test("statistics computed at another state are not combined")
  func mismatchedState() throws {
    let tables = try TeachingPartitions.tables(2)
    let settings = PartitionDesign.settings(
      formula: TeachingPartitions.formula, references: [], missing: .drop, cluster: nil)
    var schema = try PartitionDesign.schema(
      model: "logit", partition: "p0", settings: settings, table: tables[0])
    try schema.merge(
      try PartitionDesign.schema(
        model: "logit", partition: "p1", settings: settings, table: tables[1]))
    let state = try DistributedLogistic(schema: schema)
    var moved = state
    moved.beta = [Double](repeating: 0.1, count: 10)
    let design = try state.design(for: tables[0])
    let columns = design?.columnNames ?? []
    var a = try IRLSStatistics(
      header: state.header(partition: "p0"), columns: columns, design: design, beta: nil)
    let b = try IRLSStatistics(
      header: moved.header(partition: "p1"), columns: columns,
      design: try moved.design(for: tables[1]), beta: moved.beta)
    #expect(throws: PartialsError.self) { try a.merge(b) }
  }

  @Test("a level outside the agreed levels is refused with its line")
  func unknownLevel() throws {
    let tables = try TeachingPartitions.tables(2)
    let settings = PartitionDesign.settings(
      formula: "cramp ~ footwear", references: [], missing: .drop, cluster: nil)
    let schema = try PartitionDesign.schema(
      model: "logit", partition: "p0", settings: settings, table: tables[0])
    var state = try DistributedLogistic(schema: schema)
    state.levels["footwear"] = ["flat_slipper", "supportive"]
    #expect {
      _ = try state.design(for: tables[1])
    } throws: { error in
      guard case FormulaError.levelOutsidePartitionLevels(_, let line, let variable, _) = error
      else { return false }
      return variable == "footwear" && line > 1
    }
  }
}
