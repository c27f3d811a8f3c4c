import Analysis
import CrampData
import Formula
import Glibc
import LinearAlgebra
import MixedModels
import Recurrent
import Regression
import Survival

/// `--save-model <file>` of `logit`, `cox` and `recurrent`: the fit as a ``RiskModel`` file.
enum RiskModelExport {
  /// The option the model commands take.
  static let option = OptionSpec.option(
    "save-model", value: "file",
    help: "Also save the fitted model as JSON for 'crampstat risk' (written atomically).",
    path: .output)

  /// Saves a logistic fit (not GEE) when `--save-model` was given.
  static func logistic(
    _ fit: LogisticFit, design: DesignMatrix, table: Table, parsed: ParsedArguments
  ) throws(CLIError) {
    guard let path = parsed.value("save-model") else { return }
    guard design.offset == nil else {
      throw .data("--save-model: models with an offset cannot be saved for 'risk'")
    }
    let coefficients = fit.coefficients.map(\.estimate)
    let model = RiskModel(
      kind: .logistic, formula: design.formula.text,
      rightHandSide: ProfileDesign.rightHandSide(design.formula),
      variables: ProfileDesign.variables(of: design.formula, design: design, table: table),
      terms: design.columnNames, coefficients: coefficients,
      covariance: RiskModel.expandCovariance(fit.covariance, coefficients: coefficients),
      robustVariance: fit.variance == .robust, confidenceLevel: fit.confidenceLevel,
      outcome: "cramp night", trainingRows: fit.n, source: design.source)
    try write(model, design: design, to: path)
  }

  /// Saves a random-intercept (or slope) logistic fit: the fixed effects with their model
  /// covariance, `Sigma` and every training group's conditional mode.
  static func mixedLogistic(
    _ fit: MixedLogisticFit, design: DesignMatrix, table: Table, parsed: ParsedArguments
  ) throws(CLIError) {
    guard let path = parsed.value("save-model") else { return }
    guard design.offset == nil else {
      throw .data("--save-model: models with an offset cannot be saved for 'risk'")
    }
    let coefficients = fit.coefficients.map(\.estimate)
    let sd = fit.variances.map(\.standardDeviation)
    var sigma = fit.variances.indices.map { i in
      fit.variances.indices.map { j in i == j ? fit.variances[i].variance : 0 }
    }
    for c in fit.correlations {
      guard c.terms.count == 2, let i = fit.variances.firstIndex(where: { $0.term == c.terms[0] }),
        let j = fit.variances.firstIndex(where: { $0.term == c.terms[1] })
      else { continue }
      sigma[i][j] = c.estimate * sd[i] * sd[j]
      sigma[j][i] = sigma[i][j]
    }
    var modes: [String: [Double]] = [:]
    for m in fit.conditionalModes { modes[m.group] = m.modes }
    var model = RiskModel(
      kind: .logistic, formula: fit.formula,
      rightHandSide: ProfileDesign.rightHandSide(design.formula),
      variables: ProfileDesign.variables(of: design.formula, design: design, table: table),
      terms: design.columnNames, coefficients: coefficients,
      covariance: RiskModel.expandCovariance(fit.covariance, coefficients: coefficients),
      robustVariance: false, confidenceLevel: fit.confidenceLevel,
      outcome: "cramp night", trainingRows: fit.n, source: design.source)
    model.randomEffects = SavedRandomEffects(
      group: fit.group, link: fit.link, terms: fit.variances.map(\.term), covariance: sigma,
      modes: modes)
    try write(model, design: design, to: path)
  }

  /// Saves a Cox fit (time to first cramp, or the AG model of `recurrent`).
  static func cox(
    _ fit: CoxFit, kind: RiskModel.Kind, design: DesignMatrix, table: Table, level: Double,
    path: String?
  ) throws(CLIError) {
    guard let path else { return }
    guard design.strata == nil else {
      throw .data("--save-model: stratified Cox models cannot be saved for 'risk'")
    }
    guard design.offset == nil else {
      throw .data("--save-model: models with an offset cannot be saved for 'risk'")
    }
    let coefficients = fit.coefficients.map(\.estimate)
    let estimable = (0..<fit.variance.rows).map { i in
      (0..<fit.variance.columns).map { j in fit.variance[i, j] }
    }
    var model = RiskModel(
      kind: kind, formula: design.formula.text,
      rightHandSide: ProfileDesign.rightHandSide(design.formula),
      variables: ProfileDesign.variables(of: design.formula, design: design, table: table),
      terms: fit.coefficients.map(\.term), coefficients: coefficients,
      covariance: RiskModel.expandCovariance(estimable, coefficients: coefficients),
      robustVariance: fit.clusterCount != nil, confidenceLevel: level,
      outcome: kind == .ag ? "cramp night" : "first cramp", trainingRows: fit.count,
      source: design.source)
    model.baselineCumulativeHazard = fit.baselineHazard(centered: false).map {
      RiskModel.HazardStep(time: $0.time, cumulativeHazard: $0.cumulativeHazard)
    }
    // Column means of the training rows: where the baseline hazard is best determined.
    let n = design.rowCount
    model.centre = model.terms.map { term in
      guard let j = design.columnNames.firstIndex(of: term), n > 0 else { return 0 }
      return design.values[(j * n)..<((j + 1) * n)].reduce(0, +) / Double(n)
    }
    try write(model, design: design, to: path)
  }

  /// Saves the AG, Poisson or negative binomial fit of `recurrent` when a path is given.
  static func recurrent(
    _ saved: (RecurrentDesign, RecurrentCoxFit?, RateFit?)?, model: RecurrentModel,
    level: Double, path: String?
  ) throws(CLIError) {
    guard let path else { return }
    guard model == .andersenGill || model == .poisson || model == .negativeBinomial,
      let (design, coxFit, rateFit) = saved
    else {
      throw .usage(
        "'--save-model' works with --model ag, poisson or negbin, not \(model.rawValue).",
        command: "recurrent")
    }
    if let rateFit { try rate(rateFit, design: design, path: path) }
    if let coxFit, let d = design.design {
      try cox(coxFit.cox, kind: .ag, design: d, table: design.layout, level: level, path: path)
    }
  }

  /// Saves a Poisson or negative binomial fit of `recurrent`.
  ///
  /// ``RateFit`` keeps standard errors but not the covariance, so the correlation of the
  /// estimates is rebuilt from the design: `(X'WX)^-1` with the fit's working weights
  /// (`mu` for Poisson, `mu / (1 + mu / theta)` for negbin), sandwiched with the per-patient
  /// scores `x (y - mu)` for robust Poisson; it is then scaled to the fit's own standard errors.
  static func rate(_ fit: RateFit, design: RecurrentDesign, path: String?) throws(CLIError) {
    guard let path else { return }
    guard let d = design.design, let y = d.response else {
      throw .software("--save-model: the rate model has no design")
    }
    let coefficients = fit.coefficients.map(\.estimate)
    let correlation: [[Double]]
    do {
      correlation = try rateCorrelation(d, y: y, coefficients: coefficients, fit: fit)
    } catch {
      throw .data("--save-model: \(error)")
    }
    let se = fit.coefficients.compactMap(\.standardError)
    let estimable = correlation.indices.map { i in
      correlation.indices.map { j in correlation[i][j] * se[i] * se[j] }
    }
    var model = RiskModel(
      kind: fit.family == .negativeBinomial ? .negbin : .poisson, formula: d.formula.text,
      rightHandSide: ProfileDesign.rightHandSide(d.formula),
      variables: ProfileDesign.variables(of: d.formula, design: d, table: design.layout),
      terms: d.columnNames, coefficients: coefficients,
      covariance: RiskModel.expandCovariance(estimable, coefficients: coefficients),
      robustVariance: fit.isRobust, confidenceLevel: fit.confidenceLevel,
      outcome: fit.outcome == "cramps" ? "cramps" : "cramp nights", trainingRows: fit.patients,
      source: design.layout.source)
    model.theta = fit.theta
    try write(model, design: d, to: path)
  }

  /// Correlation of the estimable coefficients of a log-link count model (see ``rate``).
  static func rateCorrelation(
    _ d: DesignMatrix, y: [Double], coefficients: [Double?], fit: RateFit
  ) throws -> [[Double]] {
    let n = d.rowCount
    let kept = coefficients.indices.filter { coefficients[$0] != nil }
    let beta = kept.map { coefficients[$0] ?? 0 }
    let p = kept.count
    var mu = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var eta = d.offset?[i] ?? 0
      for (a, j) in kept.enumerated() { eta += d.values[j * n + i] * beta[a] }
      mu[i] = exp(eta)
    }
    var information = Matrix(rows: p, columns: p)
    var meat = Matrix(rows: p, columns: p)
    for i in 0..<n {
      let w = fit.theta.map { mu[i] / (1 + mu[i] / $0) } ?? mu[i]
      let u = y[i] - mu[i]
      for (a, ja) in kept.enumerated() {
        let xa = d.values[ja * n + i]
        for (b, jb) in kept.enumerated() {
          let xb = d.values[jb * n + i]
          information[a, b] += w * xa * xb
          meat[a, b] += u * u * xa * xb
        }
      }
    }
    let bread = try Cholesky(information).inverse()
    var v = bread
    if fit.isRobust { v = try BLAS.gemm(try BLAS.gemm(bread, meat), bread) }
    // The rebuilt variances must be the fit's: a check that the reconstruction is right.
    let se = fit.coefficients.compactMap(\.standardError)
    for a in 0..<p where abs(v[a, a].squareRoot() / se[a] - 1) > 1e-3 {
      throw RiskModelError.inconsistent(
        "rebuilt standard error \(v[a, a].squareRoot()) differs from the fit's \(se[a])")
    }
    return (0..<p).map { a in
      (0..<p).map { b in v[a, b] / (v[a, a] * v[b, b]).squareRoot() }
    }
  }

  /// Writes the model file atomically.
  ///
  /// The design's spline bases (knots and `ns` projection) go with it, so `risk` evaluates
  /// the training basis for a new patient.
  static func write(
    _ model: RiskModel, design: DesignMatrix, to path: String
  ) throws(CLIError) {
    var model = model
    model.splineBases = design.splineBases.isEmpty ? nil : design.splineBases
    let bytes: [UInt8]
    do {
      bytes = try model.encoded()
    } catch {
      throw .software("cannot encode the model: \(error)")
    }
    try OutputWriter.write(bytes, to: path)
  }
}
