/// patients.csv (domain.md §2.2) and truth_patients.csv (the per-patient random effects).
extension DiarySimulator {
  static let patientColumns = [
    "patient_id", "cohort", "enrol_date", "n_nights", "age_at_enrol", "age_over_50",
    "age_over_65", "sex", "bmi", "pregnant_at_enrol", "gest_week_at_enrol", "delivery_night",
    "diabetes", "hypothyroid", "cirrhosis", "pvd", "hemodialysis", "hd_schedule", "sedentary",
    "drinker", "mg_diet_mean_mg", "fluid_ref_cups", "supp_start_night", "thiazide_start",
    "thiazide_stop", "ksparing_start", "ksparing_stop", "loop_start", "loop_stop",
    "statin_start", "statin_stop", "laba_start", "laba_stop", "dropout_night",
    "censor_reason", "rct_arm",
  ]

  static let truthPatientColumns = [
    "patient_id", "frailty_b", "mg_slope", "severity_mean", "duration_log_effect",
    "base_log_rate",
  ]

  private static func flag(_ value: Bool, _ b: ByteBuffer) {
    b.byte(value ? 49 : 48)
    b.comma()
  }

  /// Appends one patients.csv row; empty fields mean "not applicable / did not happen".
  static func writePatientRow(
    _ profile: PatientProfile, _ outcome: PatientOutcome, into b: ByteBuffer
  ) {
    b.reserve(512)
    patientID(profile.index, into: b)
    b.comma()
    b.append(profile.kind.cohort.rawValue)
    b.comma()
    b.append(CivilDay.isoBytes(profile.enrolDay))
    b.comma()
    b.int(outcome.rows)
    b.comma()
    b.int(profile.age)
    b.comma()
    flag(profile.age >= 50, b)
    flag(profile.age >= 65, b)
    b.byte(profile.female ? 70 : 77)
    b.comma()
    b.fixed(profile.bmi, decimals: 1)
    b.comma()
    flag(profile.pregnant, b)
    if profile.pregnant { b.fixed(profile.gestWeekAtEnrol, decimals: 1) }
    b.comma()
    if let delivery = profile.deliveryNight { b.int(delivery) }
    b.comma()
    flag(profile.diabetes, b)
    flag(profile.hypothyroid, b)
    flag(profile.cirrhosis, b)
    flag(profile.pvd, b)
    flag(profile.hemodialysis, b)
    b.append(profile.schedule.rawValue)
    b.comma()
    flag(profile.sedentary, b)
    flag(profile.drinker, b)
    b.fixed(profile.mgDietMean, decimals: 1)
    b.comma()
    b.fixed(profile.fluidReference, decimals: 1)
    b.comma()
    if let start = outcome.supplementStart { b.int(start) }
    b.comma()
    for drug in profile.drugs {
      if let interval = drug, interval.start < outcome.rows {
        b.int(interval.start)
        b.comma()
        if interval.stop < outcome.rows { b.int(interval.stop) }
      } else {
        b.comma()
      }
      b.comma()
    }
    if let dropout = outcome.dropoutNight { b.int(dropout) }
    b.comma()
    b.append(outcome.censorReason.rawValue)
    b.comma()
    if let arm = profile.trialMagnesium { b.append(arm ? "mg" : "placebo") }
    b.newline()
  }

  /// Appends one truth_patients.csv row (values that no estimator sees).
  static func writeTruthPatientRow(_ profile: PatientProfile, into b: ByteBuffer) {
    b.reserve(128)
    patientID(profile.index, into: b)
    b.comma()
    b.fixed(profile.frailty, decimals: 4)
    b.comma()
    b.fixed(profile.mgSlope, decimals: 4)
    b.comma()
    b.fixed(profile.severityMean, decimals: 4)
    b.comma()
    b.fixed(profile.durationLogEffect, decimals: 4)
    b.comma()
    b.fixed(profile.baseLinearPredictor, decimals: 4)
    b.newline()
  }
}
