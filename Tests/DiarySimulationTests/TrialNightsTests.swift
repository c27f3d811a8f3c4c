import Foundation
import Testing

@testable import DiarySimulation

@Suite("In-memory trial nights")
struct TrialNightsTests {
  /// `trialNights` repeats the candidate loop of the file writer: its nights must be the
  /// diary's rows, value for value, for the same request (and an effect that is not the
  /// default, so the parameters reach both).
  @Test("trialNights equals diary_nights.csv", arguments: [Preset.trial, Preset.nof1])
  func matchesDiary(preset: Preset) throws {
    var parameters = ModelParameters()
    parameters.mgSupplement = -0.4
    let request = SimulationRequest(
      preset: preset, patients: 12, seed: 99, parameters: parameters, targetSamplesPerCell: 10)
    let nights = try DiarySimulator.trialNights(request)
    let directory = try simulate(request, into: "trial-nights-\(preset.rawValue)")
    let csv = try SimpleCSV(path: directory + "/diary_nights.csv")
    #expect(nights.patients == 12)
    #expect(nights.patient.count == csv.rows.count)
    let (id, night, observed, count, period) = (
      csv.column("patient_id"), csv.column("night"), csv.column("observed"),
      csv.column("cramp_count"), csv.column("period")
    )
    var mismatches = 0
    for (i, row) in csv.rows.enumerated() where i < nights.patient.count {
      let expectedID = "P" + String(format: "%06d", Int(nights.patient[i]) + 1)
      let isObserved = row[observed] == "1"
      var same = row[id] == expectedID && row[night] == String(nights.night[i])
      same = same && isObserved == nights.observed[i]
      // The file leaves the count empty on unobserved nights.
      if isObserved { same = same && row[count] == String(nights.count[i]) }
      same = same && (row[period] == "mg") == nights.magnesium[i]
      same = same && (row[period] == "mg" || row[period] == "placebo") == nights.treated[i]
      if !same { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(nights.magnesium.contains(true) && nights.treated.contains(false))
  }

  @Test("presets without arms are refused")
  func refusesOtherPresets() {
    #expect(throws: SimulationError.presetWithoutArms(.teaching)) {
      _ = try DiarySimulator.trialNights(SimulationRequest(preset: .teaching, seed: 1))
    }
  }
}
