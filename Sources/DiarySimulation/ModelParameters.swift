/// The distribution of the between-patient frailty b_i.
public enum FrailtyDistribution: Sendable, Equatable {
  /// b_i ~ N(0, σ²) (domain.md §2.3 default, σ = 1.8).
  case lognormal(sigma: Double)
  /// e^{b_i} ~ Gamma(shape 1/θ, scale θ): mean 1, variance θ (the gamma-frailty variant).
  case gamma(variance: Double)
}

/// Every coefficient and process constant of the cramp-diary generating model.
///
/// The nightly rate for patient i on night t is
///
///     log λ_it = β0 + β_age(age_i − 50) + β_female·female_i + β_tri[trimester_it]
///              + β_hd·hd_i + β_dialysisDay·dialysis_day_it + β_cirrhosis·cirrhosis_i
///              + β_diabetes·diabetes_i + β_hypothyroid·hypothyroid_i + β_pvd·pvd_i
///              + Σ_d β_d·ramp14_d(t) + β_alcohol·units_it + β_sedentary·sedentary_i
///              + β_exercise·exercise_min_it + β_stretch·stretch_it
///              + β_fluid(_hd)·(fluid_cups_it − c_i) + β_mgDiet·mg_diet_mg_it/100
///              + (β_supp or β_suppPregnant)·taken_it·ramp7(t) + β_highHeel·high_heel_it
///              + A·cos(2π(doy_t − peak)/365.25) + β_trialPost·post_it + ρ·cramp_i,t−1
///              + b_i + u_it − τ²/2
///     λ_it ← min(λ_it, cap);  Y_it ~ Poisson(λ_it);  u_it = φ u_i,t−1 + √(1−φ²) τ ε_it.
///
/// c_i = 13 cups (6 cups for hemodialysis patients), so sex and pregnancy coefficients are
/// recoverable from raw `fluid_cups`. The ramps are min(1, (t − start + 1)/14) for drugs
/// and min(1, (t − start + 1)/7) for the magnesium supplement.
public struct ModelParameters: Sendable, Equatable {
  public var intercept = -5.4
  public var agePerYear = 0.035
  public var female = 0.45
  public var trimester1 = 0.0
  public var trimester2 = 1.10
  public var trimester3 = 2.00
  public var hemodialysis = 1.10
  public var dialysisDay = 0.40
  public var cirrhosis = 0.80
  public var diabetes = 0.25
  public var hypothyroid = 0.30
  public var pvd = 0.90
  public var thiazide = 0.39
  public var ksparing = 0.75
  public var loop = 0.18
  public var statin = 0.15
  public var laba = 0.88
  public var drugRampNights = 14
  public var alcoholPerUnit = 0.08
  public var sedentary = 0.40
  public var exercisePerMinute = -0.003
  public var stretchBedtime = -0.20
  public var fluidPerCup = -0.03
  public var fluidPerCupHD = 0.08
  public var fluidCentreCups = 13.0
  public var fluidCentreCupsHD = 6.0
  public var mgDietPer100mg = 0.0
  public var mgSupplement = -0.05
  public var mgSupplementPregnant = -0.29
  public var mgRampNights = 7
  /// SD of a per-patient random slope added to the supplement effect (0 = off).
  public var mgSlopeSD = 0.0
  public var highHeel = 0.0
  public var seasonAmplitude = 0.35
  public var seasonPeakDoy = 196.0
  public var trialPostRandomization = -0.25
  /// ρ in + ρ·cramp_{t−1} (state dependence; 0 by default).
  public var stateDependence = 0.0
  public var frailty = FrailtyDistribution.lognormal(sigma: 1.8)
  public var spellPhi = 0.97
  public var spellTau = 0.5
  public var rateCap = 3.0
  public var countCap = 10
  // Marks (§2.6).
  public var durationMedianMin = 4.0
  public var durationSigmaLog = 0.8
  public var durationPatientSD = 0.3
  public var durationCapMin = 30.0
  public var severityMean = 5.5
  public var severityPatientSD = 1.5
  public var severityPregnantOrHD = 0.5
  public var severityPerExtraCramp = 0.5
  public var severityNightSD = 1.2
  public var severityStretch = -1.3
  public var sleepSlope = 0.8
  public var sleepIntercept = -1.0
  public var sleepSD = 1.5
  public var wokeUpProbability = 0.7
  // Supplement uptake (confounding by indication), adherence.
  public var suppUptakeHazard = 0.0005
  public var suppUptakeIndication = 0.7
  public var suppAdherence = 0.85
  // Missingness (§2.7).
  /// Multiplies the dropout hazard by exp(mnar·1{≥3 cramp nights in the last 7}); 0 = MAR.
  public var dropoutMNAR = 0.0

  /// The default (domain.md §2.4) parameters.
  public init() {}

  /// The same parameters with every covariate effect set to zero ("null world").
  ///
  /// Keeps β0, the frailty, the spell process, the season and the marks, so only the
  /// covariate coefficients are null; use it for type-I-error checks.
  public func nullWorld() -> ModelParameters {
    var p = self
    p.agePerYear = 0
    p.female = 0
    p.trimester2 = 0
    p.trimester3 = 0
    p.hemodialysis = 0
    p.dialysisDay = 0
    p.cirrhosis = 0
    p.diabetes = 0
    p.hypothyroid = 0
    p.pvd = 0
    p.thiazide = 0
    p.ksparing = 0
    p.loop = 0
    p.statin = 0
    p.laba = 0
    p.alcoholPerUnit = 0
    p.sedentary = 0
    p.exercisePerMinute = 0
    p.stretchBedtime = 0
    p.fluidPerCup = 0
    p.fluidPerCupHD = 0
    p.mgSupplement = 0
    p.mgSupplementPregnant = 0
    p.trialPostRandomization = 0
    return p
  }
}

/// One documented parameter: its name in truth.json, value, evidence grade and source.
public struct ParameterRecord: Sendable, Equatable {
  public var name: String
  public var value: Double
  public var grade: String
  public var source: String
}

extension ModelParameters {
  /// Every parameter with its evidence grade (domain.md §2.4: A, B, C, N) and citation.
  public var records: [ParameterRecord] {
    let g2012 = "Garrison 2012, Arch Intern Med 172:120 (adjusted sequence ratio"
    var frailtyRecords: [ParameterRecord]
    switch frailty {
    case .lognormal(let sigma):
      frailtyRecords = [
        .init(
          name: "frailty_sigma", value: sigma, grade: "B",
          source: "Heavy tail of trial volunteers (Roguin Maor 2017, JAMA Intern Med 177:617;"
            + " SD 5.2-5.7/wk) and 30-night prevalence targets, domain.md 2.8")
      ]
    case .gamma(let variance):
      frailtyRecords = [
        .init(
          name: "frailty_gamma_variance", value: variance, grade: "C",
          source: "Gamma-frailty variant (domain.md 2.4 variants)")
      ]
    }
    return frailtyRecords + [
      .init(
        name: "beta0_intercept", value: intercept, grade: "B",
        source: "Reference man aged 50: median 0.0045/night; calibrated to NHANES past-month"
          + " prevalence ~30% (Grandner & Winkelman 2017, PLoS ONE 12:e0178465)"),
      .init(
        name: "beta_age_per_year", value: agePerYear, grade: "B",
        source: "30-night prevalence 18/31/46/58% at 25/50/70/85 (Grandner & Winkelman 2017;"
          + " Maisonneuve 2016, BMC Fam Pract 17:111, 46%; Abdulla 1999, Int J Clin Pract"
          + " 53:494, 50%)"),
      .init(
        name: "beta_female", value: female, grade: "B",
        source: "Marginal OR ~1.4 at >=65 (Abdulla 1999, Int J Clin Pract 53:494, OR 1.96;"
          + " Maisonneuve 2016 NS)"),
      .init(
        name: "beta_trimester1", value: trimester1, grade: "B",
        source: "Reference trimester (Duan 2018, Zhonghua Yu Fang Yi Xue Za Zhi 52:14, 11.6%)"),
      .init(
        name: "beta_trimester2", value: trimester2, grade: "B",
        source: "Duan 2018, Zhonghua Yu Fang Yi Xue Za Zhi 52:14: 28.2%, OR 2.96"),
      .init(
        name: "beta_trimester3", value: trimester3, grade: "B",
        source: "Duan 2018: 50.2%, OR 8.02; Abandeh 2024, Int J Womens Health 16:1377: 58%"),
      .init(
        name: "beta_hemodialysis", value: hemodialysis, grade: "B",
        source: "33-86% of HD patients (Holley, UpToDate); Lynch 2014, Adv Nephrol 681969:"
          + " 56-77%"),
      .init(
        name: "beta_dialysis_day", value: dialysisDay, grade: "C",
        source: "Session-linked cramps in ~10-20% of sessions (Akkabut 2021, Ramathibodi Med J"
          + " 44:21, 9.8%)"),
      .init(
        name: "beta_cirrhosis", value: cirrhosis, grade: "B",
        source: "Chatrath 2012, Am J Med 125:1019: 67% over 3 months; PMID 8677996: 52%"),
      .init(
        name: "beta_diabetes", value: diabetes, grade: "B/C",
        source: "Hu 2022, Diabetes Metab Syndr Obes 15:827: 48%; Abdulla 1999 NS"),
      .init(
        name: "beta_hypothyroid", value: hypothyroid, grade: "C",
        source: "Duyff 2000, J Neurol Neurosurg Psychiatry 68:750: 79% neuromuscular"
          + " complaints"),
      .init(
        name: "beta_pvd", value: pvd, grade: "B",
        source: "Abdulla 1999, Int J Clin Pract 53:494: OR 2.9; Haskell & Fiebach 1997: 34 vs"
          + " 12%"),
      .init(name: "beta_thiazide", value: thiazide, grade: "A", source: "\(g2012) 1.48)"),
      .init(name: "beta_ksparing", value: ksparing, grade: "A", source: "\(g2012) 2.12)"),
      .init(name: "beta_loop", value: loop, grade: "A", source: "\(g2012) 1.20, NS)"),
      .init(name: "beta_statin", value: statin, grade: "A", source: "\(g2012) 1.16)"),
      .init(name: "beta_laba", value: laba, grade: "A", source: "\(g2012) 2.42)"),
      .init(
        name: "drug_ramp_nights", value: Double(drugRampNights), grade: "C",
        source: "Assumed linear ramp-in after a drug start (domain.md 2.4)"),
      .init(
        name: "beta_alcohol_per_unit", value: alcoholPerUnit, grade: "C",
        source: "Shrunk from OR 6.5 (CrI 1.7-38), Delacour 2018, Ann Fam Med 16:296"),
      .init(
        name: "beta_sedentary", value: sedentary, grade: "C",
        source: "Shrunk from OR 9.84 (1.74-101.9), Delacour 2020, Sci Rep 10"),
      .init(
        name: "beta_exercise_per_min", value: exercisePerMinute, grade: "C",
        source: "Weak; consistent with the sedentary risk (Delacour 2020, Sci Rep 10)"),
      .init(
        name: "beta_stretch_bedtime", value: stretchBedtime, grade: "C",
        source: "Between Hallegraeff 2012, J Physiother 58:17 (-35%) and Coppin 2005,"
          + " Br J Gen Pract 55:186 (null)"),
      .init(
        name: "beta_fluid_per_cup", value: fluidPerCup, grade: "C",
        source: "Assumption; no NLC data (NASEM 2004 water DRI for the reference intakes)"),
      .init(
        name: "beta_fluid_per_cup_hd", value: fluidPerCupHD, grade: "C",
        source: "Interdialytic weight gain >=3.5 kg OR 4.5 (Akkabut 2021, Ramathibodi Med J"
          + " 44:21)"),
      .init(
        name: "fluid_centre_cups", value: fluidCentreCups, grade: "C",
        source: "Pregnancy AI 13 cups (NASEM 2004); one centre for all non-HD patients"),
      .init(
        name: "fluid_centre_cups_hd", value: fluidCentreCupsHD, grade: "C",
        source: "Typical HD fluid allowance ~1.5 L/day (assumption)"),
      .init(
        name: "beta_mg_diet_per_100mg", value: mgDietPer100mg, grade: "N",
        source: "Designed null: no evidence (Ford & Mokdad 2003, J Nutr 133:2879 for intakes)"),
      .init(
        name: "beta_mg_supp", value: mgSupplement, grade: "A",
        source: "Garrison 2020, Cochrane CD009402.pub3: -9.59% (-23.14 to +3.97), -0.18/wk"),
      .init(
        name: "beta_mg_supp_pregnant", value: mgSupplementPregnant, grade: "A/C",
        source: "Dahle 1995, Am J Obstet Gynecol 173:175 (RR ~0.65); Supakatisant 2015,"
          + " Matern Child Nutr 11:139; Nygaard 2008 and Araujo 2020 null"),
      .init(
        name: "mg_ramp_nights", value: Double(mgRampNights), grade: "C",
        source: "Assumed 7-night ramp after supplement start (domain.md 2.4)"),
      .init(
        name: "mg_slope_sd", value: mgSlopeSD, grade: "C",
        source: "Per-patient random slope on the Mg effect (domain.md 2.9, N-of-1 recovery)"),
      .init(
        name: "beta_high_heel", value: highHeel, grade: "N",
        source: "Designed null: self-care advice only (BMJ Best Practice)"),
      .init(
        name: "season_amplitude", value: seasonAmplitude, grade: "A",
        source: "Garrison 2015, CMAJ 187:248: peak-to-peak ~2/3 of mean, ~x2 summer/winter"),
      .init(
        name: "season_peak_doy", value: seasonPeakDoy, grade: "A",
        source: "Garrison 2015, CMAJ 187:248: peak mid-July (northern hemisphere)"),
      .init(
        name: "beta_trial_post_randomization", value: trialPostRandomization, grade: "B",
        source: "Placebo arms -27.8% (Garrison 2012 Cochrane CD009402.pub2); Roguin Maor 2017"
          + " -36%"),
      .init(
        name: "state_dependence_rho", value: stateDependence, grade: "C",
        source: "Variant for PWP vs AG models (domain.md 2.4); 0 by default"),
      .init(
        name: "spell_phi", value: spellPhi, grade: "C",
        source: "Slow within-person spells; regression to the mean ~0.90 (Frusso 1999, J Fam"
          + " Pract 48:868 period effect)"),
      .init(
        name: "spell_tau", value: spellTau, grade: "C",
        source: "Stationary SD of the AR(1) spell state; centred by -tau^2/2"),
      .init(
        name: "rate_cap", value: rateCap, grade: "C",
        source: "Hallegraeff 2012, J Physiother 58:17: baseline ~3 cramps/night in sufferers"),
      .init(
        name: "count_cap", value: Double(countCap), grade: "C",
        source: "cramp_count capped at 10 (domain.md 2.6)"),
      .init(
        name: "duration_median_min", value: durationMedianMin, grade: "B",
        source: "Roguin Maor 2017: 6-7 min; Naylor & Young 1994, Age Ageing 23:418: 9 min;"
          + " Hallegraeff 2017, BMC Fam Pract 18:29: <=10 min"),
      .init(
        name: "duration_sigma_log", value: durationSigmaLog, grade: "B",
        source: "Mean ~5.5 min, 95th percentile ~15 min (domain.md 2.6)"),
      .init(
        name: "duration_patient_sd", value: durationPatientSD, grade: "C",
        source: "Patient random effect on log duration (domain.md 2.6)"),
      .init(
        name: "duration_cap_min", value: durationCapMin, grade: "C",
        source: "Per-cramp cap (domain.md 2.6)"),
      .init(
        name: "severity_mean", value: severityMean, grade: "B",
        source: "Sebo 2019, Swiss Med Wkly 149:w20048 (0-10 NRS); Lynch 2014 5.3+-3.6"),
      .init(
        name: "severity_patient_sd", value: severityPatientSD, grade: "C",
        source: "Between-patient SD of mean severity (domain.md 2.6)"),
      .init(
        name: "severity_pregnant_or_hd", value: severityPregnantOrHD, grade: "C",
        source: "HD NPRS 7.08+-1.94 (J Bahria Univ Med Dent Coll 2023)"),
      .init(
        name: "severity_per_extra_cramp", value: severityPerExtraCramp, grade: "C",
        source: "Assumption (domain.md 2.6)"),
      .init(
        name: "severity_night_sd", value: severityNightSD, grade: "C",
        source: "Night-to-night SD (domain.md 2.6)"),
      .init(
        name: "severity_stretch", value: severityStretch, grade: "C",
        source: "Hallegraeff 2012, J Physiother 58:17: VAS -1.3 cm"),
      .init(
        name: "sleep_slope", value: sleepSlope, grade: "C",
        source: "Sleep disturbance 0-10 as in Sebo 2019, Swiss Med Wkly 149:w20048"),
      .init(name: "sleep_intercept", value: sleepIntercept, grade: "C", source: "domain.md 2.6"),
      .init(name: "sleep_sd", value: sleepSD, grade: "C", source: "domain.md 2.6"),
      .init(
        name: "woke_up_probability", value: wokeUpProbability, grade: "B",
        source: "Maisonneuve 2016, BMC Fam Pract 17:111: 31% of all >=60 woken (~2/3 of"
          + " sufferers)"),
      .init(
        name: "supp_uptake_hazard", value: suppUptakeHazard, grade: "C",
        source: "Per-night supplement uptake (domain.md 2.5)"),
      .init(
        name: "supp_uptake_indication", value: suppUptakeIndication, grade: "C",
        source: "Uptake x exp(0.7) after >=2 cramps in 7 nights: confounding by indication"),
      .init(
        name: "supp_adherence", value: suppAdherence, grade: "C",
        source: "~85% of nights taken after the start (domain.md 2.1)"),
      .init(
        name: "dropout_mnar", value: dropoutMNAR, grade: "C",
        source: "Optional MNAR multiplier exp(0.3) (domain.md 2.7); 0 = off"),
    ]
  }
}
