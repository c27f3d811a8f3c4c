/// One drug exposure interval: taken on nights `start ..< stop` (night numbers relative to
/// enrolment; a negative start means the drug was begun before enrolment).
struct DrugInterval: Sendable {
  var start: Int
  var stop: Int
}

/// The five drug classes of Garrison 2012, in column order.
enum Drug: Int, CaseIterable, Sendable {
  case thiazide, ksparing, loop, statin, laba

  var name: String {
    switch self {
    case .thiazide: "thiazide"
    case .ksparing: "ksparing"
    case .loop: "loop"
    case .statin: "statin"
    case .laba: "laba"
    }
  }

  /// Prevalence among people aged ≥ 60 (domain.md §2.5).
  var prevalenceAt60: Double {
    switch self {
    case .thiazide: 0.18
    case .ksparing: 0.04
    case .loop: 0.07
    case .statin: 0.40
    case .laba: 0.06
    }
  }

  func beta(_ p: ModelParameters) -> Double {
    switch self {
    case .thiazide: p.thiazide
    case .ksparing: p.ksparing
    case .loop: p.loop
    case .statin: p.statin
    case .laba: p.laba
    }
  }
}

/// Hemodialysis schedule: sessions on Mon/Wed/Fri or Tue/Thu/Sat.
enum DialysisSchedule: String, Sendable {
  case none = ""
  case mwf = "MWF"
  case tts = "TTS"

  /// Whether the evening of ISO weekday `dow` follows a session.
  func isDialysisDay(_ dow: Int) -> Bool {
    switch self {
    case .none: false
    case .mwf: dow == 1 || dow == 3 || dow == 5
    case .tts: dow == 2 || dow == 4 || dow == 6
    }
  }
}

/// Why a patient's rows end.
enum CensorReason: String, Sendable {
  case admin, dropout
  case deliveryEnd = "delivery_end"
}

/// A patient's baseline draw: everything fixed at enrolment plus the planned exposure timeline.
struct PatientProfile: Sendable {
  var index: Int
  var kind: PatientKind
  var enrolDay: Int
  /// Nights of follow-up if no dropout (administrative or 8–12 weeks after delivery).
  var plannedNights: Int
  var plannedReason: CensorReason
  var age: Int
  var female: Bool
  var bmi: Double
  var pregnant: Bool
  var gestWeekAtEnrol: Double
  /// Night of delivery (first postpartum night), if pregnant at enrolment.
  var deliveryNight: Int?
  var diabetes: Bool
  var hypothyroid: Bool
  var cirrhosis: Bool
  var pvd: Bool
  var schedule: DialysisSchedule
  var sedentary: Bool
  var drinker: Bool
  var drinkMean: Double
  var exerciseProbability: Double
  var exerciseMeanMin: Double
  var mgDietMean: Double
  var fluidReference: Double
  var fluidMean: Double
  var fluidNightSD: Double
  var stretchProbability: Double
  var highHeelProbability: Double
  var drugs: [DrugInterval?]
  /// Mg supplement dose when taken (mg elemental).
  var supplementDose: Double
  /// Whether supplements may start spontaneously (not in trial or N-of-1 files).
  var spontaneousSupplements: Bool
  var frailty: Double
  var mgSlope: Double
  var severityMean: Double
  var durationLogEffect: Double
  /// RCT arm (`trial`): true = magnesium.
  var trialMagnesium: Bool?
  /// N-of-1: for each pair of blocks, true when magnesium comes first.
  var nof1MagnesiumFirst: [Bool]
  /// The patient-constant part of log λ (β0 + age, sex, conditions, sedentary, frailty).
  var baseLinearPredictor: Double

  var hemodialysis: Bool { schedule != .none }
}

/// Options that pin parts of a profile (Monte-Carlo target cells).
struct ProfileOverrides: Sendable {
  var age: Int?
  var minimumAge: Int?
  var gestWeekRange: (Double, Double)?
}
