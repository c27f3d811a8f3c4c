import Analysis
import CrampData
import Foundation
import Partials
import Recurrent
import Survival
import Testing
import _TestSupport

/// `recurrent --stream` and the distributed Poisson fit: blocks of whole patients, each
/// reshaped on its own, give the in-memory fit (``Tolerance/distributed``: the iterates are the
/// same, only the order of floating-point sums differs).
@Suite("Recurrent fits over blocks of whole patients")
struct RecurrentStreamTests {
  static let formula = "~ age_over_50 + sex + dialysis_day + factor(trimester)"

  static func close(_ a: Double?, _ b: Double?, _ what: String) {
    Tolerance.check(a, b, Tolerance.distributed, what)
  }

  static func streamed(
    _ tables: [Table], model: RecurrentModel, options: RecurrentOptions = .init(),
    formula: String = formula
  ) throws -> RecurrentStream.Fit {
    let settings = try RecurrentPartition.settings(
      model: model, formula: formula, options: options)
    return try RecurrentStream.fit(
      blockCount: tables.count, diary: { tables[$0] }, settings: settings, ties: .efron,
      confidenceLevel: 0.95)
  }

  static func expectRate(_ streamed: RecurrentStream.Fit, _ reference: RateFit) {
    guard case .rate(let fit) = streamed else {
      Issue.record("expected a rate fit")
      return
    }
    #expect(fit.coefficients.map(\.term) == reference.coefficients.map(\.term))
    for (x, y) in zip(fit.coefficients, reference.coefficients) {
      close(x.estimate, y.estimate, "\(y.term) estimate")
      close(x.standardError, y.standardError, "\(y.term) SE")
      close(x.modelStandardError, y.modelStandardError, "\(y.term) model SE")
    }
    close(fit.deviance, reference.deviance, "deviance")
    close(fit.nullDeviance, reference.nullDeviance, "null deviance")
    close(fit.logLikelihood, reference.logLikelihood, "log-likelihood")
    close(fit.aic, reference.aic, "AIC")
    #expect(fit.iterations == reference.iterations)
    #expect(fit.converged == reference.converged)
    #expect(fit.isRobust == reference.isRobust)
    #expect(fit.patients == reference.patients)
    #expect(fit.totalEvents == reference.totalEvents)
    #expect(fit.totalNights == reference.totalNights)
    #expect(fit.residualDegreesOfFreedom == reference.residualDegreesOfFreedom)
    #expect(fit.nullDegreesOfFreedom == reference.nullDegreesOfFreedom)
    #expect(fit.droppedRowCount == reference.droppedRowCount)
    #expect(fit.warnings == reference.warnings)
  }

  static func expectCox(_ streamed: RecurrentStream.Fit, _ reference: RecurrentCoxFit) {
    guard case .cox(let fit) = streamed else {
      Issue.record("expected a Cox fit")
      return
    }
    #expect(fit.cox.coefficients.map(\.term) == reference.cox.coefficients.map(\.term))
    for (x, y) in zip(fit.cox.coefficients, reference.cox.coefficients) {
      close(x.estimate, y.estimate, "\(y.term) estimate")
      close(x.standardError, y.standardError, "\(y.term) SE")
      close(x.modelStandardError, y.modelStandardError, "\(y.term) model SE")
      close(x.robustStandardError, y.robustStandardError, "\(y.term) robust SE")
    }
    close(fit.cox.logLikelihood, reference.cox.logLikelihood, "log-likelihood")
    close(fit.cox.nullLogLikelihood, reference.cox.nullLogLikelihood, "null log-likelihood")
    #expect(fit.cox.iterations == reference.cox.iterations)
    #expect(fit.cox.eventCount == reference.cox.eventCount)
    #expect(fit.cox.clusterCount == reference.cox.clusterCount)
    #expect(fit.ties == reference.ties)
    #expect(fit.modelFormula == reference.modelFormula)
    #expect(fit.patients == reference.patients)
    #expect(fit.layoutRows == reference.layoutRows)
    #expect(fit.diaryRows == reference.diaryRows)
    #expect(fit.droppedRowCount == reference.droppedRowCount)
  }

  static func reference(
    _ diary: Table, model: RecurrentModel, options: RecurrentOptions = .init(),
    formula: String = formula
  ) throws -> RecurrentDesign {
    try RecurrentDesign.build(diary: diary, formula: formula, model: model, options: options)
  }

  @Test(
    "Poisson: 1, 2, 7 (one empty) and 31 blocks give the in-memory fit", arguments: [1, 2, 7, 31])
  func poisson(count: Int) throws {
    let whole = try Self.reference(TeachingPartitions.whole(), model: .poisson)
    Self.expectRate(
      try Self.streamed(TeachingPartitions.tables(count, empty: count == 7), model: .poisson),
      try RateRegression.fit(whole))
  }

  @Test("Poisson: model-based variance and cramp nights counted")
  func poissonOptions() throws {
    var options = RecurrentOptions()
    options.robust = false
    options.countOutcome = .crampNights
    let whole = try Self.reference(TeachingPartitions.whole(), model: .poisson, options: options)
    Self.expectRate(
      try Self.streamed(TeachingPartitions.tables(7), model: .poisson, options: options),
      try RateRegression.fit(whole))
  }

  @Test(
    "AG and PWP: 1, 2, 7 and 31 blocks give the in-memory fit",
    arguments: [RecurrentModel.andersenGill, .pwpGap, .pwpTotal], [1, 2, 7, 31])
  func cox(model: RecurrentModel, count: Int) throws {
    let whole = try Self.reference(TeachingPartitions.whole(), model: model)
    Self.expectCox(
      try Self.streamed(TeachingPartitions.tables(count, empty: count == 7), model: model),
      try RecurrentCox.fit(whole))
  }

  @Test("blocks in another order give the same bits")
  func order() throws {
    let tables = try TeachingPartitions.tables(7)
    for model in [RecurrentModel.andersenGill, .poisson] {
      let a = try Self.streamed(tables, model: model)
      let b = try Self.streamed(tables.reversed(), model: model)
      switch (a, b) {
      case (.cox(let x), .cox(let y)):
        #expect(x.cox.coefficients == y.cox.coefficients)
        #expect(x.cox.logLikelihood == y.cox.logLikelihood)
      case (.rate(let x), .rate(let y)):
        #expect(x.coefficients == y.coefficients)
        #expect(x.nullDeviance == y.nullDeviance)
      default: Issue.record("different kinds of fit")
      }
    }
  }

  /// Patients who start late: a block whose smallest night is not the diary's must still use
  /// the diary's origin, or its rows would sit on another clock.
  @Test("the time origin is agreed over blocks")
  func origin() throws {
    let (header, rows) = try TeachingPartitions.lines()
    let columns = header.split(separator: ",").map(String.init)
    let night = try #require(columns.firstIndex(of: "night"))
    var order: [String: Int] = [:]
    var kept: [String] = []
    for row in rows {
      let fields = row.split(separator: ",", omittingEmptySubsequences: false)
      let id = String(fields[0])
      let k = order[id] ?? order.count
      order[id] = k
      // Every patient in the first half starts at night 40.
      if k < 100, let n = Int(fields[night]), n < 40 { continue }
      kept.append(row)
    }
    // Whole patients per block: the first half in block 0, the rest in blocks 1 and 2.
    var texts = [String](repeating: header + "\n", count: 3)
    for row in kept {
      let k = order[String(row.prefix { $0 != "," })] ?? 0
      texts[k < 100 ? 0 : 1 + k % 2] += row + "\n"
    }
    let tables = try texts.enumerated().map { (i, text) in
      try CSVReader.read(bytes: Array(text.utf8), source: "block-\(i)").table
    }
    let whole = try CSVReader.read(
      bytes: Array((header + "\n" + kept.joined(separator: "\n") + "\n").utf8), source: "late"
    ).table
    let design = try Self.reference(whole, model: .andersenGill)
    Self.expectCox(
      try Self.streamed([tables[1], tables[0], tables[2]], model: .andersenGill),
      try RecurrentCox.fit(design))
  }

  @Test("a patient in two blocks is refused, naming both")
  func overlap() throws {
    let (header, rows) = try TeachingPartitions.lines()
    let half = rows.count / 2
    let texts = [rows[..<half], rows[half...]].map { header + "\n" + $0.joined(separator: "\n") }
    let tables = try texts.enumerated().map { (i, text) in
      try CSVReader.read(bytes: Array(text.utf8), source: "block-\(i)").table
    }
    #expect {
      try Self.streamed(tables, model: .poisson)
    } throws: { error in
      String(describing: error).contains("'block-0' and 'block-1'")
    }
  }

  @Test("the negative binomial is not streamed")
  func unsupported() throws {
    #expect(throws: RecurrentError.self) {
      try Self.streamed(TeachingPartitions.tables(2), model: .negativeBinomial)
    }
  }

  @Test(
    "MCF: 1, 2, 7 (one empty) and 31 blocks give the in-memory steps, SEs and comparison",
    arguments: ["~ sex", "~ 1", "~ sex + age_over_50"], [1, 2, 7, 31])
  func meanCumulative(formula: String, count: Int) throws {
    let whole = try MeanCumulativeFunction.estimate(
      try Self.reference(
        TeachingPartitions.whole(), model: .meanCumulativeFunction, formula: formula))
    let streamed = try Self.streamed(
      TeachingPartitions.tables(count, empty: count == 7), model: .meanCumulativeFunction,
      formula: formula)
    guard case .meanCumulative(let fit, let ties) = streamed else {
      Issue.record("expected an MCF")
      return
    }
    #expect(ties.events == whole.groups.reduce(0) { $0 + $1.events })
    #expect(fit.groups.map(\.label) == whole.groups.map(\.label))
    for (a, b) in zip(fit.groups, whole.groups) {
      #expect(a.patients == b.patients)
      #expect(a.events == b.events)
      #expect(a.steps.map(\.time) == b.steps.map(\.time))
      #expect(a.steps.map(\.atRisk) == b.steps.map(\.atRisk))
      for (x, y) in zip(a.steps, b.steps) {
        Self.close(x.estimate, y.estimate, "\(b.label) MCF at \(y.time)")
        Self.close(x.standardError, y.standardError, "\(b.label) SE at \(y.time)")
      }
    }
    #expect((fit.comparison == nil) == (whole.comparison == nil))
    if let a = fit.comparison, let b = whole.comparison {
      Self.close(a.statistic, b.statistic, "comparison statistic")
      #expect(a.degreesOfFreedom == b.degreesOfFreedom)
    }
  }
}
