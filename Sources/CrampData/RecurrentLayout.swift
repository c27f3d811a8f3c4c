/// Analysis layouts derived from a night-level diary, for survival and rate models.
///
/// Time is counted in nights since the diary origin: night `k` occupies the interval
/// `(k - origin, k - origin + 1]`, where `origin` is the smallest night index in the file
/// (0 for 0-based diaries, 1 for 1-based ones) unless given. A row `(start, stop]` is at risk
/// at time `t` only when `start < t <= stop`.
///
/// Conventions (documented in `Datasets/README.md` and `crampstat layout --help`):
/// - A night with `observed = 0`, or with `cramp` empty, is a gap: it is neither a cramp
///   night nor a cramp-free night, and no interval covers it.
/// - The recurrent event is a cramp night. With ``MultipleCrampRule/oneEventPerNight`` (the
///   default) a night with `cramp_count > 1` is one event; with ``MultipleCrampRule/split`` a
///   night with `k` cramps is cut into `k` equal sub-intervals each ending in an event.
/// - Covariates are taken from each night's row, so time-varying values (trimester,
///   dialysis day, supplement, drugs) enter the intervals as recorded.
/// - Age crossing 50 (``RecurrentLayoutOptions/ageAtEnrolmentColumn``): when the diary's age
///   is the age at enrolment, the covariate `age_over_50` is derived per night as
///   `age + d / 365.25 >= 50`, where `d` is the number of nights since the patient's first
///   diary row (observed or not; for date diaries, days since the first date). The birthday
///   night is therefore the first night `d >= (50 - age) * 365.25`: a patient enrolled at
///   exactly 50 is over 50 from night 0, one enrolled at 49.99 from `d = 4` (3.65 rounded
///   up), one enrolled at a whole 49 from `d = 366`. `>=` matches the simulated diaries'
///   `age_over_50 = age >= 50` at enrolment. An empty age gives an empty `age_over_50`; the
///   intervals split on the night the value changes.
public enum RecurrentLayout: String, Sendable, CaseIterable {
  /// One row per patient: time to the first cramp night, or censoring at the last observed night.
  case first
  /// Andersen-Gill counting-process rows; runs of cramp-free nights with identical covariates
  /// are merged into one interval (as R's `survcondense`).
  case ag
  /// Prentice-Williams-Peterson rows in gap time: the clock restarts after each event.
  case pwpGap = "pwp-gap"
  /// Prentice-Williams-Peterson rows in total time since the origin.
  case pwpTotal = "pwp-total"
  /// One row per patient with the number of cramps and nights observed (rate models).
  case counts
}

/// How nights with several cramps enter event-time layouts.
public enum MultipleCrampRule: String, Sendable, CaseIterable {
  /// A cramp night is one event whatever its `cramp_count`.
  case oneEventPerNight = "night"
  /// A night with `k` cramps is split into `k` equal sub-intervals, each ending in an event.
  ///
  /// The within-night event times are a convention, not observations: at night + 1/2 only
  /// nights with an even count have events, so where multi-cramp nights are common a Cox fit
  /// on this layout weights covariate effects more than once and is biased away from the null.
  case split
}

/// Options for building a ``RecurrentLayout``.
public struct RecurrentLayoutOptions: Sendable, Equatable {
  /// Covariate columns carried into the layout (in this order).
  public var covariates: [String]
  /// Merge consecutive event-free nights with identical covariates (AG and PWP only).
  public var mergeIntervals: Bool
  /// Rule for nights with `cramp_count > 1`.
  public var multipleCramps: MultipleCrampRule
  /// Night index that starts time 0; `nil` uses the smallest night in the file.
  public var origin: Int?
  /// Column holding the age at enrolment (years, may be fractional).
  ///
  /// When set, the covariate ``RecurrentLayoutOptions/ageOver50`` is derived per night from it
  /// instead of read from the diary (see ``RecurrentLayout`` for the rule), so patients
  /// crossing 50 during follow-up change value on that night. `nil` reads `age_over_50` as
  /// recorded.
  public var ageAtEnrolmentColumn: String?
  /// Name of the derived time-varying covariate.
  public static let ageOver50 = "age_over_50"
  /// Column names of the diary.
  public var patientColumn = "patient_id"
  public var nightColumn = "night"
  public var dateColumn = "date"
  public var crampColumn = "cramp"
  public var countColumn = "cramp_count"
  public var observedColumn = "observed"

  public init(
    covariates: [String] = [], mergeIntervals: Bool = true,
    multipleCramps: MultipleCrampRule = .oneEventPerNight, origin: Int? = nil,
    ageAtEnrolmentColumn: String? = nil
  ) {
    self.covariates = covariates
    self.mergeIntervals = mergeIntervals
    self.multipleCramps = multipleCramps
    self.origin = origin
    self.ageAtEnrolmentColumn = ageAtEnrolmentColumn
  }
}

/// Why a layout cannot be built.
public enum RecurrentLayoutError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A required column is absent; `suggestion` is the closest existing name.
  case missingColumn(source: String, column: String, suggestion: String?)
  /// A value that must be known is missing or invalid at a physical line.
  case invalidValue(source: String, line: Int, column: String, message: String)

  public var description: String {
    switch self {
    case .missingColumn(let source, let column, let suggestion):
      let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
      return "\(source): no column '\(column)'\(hint)"
    case .invalidValue(let source, let line, let column, let message):
      return "\(source):\(line): column '\(column)': \(message)"
    }
  }
}

extension RecurrentLayout {
  /// The origin a layout of `table` takes when ``RecurrentLayoutOptions/origin`` is `nil`.
  ///
  /// The smallest night index; `nil` for date diaries (each patient's first date is their
  /// origin), a table without nights, or no rows. A distributed fit agrees this over all
  /// partitions and fixes it, so every partition's times are on one clock.
  public static func defaultOrigin(of table: Table, options: RecurrentLayoutOptions) -> Double? {
    guard let column = table[options.nightColumn] else { return nil }
    return NumericView(column).values.filter { !$0.isNaN }.min()
  }
}
