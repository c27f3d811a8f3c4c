/// A named dataset design (domain.md §2.10).
public enum Preset: String, CaseIterable, Sendable {
  /// 200 patients × 90 nights: 110 general, 40 pregnant, 25 hemodialysis, 25 comorbid.
  case teaching
  /// Roguin Maor 2017-like RCT: 14-night screen, then 28 nights Mg 520 mg vs placebo.
  case trial
  /// 20 patients: 14-night washout, then 3 randomized Mg/placebo pairs of 28-night blocks.
  case nof1
  /// 5,000 × 365 general-population mix plus 500 pregnant, 200 HD, 100 cirrhosis.
  case cohort
  /// 100,000 × 365 population-representative registry (36.5 M rows).
  case registry
}

/// What to simulate: a preset, optional size overrides and the seed.
public struct SimulationRequest: Sendable {
  public var preset: Preset
  /// Overrides the preset's patient count (randomized patients for `trial`/`nof1`).
  public var patients: Int?
  /// Overrides the preset's planned nights of follow-up per patient.
  public var nights: Int?
  public var seed: UInt64
  /// The model: the domain.md §2.4 defaults unless replaced, say by `.nullWorld()`.
  public var parameters: ModelParameters
  /// Patients per cell for the Monte-Carlo marginal targets in truth.json.
  public var targetSamplesPerCell: Int

  /// Creates a request with the default model and 4,000 Monte-Carlo patients per target cell.
  public init(
    preset: Preset, patients: Int? = nil, nights: Int? = nil, seed: UInt64,
    parameters: ModelParameters = ModelParameters(), targetSamplesPerCell: Int = 4000
  ) {
    self.preset = preset
    self.patients = patients
    self.nights = nights
    self.seed = seed
    self.parameters = parameters
    self.targetSamplesPerCell = targetSamplesPerCell
  }
}

/// What a simulation run produced.
public struct SimulationSummary: Sendable, Equatable {
  /// Diary rows (patient-nights) written.
  public var rows: Int
  public var patients: Int
  /// Absolute paths of the files written, in writing order.
  public var filesWritten: [String]
  /// Wall-clock seconds of the whole run.
  public var seconds: Double
  /// `rows / seconds`.
  public var rowsPerSecond: Double
}

/// Why a simulation could not run.
public enum SimulationError: Error, Equatable, Sendable {
  /// The patient count is below 1 or above 10,000,000.
  case invalidPatientCount(Int)
  /// The night count is below 1 or above 36,500 (or too short for the trial design).
  case invalidNightCount(Int)
  /// The output directory could not be created.
  case cannotCreateDirectory(path: String, reason: String)
  /// A file could not be opened, written or renamed into place.
  case cannotWriteFile(path: String, reason: String)
  /// An in-memory trial was asked of a preset without randomized arms (not trial or nof1).
  case presetWithoutArms(Preset)
}

extension SimulationError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .invalidPatientCount(let n):
      return "invalid patient count \(n): use 1...10000000"
    case .invalidNightCount(let n):
      return "invalid night count \(n): use 1...36500 (trial needs >= 15, nof1 >= 15)"
    case .cannotCreateDirectory(let path, let reason):
      return "\(path): cannot create directory: \(reason)"
    case .cannotWriteFile(let path, let reason):
      return "\(path): cannot write file: \(reason)"
    case .presetWithoutArms(let preset):
      return "preset \(preset.rawValue) has no randomized arms: use trial or nof1"
    }
  }
}

/// Patient sub-populations (the `cohort` column of patients.csv).
enum Cohort: String, Sendable {
  case general, pregnancy, hd, trial, nof1
}

/// Missing-night and dropout processes (domain.md §2.7).
struct MissingnessDesign: Sendable {
  var intermittent: Double
  var weekendMultiplier: Double
  var dropoutHazard: Double
  /// Trial designs only start dropout after the screen / washout.
  var dropoutFromNight: Int

  static let trialLike = MissingnessDesign(
    intermittent: 0.03, weekendMultiplier: 1, dropoutHazard: 0.0015, dropoutFromNight: 0)
  static let registryLike = MissingnessDesign(
    intermittent: 0.08, weekendMultiplier: 1.5, dropoutHazard: 0.001, dropoutFromNight: 0)
}

/// The resolved design of one preset: sizes, sub-population mix, enrolment and missingness.
struct PresetDesign: Sendable {
  var preset: Preset
  var patients: Int
  var nights: Int
  /// Share of each sub-population in patient order (exact counts, see `cohortOf`).
  var composition: [(kind: PatientKind, count: Int)]
  var missingness: MissingnessDesign
  /// Enrolment dates are uniform over `enrolStartDay ..< enrolStartDay + enrolSpanDays`.
  var enrolStartDay: Int
  var enrolSpanDays: Int

  /// The preset's default design, with size overrides applied.
  static func make(_ preset: Preset, patients: Int?, nights: Int?) throws -> PresetDesign {
    let jan2024 = CivilDay.dayNumber(year: 2024, month: 1, day: 1)
    let defaults: (Int, Int) =
      switch preset {
      case .teaching: (200, 90)
      case .trial: (100, 42)
      case .nof1: (20, 182)
      case .cohort: (5000, 365)
      case .registry: (100_000, 365)
      }
    let n = patients ?? defaults.0
    let t = nights ?? defaults.1
    guard (1...10_000_000).contains(n) else { throw SimulationError.invalidPatientCount(n) }
    guard (1...36_500).contains(t) else { throw SimulationError.invalidNightCount(t) }
    if preset == .trial || preset == .nof1, t < 15 {
      throw SimulationError.invalidNightCount(t)
    }
    var design = PresetDesign(
      preset: preset, patients: n, nights: t, composition: [],
      missingness: .trialLike, enrolStartDay: jan2024, enrolSpanDays: 365)
    switch preset {
    case .teaching:
      design.composition = scaled(
        [(.general, 110), (.pregnancy, 40), (.hd, 25), (.comorbid, 25)], to: n)
    case .trial:
      design.composition = [(.trialVolunteer, n)]
      design.enrolSpanDays = 730
      design.missingness.dropoutFromNight = 14
    case .nof1:
      design.composition = [(.nof1Volunteer, n)]
      design.enrolSpanDays = 730
      design.missingness.dropoutFromNight = 14
    case .cohort:
      design.composition = scaled(
        [(.general, 4200), (.pregnancy, 500), (.hd, 200), (.cirrhosis, 100)], to: n)
      design.missingness = .registryLike
    case .registry:
      // Population-representative: ~1.5% pregnant, 0.2% on HD, 0.3% with cirrhosis.
      design.composition = scaled(
        [(.population, 98_000), (.pregnancy, 1_500), (.hd, 200), (.cirrhosis, 300)], to: n)
      design.missingness = .registryLike
    }
    return design
  }

  /// Scales integer counts to sum to `total` by largest remainders (ties: earlier first).
  static func scaled(_ parts: [(PatientKind, Int)], to total: Int) -> [(
    kind: PatientKind, count: Int
  )] {
    let sum = parts.reduce(0) { $0 + $1.1 }
    var counts = parts.map { ($0.0, $0.1 * total / sum, ($0.1 * total) % sum) }
    var assigned = counts.reduce(0) { $0 + $1.1 }
    let order = counts.indices.sorted { counts[$0].2 > counts[$1].2 }
    var k = 0
    while assigned < total {
      counts[order[k % order.count]].1 += 1
      assigned += 1
      k += 1
    }
    return counts.map { (kind: $0.0, count: $0.1) }
  }

  /// The kind of the patient at 0-based `index` (kinds are laid out in composition order).
  func kind(of index: Int) -> PatientKind {
    var remaining = index
    for part in composition {
      if remaining < part.count { return part.kind }
      remaining -= part.count
    }
    return composition.last?.kind ?? .general
  }
}

/// How a patient's baseline profile is drawn.
enum PatientKind: String, Sendable {
  case general, pregnancy, hd, cirrhosis
  /// General population with a population-representative (younger) age distribution.
  case population
  /// General population with cirrhosis, hypothyroidism or PVD forced (teaching set).
  case comorbid
  case trialVolunteer, nof1Volunteer

  var cohort: Cohort {
    switch self {
    case .general, .cirrhosis, .comorbid, .population: .general
    case .pregnancy: .pregnancy
    case .hd: .hd
    case .trialVolunteer: .trial
    case .nof1Volunteer: .nof1
    }
  }
}
