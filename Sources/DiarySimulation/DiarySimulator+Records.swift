/// The nights of a simulated trial held in memory: one entry per diary row, in file order.
///
/// The same draws as `diary_nights.csv` of ``DiarySimulator/run(_:outputDirectory:progress:)``
/// for the same request (the candidate loop below mirrors `runScreenedDesign`, and a test
/// compares the two), without the marks, covariate columns or files.
public struct SimulatedTrialNights: Sendable, Equatable {
  /// 0-based randomized patient index (`patient_id` is `P` + index + 1).
  public var patient: [Int32]
  /// Night number since enrolment (0-based; nights 0-13 are the screen or washout).
  public var night: [Int32]
  /// Whether the night was recorded (`observed`).
  public var observed: [Bool]
  /// Cramps that night (`cramp_count`; drawn for unobserved nights too, as the generator does).
  public var count: [Int32]
  /// Whether magnesium was assigned that night (`period == mg`).
  public var magnesium: [Bool]
  /// Whether the night is after the screen or washout (`period` is `mg` or `placebo`).
  public var treated: [Bool]
  /// Patients randomized.
  public var patients: Int
  /// Candidates drawn to find them.
  public var candidates: Int

  /// Creates the nights from their columns (all of one length).
  public init(
    patient: [Int32], night: [Int32], observed: [Bool], count: [Int32], magnesium: [Bool],
    treated: [Bool], patients: Int, candidates: Int
  ) {
    self.patient = patient
    self.night = night
    self.observed = observed
    self.count = count
    self.magnesium = magnesium
    self.treated = treated
    self.patients = patients
    self.candidates = candidates
  }
}

/// Appends night outcomes; a reference type so the night loop can fill it through its options.
final class NightRecords {
  var nights = SimulatedTrialNights(
    patient: [], night: [], observed: [], count: [], magnesium: [], treated: [], patients: 0,
    candidates: 0)

  func append(patient: Int, night: Int, observed: Bool, count: Int, period: Int) {
    nights.patient.append(Int32(truncatingIfNeeded: patient))
    nights.night.append(Int32(truncatingIfNeeded: night))
    nights.observed.append(observed)
    nights.count.append(Int32(truncatingIfNeeded: count))
    nights.magnesium.append(period == 3)
    nights.treated.append(period >= 3)
  }

  /// Drops entries from `count` on (a candidate who failed the screen).
  func truncate(to count: Int) {
    let n = nights.patient.count
    guard count < n else { return }
    nights.patient.removeLast(n - count)
    nights.night.removeLast(n - count)
    nights.observed.removeLast(n - count)
    nights.count.removeLast(n - count)
    nights.magnesium.removeLast(n - count)
    nights.treated.removeLast(n - count)
  }
}

extension DiarySimulator {
  /// Simulates a `trial` or `nof1` preset in memory: the diary's night outcomes, no files.
  ///
  /// Candidates volunteer with probability `min(1, exp(1.5 eta_i))` and are kept with at
  /// least 4 recorded cramps in the 14-night screen or washout, exactly as
  /// ``run(_:outputDirectory:progress:)``; so the nights equal that diary's rows for the same
  /// request. Single-threaded: callers run many replicates in parallel instead.
  ///
  /// - Throws: ``SimulationError`` for invalid sizes, or `presetWithoutArms` for a preset
  ///   other than `trial` and `nof1`.
  /// - Complexity: O(candidates x nights).
  public static func trialNights(_ request: SimulationRequest) throws -> SimulatedTrialNights {
    guard request.preset == .trial || request.preset == .nof1 else {
      throw SimulationError.presetWithoutArms(request.preset)
    }
    let design = try PresetDesign.make(
      request.preset, patients: request.patients, nights: request.nights)
    let parameters = effectiveParameters(request)
    let calendar = CalendarTable(
      firstDay: design.enrolStartDay, count: design.enrolSpanDays + design.nights + 1,
      parameters: parameters)
    let isTrial = design.preset == .trial
    let stream = isTrial ? Stream.trialCandidate : Stream.nof1Candidate
    let kind: PatientKind = isTrial ? .trialVolunteer : .nof1Volunteer
    let records = NightRecords()
    var randomized = 0
    var candidate = 0
    let candidateLimit = design.patients * 5000 + 100_000
    while randomized < design.patients && candidate < candidateLimit {
      let index = randomized
      var rng = Xoshiro256StarStar(
        seed: request.seed, stream: stream.rawValue, index: UInt64(candidate))
      candidate += 1
      var profile = drawProfile(
        kind: kind, index: index, design: design, parameters: parameters, rng: &rng)
      let volunteer = min(1, PortableMath.exp(1.5 * profile.baseLinearPredictor))
      guard rng.uniform() < volunteer else { continue }
      if isTrial { profile.trialMagnesium = allocation(seed: request.seed, randomized: index) }
      let mark = records.nights.patient.count
      let outcome = simulateNights(
        profile, parameters: parameters, calendar: calendar,
        options: NightOptions(
          nights: design.nights, missingness: design.missingness, rows: nil,
          withArmColumns: true, records: records),
        rng: &rng)
      guard outcome.screenCramps >= 4 else {
        records.truncate(to: mark)
        continue
      }
      randomized += 1
    }
    records.nights.patients = randomized
    records.nights.candidates = candidate
    return records.nights
  }
}
