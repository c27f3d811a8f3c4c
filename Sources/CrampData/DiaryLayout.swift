/// The two CSV layouts CrampStat knows.
///
/// - `nights`: one row per patient-night: `patient_id`, `night` (0-based index since
///   enrolment) or `date`, `cramp` 0/1, optional `observed`, `cramp_count`, `severity` 0-10,
///   `duration_min`, and covariates.
/// - `patients`: one row per patient: `patient_id` plus baseline facts (age, sex,
///   conditions, drug start/stop nights).
public enum DiaryLayout: String, Sendable, CaseIterable {
  case nights
  case patients

  /// The layout a table appears to have: `nights` when it has `night` or `date`,
  /// `patients` when it has `patient_id` but no night column, otherwise `nil`.
  public static func detect(_ table: Table) -> DiaryLayout? {
    let names = Set(table.columnNames)
    if names.contains("night") || names.contains("date") { return .nights }
    if names.contains("patient_id") { return .patients }
    return nil
  }

  /// Columns of both layouts that must be binary (0/1, or one yes/no-style coding).
  public static var binaryColumns: Set<String> { DiaryColumnRules.binary }

  /// The roles of the night-level layout a file's own column names can be mapped to
  /// (`--id`, `--night`, `--date`, `--cramp`, or a mapping file).
  public static let nightRoles = ["patient_id", "night", "date", "cramp"]
}

/// Value rules for the columns of the diary layouts (domain model, `Datasets/README.md`).
enum DiaryColumnRules {
  /// Columns that must be 0 or 1.
  static let binary: Set<String> = [
    "cramp", "observed", "woke_up", "postpartum", "dialysis_day", "mg_supp", "stretch_bedtime",
    "on_thiazide", "on_ksparing", "on_loop", "on_statin", "on_laba", "age_over_50",
    "age_over_65", "supplement", "dialysis", "diabetes", "hypothyroid", "cirrhosis", "pvd",
    "hemodialysis", "sedentary", "drinker", "pregnant_at_enrol", "event", "status",
  ]

  /// Columns with an inclusive allowed range, and whether values must be whole numbers.
  static let ranges: [String: (low: Double, high: Double, integer: Bool)] = [
    "severity": (0, 10, true),
    "sleep_disturbance": (0, 10, true),
    "trimester": (0, 3, true),
    "gest_week": (0, 45, false),
    "gest_week_at_enrol": (0, 45, false),
    "age": (0, 120, false),
    "age_at_enrol": (0, 120, false),
    "bmi": (8, 90, false),
  ]

  /// Columns that must not be negative (counts, durations, intakes, night indexes).
  static let nonNegative: [String: Bool] = [
    "cramp_count": true, "night": true, "n_nights": true, "duration_min": false,
    "max_duration_min": false, "mg_diet_mg": false, "magnesium_mg": false, "mg_supp_mg": false,
    "alcohol_units": false, "fluid_cups": false, "exercise_min": false, "start": false,
    "stop": false, "time": false, "delivery_night": true, "dropout_night": true,
    "supp_start_night": true, "mg_diet_mean_mg": false, "fluid_ref_cups": false,
  ]

  /// Short description of a non-negative column's meaning, for messages.
  static func describe(_ name: String) -> String {
    switch name {
    case "cramp_count": "a cramp count"
    case "duration_min", "max_duration_min": "a duration"
    case "mg_diet_mg", "magnesium_mg", "mg_supp_mg", "alcohol_units", "fluid_cups",
      "mg_diet_mean_mg", "fluid_ref_cups":
      "an intake"
    default: "a value"
    }
  }
}
