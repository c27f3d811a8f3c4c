import Analysis
import CrampData
import Formula
import Foundation
import LinearAlgebra
import Survival
import Testing

/// survreg on lung repeated `K` times: more than two 65,536-row chunks, so the row passes are
/// summed per chunk (in parallel when there are cores) and combined in chunk order.
///
/// `K` copies multiply the log-likelihood, score and information by `K`, so the Newton
/// iterates, the estimates and the iteration count are those of one copy, the model standard
/// errors shrink by `sqrt(K)`, and the cluster-robust ones (every cluster also repeated, its
/// score sum `K`-fold) are unchanged: `V U'U V` with `V / K` and `K^2 U'U`.
@Suite("survreg on data large enough to be summed in parallel chunks")
struct SurvregPartitionedTests {
  static let copies = 600

  static func replicated<T>(_ values: [T]) -> [T] {
    Array((0..<copies).map { _ in values }.joined())
  }

  @Test("strata and cluster: K-fold loglik, same estimates, SEs / sqrt(K), same robust SEs")
  func replicatedLung() throws {
    let path = Reference.directory.appendingPathComponent("data/survreg_lung.csv").path
    let table = try CSVReader.read(path: path).table
    let formula = try Formula.parse(
      "Surv(time, status) ~ age + ph_ecog + strata(sex) + cluster(inst_group)")
    let input = try SurvregInput.make(DesignMatrix.build(formula, table: table))
    let one = try SurvregModel(distribution: .weibull).fit(
      time: input.time, event: input.event, x: input.x, columnNames: input.columnNames,
      strata: input.strata, strataLabels: input.strataLabels, cluster: input.cluster)
    let n = input.time.count
    var columns: [Double] = []
    for j in 0..<input.x.columns { columns += Self.replicated(input.x.column(j)) }
    let big = try SurvregModel(distribution: .weibull).fit(
      time: Self.replicated(input.time), event: Self.replicated(input.event),
      x: Matrix(rows: n * Self.copies, columns: input.x.columns, columnMajor: columns),
      columnNames: input.columnNames, strata: input.strata.map(Self.replicated),
      strataLabels: input.strataLabels, cluster: input.cluster.map(Self.replicated))
    let k = Double(Self.copies)
    #expect(big.iterations == one.iterations)
    // Sums of 136,200 terms in chunks: 1e-10 relative is far above their rounding and far
    // below any modelling difference.
    func close(_ a: Double?, _ b: Double?, _ what: String) {
      guard let a, let b else {
        Issue.record("\(what): missing")
        return
      }
      #expect(abs(a / b - 1) < 1e-10, "\(what): \(a) vs \(b)")
    }
    close(big.logLikelihood, k * one.logLikelihood, "loglik")
    close(big.nullLogLikelihood, k * one.nullLogLikelihood, "null loglik")
    for (a, b) in zip(big.coefficients + big.logScales, one.coefficients + one.logScales) {
      close(a.estimate, b.estimate, "\(a.term) estimate")
      close(a.modelStandardError.map { $0 * k.squareRoot() }, b.modelStandardError, "\(a.term) SE")
      close(a.robustStandardError, b.robustStandardError, "\(a.term) robust SE")
    }
  }
}
