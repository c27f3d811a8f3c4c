import Foundation
import Testing
import _TestSupport

/// Recovery of the generating log rate ratios (issue 6, item 5) on a simulated cohort.
///
/// Slow (simulation plus a fit on 1.47M diary rows; ~20 s in release, minutes in debug):
/// runs only with `CRAMPSTAT_SLOW_TESTS=1`. Covariates of patients.csv are joined.
///
/// What is compared: the generating β of truth.json on the fitted model's scale (the fluid
/// centring moves into `hemodialysis`, see ``truth``); `mg_supp` is confounded by indication
/// by design (truth.json) and is left out of both the numerator and the denominator of the
/// coverage share. The AG estimand is not exactly the generating conditional log rate:
/// - the generator caps λ at 3 per night; with frailty SD 1.8 the events come mostly from
///   high-frailty patients (on seed 7, 1.2% of the patients have a base rate above 1 per
///   night and record 28% of the cramps), for whom the cap flattens covariate effects. As a
///   diagnostic only (b_i is not observable), refitting seed 7 without the 401 patients with
///   b_i >= 2.5 (b_i is independent of the covariates by design) moves pvd to 0.90 and
///   on_statin to 0.20 and covers 24 of 25 terms with either rule;
/// - `--multiple split` puts the j-th of k cramps at night + j/k. Those within-night times are
///   artificial: at night + 1/2 only nights with 2 (or 4, ...) cramps have events, whose
///   probability grows as λ², so the partial likelihood there weights effects twice. On a
///   small R simulation (β = 0.9, Poisson nights, little frailty) split gave 1.04, one event
///   per night 0.87 (ties at a high event probability), Poisson with night effects 0.90;
/// - the default `--multiple night` targets the cramp-night rate 1 - exp(-λ) and is
///   attenuated further: on seed 7 it covers 20 of 25 terms (80%).
/// Measured on seed 7 with split: 23 of 25 terms (92%; 23 of 26 = 88.5% counting mg_supp),
/// misses pvd (0.61, CI 0.36 to 0.86, truth 0.9) and on_statin (0.33, CI 0.15 to 0.51, truth
/// 0.15). Over seeds 7, 8, 9, 10 and 12 of the preset (`Scripts/recovery-seeds.sh`): 23, 22,
/// 23, 25 and 23 of 25 (116 of 125 = 92.8%); mg_supp's estimate is positive on every seed
/// (0.20 to 0.36: supplements follow frequent cramps), and one designed-null p-value of 15 is
/// below 0.05 (footwear[high_heel], seed 8, p = 0.015). On a smaller 1,000-patient cohort
/// (seed 11) only 20 of 26 intervals covered the truth (trimester, age and dialysis-day effects
/// biased): the estimand gap above matters more when few patients carry the events.
@Suite("AG recovers the simulation's log rate ratios")
struct RecurrentRecoveryTests {
  static let enabled = ProcessInfo.processInfo.environment["CRAMPSTAT_SLOW_TESTS"] == "1"

  /// Formula, generating values on the model's scale, the confounded term and the designed
  /// nulls, shared with `Scripts/recovery-seeds.sh`.
  struct Reference: Decodable {
    let formula: String
    let truth: [String: Double]
    let confoundedByDesign: [String]
    let designedNulls: [String]

    enum CodingKeys: String, CodingKey {
      case formula, truth
      case confoundedByDesign = "confounded_by_design"
      case designedNulls = "designed_nulls"
    }
  }

  static func reference() throws -> Reference {
    return try Fixture.decode(Reference.self, from: "recovery_truth.json")
  }

  @Test("the shared reference decodes: 26 terms, mg_supp confounded, designed nulls at 0")
  func referenceFile() throws {
    let reference = try Self.reference()
    #expect(reference.truth.count == 26)
    #expect(reference.confoundedByDesign == ["mg_supp"])
    #expect(reference.designedNulls.allSatisfy { reference.truth[$0] == 0 })
    #expect(reference.formula.contains("fluid_cups:hemodialysis"))
  }

  @Test(
    "cohort (5,000 x 365, seed 7): >= 90% of terms but mg_supp covered, nulls null",
    .enabled(if: enabled))
  func recovery() throws {
    let reference = try Self.reference()
    let dir = try TemporaryFile.path("cohort")
    let sim = runCLI([
      "simulate", "--preset", "cohort", "--seed", "7", "-o", dir, "-q",
    ])
    #expect(sim.status == 0, "\(sim.err)")
    let out = runCLI([
      "recurrent", dir + "/diary_nights.csv", "--patients", dir + "/patients.csv", "--model",
      "ag", "--multiple", "split", "--formula", reference.formula, "--format", "json", "-q",
    ])
    #expect(out.status == 0, "\(out.err)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
    let coefficients = try #require(json["coefficients"] as? [[String: Any]])
    var covered = 0
    var terms = 0
    var confoundedCovered = 0
    for c in coefficients {
      guard let term = c["term"] as? String, let t = reference.truth[term],
        let low = c["conf_low"] as? Double, let high = c["conf_high"] as? Double
      else { continue }
      terms += 1
      if low <= t && t <= high {
        if reference.confoundedByDesign.contains(term) {
          confoundedCovered += 1
        } else {
          covered += 1
        }
      }
      print("RECOVERY \(term): truth \(t) CI [\(low), \(high)]")
      if reference.designedNulls.contains(term) {
        #expect((c["p_value"] as? Double ?? 0) > 0.01, "designed null \(term) looks non-null")
      }
    }
    #expect(terms == reference.truth.count)
    // mg_supp (confounded by design) is in neither count.
    print("RECOVERY covered \(covered) of \(terms - 1) (mg_supp covered: \(confoundedCovered))")
    #expect(Double(covered) >= 0.9 * Double(terms - 1), "covered \(covered) of \(terms - 1)")
  }
}
