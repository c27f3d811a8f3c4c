import CrampData
import MixedModels
import Regression
import Survival

/// Everything `crampstat report` shows about one diary, as values (no text).
///
/// Built by ``DiaryReport/build(nights:patients:options:)``; rendered by the Reporting module.
public struct DiaryReport: Sendable {
  /// Findings of `validate` on the diary (and the patient file, when given).
  public var findings: [DiaryFinding]
  /// Diary-level counts (patients, nights, cramp nights).
  public var summary: DiarySummary
  /// Total cramps (sum of `cramp_count` when present, else cramp nights).
  public var totalCramps: Int
  /// Nightly and per-patient prevalence by each key factor.
  public var prevalence: [PrevalenceRow]
  /// Time to first cramp by each key factor: Kaplan-Meier curves and log-rank test.
  public var firstCramp: [FactorSurvival]
  /// The nightly logistic model with cluster-robust standard errors.
  public var logistic: ModelResult<LogisticFit>?
  /// The same nightly model with a random intercept per patient (glmer, Laplace): conditional
  /// odds ratios and the between-patient variance.
  public var mixedLogistic: ModelResult<MixedLogisticFit>?
  /// The Andersen-Gill model on merged counting-process intervals, robust variance.
  public var andersenGill: ModelResult<CoxFit>?
  /// The Andersen-Gill model with a log-normal shared frailty per patient (conditional hazard
  /// ratios and the frailty variance).
  public var frailty: ModelResult<FrailtyCoxFit>?
  /// Proportional-hazards check of the Andersen-Gill model (cox.zph, km transform).
  public var proportionalHazards: ProportionalHazardsTest?
  /// Cramp nights by worst severity (0-10), when the diary records severity.
  public var severityCounts: [(severity: Int, nights: Int)]
  /// Per-patient strips for the first patients: cramps per night (`nil` = no diary entry).
  public var eventStrips: [(label: String, nights: [Int?])]
  /// Share of cramp nights that fall on an event time shared with another cramp night.
  public var tiedEventShare: Double?
  /// Mean cumulative number of cramp nights per patient, overall.
  public var meanCumulativeFunction: KaplanMeierFit.Curve?
  /// On a randomized diary (`rct_arm` with two or more arms): arms, the cramp-night rate
  /// ratio by negative binomial and severity by arm.
  public var trial: TrialSection? = nil
  /// When some follow-up ended by a competing event (`censor_reason` delivery_end or
  /// dropout): the cumulative incidence of the first cramp.
  public var competingFirstCramp: CompetingFirstCramp? = nil
  /// Problems met while building the report (an analysis skipped and why).
  public var notes: [String]
  /// The conventions the numbers follow (tie method, CI types, variance).
  public var conventions: [String]
  /// Name of the diary file.
  public var source: String
  /// The key factors analysed and the model covariates used (`trimester` enters as a factor).
  public var factors: [String]
  public var covariates: [String]
}

/// A fitted model with the formula text and the count of rows it used.
public struct ModelResult<Fit: Sendable>: Sendable {
  public var formula: String
  public var fit: Fit
  public var rows: Int
  public var droppedRows: Int
}

/// Prevalence of cramps for one level of a key factor.
public struct PrevalenceRow: Sendable, Equatable {
  public var factor: String
  public var level: String
  /// Observed nights at this level and how many had a cramp.
  public var nights: Int
  public var crampNights: Int
  /// Patients with at least one observed night at this level, and how many of them had a cramp
  /// on such a night.
  public var patients: Int
  public var patientsWithCramp: Int

  public var nightRate: Double { nights == 0 ? .nan : Double(crampNights) / Double(nights) }
  public var patientRate: Double {
    patients == 0 ? .nan : Double(patientsWithCramp) / Double(patients)
  }
}

/// Kaplan-Meier curves of time to first cramp by one factor, with the log-rank test.
public struct FactorSurvival: Sendable {
  public var factor: String
  public var curves: KaplanMeierFit
  public var logRank: LogRankResult?
  /// Numbers at risk per curve at the chart's tick times.
  public var atRisk: [(label: String, counts: [Int])]
  public var atRiskTimes: [Double]
}

/// Which columns the report analyses.
public struct DiaryReportOptions: Sendable {
  /// Factors for prevalence and Kaplan-Meier (default: those of ``DiaryReport/defaultFactors``
  /// present in the diary).
  public var factors: [String]?
  /// Model covariates (default: those of ``DiaryReport/defaultCovariates`` present).
  public var covariates: [String]?
  /// Diary rows above which the random-intercept logistic model is left to `crampstat logit`
  /// (with a note): its fit took 35.8 s on 180,000 rows in a release build here.
  public var mixedModelRowLimit: Int

  public init(
    factors: [String]? = nil, covariates: [String]? = nil, mixedModelRowLimit: Int = 500_000
  ) {
    self.factors = factors
    self.covariates = covariates
    self.mixedModelRowLimit = mixedModelRowLimit
  }
}
