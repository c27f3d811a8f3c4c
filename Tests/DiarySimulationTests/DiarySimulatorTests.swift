import Foundation
import Testing

@testable import DiarySimulation

@Suite("Diary simulator")
struct DiarySimulatorTests {
  static let files = ["diary_nights.csv", "patients.csv", "truth_patients.csv", "truth.json"]

  static func small(_ preset: Preset, seed: UInt64 = 11) -> SimulationRequest {
    SimulationRequest(
      preset: preset, patients: preset == .nof1 ? 6 : 40, nights: preset == .nof1 ? 70 : 60,
      seed: seed, targetSamplesPerCell: 40)
  }

  @Test("The same request gives byte-identical files; another seed does not")
  func determinism() throws {
    let a = try simulate(Self.small(.cohort), into: "det-a")
    let b = try simulate(Self.small(.cohort), into: "det-b")
    let c = try simulate(Self.small(.cohort, seed: 12), into: "det-c")
    for file in Self.files {
      let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + file))
      let y = try Data(contentsOf: URL(fileURLWithPath: b + "/" + file))
      #expect(x == y, "\(file) differs between identical runs")
    }
    let x = try Data(contentsOf: URL(fileURLWithPath: a + "/diary_nights.csv"))
    let z = try Data(contentsOf: URL(fileURLWithPath: c + "/diary_nights.csv"))
    #expect(x != z)
  }

  @Test("A patient is the same whatever the dataset size (keyed by seed and index)")
  func patientKeyedStreams() throws {
    let small = try simulate(
      SimulationRequest(
        preset: .cohort, patients: 3, nights: 30, seed: 5, targetSamplesPerCell: 10),
      into: "keyed-3")
    let large = try simulate(
      SimulationRequest(
        preset: .cohort, patients: 600, nights: 30, seed: 5, targetSamplesPerCell: 10),
      into: "keyed-600")
    let a = try SimpleCSV(path: small + "/diary_nights.csv").rows.filter { $0[0] == "P000001" }
    let b = try SimpleCSV(path: large + "/diary_nights.csv").rows.filter { $0[0] == "P000001" }
    #expect(!a.isEmpty && a == b)
  }

  @Test("Diary invariants on the teaching design", arguments: [Preset.teaching, .trial, .nof1])
  func invariants(preset: Preset) throws {
    let request = SimulationRequest(preset: preset, seed: 99, targetSamplesPerCell: 20)
    let directory = try simulate(request, into: "inv-\(preset.rawValue)")
    let diary = try SimpleCSV(path: directory + "/diary_nights.csv")
    let patients = try SimpleCSV(path: directory + "/patients.csv")
    let withArm = preset != .teaching
    #expect(diary.header == DiarySimulator.diaryColumns(withArm: withArm))
    #expect(patients.header == DiarySimulator.patientColumns)
    for row in diary.rows { #expect(row.count == diary.header.count) }

    let c = { diary.column($0) }
    var nightsByPatient: [String: [Int]] = [:]
    var lastTrimester: [String: Int] = [:]
    var delivered: Set<String> = []
    var dialysisPatients: Set<String> = []
    for p in patients.rows where p[patients.column("hemodialysis")] == "1" {
      dialysisPatients.insert(p[0])
    }
    for row in diary.rows {
      let id = row[0]
      nightsByPatient[id, default: []].append(Int(row[c("night")]) ?? -1)
      let outcomes = [
        "cramp", "cramp_count", "severity", "duration_min", "sleep_disturbance",
        "woke_up",
      ].map { row[c($0)] }
      if row[c("observed")] == "0" {
        #expect(outcomes.allSatisfy { $0.isEmpty }, "observed=0 row with an outcome: \(row)")
      } else if row[c("cramp")] == "0" {
        #expect(row[c("cramp_count")] == "0")
        #expect(outcomes[2...].allSatisfy { $0.isEmpty }, "cramp=0 row with marks: \(row)")
      } else {
        #expect(row[c("cramp")] == "1")
        let count = Int(row[c("cramp_count")]) ?? 0
        let severity = Int(row[c("severity")]) ?? -1
        let sleep = Int(row[c("sleep_disturbance")]) ?? -1
        #expect((1...10).contains(count) && (1...10).contains(severity))
        #expect((0...10).contains(sleep) && (Double(row[c("duration_min")]) ?? 0) > 0)
      }
      // Pregnancy: trimester never goes backwards and ends for good at delivery.
      let trimester = Int(row[c("trimester")]) ?? -1
      if row[c("postpartum")] == "1" {
        #expect(trimester == 0 && row[c("gest_week")].isEmpty)
        delivered.insert(id)
      } else if trimester > 0 {
        #expect(!delivered.contains(id), "pregnant again after delivery: \(row)")
        #expect(trimester >= lastTrimester[id, default: 0])
        lastTrimester[id] = trimester
      }
      if row[c("dialysis_day")] == "1" { #expect(dialysisPatients.contains(id)) }
      if row[c("mg_supp")] == "0" { #expect(row[c("mg_supp_mg")] == "0") }
    }
    // Nights run 0, 1, 2, … with no gaps, and patients.csv n_nights counts them.
    for p in patients.rows {
      let nights = nightsByPatient[p[0]] ?? []
      #expect(nights == Array(0..<nights.count))
      #expect(Int(p[patients.column("n_nights")]) == nights.count)
    }
    if preset == .teaching {
      #expect(patients.rows.count == 200)
      #expect(!delivered.isEmpty && !dialysisPatients.isEmpty)
      #expect(diary.rows.contains { $0[c("observed")] == "0" })
    }
  }

  @Test("Trial arms are balanced in permuted blocks of four")
  func trialAllocation() {
    for block in 0..<25 {
      let arms = (0..<4).map { DiarySimulator.allocation(seed: 3, randomized: block * 4 + $0) }
      #expect(arms.filter { $0 }.count == 2)
    }
  }

  @Test("Invalid sizes and unwritable paths throw typed errors")
  func errors() {
    #expect(throws: SimulationError.invalidPatientCount(0)) {
      try DiarySimulator.run(
        SimulationRequest(preset: .teaching, patients: 0, seed: 1), outputDirectory: "/tmp/x")
    }
    #expect(throws: SimulationError.invalidNightCount(-3)) {
      try DiarySimulator.run(
        SimulationRequest(preset: .cohort, nights: -3, seed: 1), outputDirectory: "/tmp/x")
    }
    #expect(throws: SimulationError.invalidNightCount(10)) {
      try DiarySimulator.run(
        SimulationRequest(preset: .trial, nights: 10, seed: 1), outputDirectory: "/tmp/x")
    }
    do {
      _ = try DiarySimulator.run(
        SimulationRequest(preset: .teaching, patients: 2, nights: 2, seed: 1),
        outputDirectory: "/dev/null/sub")
      Issue.record("expected an error")
    } catch let error as SimulationError {
      guard case .cannotCreateDirectory(let path, _) = error else {
        Issue.record("wrong error \(error)")
        return
      }
      #expect(path == "/dev/null/sub")
    } catch {
      Issue.record("untyped error \(error)")
    }
  }
}
