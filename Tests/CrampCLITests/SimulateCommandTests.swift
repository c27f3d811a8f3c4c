import Foundation
import Testing

@Suite("crampstat simulate")
struct SimulateCommandTests {
  @Test("writes the same bytes as the committed nof1 dataset")
  func reproducesDataset() throws {
    let dir = try TemporaryFile.path("nof1")
    let r = runCLI(["simulate", "--preset", "nof1", "--seed", "20240601", "-o", dir, "-q"])
    #expect(r.status == 0)
    for file in ["diary_nights.csv", "patients.csv", "truth.json"] {
      let made = try TemporaryFile.read(dir + "/" + file)
      let committed = try TemporaryFile.read(repositoryPath("Datasets/nof1/" + file))
      #expect(made == committed, "\(file) differs from Datasets/nof1")
    }
  }

  @Test("seed is required and must be an unsigned integer; sizes must be positive")
  func usageErrors() {
    #expect(runCLI(["simulate", "--preset", "teaching", "-o", "/tmp/x"]).status == 64)
    let bad = runCLI(["simulate", "--preset", "teaching", "--seed", "-3", "-o", "/tmp/x"])
    #expect(bad.status == 64)
    #expect(bad.err.contains("'--seed' needs an unsigned integer, not '-3'."))
    let zero = runCLI([
      "simulate", "--preset", "teaching", "--seed", "1", "--patients", "0", "-o", "/tmp/x",
    ])
    #expect(zero.status == 64)
    let preset = runCLI(["simulate", "--preset", "teachng", "--seed", "1", "-o", "/tmp/x"])
    #expect(preset.err.contains("Did you mean 'teaching'?"))
  }

  @Test("an unwritable directory is an I/O error (74)")
  func unwritable() {
    let r = runCLI(["simulate", "--preset", "nof1", "--seed", "1", "-o", "/proc/crampstat", "-q"])
    #expect(r.status == 74)
  }
}

@Suite("Formats of layout and simulate")
struct LayoutSimulateFormatTests {
  @Test("layout prints CSV by default and JSON records on request")
  func layoutFormats() {
    let diary = repositoryPath("Datasets/example/diary_nights.csv")
    let csv = runCLI(["layout", diary, "--to", "counts"])
    #expect(csv.status == 0)
    #expect(csv.out.hasPrefix("patient_id,cramps,cramp_nights,nights\nP01,2,2,14\n"))
    let json = runCLI(["layout", diary, "--to", "counts", "--format", "json"])
    #expect(json.out.contains("\"schema_version\": 2"))
    #expect(json.out.contains("\"rows\": 8"))
    let text = runCLI([
      "layout", diary, "--to", "ag", "--covariates", "trimester", "--format", "text",
    ])
    #expect(text.out.hasPrefix("patient_id  start  stop  event  trimester\n"))
  }

  @Test("simulate's JSON summary has counts and file names, no timings")
  func simulateSummary() throws {
    let dir = try TemporaryFile.path("nof1-json")
    let r = runCLI([
      "simulate", "--preset", "nof1", "--seed", "20240601", "-o", dir, "--format", "json", "-q",
    ])
    #expect(r.status == 0)
    #expect(r.out.contains("\"rows\": 3460"))
    #expect(!r.out.contains("seconds"))
  }
}
