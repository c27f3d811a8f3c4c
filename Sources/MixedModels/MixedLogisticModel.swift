import Distributions
import Formula
import Foundation
import LinearAlgebra
import Regression

/// Random-effects logistic regression (a Bernoulli GLMM with one grouping factor) fitted as
/// `lme4::glmer`.
///
/// ```swift
/// let mixed = try MixedFormula.parse("cramp ~ age_over_50 + (1 | patient_id)")
/// let design = try DesignMatrix.build(mixed.fixed, table: table,
///                                     options: DesignOptions(cluster: mixed.random.group))
/// let random = try RandomEffects.build(mixed.random, design: design, table: table)
/// let fit = try MixedLogisticModel(link: .logit, quadraturePoints: 1).fit(design, random: random)
/// ```
///
/// Model: `logit(P(y_ij = 1 | b_i)) = x_ij' beta + z_ij' b_i` (or `cloglog`), `b_i ~ N(0,
/// Sigma)` with `Sigma = Lambda Lambda'`, `Lambda` lower triangular with lme4's `theta`.
/// Objective: lme4's deviance (see ``GLMMDeviance``), the Laplace approximation or adaptive
/// Gauss-Hermite quadrature (Bates et al. 2015, lme4 JSS; Pinheiro & Bates 1995).
public struct MixedLogisticModel: Sendable, Equatable {
  /// The link.
  public var link: BinomialLink
  /// `nAGQ`: 1 is the Laplace approximation, `2...25` adaptive Gauss-Hermite quadrature
  /// (scalar random intercept only, as glmer).
  public var quadraturePoints: Int
  /// Confidence level of the Wald intervals.
  public var confidenceLevel: Double
  /// Newton iteration limit of the optimizer.
  public var maxIterations: Int
  /// Whether to compute the profile-likelihood interval of a scalar random-intercept SD
  /// (``DevianceOptimizer/profileInterval(phi:deviance:modes:hessian:level:)``; about 100
  /// more deviance evaluations).
  public var profileStandardDeviation: Bool = false

  /// Creates a configuration; the defaults are glmer's (logit, Laplace).
  public init(
    link: BinomialLink = .logit, quadraturePoints: Int = 1, confidenceLevel: Double = 0.95,
    maxIterations: Int = 100
  ) {
    self.link = link
    self.quadraturePoints = quadraturePoints
    self.confidenceLevel = confidenceLevel
    self.maxIterations = maxIterations
  }

  /// Fits the model.
  ///
  /// Starting values: `beta` from the GLM without random effects (IRLS, `X'WX` through the
  /// LAPACK wrappers), `theta = 1` (or `(1, 0, 1)`), as lme4. The deviance is minimized over
  /// `(theta, beta)` by ``DevianceOptimizer`` (Newton on lme4's finite-difference stencil). The
  /// fixed effects' covariance is the `beta` block of `2 H^-1`, `H` the Hessian of the deviance
  /// in `(theta, beta)` at the estimate (lme4 1.1-31 `vcov` with `use.hessian = TRUE`), by
  /// Richardson-extrapolated finite differences (see
  /// ``DevianceOptimizer/accurateDerivatives(_:f0:modes:)``); z, p
  /// and intervals are Wald's. Aliased columns (pivoted QR, tolerance 1e-7) are dropped and
  /// reported NA.
  ///
  /// - Returns: fixed effects, variance components, likelihoods, conditional modes, diagnostics.
  /// - Throws: ``MixedModelError`` when there is no binary response, the quadrature request is
  ///   invalid, nothing is estimable, or the deviance is not finite.
  /// - Complexity: per deviance evaluation O(n p + n * PIRLS iterations) (times `K` for AGQ);
  ///   per Newton iteration `2m + 1` evaluations with their analytic gradient,
  ///   `m = p + length(theta)`. Memory: the design plus a few length-n
  ///   vectors; per group a 2-vector and a 2 x 2 block.
  public func fit(_ design: DesignMatrix, random: RandomEffects) throws -> MixedLogisticFit {
    guard let y = design.response else { throw MixedModelError.missingResponse }
    if let bad = y.firstIndex(where: { $0 != 0 && $0 != 1 }) {
      throw MixedModelError.responseNotBinary(
        source: design.source, line: Int(design.lineNumbers[bad]), value: y[bad])
    }
    guard random.grouping.codes.count == design.rowCount else {
      throw MixedModelError.dimensionMismatch(
        "\(random.grouping.codes.count) group codes for \(design.rowCount) rows")
    }
    let rule: GaussHermiteRule?
    if quadraturePoints != 1 {
      guard random.terms == ["(Intercept)"] else {
        throw MixedModelError.quadratureNeedsScalarIntercept
      }
      rule = try GaussHermiteRule(points: quadraturePoints)
    } else {
      rule = nil
    }
    let n = design.rowCount
    var diagnostics: [MixedFitDiagnostic] = []
    var kept = Array(0..<design.columnCount)
    if design.columnCount > 0 {
      let full = try Matrix(rows: n, columns: design.columnCount, columnMajor: design.values)
      let aliased = try PivotedQR.aliasedColumns(full, tolerance: 1e-7)
      kept.removeAll { aliased.contains($0) }
      diagnostics += aliased.map { .aliased(term: design.columnNames[$0]) }
    }
    guard !kept.isEmpty || design.columnCount == 0 else { throw MixedModelError.emptyModel }
    var x = [Double]()
    x.reserveCapacity(n * kept.count)
    for j in kept { x.append(contentsOf: design.column(j)) }
    let p = kept.count

    let rows = GroupedRows(
      codes: random.grouping.codes, groupCount: random.grouping.count, y: y,
      columns: random.columns)
    let objective = GLMMDeviance(
      link: link, rows: rows, design: x, p: p, offset: design.offset, rule: rule)
    let thetaCount = rows.k == 1 ? 1 : 3
    let optimizer = DevianceOptimizer(
      objective: objective, thetaCount: thetaCount, maxIterations: maxIterations)
    // A failed start (e.g. separation in the GLM) is no reason to stop: Newton starts from 0.
    let beta0 =
      (try? FixedEffectsStart.fit(
        x: x, rows: n, columns: p, y: y, offset: design.offset, link: link))
      ?? [Double](repeating: 0, count: p)
    let theta0: [Double] = thetaCount == 1 ? [1] : [1, 0, 1]
    var result = try optimizer.minimize(from: theta0 + beta0)
    if !result.converged { diagnostics.append(.didNotConverge(iterations: result.iterations)) }

    // lme4's isSingular: a bounded theta below 1e-4. Where the deviance is flat in such a
    // theta, Newton may stop a little above 0; take the boundary when it is no worse.
    let bounded = thetaCount == 1 ? [0] : [0, 2]
    for j in bounded where result.phi[j] < 1e-3 {
      var candidate = result.phi
      candidate[j] = 0
      if thetaCount == 3, j == 0 {
        // L11 = 0 leaves the slope's variance L21^2 + L22^2: move it onto L22.
        candidate[2] = (candidate[1] * candidate[1] + candidate[2] * candidate[2]).squareRoot()
        candidate[1] = 0
      }
      if let trial = try? optimizer.evaluate(candidate, start: nil),
        trial.deviance <= result.evaluation.deviance + 1e-9
      {
        result.phi = candidate
        result.evaluation = trial
      }
    }
    let phi = result.phi
    let evaluation = result.evaluation
    let (theta, beta) = optimizer.split(phi)
    let isSingular = bounded.contains { theta[$0] < 1e-4 }
    if isSingular { diagnostics.append(.singularFit) }
    if evaluation.unconvergedGroups > 0 {
      diagnostics.append(.penalizedIRLSDidNotConverge(groups: evaluation.unconvergedGroups))
    }

    // Standard errors: beta block of 2 H^-1.
    let (gradient, hessian) = try optimizer.accurateDerivatives(
      phi, f0: evaluation.deviance, modes: evaluation.modes)
    let covariance: Matrix
    var thetaCovariance: [[Double]] = []
    var scaledGradient = gradient.map(abs).max() ?? 0
    if let factor = try? Cholesky(hessian), let inverse = try? factor.inverse() {
      thetaCovariance = (0..<thetaCount).map { a in
        (0..<thetaCount).map { b in 2 * inverse[a, b] }
      }
      var block = Matrix(rows: p, columns: p)
      for a in 0..<p {
        for b in 0..<p { block[a, b] = 2 * inverse[thetaCount + a, thetaCount + b] }
      }
      covariance = block
      scaledGradient = (try? factor.solve(gradient))?.map(abs).max() ?? scaledGradient
    } else {
      diagnostics.append(.hessianNotPositiveDefinite)
      var betaBlock = Matrix(rows: p, columns: p)
      for a in 0..<p {
        for b in 0..<p { betaBlock[a, b] = hessian[thetaCount + a, thetaCount + b] / 2 }
      }
      guard p == 0 || (try? Cholesky(betaBlock)) != nil else {
        throw MixedModelError.singularHessian
      }
      covariance = p == 0 ? betaBlock : try Cholesky(betaBlock).inverse()
    }
    if scaledGradient > 0.002 { diagnostics.append(.largeGradient(maximum: scaledGradient)) }
    var profile: [Double]?
    if profileStandardDeviation,
      let interval = try optimizer.profileInterval(
        phi: phi, deviance: evaluation.deviance, modes: evaluation.modes, hessian: hessian,
        level: confidenceLevel)
    {
      profile = [interval.low, interval.high]
    }

    return assemble(
      design: design, random: random, kept: kept, theta: theta, beta: beta,
      covariance: covariance, thetaCovariance: thetaCovariance, profile: profile,
      evaluation: evaluation,
      gradient: gradient,
      scaledGradient: scaledGradient, iterations: result.iterations,
      converged: result.converged, isSingular: isSingular, diagnostics: diagnostics)
  }

  private func assemble(
    design: DesignMatrix, random: RandomEffects, kept: [Int], theta: [Double], beta: [Double],
    covariance: Matrix, thetaCovariance: [[Double]], profile: [Double]?,
    evaluation: GLMMDeviance.Evaluation,
    gradient: [Double],
    scaledGradient: Double, iterations: Int, converged: Bool, isSingular: Bool,
    diagnostics: [MixedFitDiagnostic]
  ) -> MixedLogisticFit {
    let zCritical = Normal.quantile(1 - (1 - confidenceLevel) / 2)
    var coefficients: [CoefficientEstimate] = []
    for (j, name) in design.columnNames.enumerated() {
      guard let a = kept.firstIndex(of: j) else {
        coefficients.append(
          CoefficientEstimate(
            term: name, estimate: nil, standardError: nil, modelStandardError: nil, z: nil,
            pValue: nil, confLow: nil, confHigh: nil, intervalMethod: .none))
        continue
      }
      let estimate = beta[a]
      let se = covariance[a, a].squareRoot()
      let z = estimate / se
      coefficients.append(
        CoefficientEstimate(
          term: name, estimate: estimate, standardError: se, modelStandardError: se, z: z,
          pValue: Normal.twoSidedPValue(z: z), confLow: estimate - zCritical * se,
          confHigh: estimate + zCritical * se, intervalMethod: .wald))
    }
    let k = random.terms.count
    let l11 = theta[0]
    let l21 = k == 2 ? theta[1] : 0
    let l22 = k == 2 ? theta[2] : 0
    // Sigma = Lambda Lambda'.
    let s11 = l11 * l11
    let s21 = l11 * l21
    let s22 = l21 * l21 + l22 * l22
    var variances = [
      RandomEffectVariance(
        term: random.terms[0], variance: s11, standardDeviation: s11.squareRoot())
    ]
    var correlations: [RandomEffectCorrelation] = []
    if k == 2 {
      variances.append(
        RandomEffectVariance(
          term: random.terms[1], variance: s22, standardDeviation: s22.squareRoot()))
      let denominator = (s11 * s22).squareRoot()
      correlations.append(
        RandomEffectCorrelation(
          terms: random.terms, estimate: denominator > 0 ? s21 / denominator : 0))
    }
    let interceptVariance = random.terms.first == "(Intercept)" ? s11 : nil
    let icc = interceptVariance.map { $0 / ($0 + link.latentResidualVariance) }
    let mor = interceptVariance.map { exp((2 * $0).squareRoot() * Normal.quantile(0.75)) }

    // Conditional modes b = Lambda u and their variances Lambda M^-1 Lambda'.
    var sizes = [Int](repeating: 0, count: random.grouping.count)
    for c in random.grouping.codes { sizes[Int(c)] += 1 }
    var modes: [ConditionalMode] = []
    modes.reserveCapacity(random.grouping.count)
    for g in 0..<random.grouping.count {
      let u1 = evaluation.modes[g * k]
      let u2 = k == 2 ? evaluation.modes[g * k + 1] : 0
      let m11 = evaluation.blocks[3 * g]
      let m21 = evaluation.blocks[3 * g + 1]
      let m22 = evaluation.blocks[3 * g + 2]
      let det = m11 * m22 - m21 * m21
      let (i11, i21, i22) = (m22 / det, -m21 / det, m11 / det)
      let b1 = l11 * u1
      let v11 = l11 * l11 * i11
      if k == 1 {
        modes.append(
          ConditionalMode(
            group: random.grouping.labels[g], rows: sizes[g], modes: [b1],
            conditionalStandardDeviations: [v11.squareRoot()]))
      } else {
        let b2 = l21 * u1 + l22 * u2
        let v22 = l21 * l21 * i11 + 2 * l21 * l22 * i21 + l22 * l22 * i22
        modes.append(
          ConditionalMode(
            group: random.grouping.labels[g], rows: sizes[g], modes: [b1, b2],
            conditionalStandardDeviations: [v11.squareRoot(), v22.squareRoot()]))
      }
    }
    let parameterCount = beta.count + theta.count
    let deviance = evaluation.deviance
    var covarianceRows: [[Double]] = []
    for a in 0..<beta.count { covarianceRows.append((0..<beta.count).map { covariance[a, $0] }) }
    return MixedLogisticFit(
      formula: design.formula.text + " + " + random.formulaTerm, link: link,
      method: quadraturePoints == 1 ? .laplace : .agq,
      quadraturePoints: quadraturePoints, n: design.rowCount,
      droppedRowCount: design.droppedRowCount, group: random.group,
      groupCount: random.grouping.count, confidenceLevel: confidenceLevel,
      coefficients: coefficients, covariance: covarianceRows, theta: theta,
      thetaCovariance: thetaCovariance, interceptStandardDeviationProfile: profile,
      variances: variances, correlations: correlations,
      logLikelihood: -deviance / 2,
      deviance: deviance, aic: deviance + 2 * Double(parameterCount),
      bic: deviance + log(Double(design.rowCount)) * Double(parameterCount),
      parameterCount: parameterCount, intraclassCorrelation: icc, medianOddsRatio: mor,
      gradientMaximum: gradient.map(abs).max() ?? 0, scaledGradientMaximum: scaledGradient,
      iterations: iterations, converged: converged, isSingular: isSingular,
      conditionalModes: modes, diagnostics: diagnostics)
  }
}
