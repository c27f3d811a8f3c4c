/// What one patient's night loop produced (beyond the rows themselves).
struct PatientOutcome: Sendable {
  var rows = 0
  var observedNights = 0
  var crampNights = 0
  var cramps = 0
  /// Observed nights with a cramp, and the cramps recorded on them.
  var observedCrampNights = 0
  var recordedCramps = 0
  /// Recorded cramps (observed nights only) in nights 0–13: the trial screen / washout.
  var screenCramps = 0
  var supplementStart: Int?
  var dropoutNight: Int?
  var censorReason = CensorReason.admin
}

/// How the night loop should run.
struct NightOptions {
  var nights: Int
  var missingness: MissingnessDesign?
  /// Append rows to this buffer (nil: simulate only, for Monte-Carlo targets).
  var rows: ByteBuffer?
  var withArmColumns: Bool
  /// Append each night's outcome here too (nil: none), for in-memory analyses.
  var records: NightRecords? = nil
}

/// The nightly generating process (domain.md §2.3–2.7) and the diary row writer.
extension DiarySimulator {
  /// Column names of diary_nights.csv, in file order.
  static func diaryColumns(withArm: Bool) -> [String] {
    var columns = [
      "patient_id", "night", "date", "day_of_week", "doy", "observed", "cramp", "cramp_count",
      "severity", "duration_min", "sleep_disturbance", "woke_up", "age", "age_over_50", "sex",
      "gest_week", "trimester", "postpartum", "dialysis_day", "mg_diet_mg", "mg_supp",
      "mg_supp_mg", "alcohol_units", "fluid_cups", "exercise_min", "stretch_bedtime",
      "footwear", "on_thiazide", "on_ksparing", "on_loop", "on_statin", "on_laba",
    ]
    if withArm { columns += ["arm", "period"] }
    return columns
  }

  static let footwearNames: [[UInt8]] = [
    Array("supportive".utf8), Array("flat_slipper".utf8), Array("high_heel".utf8),
  ]

  /// Patient identifier `P` + at least six digits of (index + 1).
  static func patientID(_ index: Int, into buffer: ByteBuffer) {
    buffer.byte(80)
    buffer.unsigned(UInt(index + 1), minDigits: 6)
  }

  /// Simulates one patient's nights, appending diary rows when `options.rows` is set.
  ///
  /// Per night t, in this order: dropout (hazard from §2.7, optionally MNAR), calendar and
  /// pregnancy state, dialysis day, covariates (diet Mg, fluids, alcohol, exercise, stretch,
  /// footwear, drugs, supplement uptake and adherence), the log rate, the AR(1) spell update,
  /// Y ~ Poisson(min(λ, cap)), the missing-night draw, then marks when Y > 0.
  static func simulateNights(
    _ profile: PatientProfile, parameters p: ModelParameters, calendar: CalendarTable,
    options: NightOptions, rng: inout Xoshiro256StarStar
  ) -> PatientOutcome {
    var outcome = PatientOutcome()
    outcome.censorReason = profile.plannedReason
    let planned = min(options.nights, profile.plannedNights)
    let tau = p.spellTau
    let innovationSD = (1 - p.spellPhi * p.spellPhi).squareRoot() * tau
    var spell = rng.normal(mean: 0, sd: tau)
    let spellCentre = -tau * tau / 2
    let mgDietSD = 0.294  // lognormal day-to-day CV of 30%
    let mgDietShift = -mgDietSD * mgDietSD / 2
    let drugBetas = Drug.allCases.map { $0.beta(p) }
    let fluidBeta = profile.hemodialysis ? p.fluidPerCupHD : p.fluidPerCup
    let fluidCentre = profile.hemodialysis ? p.fluidCentreCupsHD : p.fluidCentreCups
    let drugRamp = Double(max(1, p.drugRampNights))
    let mgRamp = Double(max(1, p.mgRampNights))
    var recentCounts = (0, 0, 0, 0, 0, 0, 0)  // cramps on the previous seven nights
    var recentCrampNights = 0
    var previousCramp = 0
    var supplementStart: Int? = nil
    let rows = options.rows
    let dayOffset = profile.enrolDay - calendar.firstDay
    let isTrial = profile.kind == .trialVolunteer
    let isNof1 = profile.kind == .nof1Volunteer

    for t in 0..<planned {
      // Dropout: rows stop at the first dropout night.
      if let missing = options.missingness, t > 0, t >= missing.dropoutFromNight {
        var hazard = missing.dropoutHazard
        if p.dropoutMNAR != 0 && recentCrampNights >= 3 {
          hazard *= PortableMath.exp(p.dropoutMNAR)
        }
        if rng.uniform() < hazard {
          outcome.dropoutNight = t
          outcome.censorReason = .dropout
          break
        }
      }
      let dayIndex = dayOffset + t
      let dow = Int(calendar.weekday[dayIndex])
      var eta = profile.baseLinearPredictor + calendar.season[dayIndex] + spellCentre + spell

      // Pregnancy.
      var trimester = 0
      var postpartum = false
      var gestWeek = -1.0
      if let delivery = profile.deliveryNight {
        if t < delivery {
          gestWeek = profile.gestWeekAtEnrol + Double(t) / 7
          trimester = gestWeek < 14 ? 1 : (gestWeek < 28 ? 2 : 3)
          eta += trimester == 1 ? p.trimester1 : (trimester == 2 ? p.trimester2 : p.trimester3)
        } else {
          postpartum = true
        }
      }
      let dialysisDay = profile.schedule.isDialysisDay(dow)
      if dialysisDay { eta += p.dialysisDay }

      // Nightly covariates.
      let mgDiet =
        profile.mgDietMean * PortableMath.exp(mgDietShift + mgDietSD * rng.normal())
      eta += p.mgDietPer100mg * mgDiet / 100
      let summer = 0.5 + 0.5 * calendar.season[dayIndex] / max(p.seasonAmplitude, 1e-12)
      let fluid = max(
        0.5,
        profile.fluidMean + (profile.hemodialysis ? 0 : summer)
          + profile.fluidNightSD * rng.normal())
      let fluidRounded = (fluid * 10).rounded(.toNearestOrAwayFromZero) / 10
      eta += fluidBeta * (fluidRounded - fluidCentre)
      var alcohol = 0
      if profile.drinker {
        var mean = profile.drinkMean * (dow == 5 || dow == 6 ? 1.6 : 1)
        if trimester > 0 { mean *= 0.2 }
        alcohol = rng.poisson(mean)
        eta += p.alcoholPerUnit * Double(alcohol)
      }
      var exercise = 0
      if rng.uniform() < profile.exerciseProbability {
        // Gamma(shape 2) minutes: the sum of two exponentials with mean m/2 each.
        let u = rng.uniform() * rng.uniform()
        exercise = Int(-profile.exerciseMeanMin / 2 * PortableMath.log(u))
        eta += p.exercisePerMinute * Double(exercise)
      }
      let stretch = profile.stretchProbability > 0 && rng.uniform() < profile.stretchProbability
      if stretch { eta += p.stretchBedtime }
      let weekend = dow >= 6
      let heel = profile.highHeelProbability * (weekend ? 0.5 : 1)
      let slipper = weekend ? 0.45 : 0.25
      let shoeDraw = rng.uniform()
      let footwear = shoeDraw < heel ? 2 : (shoeDraw < heel + slipper ? 1 : 0)
      if footwear == 2 { eta += p.highHeel }
      var onDrug: (Bool, Bool, Bool, Bool, Bool) = (false, false, false, false, false)
      for k in 0..<5 {
        guard let interval = profile.drugs[k], t >= interval.start, t < interval.stop else {
          continue
        }
        eta += drugBetas[k] * min(1, Double(t - interval.start + 1) / drugRamp)
        switch k {
        case 0: onDrug.0 = true
        case 1: onDrug.1 = true
        case 2: onDrug.2 = true
        case 3: onDrug.3 = true
        default: onDrug.4 = true
        }
      }

      // Magnesium: spontaneous uptake (confounded by indication) or the trial schedule.
      var period = 0  // 0 none, 1 screen, 2 washout, 3 mg, 4 placebo
      var magnesiumStart: Int? = nil
      if isTrial {
        period = t < 14 ? 1 : (profile.trialMagnesium == true ? 3 : 4)
        if period == 3 { magnesiumStart = 14 }
      } else if isNof1 {
        if t < 14 {
          period = 2
        } else {
          let block = (t - 14) / 28
          let pair = min(block / 2, profile.nof1MagnesiumFirst.count - 1)
          let first = profile.nof1MagnesiumFirst[max(0, pair)]
          let magnesium = (block % 2 == 0) == first
          period = magnesium ? 3 : 4
          if magnesium { magnesiumStart = 14 + block * 28 }
        }
      } else if profile.spontaneousSupplements {
        if supplementStart == nil {
          let recent =
            recentCounts.0 + recentCounts.1 + recentCounts.2 + recentCounts.3 + recentCounts.4
            + recentCounts.5 + recentCounts.6
          var hazard = p.suppUptakeHazard
          if recent >= 2 { hazard *= PortableMath.exp(p.suppUptakeIndication) }
          if rng.uniform() < hazard { supplementStart = t }
        }
        magnesiumStart = supplementStart
      }
      var supplementTaken = false
      if let start = magnesiumStart {
        supplementTaken = rng.uniform() < p.suppAdherence
        if supplementTaken {
          let beta = (trimester > 0 ? p.mgSupplementPregnant : p.mgSupplement) + profile.mgSlope
          eta += beta * min(1, Double(t - start + 1) / mgRamp)
        }
      }
      if period >= 3 { eta += p.trialPostRandomization }
      eta += p.stateDependence * Double(previousCramp)

      // Outcome.
      let rate = min(PortableMath.exp(eta), p.rateCap)
      let count = min(rng.poisson(rate), p.countCap)
      spell = p.spellPhi * spell + innovationSD * rng.normal()
      var observed = true
      if let missing = options.missingness {
        let q = missing.intermittent * (weekend ? missing.weekendMultiplier : 1)
        observed = rng.uniform() >= q
      }
      var severity = 0
      var duration = 0.0
      var sleep = 0
      var woke = false
      if count > 0 {
        // Marks (§2.6) are drawn whether or not the night is observed, so missingness never
        // shifts the random stream of the outcome process.
        let medianLog = PortableMath.log(p.durationMedianMin) + profile.durationLogEffect
        for _ in 0..<count {
          let single = PortableMath.exp(medianLog + p.durationSigmaLog * rng.normal())
          duration += min(single, p.durationCapMin)
        }
        var s = profile.severityMean + p.severityPerExtraCramp * Double(count - 1)
        s += p.severityNightSD * rng.normal()
        if stretch { s += p.severityStretch }
        severity = Int(min(10, max(1, s.rounded(.toNearestOrAwayFromZero))))
        let sl = p.sleepSlope * Double(severity) + p.sleepIntercept + p.sleepSD * rng.normal()
        sleep = Int(min(10, max(0, sl.rounded(.toNearestOrAwayFromZero))))
        woke = rng.uniform() < p.wokeUpProbability
      }
      previousCramp = count > 0 ? 1 : 0
      recentCrampNights += previousCramp
      let dropped = recentCounts.6 > 0 ? 1 : 0
      recentCrampNights -= dropped
      recentCounts = (
        count, recentCounts.0, recentCounts.1, recentCounts.2, recentCounts.3, recentCounts.4,
        recentCounts.5
      )
      outcome.rows += 1
      outcome.cramps += count
      if count > 0 { outcome.crampNights += 1 }
      if observed {
        outcome.observedNights += 1
        if count > 0 { outcome.observedCrampNights += 1 }
        outcome.recordedCramps += count
        if t < 14 { outcome.screenCramps += count }
      }
      options.records?.append(
        patient: profile.index, night: t, observed: observed, count: count, period: period)

      guard let b = rows else { continue }
      b.reserve(400)
      patientID(profile.index, into: b)
      b.comma()
      b.int(t)
      b.comma()
      let dateStart = dayIndex * 10
      for k in 0..<10 { b.byte(calendar.dateBytes[dateStart + k]) }
      b.comma()
      b.int(dow)
      b.comma()
      b.int(Int(calendar.dayOfYear[dayIndex]))
      b.comma()
      if observed {
        b.byte(49)
        b.append(count > 0 ? commaOneComma : commaZeroComma)
        b.int(count)
        b.comma()
        if count > 0 {
          b.int(severity)
          b.comma()
          b.fixed(duration, decimals: 1)
          b.comma()
          b.int(sleep)
          b.comma()
          b.byte(woke ? 49 : 48)
          b.comma()
        } else {
          b.append(fourCommas)
        }
      } else {
        b.byte(48)
        b.append(sevenCommas)
      }
      b.int(profile.age)
      b.comma()
      b.byte(profile.age >= 50 ? 49 : 48)
      b.comma()
      b.byte(profile.female ? 70 : 77)
      b.comma()
      if gestWeek >= 0 { b.fixed(gestWeek, decimals: 1) }
      b.comma()
      b.int(trimester)
      b.comma()
      b.byte(postpartum ? 49 : 48)
      b.comma()
      b.byte(dialysisDay ? 49 : 48)
      b.comma()
      b.fixed(mgDiet, decimals: 1)
      b.comma()
      b.byte(supplementTaken ? 49 : 48)
      b.comma()
      if supplementTaken { b.int(Int(profile.supplementDose)) } else { b.byte(48) }
      b.comma()
      b.int(alcohol)
      b.comma()
      b.fixed(fluidRounded, decimals: 1)
      b.comma()
      b.int(exercise)
      b.comma()
      b.byte(stretch ? 49 : 48)
      b.comma()
      b.append(footwearNames[footwear])
      b.comma()
      b.byte(onDrug.0 ? 49 : 48)
      b.comma()
      b.byte(onDrug.1 ? 49 : 48)
      b.comma()
      b.byte(onDrug.2 ? 49 : 48)
      b.comma()
      b.byte(onDrug.3 ? 49 : 48)
      b.comma()
      b.byte(onDrug.4 ? 49 : 48)
      if options.withArmColumns {
        b.comma()
        if let arm = profile.trialMagnesium { b.append(arm ? mgBytes : placeboBytes) }
        b.comma()
        switch period {
        case 1: b.append(screenBytes)
        case 2: b.append(washoutBytes)
        case 3: b.append(mgBytes)
        case 4: b.append(placeboBytes)
        default: break
        }
      }
      b.newline()
    }
    outcome.supplementStart = supplementStart
    return outcome
  }

  private static let commaOneComma: [UInt8] = Array(",1,".utf8)
  private static let commaZeroComma: [UInt8] = Array(",0,".utf8)
  private static let fourCommas: [UInt8] = Array(",,,,".utf8)
  private static let sevenCommas: [UInt8] = Array(",,,,,,,".utf8)
  private static let mgBytes: [UInt8] = Array("mg".utf8)
  private static let placeboBytes: [UInt8] = Array("placebo".utf8)
  private static let screenBytes: [UInt8] = Array("screen".utf8)
  private static let washoutBytes: [UInt8] = Array("washout".utf8)
}
