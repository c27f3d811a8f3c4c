/// Baseline covariate processes (domain.md §2.5): who the patients are at enrolment.
extension DiarySimulator {
  /// Multiplier on the ≥ 60 prevalence of a condition or drug at `age`.
  ///
  /// exp(0.05·(age − 70)), capped at 1.25: ≈ 0.1 at 25, 0.37 at 50, 1 at 70 (the mean age of
  /// the ≥ 60 group the published prevalences describe), 1.25 from 75 on. An assumption (C),
  /// tuned so the 30-night prevalence at 85 stays near the domain.md §2.8 target of 58%.
  static func ageGradient(_ age: Int) -> Double {
    min(1.25, PortableMath.exp(0.05 * Double(age - 70)))
  }

  private static func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
    min(hi, max(lo, x))
  }

  /// A Beta(a, b) deviate from two gammas.
  private static func beta(_ a: Double, _ b: Double, _ rng: inout Xoshiro256StarStar) -> Double {
    let x = rng.gamma(shape: a, scale: 1)
    let y = rng.gamma(shape: b, scale: 1)
    return x / (x + y)
  }

  /// Draws the baseline profile of one patient from its own generator.
  ///
  /// Consumption order is fixed (demographics, conditions, lifestyle, drugs, random effects),
  /// so a patient depends only on (seed, stream, index) and the design.
  static func drawProfile(
    kind: PatientKind, index: Int, design: PresetDesign, parameters p: ModelParameters,
    overrides: ProfileOverrides = ProfileOverrides(), rng: inout Xoshiro256StarStar
  ) -> PatientProfile {
    let enrolDay = design.enrolStartDay + rng.integer(below: design.enrolSpanDays)
    // Demographics.
    var age: Int
    var female: Bool
    switch kind {
    case .general, .comorbid, .cirrhosis, .population:
      // Clinic cohorts: 18 + 77·Beta(1.6, 1.3), skewed older (median ≈ 62, ~65% aged ≥ 50).
      // Registry: 18 + 77·Beta(1.2, 1.6), close to the adult population (median ≈ 48).
      age = 18 + Int(77 * (kind == .population ? beta(1.2, 1.6, &rng) : beta(1.6, 1.3, &rng)))
      if kind == .cirrhosis { age = Int(clamp(rng.normal(mean: 58, sd: 10), 30, 90)) }
      female = rng.bernoulli(kind == .cirrhosis ? 0.35 : 0.52)
    case .pregnancy:
      age = Int(clamp(rng.normal(mean: 30, sd: 5), 18, 45))
      female = true
    case .hd:
      age = 45 + Int(40 * beta(2.0, 1.6, &rng))
      female = rng.bernoulli(0.42)
    case .trialVolunteer:
      // Roguin Maor 2017: volunteers >= 21 y, mean age 64.9, 39% male.
      age = Int(clamp(rng.normal(mean: 65, sd: 11), 21, 95))
      female = rng.bernoulli(0.61)
    case .nof1Volunteer:
      // Woodfield 2005: median age 75.
      age = Int(clamp(rng.normal(mean: 75, sd: 7), 50, 95))
      female = rng.bernoulli(0.5)
    }
    if let pinned = overrides.age { age = pinned }
    if let minimumAge = overrides.minimumAge {
      // Rejection keeps the clinic-cohort age shape above the threshold.
      while age < minimumAge { age = 18 + Int(77 * beta(1.6, 1.3, &rng)) }
    }
    let pregnant = kind == .pregnancy
    let bmi = clamp(rng.normal(mean: pregnant ? 26 : 27.5, sd: 5), 16, 60)

    // Pregnancy timeline: gest_week_at_enrol ~ U(6, 30); delivery week ~ N(39.3, 1.2) in 34–42.
    var gestWeek = 0.0
    var deliveryNight: Int?
    var plannedNights = design.nights
    var plannedReason = CensorReason.admin
    if pregnant {
      let range = overrides.gestWeekRange ?? (6, 30)
      gestWeek = range.0 + (range.1 - range.0) * rng.uniform()
      var deliveryWeek: Double
      repeat {
        deliveryWeek = rng.normal(mean: 39.3, sd: 1.2)
      } while deliveryWeek < 34 || deliveryWeek > 42
      let delivery = Int(((deliveryWeek - gestWeek) * 7).rounded(.toNearestOrAwayFromZero))
      deliveryNight = delivery
      let postpartumNights = 56 + rng.integer(below: 29)  // 8–12 weeks
      if delivery + postpartumNights < plannedNights {
        plannedNights = delivery + postpartumNights
        plannedReason = .deliveryEnd
      }
    }

    // Conditions.
    let g = ageGradient(age)
    var diabetes = rng.bernoulli(kind == .hd ? 0.45 : min(0.9, 0.25 * g))
    var hypothyroid = rng.bernoulli(min(0.9, (female ? 0.10 : 0.03) * g))
    var cirrhosis = rng.bernoulli(kind == .cirrhosis ? 1 : 0.003)
    var pvd = rng.bernoulli(kind == .hd ? 0.15 : min(0.9, 0.12 * g))
    if kind == .trialVolunteer || kind == .nof1Volunteer { cirrhosis = false }
    if pregnant {
      diabetes = rng.bernoulli(0.02)
      pvd = false
      cirrhosis = false
    }
    if kind == .comorbid {
      switch rng.integer(below: 3) {
      case 0: cirrhosis = true
      case 1: hypothyroid = true
      default: pvd = true
      }
    }
    let schedule: DialysisSchedule =
      kind == .hd ? (rng.bernoulli(0.5) ? .mwf : .tts) : .none

    // Lifestyle.
    let sedentary = rng.bernoulli(
      kind == .hd ? 0.35 : min(0.6, 0.15 + 0.10 * g))
    let drinker = rng.bernoulli(pregnant ? 0.10 : (kind == .hd ? 0.30 : 0.55))
    let drinkMean =
      drinker
      ? rng.gamma(shape: 1.5, scale: (female ? 0.5 : 0.7) / 1.5) * (pregnant ? 0.3 : 1) : 0
    let exerciseProbability = sedentary ? 0.03 : 0.25 + 0.55 * rng.uniform()
    let exerciseMeanMin = sedentary ? 15 : 20 + 40 * rng.uniform()
    // Dietary Mg: Ford & Mokdad 2003 medians, men 330 / women 250 mg, −10 mg per decade > 50.
    var mgMedian = pregnant ? 290.0 : (female ? 250.0 : 330.0)
    if age > 50 { mgMedian -= Double(age - 50) }
    let mgDietMean = mgMedian * PortableMath.exp(rng.normal(mean: 0, sd: 0.35))
    // Fluids: patient mean ≈ 0.85 × AI (SD 0.25 × AI); HD patients are fluid-restricted.
    let fluidReference = kind == .hd ? 6.0 : (pregnant ? 13.0 : (female ? 11.5 : 15.5))
    let fluidMean =
      kind == .hd
      ? clamp(rng.normal(mean: 6, sd: 1.5), 2, 14)
      : clamp(rng.normal(mean: 0.85 * fluidReference, sd: 0.25 * fluidReference), 2, 30)
    let fluidNightSD = kind == .hd ? 1.5 : 2.0
    let stretchProbability = rng.bernoulli(0.15) ? 0.7 : 0
    let highHeelProbability =
      pregnant ? 0.05 : (female ? (age < 60 ? 0.20 : 0.05) : 0.005)

    // Drugs: one exposure interval per class; stationary start/stop hazards, mean use 3 y.
    let stopHazard = 1.0 / 1096
    var drugs: [DrugInterval?] = []
    for drug in Drug.allCases {
      var prevalence = min(0.9, drug.prevalenceAt60 * g)
      switch kind {
      case .pregnancy: prevalence = drug == .laba ? 0.03 : 0
      case .hd:
        prevalence = [0.10, 0.03, 0.40, 0.50, 0.06][drug.rawValue]
      default: break
      }
      let startHazard = prevalence / (1 - prevalence) * stopHazard
      if rng.bernoulli(prevalence) {
        let start = -1 - rng.geometric(stopHazard)
        let stop = rng.geometric(stopHazard)
        drugs.append(DrugInterval(start: start, stop: min(stop, Int.max / 4)))
      } else {
        let start = rng.geometric(startHazard)
        if start < plannedNights {
          let stop = start + 1 + rng.geometric(stopHazard)
          drugs.append(DrugInterval(start: start, stop: stop))
        } else {
          drugs.append(nil)
        }
      }
    }
    let supplementDose =
      switch kind {
      case .trialVolunteer, .nof1Volunteer: 520.0
      case .pregnancy: 300.0
      default: [250.0, 300.0, 400.0, 520.0][rng.categorical([0.3, 0.3, 0.25, 0.15])]
      }

    // Random effects.
    let frailty: Double
    switch p.frailty {
    case .lognormal(let sigma): frailty = rng.normal(mean: 0, sd: sigma)
    case .gamma(let variance):
      frailty = PortableMath.log(rng.gamma(shape: 1 / variance, scale: variance))
    }
    let mgSlope = p.mgSlopeSD > 0 ? rng.normal(mean: 0, sd: p.mgSlopeSD) : 0
    let severityMean =
      rng.normal(mean: p.severityMean, sd: p.severityPatientSD)
      + (pregnant || kind == .hd ? p.severityPregnantOrHD : 0)
    let durationLogEffect = rng.normal(mean: 0, sd: p.durationPatientSD)
    var nof1Order: [Bool] = []
    if kind == .nof1Volunteer {
      let pairs = max(1, (design.nights - 14 + 55) / 56)
      for _ in 0..<pairs { nof1Order.append(rng.bernoulli(0.5)) }
    }

    var base = p.intercept + p.agePerYear * Double(age - 50) + frailty
    if female { base += p.female }
    if kind == .hd { base += p.hemodialysis }
    if cirrhosis { base += p.cirrhosis }
    if diabetes { base += p.diabetes }
    if hypothyroid { base += p.hypothyroid }
    if pvd { base += p.pvd }
    if sedentary { base += p.sedentary }

    return PatientProfile(
      index: index, kind: kind, enrolDay: enrolDay, plannedNights: plannedNights,
      plannedReason: plannedReason, age: age, female: female, bmi: bmi, pregnant: pregnant,
      gestWeekAtEnrol: gestWeek, deliveryNight: deliveryNight, diabetes: diabetes,
      hypothyroid: hypothyroid, cirrhosis: cirrhosis, pvd: pvd, schedule: schedule,
      sedentary: sedentary, drinker: drinker, drinkMean: drinkMean,
      exerciseProbability: exerciseProbability, exerciseMeanMin: exerciseMeanMin,
      mgDietMean: mgDietMean, fluidReference: fluidReference, fluidMean: fluidMean,
      fluidNightSD: fluidNightSD, stretchProbability: stretchProbability,
      highHeelProbability: highHeelProbability, drugs: drugs, supplementDose: supplementDose,
      spontaneousSupplements: kind != .trialVolunteer && kind != .nof1Volunteer,
      frailty: frailty, mgSlope: mgSlope, severityMean: severityMean,
      durationLogEffect: durationLogEffect, trialMagnesium: nil, nof1MagnesiumFirst: nof1Order,
      baseLinearPredictor: base)
  }
}
