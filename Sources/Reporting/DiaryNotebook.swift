import Analysis

/// The report as a Jupyter notebook: the Markdown sections with their charts, and Python
/// cells (pandas, statsmodels, lifelines) that refit the key models so a reader can
/// cross-check every number.
///
/// The notebook is deterministic: fixed 80-column Unicode charts, no timestamps, the diary
/// referenced by a path relative to the notebook.
public struct DiaryNotebook: Sendable {
  public var report: DiaryReport
  /// Path of the diary relative to the notebook's folder, as the Python cells read it.
  public var diaryPath: String
  /// The command that made the notebook (paths relative to the notebook's folder).
  public var generator: String
  /// CrampStat's version.
  public var version: String

  public init(report: DiaryReport, diaryPath: String, generator: String, version: String) {
    self.report = report
    self.diaryPath = diaryPath
    self.generator = generator
    self.version = version
  }

  /// Python string literal for `text` (double quotes, backslash escapes).
  static func python(_ text: String) -> String {
    var out = "\""
    for ch in text {
      switch ch {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      default: out.append(ch)
      }
    }
    return out + "\""
  }

  static func pythonList(_ items: [String]) -> String {
    "[" + items.map(python).joined(separator: ", ") + "]"
  }

  /// The notebook.
  public func notebook() -> Notebook {
    let renderer = DiaryReportRenderer(report, chartStyle: ChartStyle(width: 80, unicode: true))
    var cells: [Notebook.Cell] = []
    var sections = renderer.sections(markdown: true)
    if let first = sections.first, first.id == "title" { sections.removeFirst() }
    cells.append(
      .markdown(
        "# Cramp diary report\n\n"
          + "*Generated file: written by `\(generator)` (run in the notebook's folder) with "
          + "CrampStat \(version). Do not edit it; run the command again.*\n\n"
          + "Diary: `\(diaryPath)`. The Markdown cells hold CrampStat's results; the Python cells "
          + "refit the key models with pandas, statsmodels and lifelines so that each number can "
          + "be checked independently. They need `pandas`, `numpy`, `statsmodels` and `lifelines`."
      ))
    for (id, text) in sections {
      cells.append(.markdown(text.trimmingTrailingNewlines()))
      switch id {
      case "cohort": cells.append(.code(setupCode))
      case "first-cramp" where !report.firstCramp.isEmpty: cells.append(.code(firstCrampCode))
      case "logistic" where report.logistic != nil: cells.append(.code(logisticCode))
      case "andersen-gill" where report.andersenGill != nil: cells.append(.code(andersenGillCode))
      default: break
      }
    }
    return Notebook(cells: cells)
  }

  var setupCode: String {
    """
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from lifelines import CoxTimeVaryingFitter, KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    diary = pd.read_csv(\(Self.python(diaryPath)))
    # Nights with a recorded outcome; missing diary nights are gaps, not cramp-free nights.
    observed = diary[diary["cramp"].notna()]
    if "observed" in observed.columns:
        observed = observed[observed["observed"] != 0]
    observed = observed.sort_values(["patient_id", "night"])
    origin = diary["night"].min()
    print(f"{len(diary)} rows, {diary['patient_id'].nunique()} patients, "
          f"{len(observed)} observed nights, {int(observed['cramp'].sum())} cramp nights")
    """
  }

  var firstCrampCode: String {
    """
    # Time to first cramp: night k covers (k - origin, k - origin + 1]; factors are taken
    # from each patient's first observed night.
    FACTORS = \(Self.pythonList(report.firstCramp.map(\.factor)))
    first = observed.groupby("patient_id", sort=False).head(1).set_index("patient_id")[FACTORS].copy()
    first_hit = observed[observed["cramp"] == 1].groupby("patient_id")["night"].min()
    last_night = observed.groupby("patient_id")["night"].max()
    first["event"] = first.index.isin(first_hit.index).astype(int)
    first["time"] = np.where(first["event"] == 1, first_hit.reindex(first.index),
                             last_night.reindex(first.index)) - origin + 1
    for factor in FACTORS:
        test = multivariate_logrank_test(first["time"], first[factor], first["event"])
        medians = {level: KaplanMeierFitter().fit(g["time"], g["event"]).median_survival_time_
                   for level, g in first.groupby(factor)}
        print(f"{factor}: log-rank chisq = {test.test_statistic:.3f}, p = {test.p_value:.3g}; "
              f"medians {medians}")
    # lifelines reports the median as the first time with S(t) <= 0.5; R (and CrampStat)
    # use S(t) < 0.5, so medians can differ where S(t) sits exactly at 0.5.
    """
  }

  /// The report's logistic formula in patsy syntax (`factor(x)` becomes `C(x)`).
  var logisticFormula: String {
    let rhs = report.covariates.map { $0 == "trimester" ? "C(trimester)" : $0 }
    return "cramp ~ " + rhs.joined(separator: " + ")
  }

  var logisticCode: String {
    """
    # Nightly logistic model with cluster-robust (HC0, no small-sample factor) SEs by patient,
    # as CrampStat's `logit --cluster patient_id`. Term names differ (C(trimester)[T.2] is
    # CrampStat's trimester[2]); estimates and SEs agree.
    COVARIATES = \(Self.pythonList(report.covariates))
    data = observed.dropna(subset=COVARIATES)
    groups = pd.factorize(data["patient_id"])[0]
    logit = smf.glm(\(Self.python(logisticFormula)), data=data,
                    family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    print(logit.summary())
    print(np.exp(pd.concat([logit.params, logit.conf_int()], axis=1)).round(4))
    """
  }

  var andersenGillCode: String {
    """
    # Andersen-Gill model: one (start, stop] row per observed night, Efron ties. CrampStat
    # merges cramp-free runs with equal covariates first, which gives the same estimates.
    # lifelines has no robust (clustered) variance, so compare estimates and model-based SEs.
    COVARIATES = \(Self.pythonList(report.covariates))
    ag = observed.dropna(subset=COVARIATES)
    X = pd.get_dummies(ag[COVARIATES], columns=[c for c in COVARIATES
                       if c == "trimester" or ag[c].dtype == object],
                       drop_first=True, dtype=float)
    X = X.assign(id=ag["patient_id"].values, start=(ag["night"] - origin).values,
                 stop=(ag["night"] - origin + 1).values, event=(ag["cramp"] == 1).astype(int).values)
    try:
        ctv = CoxTimeVaryingFitter().fit(X, id_col="id", start_col="start", stop_col="stop",
                                         event_col="event")
        print(ctv.summary[["coef", "exp(coef)", "se(coef)", "p"]].round(5))
    except Exception as error:  # lifelines stops on aliased columns; CrampStat reports them as NA
        print(f"lifelines could not fit this model: {error}")
    """
  }
}

extension String {
  /// The string without trailing newlines.
  func trimmingTrailingNewlines() -> String {
    var s = Substring(self)
    while s.last == "\n" { s.removeLast() }
    return String(s)
  }
}
