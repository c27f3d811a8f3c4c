import Foundation

/// One Monte-Carlo marginal estimand: a proportion, its sample size and standard error.
public struct MarginalTarget: Sendable, Equatable {
  public var name: String
  public var value: Double
  public var samples: Int
  public var standardError: Double
  /// The domain.md §2.8 figure (model / literature) it is meant to reproduce.
  public var reference: String
}

/// Marginal truths computed by simulating fresh patients from the model (domain.md §2.8–2.9).
///
/// Each cell draws `samplesPerCell` patients of a sub-population (pinned age, trimester
/// window, HD, cirrhosis), follows them fully observed for 30 (or 90) nights from a
/// random 2024 enrolment date, and reports P(≥ 1 cramp) or P(≥ 4 cramps). Cells have their
/// own generator streams keyed by (seed, cell, patient), so they do not depend on the preset.
public enum MarginalTargets {
  /// Computes every cell (cached per model, seed and size within a process).
  public static func compute(
    parameters: ModelParameters, seed: UInt64, samplesPerCell: Int
  ) -> [MarginalTarget] {
    let key = CacheKey(parameters: parameters, seed: seed, samples: samplesPerCell)
    if let cached = cache.value(for: key) { return cached }
    let result = computeUncached(parameters: parameters, seed: seed, samples: samplesPerCell)
    cache.store(result, for: key)
    return result
  }

  private struct CacheKey: Equatable {
    var parameters: ModelParameters
    var seed: UInt64
    var samples: Int
  }

  private final class Cache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(CacheKey, [MarginalTarget])] = []

    func value(for key: CacheKey) -> [MarginalTarget]? {
      lock.lock()
      defer { lock.unlock() }
      return entries.first { $0.0 == key }?.1
    }

    func store(_ value: [MarginalTarget], for key: CacheKey) {
      lock.lock()
      defer { lock.unlock() }
      entries.append((key, value))
      if entries.count > 8 { entries.removeFirst() }
    }
  }

  private static let cache = Cache()

  /// A simulated sample of one cell: per patient (any cramp, total cramps, female, pvd).
  struct CellSample {
    var anyCramp: [Bool] = []
    var cramps: [Int] = []
    var crampNights: [Int] = []
    var female: [Bool] = []
    var pvd: [Bool] = []
  }

  /// Simulates `samples` patients of `kind` for `nights` nights with pinned overrides.
  static func sample(
    kind: PatientKind, overrides: ProfileOverrides, nights: Int, cell: UInt64,
    parameters: ModelParameters, seed: UInt64, samples: Int
  ) -> CellSample {
    let jan2024 = CivilDay.dayNumber(year: 2024, month: 1, day: 1)
    let design = PresetDesign(
      preset: .cohort, patients: samples, nights: nights, composition: [(kind, samples)],
      missingness: .registryLike, enrolStartDay: jan2024, enrolSpanDays: 365)
    let calendar = CalendarTable(
      firstDay: jan2024, count: 365 + nights + 1, parameters: parameters)
    var result = CellSample()
    for j in 0..<samples {
      var rng = Xoshiro256StarStar(
        seed: seed, stream: DiarySimulator.Stream.targets.rawValue + cell, index: UInt64(j))
      let profile = DiarySimulator.drawProfile(
        kind: kind, index: j, design: design, parameters: parameters, overrides: overrides,
        rng: &rng)
      let outcome = DiarySimulator.simulateNights(
        profile, parameters: parameters, calendar: calendar,
        options: NightOptions(nights: nights, missingness: nil, rows: nil, withArmColumns: false),
        rng: &rng)
      result.anyCramp.append(outcome.crampNights > 0)
      result.cramps.append(outcome.cramps)
      result.crampNights.append(outcome.crampNights)
      result.female.append(profile.female)
      result.pvd.append(profile.pvd)
    }
    return result
  }

  private static func proportion(
    _ name: String, _ hits: [Bool], _ reference: String
  ) -> MarginalTarget {
    let n = max(1, hits.count)
    let p = Double(hits.filter { $0 }.count) / Double(n)
    return MarginalTarget(
      name: name, value: p, samples: hits.count,
      standardError: (p * (1 - p) / Double(n)).squareRoot(), reference: reference)
  }

  /// Odds ratio of any cramp between two groups, with the SE of its log (Woolf).
  private static func oddsRatio(
    _ name: String, _ any: [Bool], _ group: [Bool], _ reference: String
  ) -> MarginalTarget {
    var table = [0.5, 0.5, 0.5, 0.5]  // Haldane correction keeps empty cells finite
    for (a, g) in zip(any, group) { table[(g ? 2 : 0) + (a ? 1 : 0)] += 1 }
    let or = (table[3] * table[0]) / (table[2] * table[1])
    let se = (1 / table[0] + 1 / table[1] + 1 / table[2] + 1 / table[3]).squareRoot()
    return MarginalTarget(
      name: name, value: or, samples: any.count, standardError: se, reference: reference)
  }

  private static func computeUncached(
    parameters p: ModelParameters, seed: UInt64, samples n: Int
  ) -> [MarginalTarget] {
    var targets: [MarginalTarget] = []
    let ages = [(25, "18%"), (50, "31%"), (70, "46%"), (85, "58%")]
    for (k, (age, reference)) in ages.enumerated() {
      let s = sample(
        kind: .general, overrides: ProfileOverrides(age: age), nights: 30, cell: UInt64(k),
        parameters: p, seed: seed, samples: n)
      targets.append(
        proportion(
          "prevalence_30_nights_age_\(age)", s.anyCramp,
          "model \(reference) (domain.md 2.8); NHANES ~30% all adults, Maisonneuve 2016 46%"
            + " (>=60), Abdulla 1999 50% (>=65)"))
    }
    let older = sample(
      kind: .general, overrides: ProfileOverrides(minimumAge: 60), nights: 30, cell: 10,
      parameters: p, seed: seed, samples: n)
    targets.append(
      proportion(
        "prevalence_30_nights_age_60_plus", older.anyCramp,
        "Maisonneuve 2016 adjusted 46% (38-53%)"))
    targets.append(
      proportion(
        "four_plus_cramps_30_nights_age_60_plus", older.cramps.map { $0 >= 4 },
        "model ~15% (domain.md 2.8); Maisonneuve 2016 15% >3x/month"))
    targets.append(
      proportion(
        "four_plus_cramp_nights_30_nights_age_60_plus", older.crampNights.map { $0 >= 4 },
        "model ~15% (domain.md 2.8); Maisonneuve 2016 15% >3x/month"))
    let windows: [(Double, Double)] = [(6, 9.7), (14, 23.7), (28, 29.7)]
    let trimesterReference = [
      "22%; Duan 2018 11.6%", "38%; Duan 2018 28.2%",
      "55%; Duan 2018 50.2%, Abandeh 2024 58%",
    ]
    for t in 0..<3 {
      let s = sample(
        kind: .pregnancy, overrides: ProfileOverrides(gestWeekRange: windows[t]), nights: 30,
        cell: UInt64(20 + t), parameters: p, seed: seed, samples: n)
      targets.append(
        proportion(
          "prevalence_30_nights_trimester_\(t + 1)", s.anyCramp,
          "model " + trimesterReference[t] + " (30 nights inside the trimester)"))
    }
    let hd = sample(
      kind: .hd, overrides: ProfileOverrides(), nights: 30, cell: 30, parameters: p, seed: seed,
      samples: n)
    targets.append(
      proportion(
        "prevalence_30_nights_hemodialysis", hd.anyCramp,
        "model ~64% (domain.md 2.8); 33-86% (Holley, UpToDate), Lynch 2014 56-77%"))
    let cirrhosis = sample(
      kind: .cirrhosis, overrides: ProfileOverrides(), nights: 90, cell: 40, parameters: p,
      seed: seed, samples: n)
    targets.append(
      proportion(
        "prevalence_90_nights_cirrhosis", cirrhosis.anyCramp,
        "model ~68-70% (domain.md 2.8); Chatrath 2012 67%, PMID 8677996 52%"))
    let over65 = sample(
      kind: .general, overrides: ProfileOverrides(minimumAge: 65), nights: 30, cell: 50,
      parameters: p, seed: seed, samples: n)
    targets.append(
      oddsRatio(
        "marginal_or_female_age_65_plus_30_nights", over65.anyCramp, over65.female,
        "model 1.4 (domain.md 2.8); Abdulla 1999 1.96 (crude)"))
    targets.append(
      oddsRatio(
        "marginal_or_pvd_age_65_plus_30_nights", over65.anyCramp, over65.pvd,
        "model 1.9 (domain.md 2.8); Abdulla 1999 2.9 (crude)"))
    return targets
  }
}
