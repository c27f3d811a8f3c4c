import CrampData

/// The recurrent-event analyses of a night-level diary, and the estimand each one targets.
public enum RecurrentModel: String, Sendable, CaseIterable {
  /// Andersen-Gill: Cox model on counting-process rows, all events in one stratum.
  case andersenGill = "ag"
  /// Prentice-Williams-Peterson in gap time (clock reset after each event), strata = event number.
  case pwpGap = "pwp-gap"
  /// Prentice-Williams-Peterson in total time, strata = event number.
  case pwpTotal = "pwp-total"
  /// Mean cumulative function (Nelson-Aalen for recurrent events), by group.
  case meanCumulativeFunction = "mcf"
  /// Poisson rate regression on per-patient counts with offset log(nights observed).
  case poisson
  /// Negative binomial rate regression (theta by maximum likelihood, as `MASS::glm.nb`).
  case negativeBinomial = "negbin"

  /// The layout the model is fitted on.
  public var layout: RecurrentLayout {
    switch self {
    case .andersenGill, .meanCumulativeFunction: .ag
    case .pwpGap: .pwpGap
    case .pwpTotal: .pwpTotal
    case .poisson, .negativeBinomial: .counts
    }
  }

  /// Whether the model is a Cox model on counting-process rows.
  public var isCox: Bool { self == .andersenGill || self == .pwpGap || self == .pwpTotal }

  /// What the model estimates, in one sentence for reports.
  public var estimand: String {
    switch self {
    case .andersenGill:
      "multiplicative effect of each covariate on the intensity (rate) of cramp nights given the "
        + "covariates, all cramp nights of a patient in one risk process; robust (cluster) "
        + "variance makes it a marginal rate model valid under within-patient dependence"
    case .pwpGap:
      "effect on the hazard of the next cramp night conditional on the number of earlier cramp "
        + "nights (strata = event number), time since the previous cramp night"
    case .pwpTotal:
      "effect on the hazard of the k-th cramp night conditional on k - 1 earlier cramp nights "
        + "(strata = event number), time since the diary origin"
    case .meanCumulativeFunction:
      "expected cumulative number of cramp nights per patient by night t (mean cumulative "
        + "function), with Lawless-Nadeau robust variance"
    case .poisson, .negativeBinomial:
      "ratio of cramp rates (cramps per night observed) between covariate values, covariates "
        + "taken at each patient's first observed night"
    }
  }
}

/// Why a recurrent-event analysis cannot be computed.
public enum RecurrentError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The diary cannot be reshaped.
  case layout(RecurrentLayoutError)
  /// The formula is not usable for this model.
  case formula(String)
  /// A model could not be fitted (message from the engine).
  case fit(String)

  public var description: String {
    switch self {
    case .layout(let e): e.description
    case .formula(let message): message
    case .fit(let message): message
    }
  }
}
