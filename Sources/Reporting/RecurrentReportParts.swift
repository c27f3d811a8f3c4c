import Recurrent

/// Pieces shared by the recurrent-event reports: model titles, the tie note, JSON rows.
enum RecurrentReportParts {
  /// The model's title line.
  static func title(_ model: RecurrentModel) -> String {
    switch model {
    case .andersenGill: "Andersen-Gill recurrent-event model (Cox, counting process)"
    case .pwpGap: "Prentice-Williams-Peterson model, gap time (Cox, strata = event number)"
    case .pwpTotal: "Prentice-Williams-Peterson model, total time (Cox, strata = event number)"
    case .meanCumulativeFunction: "Mean cumulative function of cramp nights (Nelson-Aalen)"
    case .poisson: "Poisson rate model for cramp counts (log link, offset log(nights))"
    case .negativeBinomial:
      "Negative binomial rate model for cramp counts (log link, offset log(nights))"
    }
  }

  /// `Ties: ...` line, and the note pointing to discrete-time models when ties dominate.
  static func tieLines(_ ties: TieSummary, method: String, formula: String) -> [String] {
    let share = NumberFormat.fixed(100 * ties.tiedShare, digits: 1)
    var lines = [
      "Ties: \(method); \(share)% of \(ties.events) events share their event time with "
        + "another event (\(ties.distinctTimes) distinct event times)"
    ]
    if ties.dominates {
      // The command stands on its own line so that wrapping the note leaves it whole.
      lines.append(
        "Note: ties dominate (nightly data). A discrete-time model for nights is the natural "
          + "alternative:")
      lines.append("  crampstat logit DIARY --formula \"cramp \(formula)\" --cluster patient_id")
      lines.append(
        "(logistic; a complementary log-log link estimates the same rate ratios as a "
          + "grouped-time proportional hazards model).")
    }
    return lines
  }

  /// The `ties` JSON object.
  static func tiesJSON(_ ties: TieSummary, method: String) -> JSONValue {
    .object([
      "method": .string(method), "n_events": .int(ties.events),
      "tied_events": .int(ties.tiedEvents), "tied_share": .number(ties.tiedShare),
      "distinct_times": .int(ties.distinctTimes), "ties_dominate": .bool(ties.dominates),
    ])
  }
}
