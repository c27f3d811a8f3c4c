import CrampData
import Formula
import Foundation
import Ordinal
import Testing
import _TestSupport

/// The JSON written by Tests/Reference/ordinal.R.
struct OrdinalReference: Decodable {
  struct Profile: Decodable {
    let x: [Double]
    let probabilities: [Double]
  }
  struct Test: Decodable {
    let statistic: Double
    let df: Int
    let pValue: Double
    let term: String?
    enum CodingKeys: String, CodingKey {
      case statistic, df, term
      case pValue = "p_value"
    }
  }
  struct Brant: Decodable {
    let omnibus: Test
    let terms: [Test]
  }
  struct Case: Decodable, CustomTestStringConvertible {
    let name: String
    let call: String
    let link: String
    let n: Int
    let terms: [String]
    let thresholds: [String]
    let estimate: [Double]
    let stdError: [Double]
    let z: [Double]
    let pValue: [Double]
    let confLow: [Double]
    let confHigh: [Double]
    let logLikelihood: Double
    let deviance: Double
    let aic: Double
    let polrEstimate: [Double]
    let robustStdError: [Double]?
    let robustPValue: [Double]?
    let clusters: Int?
    let profile: Profile?
    let brant: Brant?

    var testDescription: String { name }

    enum CodingKeys: String, CodingKey {
      case name, call, link, n, terms, thresholds, estimate, z, deviance, aic, clusters,
        profile, brant
      case stdError = "std_error"
      case pValue = "p_value"
      case confLow = "conf_low"
      case confHigh = "conf_high"
      case logLikelihood = "log_likelihood"
      case polrEstimate = "polr_estimate"
      case robustStdError = "robust_std_error"
      case robustPValue = "robust_p_value"
    }
  }
  let rVersion: String
  let cases: [Case]
  enum CodingKeys: String, CodingKey {
    case cases
    case rVersion = "r_version"
  }

  static var directory: URL { Fixture.directory }

  /// The fixture's cases as test arguments; a missing, unparseable or empty fixture gives
  /// one case that fails naming the file.
  static let cases: [FixtureArgument<Case>] = Fixture.arguments("ordinal.json") {
    try Fixture.decode(OrdinalReference.self, from: "ordinal.json").cases
  }
}

/// How each fixture case reads its data: file, formula, weights column.
enum OrdinalCaseData {
  static func data(for name: String) throws -> OrdinalData {
    let housing =
      "sat ~ infl_medium + infl_high + type_apartment + type_atrium + type_terrace + cont_high"
    let teaching = " ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50"
    let (file, formula, weights, cluster): (String, String, String?, String?) =
      switch name {
      case "housing_logistic", "housing_probit": ("ordinal_housing.csv", housing, "freq", nil)
      case "gap_logistic": ("ordinal_gap.csv", "severity" + teaching, nil, "patient_id")
      case "banded_logistic": ("ordinal_teaching.csv", "band" + teaching, nil, "patient_id")
      default: ("ordinal_teaching.csv", "severity" + teaching, nil, "patient_id")
      }
    let path = OrdinalReference.directory.appendingPathComponent("data/" + file).path
    let table = try CSVReader.read(path: path).table
    let design = try DesignMatrix.build(
      try Formula.parse(formula, columns: table.columnNames), table: table,
      options: DesignOptions(cluster: cluster))
    let w = try weights.map { name -> [Double] in
      let column = try #require(table[name])
      return design.rowsUsed.map { column.numbers[Int($0)] }
    }
    return try OrdinalData(design: design, weights: w)
  }
}

@Suite("polr reference fixtures are present")
struct OrdinalFixtureTests {
  @Test("ordinal.json parses and holds its 6 cases")
  func fixtureHoldsCases() throws {
    #expect(try Fixture.decode(OrdinalReference.self, from: "ordinal.json").cases.count == 6)
  }
}

@Suite("Cumulative-link model against MASS::polr")
struct OrdinalReferenceTests {
  @Test("estimates, SEs, z, p, likelihood, profile, Brant", arguments: OrdinalReference.cases)
  func matchesR(_ argument: FixtureArgument<OrdinalReference.Case>) throws {
    let reference = try argument.value()
    // R: reference.call (polished to the optimum; see ordinal.R).
    let link: CumulativeLink = reference.link == "probit" ? .probit : .logit
    let data = try OrdinalCaseData.data(for: reference.name)
    let fit = try CumulativeLinkModel(link: link).fit(data)
    #expect(fit.converged)
    #expect(fit.n == reference.n)
    let rows = fit.coefficients + fit.thresholds
    // housing.csv codes Sat's levels Low, Medium, High as 1, 2, 3, so its thresholds are
    // "1|2", "2|3" here and "Low|Medium", "Medium|High" in R.
    let thresholds =
      reference.name.hasPrefix("housing") ? ["1|2", "2|3"] : reference.thresholds
    #expect(rows.map(\.term) == reference.terms + thresholds)
    var worst: [String: Double] = [:]
    func check(_ what: String, _ ours: [Double], _ theirs: [Double], _ tolerance: Double) {
      #expect(ours.count == theirs.count, "\(what)")
      for (a, b) in zip(ours, theirs) {
        let e = Tolerance.relativeError(a, b, floor: 1e-300)
        worst[what] = max(worst[what] ?? 0, e)
        #expect(e <= tolerance, "\(what): \(a) vs R \(b)")
      }
    }
    check("estimate", rows.map(\.estimate), reference.estimate, Tolerance.ordinalEstimate)
    check(
      "model std_error", rows.map(\.modelStandardError), reference.stdError,
      Tolerance.ordinalEstimate)
    check(
      "polr optimiser", rows.map(\.estimate), reference.polrEstimate,
      Tolerance.polrOptimiser)
    if let robust = reference.robustStdError {
      #expect(fit.variance == .robust)
      #expect(fit.clusterCount == reference.clusters)
      check(
        "robust std_error", rows.map { $0.robustStandardError ?? .nan }, robust,
        Tolerance.ordinalEstimate)
      for (a, b) in zip(rows.map(\.pValue), reference.robustPValue ?? []) {
        #expect(abs(a - b) <= Tolerance.ordinalPValue)
      }
    } else {
      check("z", rows.map(\.z), reference.z, Tolerance.ordinalEstimate)
      check("conf_low", rows.map(\.confLow), reference.confLow, Tolerance.ordinalEstimate)
      check("conf_high", rows.map(\.confHigh), reference.confHigh, Tolerance.ordinalEstimate)
      for (a, b) in zip(rows.map(\.pValue), reference.pValue) {
        #expect(abs(a - b) <= Tolerance.ordinalPValue)
      }
    }
    check(
      "log_likelihood", [fit.logLikelihood], [reference.logLikelihood], Tolerance.ordinalLikelihood)
    check("deviance", [fit.deviance], [reference.deviance], Tolerance.ordinalLikelihood)
    check("aic", [fit.aic], [reference.aic], Tolerance.ordinalLikelihood)
    if let profile = reference.profile {
      check(
        "profile probabilities", try fit.predictedProbabilities(profile.x),
        profile.probabilities, Tolerance.ordinalDerived)
    }
    if let brant = reference.brant {
      guard case .brant(let test) = fit.proportionalOdds else {
        Issue.record("Brant test not computed: \(fit.proportionalOdds)")
        return
      }
      #expect(test.degreesOfFreedom == brant.omnibus.df)
      check(
        "brant statistic", [test.statistic], [brant.omnibus.statistic], Tolerance.ordinalDerived)
      check(
        "brant term statistics", test.terms.map(\.statistic), brant.terms.map(\.statistic),
        Tolerance.ordinalDerived)
      #expect(abs(test.pValue - brant.omnibus.pValue) <= Tolerance.ordinalPValue)
    }
    print(
      "polr \(reference.name): "
        + worst.keys.sorted().map { "\($0) \(worst[$0] ?? 0)" }.joined(separator: "; "))
  }

  @Test("an empty category is dropped as polr's factor() drops it: threshold 6|8")
  func emptyCategory() throws {
    let data = try OrdinalCaseData.data(for: "gap_logistic")
    #expect(data.unusedLevels == ["7"])
    #expect(!data.levels.contains("7"))
    let fit = try CumulativeLinkModel().fit(data)
    #expect(fit.thresholds.map(\.term).contains("6|8"))
    #expect(fit.unusedLevels == ["7"])
  }

  @Test("the ten-level teaching scale's Brant test is not computed: Y > 1 is separated")
  func brantSeparated() throws {
    let fit = try CumulativeLinkModel().fit(try OrdinalCaseData.data(for: "teaching_logistic"))
    guard case .notComputed(let reason) = fit.proportionalOdds else {
      Issue.record("expected no Brant test")
      return
    }
    #expect(reason.contains("Y > 1"))
  }
}
