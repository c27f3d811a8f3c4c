import Foundation
import Testing

@testable import DiarySimulation

/// The committed Datasets/ must be exactly what the generator produces today.
///
/// Regenerate with `crampstat simulate --preset NAME --seed 20240601 -o Datasets/NAME`.
@Suite("Shipped datasets are current")
struct ShippedDatasetTests {
  static let datasets: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Datasets")

  @Test(
    "Datasets/<preset> equals a fresh run with seed 20240601",
    arguments: [
      Preset.teaching, .trial, .nof1,
    ])
  func shippedMatches(preset: Preset) throws {
    let fresh = try simulate(
      SimulationRequest(preset: preset, seed: 20_240_601), into: "shipped-\(preset.rawValue)")
    for file in DiarySimulatorTests.files {
      let committed = try Data(
        contentsOf: Self.datasets.appendingPathComponent(preset.rawValue + "/" + file))
      let generated = try Data(contentsOf: URL(fileURLWithPath: fresh + "/" + file))
      #expect(committed == generated, "Datasets/\(preset.rawValue)/\(file) is stale")
    }
  }
}
