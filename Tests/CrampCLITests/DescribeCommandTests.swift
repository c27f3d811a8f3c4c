import Testing

@Suite("crampstat describe and the bundled datasets")
struct DescribeCommandTests {
  static let example = repositoryPath("Datasets/example/diary_nights.csv")

  @Test(
    "describe output of the example diary, in every format",
    arguments: ["text", "markdown", "csv", "json"])
  func formats(format: String) {
    let r = runCLI(
      ["describe", "Datasets/example/diary_nights.csv", "--format", format], cwd: repositoryPath("")
    )
    #expect(r.status == 0)
    assertSnapshot(r.out, named: "describe-example.\(format)")
  }

  @Test(
    "every bundled dataset passes validate", arguments: ["example", "teaching", "trial", "nof1"])
  func bundledDatasetsAreValid(name: String) {
    let r = runCLI([
      "validate", repositoryPath("Datasets/\(name)/diary_nights.csv"), "--patients",
      repositoryPath("Datasets/\(name)/patients.csv"), "--strict",
    ])
    #expect(r.status == 0, "\(r.out)")
    #expect(r.out.hasSuffix(": 0 errors, 0 warnings\n"))
  }

  @Test("teaching diary facts")
  func teachingFacts() {
    let r = runCLI([
      "describe", repositoryPath("Datasets/teaching/diary_nights.csv"), "--format", "json",
    ])
    #expect(r.status == 0)
    #expect(r.out.contains("\"n_patients\": 200"))
    #expect(r.out.contains("\"patient_nights\": 16901"))
  }
}

@Suite("Provenance")
struct ProvenanceTests {
  @Test("JSON has no time or host unless --provenance is given")
  func provenance() {
    let diary = repositoryPath("Datasets/example/diary_nights.csv")
    let plain = runCLI(["describe", diary, "--format", "json"])
    #expect(!plain.out.contains("generated_at"))
    #expect(runCLI(["describe", diary, "--format", "json"]).out == plain.out)
    let stamped = runCLI(["describe", diary, "--format", "json", "--provenance"])
    #expect(stamped.out.contains("\"generated_at\": \""))
    #expect(stamped.out.contains("\"crampstat_version\": \""))
  }
}
