import Dispatch
import Foundation

/// The synthetic cramp-diary generator behind `crampstat simulate`.
///
/// For patient i on night t the cramp count is Y_it ~ Poisson(min(λ_it, 3)) with
/// log λ_it = β0 + x_i'β + z_it'γ + A·cos(2π(doy − 196)/365.25) + b_i + u_it − τ²/2,
/// b_i ~ N(0, 1.8²) and the AR(1) spell u_it = 0.97·u_i,t−1 + e_it with stationary SD
/// τ = 0.5 (see ``ModelParameters`` for every term). So P(cramp) = 1 − exp(−λ) and
/// cloglog P(cramp) = log λ: β is a conditional log rate ratio for count, discrete-time
/// cloglog and grouped-time Cox models alike.
public enum DiarySimulator {
  /// Version stamped into truth.json; bump whenever output for a given seed changes.
  public static let generatorVersion = "1.0.0"

  /// Patients per parallel work unit; also the granularity of progress reports.
  static let blockSize = 250

  /// Simulates a preset and writes its files into `outputDirectory`.
  ///
  /// Writes `diary_nights.csv`, `patients.csv`, `truth_patients.csv` and `truth.json`, each
  /// atomically (temporary file, then rename). Patients are generated in blocks of 250 from
  /// generators keyed by (seed, patient index), two blocks per core at a time, and written in
  /// patient order, so memory stays bounded and output does not depend on thread count.
  ///
  /// - Parameters:
  ///   - request: preset, optional size overrides, seed and model.
  ///   - outputDirectory: created (with parents) if missing.
  ///   - progress: called with (patients done, patients total) after each block.
  /// - Returns: rows, patients, files written, elapsed seconds and rows per second.
  /// - Throws: ``SimulationError`` for invalid sizes or unwritable paths.
  /// - Complexity: O(patients × nights) time; O(block size × nights) memory.
  public static func run(
    _ request: SimulationRequest, outputDirectory: String,
    progress: ((Int, Int) -> Void)? = nil
  ) throws -> SimulationSummary {
    let started = DispatchTime.now().uptimeNanoseconds
    let design = try PresetDesign.make(
      request.preset, patients: request.patients, nights: request.nights)
    let parameters = effectiveParameters(request)
    do {
      try FileManager.default.createDirectory(
        atPath: outputDirectory, withIntermediateDirectories: true)
    } catch {
      throw SimulationError.cannotCreateDirectory(
        path: outputDirectory, reason: error.localizedDescription)
    }
    let directory = outputDirectory.hasSuffix("/") ? outputDirectory : outputDirectory + "/"
    let diaryPath = directory + "diary_nights.csv"
    let patientsPath = directory + "patients.csv"
    let truthPatientsPath = directory + "truth_patients.csv"
    let truthPath = directory + "truth.json"
    let diary = try OutputFile(path: diaryPath)
    let patientsFile = try OutputFile(path: patientsPath)
    let truthPatients = try OutputFile(path: truthPatientsPath)

    let withArm = request.preset == .trial || request.preset == .nof1
    let header = ByteBuffer()
    header.append(diaryColumns(withArm: withArm).joined(separator: ",") + "\n")
    try diary.write(header)
    header.append(patientColumns.joined(separator: ",") + "\n")
    try patientsFile.write(header)
    header.append(truthPatientColumns.joined(separator: ",") + "\n")
    try truthPatients.write(header)

    let calendar = CalendarTable(
      firstDay: design.enrolStartDay, count: design.enrolSpanDays + design.nights + 1,
      parameters: parameters)
    var stats = DatasetStats()
    if withArm {
      try runScreenedDesign(
        design: design, parameters: parameters, seed: request.seed, calendar: calendar,
        files: (diary, patientsFile, truthPatients), stats: &stats, progress: progress)
    } else {
      try runBlocks(
        design: design, parameters: parameters, seed: request.seed, calendar: calendar,
        files: (diary, patientsFile, truthPatients), stats: &stats, progress: progress)
    }
    try diary.commit()
    try patientsFile.commit()
    try truthPatients.commit()

    let targets = MarginalTargets.compute(
      parameters: parameters, seed: request.seed, samplesPerCell: request.targetSamplesPerCell)
    let truth = Truth.document(
      request: request, design: design, parameters: parameters, stats: stats, targets: targets)
    let truthBuffer = ByteBuffer()
    truthBuffer.append(truth.serialized())
    try OutputFile.write(truthBuffer, to: truthPath)

    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return SimulationSummary(
      rows: stats.rows, patients: stats.patients,
      filesWritten: [diaryPath, patientsPath, truthPatientsPath, truthPath],
      seconds: seconds, rowsPerSecond: seconds > 0 ? Double(stats.rows) / seconds : 0)
  }

  /// The request's model with preset-specific switches applied.
  ///
  /// The N-of-1 preset turns on the per-patient random slope on the Mg effect (SD 0.3,
  /// domain.md §2.9) unless the caller set one.
  static func effectiveParameters(_ request: SimulationRequest) -> ModelParameters {
    var parameters = request.parameters
    if request.preset == .nof1 && parameters.mgSlopeSD == 0 { parameters.mgSlopeSD = 0.3 }
    return parameters
  }

  /// Generator streams: one purpose each, so the purposes never share random numbers.
  enum Stream: UInt64 {
    case patient = 1
    case trialCandidate = 2
    case nof1Candidate = 3
    case randomization = 4
    case targets = 100
  }

  /// One block's output buffers, reused across waves.
  private final class BlockSlot: @unchecked Sendable {
    let diary = ByteBuffer(capacity: 1 << 22)
    let patients = ByteBuffer(capacity: 1 << 16)
    let truth = ByteBuffer(capacity: 1 << 14)
    var stats = DatasetStats()
  }

  private static func runBlocks(
    design: PresetDesign, parameters: ModelParameters, seed: UInt64, calendar: CalendarTable,
    files: (OutputFile, OutputFile, OutputFile), stats: inout DatasetStats,
    progress: ((Int, Int) -> Void)?
  ) throws {
    let blocks = (design.patients + blockSize - 1) / blockSize
    let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
    let wave = workers * 2
    let slots = (0..<min(wave, blocks)).map { _ in BlockSlot() }
    var first = 0
    while first < blocks {
      let count = min(wave, blocks - first)
      let waveStart = first
      DispatchQueue.concurrentPerform(iterations: count) { k in
        let slot = slots[k]
        let block = waveStart + k
        let lower = block * blockSize
        let upper = min(design.patients, lower + blockSize)
        slot.stats = DatasetStats()
        for index in lower..<upper {
          var rng = Xoshiro256StarStar(
            seed: seed, stream: Stream.patient.rawValue, index: UInt64(index))
          let profile = drawProfile(
            kind: design.kind(of: index), index: index, design: design, parameters: parameters,
            rng: &rng)
          let outcome = simulateNights(
            profile, parameters: parameters, calendar: calendar,
            options: NightOptions(
              nights: design.nights, missingness: design.missingness, rows: slot.diary,
              withArmColumns: false),
            rng: &rng)
          writePatientRow(profile, outcome, into: slot.patients)
          writeTruthPatientRow(profile, into: slot.truth)
          slot.stats.add(profile, outcome)
        }
      }
      for k in 0..<count {
        try files.0.write(slots[k].diary)
        try files.1.write(slots[k].patients)
        try files.2.write(slots[k].truth)
        stats.merge(slots[k].stats)
      }
      first += count
      progress?(min(design.patients, first * blockSize), design.patients)
    }
  }

  /// Trial and N-of-1 files: candidates volunteer with probability ∝ burden^1.5 and are
  /// kept when they record ≥ 4 cramps in the 14-night screen / washout.
  private static func runScreenedDesign(
    design: PresetDesign, parameters: ModelParameters, seed: UInt64, calendar: CalendarTable,
    files: (OutputFile, OutputFile, OutputFile), stats: inout DatasetStats,
    progress: ((Int, Int) -> Void)?
  ) throws {
    let isTrial = design.preset == .trial
    let stream = isTrial ? Stream.trialCandidate : Stream.nof1Candidate
    let kind: PatientKind = isTrial ? .trialVolunteer : .nof1Volunteer
    let diary = ByteBuffer(capacity: 1 << 20)
    let patients = ByteBuffer()
    let truth = ByteBuffer()
    let scratch = ByteBuffer()
    var candidate = 0
    let candidateLimit = design.patients * 5000 + 100_000
    while stats.patients < design.patients && candidate < candidateLimit {
      let index = stats.patients
      var rng = Xoshiro256StarStar(seed: seed, stream: stream.rawValue, index: UInt64(candidate))
      candidate += 1
      var profile = drawProfile(
        kind: kind, index: index, design: design, parameters: parameters, rng: &rng)
      // Volunteering ∝ (expected cramps per night)^1.5, certain from one per night up.
      let volunteer = min(1, PortableMath.exp(1.5 * profile.baseLinearPredictor))
      guard rng.uniform() < volunteer else { continue }
      stats.volunteers += 1
      if isTrial { profile.trialMagnesium = allocation(seed: seed, randomized: index) }
      scratch.removeAll()
      let outcome = simulateNights(
        profile, parameters: parameters, calendar: calendar,
        options: NightOptions(
          nights: design.nights, missingness: design.missingness, rows: scratch,
          withArmColumns: true),
        rng: &rng)
      guard outcome.screenCramps >= 4 else { continue }
      scratch.withBytes { diary.append(Array($0)) }
      writePatientRow(profile, outcome, into: patients)
      writeTruthPatientRow(profile, into: truth)
      stats.add(profile, outcome)
      if diary.count > 1 << 20 { try files.0.write(diary) }
      progress?(stats.patients, design.patients)
    }
    stats.candidates = candidate
    try files.0.write(diary)
    try files.1.write(patients)
    try files.2.write(truth)
  }

  /// Arm of the r-th randomized patient: permuted blocks of four (2 Mg, 2 placebo).
  static func allocation(seed: UInt64, randomized r: Int) -> Bool {
    var rng = Xoshiro256StarStar(
      seed: seed, stream: Stream.randomization.rawValue, index: UInt64(r / 4))
    var arms = [true, true, false, false]
    for i in stride(from: 3, to: 0, by: -1) {
      let j = rng.integer(below: i + 1)
      arms.swapAt(i, j)
    }
    return arms[r % 4]
  }
}

/// Counts accumulated while writing a dataset (all integers, so merging is exact).
struct DatasetStats: Sendable {
  var patients = 0
  var rows = 0
  var observedNights = 0
  var observedCrampNights = 0
  var recordedCramps = 0
  var dropouts = 0
  var supplementStarts = 0
  var patientsByCohort: [String: Int] = [:]
  var candidates = 0
  var volunteers = 0
  /// Recorded cramps in nights 0–13 summed over enrolled patients (screen / washout).
  var screenCramps = 0

  mutating func add(_ profile: PatientProfile, _ outcome: PatientOutcome) {
    patients += 1
    rows += outcome.rows
    observedNights += outcome.observedNights
    observedCrampNights += outcome.observedCrampNights
    recordedCramps += outcome.recordedCramps
    if outcome.dropoutNight != nil { dropouts += 1 }
    if outcome.supplementStart != nil { supplementStarts += 1 }
    screenCramps += outcome.screenCramps
    patientsByCohort[profile.kind.cohort.rawValue, default: 0] += 1
  }

  mutating func merge(_ other: DatasetStats) {
    patients += other.patients
    rows += other.rows
    observedNights += other.observedNights
    observedCrampNights += other.observedCrampNights
    recordedCramps += other.recordedCramps
    dropouts += other.dropouts
    supplementStarts += other.supplementStarts
    screenCramps += other.screenCramps
    for (key, value) in other.patientsByCohort { patientsByCohort[key, default: 0] += value }
  }
}
