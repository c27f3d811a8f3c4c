import Foundation
import Testing

/// Numbers a researcher would trust and should not (issue 13, item 3), each rerun.
@Suite("No misleading numbers")
struct MisleadingNumberTests {
  static let diary = repositoryPath("Datasets/example/diary_nights.csv")

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test("fewer clusters than parameters: model-based SEs with a warning naming the count")
  func tooFewClusters() throws {
    // sex has two values: two clusters for three parameters.
    let result = runCLI([
      "logit", Self.diary, "--formula", "cramp ~ age_over_50 + dialysis_day", "--cluster", "sex",
      "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.err.contains("2 clusters for 3 parameters"), "\(result.err)")
    let j = try Self.json(result.out)
    #expect(j["variance"] as? String == "model")
    let strict = runCLI([
      "logit", Self.diary, "--formula", "cramp ~ age_over_50 + dialysis_day", "--cluster", "sex",
      "--strict",
    ])
    #expect(strict.status == 65)
  }

  @Test("a separated term gets no robust z, p or interval")
  func separatedRobust() throws {
    let data = repositoryPath("Tests/Reference/data/logistic_separation.csv")
    let text = try String(contentsOfFile: data, encoding: .utf8)
    // Twenty clusters of two rows each.
    var lines = text.split(separator: "\n").map(String.init)
    lines[0] += ",\"cluster\""
    for i in 1..<lines.count { lines[i] += ",\((i - 1) / 2)" }
    let path = try TemporaryFile.write(lines.joined(separator: "\n") + "\n")
    let result = runCLI([
      "logit", path, "--formula", "y ~ exposed + dose", "--cluster", "cluster", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    let j = try Self.json(result.out)
    let rows = try #require(j["coefficients"] as? [[String: Any]])
    let exposed = try #require(rows.first { $0["term"] as? String == "exposed" })
    #expect(exposed["p_value"] is NSNull)
    #expect(exposed["z"] is NSNull)
    let dose = try #require(rows.first { $0["term"] as? String == "dose" })
    #expect(dose["p_value"] as? Double != nil)
  }

  /// The example diary with one column's values transformed.
  static func diary(column: String, _ transform: (String) -> String) throws -> String {
    let text = try String(contentsOfFile: Self.diary, encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let c = try #require(header.firstIndex(of: column))
    for i in 1..<lines.count {
      var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      cells[c] = transform(cells[c])
      lines[i] = cells.joined(separator: ",")
    }
    return try TemporaryFile.write(lines.joined(separator: "\n") + "\n")
  }

  @Test("a numerical breakdown names the column with extreme values and how to rescale it")
  func extremeColumn() throws {
    let path = try Self.diary(column: "mg_diet_mg") { $0.isEmpty ? $0 : $0 + "e200" }
    let result = runCLI(["logit", path, "--formula", "cramp ~ mg_diet_mg + age_over_50"])
    #expect(result.status == 65)
    #expect(result.err.contains("column 'mg_diet_mg' holds values as large as"), "\(result.err)")
    #expect(result.err.contains("rescale it"))
  }

  @Test("a rate model on a diary without cramps says there is no event to model")
  func noEvents() throws {
    let text = try String(contentsOfFile: Self.diary, encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let c = try #require(header.firstIndex(of: "cramp"))
    let k = try #require(header.firstIndex(of: "cramp_count"))
    for i in 1..<lines.count {
      var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if cells[c] == "1" {
        cells[c] = "0"
        cells[k] = "0"
      }
      lines[i] = cells.joined(separator: ",")
    }
    let path = try TemporaryFile.write(lines.joined(separator: "\n") + "\n")
    let result = runCLI(["recurrent", path, "--model", "negbin", "--formula", "~ age_over_50"])
    #expect(result.status == 65)
    #expect(result.err.contains("the outcome is 0 on all 8 rows used"), "\(result.err)")
  }

  @Test("cox with one cluster: model-based SEs, no robust column, a warning naming the count")
  func coxOneCluster() throws {
    let text = try String(
      contentsOfFile: fixturePath("Reference/data/surv_lung.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    let withOne = [lines[0] + ",one"] + lines.dropFirst().map { $0 + ",1" }
    let path = try TemporaryFile.write(withOne.joined(separator: "\n") + "\n")
    let result = runCLI([
      "cox", path, "--formula", "Surv(time, status) ~ age + cluster(one)", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.err.contains("1 cluster for 1 coefficient"), "\(result.err)")
    let j = try Self.json(result.out)
    #expect(j["variance"] as? String == "model")
  }

  @Test("Firth: p-values labelled as logistf's penalized LR test; Wald z only beside Wald p")
  func firthLabels() throws {
    let arguments = [
      "logit", Self.diary, "--formula", "cramp ~ age_over_50 + dialysis_day", "--firth",
    ]
    let text = runCLI(arguments)
    #expect(text.status == 0, "\(text.err)")
    #expect(text.out.contains("Chisq  Pr(>Chisq)"))
    #expect(!text.out.contains("z value"))
    let result = runCLI(arguments + ["--format", "json"])
    let rows = try #require(try Self.json(result.out)["coefficients"] as? [[String: Any]])
    for row in rows {
      #expect(row["test"] as? String == "penalized_likelihood_ratio")
      let chisq = try #require(row["statistic"] as? Double)
      let p = try #require(row["p_value"] as? Double)
      // The p-value is the chi-square's (1 df): P(X > chisq) = erfc(sqrt(chisq / 2)).
      #expect(abs(p - erfc((chisq / 2).squareRoot())) < 1e-12 * max(1, p))
      let z = try #require(row["z"] as? Double)
      let wald = try #require(row["wald_p_value"] as? Double)
      #expect(abs(wald - erfc(abs(z) / 2.0.squareRoot())) < 1e-12)
    }
  }

  @Test("GEE with fewer clusters than parameters is refused, naming the count")
  func geeTooFewClusters() throws {
    let result = runCLI([
      "logit", Self.diary, "--formula", "cramp ~ age_over_50 + dialysis_day + diabetes",
      "--gee", "exchangeable", "--id", "sex",
    ])
    #expect(result.status == 65)
    #expect(result.err.contains("GEE with 2 clusters for 4 parameters"), "\(result.err)")
  }
}
