import Foundation
import Testing
import _TestSupport

/// `crampstat partial` / `combine` / `solve` and `logit --stream`, driven as a scheduler
/// would: the fit equals `crampstat logit` on the whole file.
///
/// Tolerance: ``Tolerance/distributed``.
@Suite("crampstat partial, combine, solve")
struct PartialCommandTests {
  static let formula =
    "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + fluid_cups + footwear"

  /// Three partition files of whole patients (uneven) and one with the header only.
  static func partitions() throws -> [String] {
    let text = try TemporaryFile.read(repositoryPath("Datasets/teaching/diary_nights.csv"))
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst()
    var parts = [String](repeating: header + "\n", count: 4)
    var order: [String: Int] = [:]
    for line in lines {
      let id = String(line.prefix { $0 != "," })
      let k = order[id] ?? order.count
      order[id] = k
      parts[k % 7 < 4 ? 0 : (k % 7 < 6 ? 1 : 2)] += line + "\n"
    }
    return try parts.enumerated().map { try TemporaryFile.write($1, name: "part-\($0).csv") }
  }

  /// Runs the passes through the CLI; returns the final output and every merged document.
  static func drive(_ files: [String], extra: [String] = []) throws -> (
    out: String, merged: [String]
  ) {
    var statistics: [String] = []
    for (k, file) in files.enumerated() {
      let out = runCLI(
        [
          "partial", "logit", file, "--formula", formula, "--cluster", "patient_id",
          "--partition", "\(k)", "-q",
        ])
      #expect(out.status == 0, "\(out.err)")
      statistics.append(try TemporaryFile.write(out.out, name: "s\(k).txt"))
    }
    var merged: [String] = []
    var state: String?
    for _ in 0..<40 {
      let combined = runCLI(["combine"] + statistics.reversed())
      #expect(combined.status == 0, "\(combined.err)")
      merged.append(combined.out)
      let mergedPath = try TemporaryFile.write(combined.out, name: "merged.txt")
      let next = try TemporaryFile.path("state.txt")
      let solved = runCLI(
        ["solve", mergedPath, "--next", next, "-q"] + (state.map { ["--state", $0] } ?? [])
          + extra)
      #expect(solved.status == 0, "\(solved.err)")
      guard FileManager.default.fileExists(atPath: next) else { return (solved.out, merged) }
      state = next
      statistics = []
      for (k, file) in files.enumerated() {
        let out = runCLI(["partial", "logit", file, "--state", next, "--partition", "\(k)", "-q"])
        #expect(out.status == 0, "\(out.err)")
        statistics.append(try TemporaryFile.write(out.out, name: "s\(k).txt"))
      }
    }
    Issue.record("no fit after 40 passes")
    return ("", merged)
  }

  /// The teaching patients' `columns`, comma-joined, by patient id (to join onto a layout).
  static func baseline(_ columns: [String]) throws -> [String: String] {
    let patients = try TemporaryFile.read(repositoryPath("Datasets/teaching/patients.csv"))
      .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let header = patients[0].map(String.init)
    let indices = try columns.map { try #require(header.firstIndex(of: $0)) }
    var baseline: [String: String] = [:]
    for row in patients.dropFirst() {
      baseline[String(row[0])] = indices.map { String(row[$0]) }.joined(separator: ",")
    }
    return baseline
  }

  static func coefficients(_ json: String) throws -> [[String: Any]] {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return try #require(object["coefficients"] as? [[String: Any]])
  }

  static func expectSameFit(_ a: String, _ b: String) throws {
    let x = try coefficients(a)
    let y = try coefficients(b)
    #expect(x.count == y.count && x.count == 10)
    for (u, v) in zip(x, y) {
      #expect(u["term"] as? String == v["term"] as? String)
      for key in ["estimate", "std_error", "model_std_error", "z", "conf_low", "conf_high"] {
        let p = try #require(u[key] as? Double)
        let q = try #require(v[key] as? Double)
        #expect(abs(p - q) <= Tolerance.distributed * abs(q), "\(u["term"] ?? "") \(key)")
      }
    }
  }

  static func inMemory() -> String {
    let out = runCLI(
      [
        "logit", repositoryPath("Datasets/teaching/diary_nights.csv"), "--formula", formula,
        "--cluster", "patient_id", "--format", "json", "-q",
      ])
    #expect(out.status == 0, "\(out.err)")
    return out.out
  }

  @Test("the passes over partitions (one empty) give crampstat logit's fit")
  func pipeline() throws {
    let (out, merged) = try Self.drive(try Self.partitions(), extra: ["--format", "json"])
    try Self.expectSameFit(out, Self.inMemory())
    // Schema, the start and 7 IRLS iterates (7 iterations, as crampstat logit), robust.
    #expect(merged.count == 10)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    #expect(object["n"] as? Int == 16368)
    #expect(object["clusters"] as? Int == 200)
  }

  @Test("combine gives the same bytes in any order")
  func combineOrder() throws {
    let files = try Self.partitions()
    var statistics: [String] = []
    for (k, file) in files.enumerated() {
      let out = runCLI(
        ["partial", "logit", file, "--formula", Self.formula, "--partition", "\(k)", "-q"])
      statistics.append(try TemporaryFile.write(out.out))
    }
    let a = runCLI(["combine"] + statistics)
    let b = runCLI(["combine", statistics[2], statistics[0], statistics[3], statistics[1]])
    let nested = runCLI(["combine", statistics[3], statistics[1]])
    let c = runCLI(
      ["combine", try TemporaryFile.write(nested.out), statistics[2], statistics[0]])
    #expect(a.status == 0 && !a.out.isEmpty)
    #expect(a.out == b.out)
    #expect(a.out == c.out)
  }

  @Test("logit --stream gives the in-memory fit, for any block size")
  func stream() throws {
    for rows in ["900", "500000"] {
      let out = runCLI(
        [
          "logit", repositoryPath("Datasets/teaching/diary_nights.csv"), "--formula",
          Self.formula, "--cluster", "patient_id", "--stream", "--block-rows", rows,
          "--format", "json", "-q",
        ])
      #expect(out.status == 0, "\(out.err)")
      try Self.expectSameFit(out.out, Self.inMemory())
    }
  }

  @Test("bad partitions fail with a data error naming the problem")
  func failures() throws {
    let files = try Self.partitions()
    // A partition whose schema lacks a formula column.
    let broken = try TemporaryFile.write("patient_id,night,cramp\nP1,0,1\n", name: "bad.csv")
    let missing = runCLI(
      ["partial", "logit", broken, "--formula", Self.formula, "--partition", "bad", "-q"])
    #expect(missing.status == 65)
    #expect(missing.err.contains("age_over_50"))
    // The same patients in two partitions.
    var outs: [String] = []
    for (k, file) in [files[0], files[0]].enumerated() {
      let out = runCLI(
        [
          "partial", "logit", file, "--formula", Self.formula, "--cluster", "patient_id",
          "--partition", "x\(k)", "-q",
        ])
      outs.append(try TemporaryFile.write(out.out))
    }
    let overlap = runCLI(["combine"] + outs)
    #expect(overlap.status == 65)
    #expect(overlap.err.contains("is in partitions 'x0' and 'x1'"))
    // The same partition twice.
    let twice = runCLI(["combine", outs[0], outs[0]])
    #expect(twice.status == 65)
    #expect(twice.err.contains("appears twice"))
    // Not a statistics document.
    let garbage = try TemporaryFile.write("hello\n")
    let notDocument = runCLI(["combine", garbage])
    #expect(notDocument.status == 65)
    #expect(notDocument.err.contains("crampstat-partial"))
    // --stream cannot read standard input twice.
    let stdin = runCLI(["logit", "-", "--formula", Self.formula, "--stream"])
    #expect(stdin.status == 74)
    // An unsupported model.
    let negbin = runCLI(["partial", "negbin", files[0], "--formula", Self.formula])
    #expect(negbin.status == 64)
    // A column R would alias (x2 = 2 x) is refused by name: sums cannot tell aliased from
    // collinear.
    var aliasedText = "patient_id,y,x,x2\n"
    for i in 0..<40 { aliasedText += "\(i),\(i % 3 == 0 ? 1 : 0),\(i % 5),\(2 * (i % 5))\n" }
    let aliased = try TemporaryFile.write(aliasedText, name: "aliased.csv")
    let streamedAliased = runCLI(["logit", aliased, "--formula", "y ~ x + x2", "--stream", "-q"])
    #expect(streamedAliased.status == 65)
    #expect(streamedAliased.err.contains("'x2' is (nearly) a linear combination"))
    let inMemory = runCLI(["logit", aliased, "--formula", "y ~ x + x2", "-q"])
    #expect(inMemory.status == 0)
    // 1/2-coded status is judged over the whole column. Cox agrees the coding in its first
    // pass, so a block of one patient whose status is 1 reads it as censored; the one-pass
    // km refuses the partition holding a 2.
    var twoText = "patient_id,time,status,x\n"
    for i in 0..<30 { twoText += "\(i),\(3 + i % 7),\(i % 3 == 0 ? 1 : 2),\(i % 2)\n" }
    let twoCoded = try TemporaryFile.write(twoText, name: "two.csv")
    let km = runCLI(["partial", "km", twoCoded, "--formula", "Surv(time, status) ~ 1", "-q"])
    #expect(km.status == 65)
    #expect(km.err.contains("1/2-coded"), "\(km.err)")
    let coxArguments = ["cox", twoCoded, "--formula", "Surv(time, status) ~ x", "-q"]
    let coxDirect = runCLI(coxArguments)
    let coxStreamed = runCLI(coxArguments + ["--stream", "--block-rows", "1"])
    #expect(coxDirect.status == 0 && coxStreamed.status == 0, "\(coxStreamed.err)")
    #expect(coxDirect.out.contains("n= 30, number of events= 20"), "\(coxDirect.out)")
    // The streamed fit has no concordance (it needs every row); the rest is the same text.
    let withoutConcordance = coxDirect.out.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("Concordance=") }.joined(separator: "\n")
    #expect(coxStreamed.out == withoutConcordance)
  }

  @Test("partial km and logrank over partitions print crampstat km's and logrank's output")
  func kaplanMeier() throws {
    // Time to first cramp per patient with baseline sex and age group (layout --to first,
    // joined with the patient file), split into three uneven partitions.
    let first = try TemporaryFile.path("first.csv")
    let layout = runCLI(
      [
        "layout", repositoryPath("Datasets/teaching/diary_nights.csv"), "--to", "first", "-q",
      ])
    #expect(layout.status == 0, "\(layout.err)")
    let baseline = try Self.baseline(["sex", "age_over_50"])
    var lines = layout.out.split(separator: "\n").map(String.init)
    let header = lines.removeFirst() + ",sex,age_over_50"
    lines = lines.map { $0 + "," + (baseline[String($0.prefix { $0 != "," })] ?? ",") }
    try Data((([header] + lines).joined(separator: "\n") + "\n").utf8).write(
      to: URL(fileURLWithPath: first))
    var parts = [String](repeating: header + "\n", count: 3)
    for (i, line) in lines.enumerated() { parts[(i * i) % 5 % 3] += line + "\n" }
    let formula = "Surv(time, event) ~ sex + age_over_50"
    var statistics: [String] = []
    for (k, part) in parts.enumerated() {
      let out = runCLI(
        [
          "partial", "km", try TemporaryFile.write(part), "--formula", formula, "--partition",
          "\(k)", "-q",
        ])
      #expect(out.status == 0, "\(out.err)")
      statistics.append(try TemporaryFile.write(out.out))
    }
    let merged = runCLI(["combine"] + statistics)
    #expect(merged.status == 0, "\(merged.err)")
    let solved = runCLI(["solve", try TemporaryFile.write(merged.out), "--times", "7,30"])
    let whole = runCLI(["km", first, "--formula", formula, "--times", "7,30", "--no-charts"])
    #expect(solved.status == 0 && whole.status == 0, "\(solved.err) \(whole.err)")
    #expect(solved.out.contains("sex=M, age_over_50=1"))
    #expect(solved.out == whole.out)

    // The stratified log-rank and G-rho tests from the same partitions.
    let test = "Surv(time, event) ~ age_over_50 + strata(sex)"
    var counts: [String] = []
    for (k, part) in parts.enumerated() {
      let out = runCLI(
        [
          "partial", "logrank", try TemporaryFile.write(part), "--formula", test,
          "--partition", "\(k)", "-q",
        ])
      #expect(out.status == 0, "\(out.err)")
      counts.append(try TemporaryFile.write(out.out))
    }
    let combined = try TemporaryFile.write(runCLI(["combine"] + counts.reversed()).out)
    for rho in ["0", "1"] {
      let distributed = runCLI(["solve", combined, "--rho", rho])
      let direct = runCLI(["logrank", first, "--formula", test, "--rho", rho])
      #expect(distributed.status == 0, "\(distributed.err)")
      #expect(distributed.out.contains("Chisq="))
      #expect(distributed.out == direct.out)
    }
  }

  /// Any model's passes through the CLI: first pass with `first` arguments, then `--state`.
  static func passes(
    model: String, files: [String], first: [String], solve: [String]
  ) throws -> String {
    func partials(_ arguments: [String]) throws -> [String] {
      try files.enumerated().map { (k, file) in
        let out = runCLI(["partial", model, file, "--partition", "\(k)", "-q"] + arguments)
        #expect(out.status == 0, "\(out.err)")
        return try TemporaryFile.write(out.out, name: "s\(k).txt")
      }
    }
    var statistics = try partials(first)
    var state: [String] = []
    for _ in 0..<60 {
      let combined = runCLI(["combine"] + statistics)
      #expect(combined.status == 0, "\(combined.err)")
      let next = try TemporaryFile.path("state.txt")
      let solved = runCLI(
        ["solve", try TemporaryFile.write(combined.out), "--next", next, "-q"] + state + solve)
      #expect(solved.status == 0, "\(solved.err)")
      guard FileManager.default.fileExists(atPath: next) else { return solved.out }
      state = ["--state", next]
      statistics = try partials(state)
    }
    Issue.record("no fit after 60 passes")
    return ""
  }

  @Test("partial cox and cox --stream: Andersen-Gill with robust SE gives crampstat cox's fit")
  func andersenGill() throws {
    let layout = runCLI(
      ["layout", repositoryPath("Datasets/teaching/diary_nights.csv"), "--to", "ag", "-q"])
    #expect(layout.status == 0, "\(layout.err)")
    let baseline = try Self.baseline(["age_over_50", "sex"])
    var lines = layout.out.split(separator: "\n").map(String.init)
    let header = lines.removeFirst() + ",age_over_50,sex"
    var parts = [String](repeating: header + "\n", count: 4)
    var whole = header + "\n"
    var order: [String: Int] = [:]
    for line in lines {
      let id = String(line.prefix { $0 != "," })
      let k = order[id] ?? order.count
      order[id] = k
      let row = line + "," + (baseline[id] ?? ",") + "\n"
      parts[k % 5 < 3 ? 0 : (k % 5 == 3 ? 1 : 2)] += row  // part 3 stays empty
      whole += row
    }
    let files = try parts.enumerated().map { try TemporaryFile.write($1, name: "ag-\($0).csv") }
    let formula = "Surv(start, stop, event) ~ age_over_50 + sex + cluster(patient_id)"
    for ties in ["efron", "breslow"] {
      let distributed = try Self.passes(
        model: "cox", files: files, first: ["--formula", formula],
        solve: ["--ties", ties, "--format", "json"])
      let direct = runCLI(
        [
          "cox", try TemporaryFile.write(whole), "--formula", formula, "--ties", ties,
          "--format", "json", "-q",
        ])
      #expect(direct.status == 0, "\(direct.err)")
      let streamed = runCLI(
        [
          "cox", try TemporaryFile.write(whole), "--formula", formula, "--ties", ties,
          "--stream", "--block-rows", "300", "--format", "json", "-q",
        ])
      #expect(streamed.status == 0, "\(streamed.err)")
      let y = try Self.coefficients(direct.out)
      for x in [try Self.coefficients(distributed), try Self.coefficients(streamed.out)] {
        #expect(x.count == 2 && x.count == y.count)
        for (u, v) in zip(x, y) {
          for key in ["estimate", "std_error", "robust_std_error", "model_std_error", "z"] {
            let p = try #require(u[key] as? Double, "\(key)")
            let q = try #require(v[key] as? Double, "\(key)")
            #expect(abs(p - q) <= Tolerance.distributed * abs(q), "\(ties) \(key)")
          }
        }
      }
    }
  }

  @Test("partial poisson and recurrent --stream print crampstat recurrent's output")
  func poissonAndRecurrentStream() throws {
    let diary = repositoryPath("Datasets/teaching/diary_nights.csv")
    let formula = "~ age_over_50 + sex + dialysis_day + factor(trimester)"
    let files = try Self.partitions()
    for variance in ["robust", "model"] {
      let first = ["--formula", formula, "--variance", variance, "--count", "cramp-nights"]
      let direct = runCLI(
        ["recurrent", diary, "--model", "poisson", "-q"] + first.dropFirst(0))
      #expect(direct.status == 0, "\(direct.err)")
      let distributed = try Self.passes(
        model: "poisson", files: files, first: first, solve: ["--data-name", diary])
      #expect(distributed.contains("Rate ratios"))
      #expect(distributed == direct.out)
      let streamed = runCLI(
        ["recurrent", diary, "--model", "poisson", "--stream", "--block-rows", "2000", "-q"]
          + first)
      #expect(streamed.status == 0, "\(streamed.err)")
      #expect(streamed.out == direct.out)
    }
    for model in ["ag", "pwp-gap"] {
      let arguments = ["recurrent", diary, "--model", model, "--formula", formula, "-q"]
      let direct = runCLI(arguments + ["--format", "json"])
      let streamed = runCLI(arguments + ["--stream", "--block-rows", "1500", "--format", "json"])
      #expect(direct.status == 0 && streamed.status == 0, "\(streamed.err)")
      let y = try Self.coefficients(direct.out)
      let x = try Self.coefficients(streamed.out)
      #expect(x.count == y.count && !x.isEmpty)
      for (u, v) in zip(x, y) {
        for key in ["estimate", "std_error", "robust_std_error", "model_std_error"] {
          let p = try #require(u[key] as? Double, "\(key)")
          let q = try #require(v[key] as? Double, "\(key)")
          #expect(abs(p - q) <= Tolerance.distributed * abs(q), "\(model) \(key)")
        }
      }
      let text = runCLI(arguments)
      let streamedText = runCLI(arguments + ["--stream", "--block-rows", "1500"])
      #expect(text.out == streamedText.out)
    }
    let mcfArguments = ["recurrent", diary, "--model", "mcf", "--formula", "~ sex", "-q"]
    let mcf = runCLI(mcfArguments)
    #expect(mcf.status == 0, "\(mcf.err)")
    let mcfDistributed = try Self.passes(
      model: "mcf", files: files, first: ["--formula", "~ sex"], solve: ["--data-name", diary])
    #expect(mcfDistributed.contains("sex=F"))
    #expect(mcfDistributed == mcf.out)
    let mcfStreamed = runCLI(mcfArguments + ["--stream", "--block-rows", "2500"])
    #expect(mcfStreamed.out == mcf.out)
    let refused = runCLI(["recurrent", diary, "--model", "negbin", "--stream", "-q"])
    #expect(refused.status == 64)
    #expect(refused.err.contains("--stream"))
  }
}
