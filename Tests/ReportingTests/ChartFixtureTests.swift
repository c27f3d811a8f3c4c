@testable import Reporting

/// Chart inputs shared by the snapshot and property tests.
///
/// The Kaplan-Meier curves are time to first cramp (nights) for 40 simulated patients per
/// arm, with log-log 95% intervals; they are plausible numbers, not a reference result.
enum ChartFixtures {
  static let magnesium = StepChart.Curve(
    label: "Magnesium",
    points: [
      (3, 0.95), (4, 0.875), (5, 0.825), (6, 0.75), (7, 0.725), (8, 0.7), (10, 0.675),
      (11, 0.65), (21, 0.625), (24, 0.6), (25, 0.575), (27, 0.5489), (28, 0.52), (33, 0.4853),
      (45, 0.448), (47, 0.4106), (52, 0.365), (53, 0.3194), (55, 0.2738), (58, 0.219),
      (69, 0.146), (80, 0.146),
    ],
    lower: [
      0.8145, 0.7254, 0.6677, 0.5852, 0.5587, 0.5326, 0.507, 0.4818, 0.4569, 0.4324, 0.4084,
      0.3832, 0.3549, 0.3195, 0.2821, 0.2466, 0.2023, 0.1618, 0.125, 0.0825, 0.0331, 0.0331,
    ],
    upper: [
      0.9873, 0.946, 0.9125, 0.8569, 0.8372, 0.8171, 0.7966, 0.7756, 0.7543, 0.7325, 0.7104,
      0.6872, 0.6618, 0.6325, 0.6008, 0.5679, 0.5297, 0.4891, 0.4462, 0.3967, 0.3373, 0.3373,
    ])

  static let placebo = StepChart.Curve(
    label: "Placebo",
    points: [
      (1, 0.925), (2, 0.9), (3, 0.85), (4, 0.825), (5, 0.775), (6, 0.75), (8, 0.725), (10, 0.7),
      (11, 0.675), (14, 0.625), (15, 0.6), (16, 0.55), (19, 0.525), (20, 0.475), (21, 0.45),
      (24, 0.425), (28, 0.3984), (29, 0.3719), (32, 0.3453), (35, 0.3187), (37, 0.2898),
      (41, 0.2576), (57, 0.2208), (63, 0.184), (65, 0.138), (85, 0.138),
    ],
    lower: [
      0.7852, 0.7551, 0.6962, 0.6677, 0.6122, 0.5852, 0.5587, 0.5326, 0.507, 0.4569, 0.4324,
      0.3846, 0.3613, 0.3156, 0.2934, 0.2715, 0.2481, 0.2254, 0.2031, 0.1814, 0.1577, 0.1315,
      0.1019, 0.0751, 0.0431, 0.0431,
    ],
    upper: [
      0.9752, 0.9612, 0.9296, 0.9125, 0.876, 0.8569, 0.8372, 0.8171, 0.7966, 0.7543, 0.7325,
      0.6879, 0.6651, 0.6184, 0.5946, 0.5704, 0.5447, 0.5186, 0.492, 0.465, 0.4357, 0.4038,
      0.3682, 0.3306, 0.2872, 0.2872,
    ])

  static func withoutBand(_ curve: StepChart.Curve) -> StepChart.Curve {
    var copy = curve
    copy.lower = nil
    copy.upper = nil
    return copy
  }

  static let atRisk = [
    StepChart.AtRiskRow(
      label: "Magnesium",
      counts: [(0, 40), (15, 26), (30, 15), (45, 13), (60, 4), (75, 2), (90, 0)]),
    StepChart.AtRiskRow(
      label: "Placebo", counts: [(0, 40), (15, 25), (30, 14), (45, 8), (60, 6), (75, 2), (90, 0)]),
  ]

  /// Both arms without bands: overlapping bands of two groups would hide the curves.
  static let kaplanMeier = StepChart(
    curves: [withoutBand(magnesium), withoutBand(placebo)], atRisk: atRisk,
    title: "Time to first cramp by arm",
    xTitle: "Nights since enrolment")
}

extension ChartFixtures {
  /// One arm with its log-log band, the way a single-group KM is usually shown.
  static let kaplanMeierWithBand = StepChart(
    curves: [magnesium], atRisk: [atRisk[0]], title: "Time to first cramp, magnesium arm",
    xTitle: "Nights since enrolment")

  /// Mean cumulative number of cramps (Nelson-Aalen style) for two arms, with a band on one.
  static let meanCumulative = StepChart.meanCumulativeFunction(
    curves: [
      StepChart.Curve(
        label: "Placebo",
        points: [
          (2, 0.1), (5, 0.28), (9, 0.45), (14, 0.71), (20, 0.98), (27, 1.3), (33, 1.62),
          (41, 1.9), (50, 2.31), (58, 2.6), (66, 2.95), (75, 3.4), (84, 3.62), (90, 3.62),
        ],
        lower: [
          0.04, 0.17, 0.31, 0.52, 0.75, 1.02, 1.29, 1.52, 1.86, 2.1, 2.38, 2.72, 2.86, 2.86,
        ],
        upper: [
          0.22, 0.45, 0.65, 0.96, 1.27, 1.65, 2.02, 2.36, 2.86, 3.21, 3.64, 4.24, 4.57, 4.57,
        ]),
      StepChart.Curve(
        label: "Magnesium",
        points: [
          (4, 0.05), (8, 0.15), (15, 0.3), (24, 0.48), (31, 0.66), (40, 0.85), (52, 1.1),
          (63, 1.32), (77, 1.6), (88, 1.75), (90, 1.75),
        ]),
    ],
    atRisk: [
      StepChart.AtRiskRow(label: "Placebo", counts: [(0, 40), (30, 36), (60, 31), (90, 27)]),
      StepChart.AtRiskRow(label: "Magnesium", counts: [(0, 40), (30, 38), (60, 35), (90, 33)]),
    ],
    title: "Mean cumulative cramps per patient", xTitle: "Nights since enrolment",
    yTitle: "Mean cumulative number of cramps")

  /// Nightly logistic model: odds ratios with cluster-robust 95% intervals, including an
  /// aliased term (NA), a separated term (infinite upper limit) and a heading row.
  static let forest = ForestPlot(
    rows: [
      .init(label: "Age over 50", estimate: 2.1, lower: 1.4, upper: 3.15),
      .init(label: "Sex: male (ref. female)", estimate: 0.82, lower: 0.61, upper: 1.1),
      .heading("Trimester (ref. none)"),
      .init(label: "  second", estimate: 1.35, lower: 0.88, upper: 2.07),
      .init(label: "  third", estimate: 2.62, lower: 1.71, upper: 4.01),
      .init(label: "Dialysis", estimate: 3.9, lower: 1.02, upper: .infinity),
      .init(label: "Magnesium per 100 mg", estimate: 0.71, lower: 0.58, upper: 0.87),
      .init(label: "Quinine use", estimate: nil, lower: nil, upper: nil),
    ],
    labelHeader: "Term", title: "Nightly cramp: logistic model, cluster-robust SE")

  /// Cramp nights by worst severity (0-10) in a diary.
  static let severity = BarChart(
    bars: [
      ("1", 12), ("2", 31), ("3", 58), ("4", 77), ("5", 64), ("6", 41), ("7", 22), ("8", 9),
      ("9", 3), ("10", 1),
    ], title: "Cramp nights by worst severity (0-10 scale)", valueTitle: "cramp nights")

  /// Cramps per patient-week: small counts, so integer bins of width 1.
  static let crampsPerWeek = Histogram(
    values: [
      0, 0, 0, 1, 1, 2, 0, 3, 1, 0, 2, 2, 4, 1, 0, 0, 5, 1, 2, 3, 0, 1, 1, 7, 2, 0, 1, 3, 0, 2,
      1, 4, 0, 0, 1, 2, 6, 1, 0, 3, .nan,
    ], binWidth: 1, title: "Cramps per patient-week", countTitle: "patient-weeks")

  /// Eight patients, 120 nights; P05 stops early, P07 has a gap, P03 has multi-cramp nights.
  static let strips: EventStrip = {
    var generator = FixtureRandom(seed: 11)
    var patients: [(label: String, nights: [Int?])] = []
    for p in 1...8 {
      let length = p == 5 ? 45 : 120
      var nights: [Int?] = []
      for night in 1...length {
        if p == 7 && (60...74).contains(night) {
          nights.append(nil)
          continue
        }
        let u = generator.next()
        let rate = p == 3 ? 0.25 : 0.08
        nights.append(u < rate ? (p == 3 && u < 0.06 ? 2 + Int(u * 50) : 1) : 0)
      }
      patients.append((label: "P0\(p)", nights: nights))
    }
    return EventStrip(patients: patients, title: "Cramp diary by patient")
  }()

  /// Scaled Schoenfeld residuals for dialysis against time, with a smooth drifting down.
  static let zph: LineSketch = {
    var generator = FixtureRandom(seed: 5)
    var points: [(x: Double, y: Double)] = []
    for i in 0..<80 {
      let t = Double(i) * 1.1 + 1
      let trend = 1.2 - 0.012 * t
      points.append((t, trend + (generator.next() - 0.5) * 2.4))
    }
    let smooth = stride(from: 1.0, through: 88, by: 4).map { (x: $0, y: 1.2 - 0.012 * $0) }
    return LineSketch(
      points: points, smooth: smooth, title: "Dialysis: beta(t) from cox.zph",
      xTitle: "Nights since enrolment", yTitle: "Beta(t) for dialysis")
  }()
}

/// A tiny deterministic generator (SplitMix64) so fixtures never change between runs.
struct FixtureRandom {
  private var state: UInt64
  init(seed: UInt64) { state = seed }

  /// A uniform value in [0, 1).
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(UInt64(1) << 53)
  }
}
