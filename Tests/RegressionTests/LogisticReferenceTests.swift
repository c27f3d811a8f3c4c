import CrampData
import Formula
import Testing
import _TestSupport

@testable import Regression

/// Compares fits with R (Tests/Reference/logistic.R, fixtures in Tests/Reference/logistic.json).
@Suite("Logistic regression vs R glm")
struct LogisticReferenceTests {
  static let recorder = ErrorRecorder()

  static func fit(
    _ name: String, variance: LogisticModel.Variance = .model, firth: Bool = false
  ) throws -> (LogisticReference.Model, LogisticFit) {
    let reference = try LogisticReference.load()
    let model = try #require(reference.models[name])
    let table = try readFixture(model.data)
    let design = try DesignMatrix.build(
      Formula.parse(model.formula), table: table,
      options: DesignOptions(cluster: variance == .clusterRobust ? model.cluster : nil))
    let fit = try LogisticModel(firth: firth).fit(design, variance: variance)
    return (model, fit)
  }

  /// Coefficients, model SEs, z, p, Wald CIs, deviance, AIC, LR test, AUC and
  /// Hosmer-Lemeshow against the R calls recorded in the JSON (`glm(...)`, `pROC::ci.auc`,
  /// the script's `hosmer_lemeshow`).
  @Test(
    "glm(family = binomial) equivalents",
    arguments: [
      "diary", "diary_offset", "diary_no_intercept", "collinear", "separation", "teaching",
    ])
  func matchesGLM(name: String) throws {
    let recorder = Self.recorder
    let (model, fit) = try Self.fit(name)
    #expect(fit.n == model.n)
    #expect(fit.droppedRowCount == model.nDropped)
    #expect(fit.converged == model.converged)
    #expect(fit.iterations == model.iterations)
    #expect(fit.rank == model.rank)
    #expect(fit.dfResidual == model.dfResidual && fit.dfNull == model.dfNull)
    #expect(fit.coefficients.map(\.term) == model.coefficients.map(\.term))
    for (ours, theirs) in zip(fit.coefficients, model.coefficients) {
      // The separated term's estimate is wherever IRLS stopped: compare loosely.
      let tolerance =
        name == "separation" && theirs.term == "exposed" ? 1e-3 : Tolerance.coefficient
      #expect(
        Tolerance.close(ours.estimate, theirs.estimate, tolerance, "estimate", recorder: recorder),
        "\(name) \(theirs.term) estimate \(String(describing: ours.estimate))")
      #expect(
        Tolerance.close(
          ours.standardError, theirs.stdError, tolerance, "std error", recorder: recorder),
        "\(name) \(theirs.term) SE")
      #expect(
        Tolerance.close(ours.z, theirs.z, tolerance, "z", recorder: recorder),
        "\(name) \(theirs.term) z")
      #expect(
        Tolerance.close(ours.confLow, theirs.confLow, tolerance, "conf limit", recorder: recorder))
      #expect(
        Tolerance.close(ours.confHigh, theirs.confHigh, tolerance, "conf limit", recorder: recorder)
      )
      if tolerance == Tolerance.coefficient {
        #expect(
          Tolerance.closePValue(ours.pValue, theirs.pValue, recorder: recorder),
          "\(name) \(theirs.term) p \(String(describing: ours.pValue)) vs \(String(describing: theirs.pValue))"
        )
      }
    }
    #expect(
      Tolerance.close(
        fit.deviance, model.deviance, Tolerance.likelihood, "deviance", recorder: recorder))
    #expect(
      Tolerance.close(
        fit.nullDeviance, model.nullDeviance, Tolerance.likelihood, "null deviance",
        recorder: recorder),
      "\(name) null deviance \(fit.nullDeviance) vs \(model.nullDeviance)")
    #expect(Tolerance.close(fit.aic, model.aic, Tolerance.likelihood, "aic", recorder: recorder))
    #expect(
      Tolerance.close(
        fit.logLikelihood, model.logLikelihood, Tolerance.likelihood, "loglik", recorder: recorder))
    #expect(
      Tolerance.close(
        fit.likelihoodRatio?.statistic, model.likelihoodRatio.statistic, Tolerance.likelihood * 100,
        "LR statistic", recorder: recorder))
    #expect(fit.likelihoodRatio?.degreesOfFreedom == model.likelihoodRatio.df)
    #expect(
      Tolerance.closePValue(
        fit.likelihoodRatio?.pValue, model.likelihoodRatio.pValue, recorder: recorder))

    let auc = try #require(fit.auc)
    #expect(Tolerance.close(auc.estimate, model.auc.estimate, 1e-12, "AUC", recorder: recorder))
    #expect(Tolerance.close(auc.confLow, model.auc.confLow, 1e-9, "AUC limit", recorder: recorder))
    #expect(
      Tolerance.close(auc.confHigh, model.auc.confHigh, 1e-9, "AUC limit", recorder: recorder))

    let hl = try #require(fit.hosmerLemeshow)
    let groups = model.hosmerLemeshow.groups.filter { $0.n > 0 }
    #expect(hl.groups.map(\.count) == groups.map(\.n))
    #expect(hl.groups.map(\.observedEvents) == groups.map(\.observedEvents))
    for (ours, theirs) in zip(hl.groups, groups) {
      #expect(
        Tolerance.close(
          ours.expectedEvents, theirs.expectedEvents, 1e-6, "calibration", recorder: recorder))
    }
    #expect(
      Tolerance.close(
        hl.test?.statistic, model.hosmerLemeshow.statistic, 1e-6, "Hosmer-Lemeshow",
        recorder: recorder))
    #expect(hl.test?.degreesOfFreedom == model.hosmerLemeshow.df)
    #expect(Tolerance.closePValue(hl.test?.pValue, model.hosmerLemeshow.pValue, recorder: recorder))
    print("[\(name)] largest errors so far: \(recorder.summary)")
  }

  /// `sandwich::vcovCL(fit, cluster = ~patient_id, type = "HC0", cadjust = FALSE)`.
  @Test(
    "cluster-robust SEs equal sandwich::vcovCL HC0 without adjustment",
    arguments: [("diary", 60), ("teaching", 200)])
  func clusterRobust(name: String, clusters: Int) throws {
    let recorder = Self.recorder
    let (model, fit) = try Self.fit(name, variance: .clusterRobust)
    #expect(fit.variance == .robust)
    #expect(fit.clusterCount == clusters)
    for (ours, theirs) in zip(fit.coefficients, model.coefficients) {
      #expect(
        Tolerance.close(
          ours.standardError, theirs.robustStdError, Tolerance.coefficient, "robust SE",
          recorder: recorder),
        "\(theirs.term) robust SE \(String(describing: ours.standardError)) vs \(String(describing: theirs.robustStdError))"
      )
      #expect(
        Tolerance.close(
          ours.modelStandardError, theirs.stdError, Tolerance.coefficient, "std error",
          recorder: recorder))
      #expect(Tolerance.closePValue(ours.pValue, theirs.robustPValue, recorder: recorder))
      #expect(
        Tolerance.close(
          ours.confLow, theirs.robustConfLow, Tolerance.coefficient, "robust conf limit",
          recorder: recorder))
      #expect(
        Tolerance.close(
          ours.confHigh, theirs.robustConfHigh, Tolerance.coefficient, "robust conf limit",
          recorder: recorder))
      #expect(ours.intervalMethod == .waldRobust)
    }
    print("[robust \(name)] largest errors so far: \(recorder.summary)")
  }

  /// The teaching diary: rows with an empty `cramp` (unobserved nights) are dropped, as
  /// glm's `na.omit` drops them, and counted under `cramp`.
  @Test("teaching diary: unobserved nights dropped and counted as R's na.omit")
  func teachingDropped() throws {
    let (model, fit) = try Self.fit("teaching")
    #expect(fit.n == 16368 && model.n == 16368)
    #expect(fit.droppedRowCount == model.nDropped)
    #expect(fit.droppedByVariable == model.droppedByVariable)
    #expect(fit.diagnostics.isEmpty)
  }

  @Test("aliased columns are NA with a diagnostic, as R reports them")
  func aliased() throws {
    let (model, fit) = try Self.fit("collinear")
    #expect(fit.coefficients.filter { $0.estimate == nil }.map(\.term) == ["x3", "const"])
    #expect(fit.diagnostics.contains(.aliased(term: "x3")))
    #expect(fit.diagnostics.contains(.aliased(term: "const")))
    #expect(fit.droppedByVariable == model.droppedByVariable)
  }

  @Test("quasi-complete separation is diagnosed and names the separating term")
  func quasiSeparation() throws {
    let (_, fit) = try Self.fit("separation")
    #expect(fit.diagnostics.contains(.separation(terms: ["exposed"])))
  }

  @Test("complete separation: fitted probabilities 0/1 and every diverging term named")
  func completeSeparation() throws {
    let (model, fit) = try Self.fit("complete")
    #expect(model.warnings.contains("glm.fit: fitted probabilities numerically 0 or 1 occurred"))
    #expect(
      fit.diagnostics.contains {
        if case .fittedProbabilitiesZeroOrOne = $0 { true } else { false }
      })
    #expect(fit.diagnostics.contains(.separation(terms: ["(Intercept)", "x"])))
    #expect(fit.deviance < 1e-6)
  }
}
