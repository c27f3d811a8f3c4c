import Formula
import Testing
import _TestSupport

@testable import Regression

/// Firth fits against `firth_reference()` in Tests/Reference/logistic.R (Heinze & Schemper
/// 2002 written from the paper, logistf semantics: full-design penalty in restricted fits,
/// profile penalized-likelihood intervals, penalized LR tests).
@Suite("Firth penalized likelihood vs the reference script")
struct FirthReferenceTests {
  @Test(
    "estimates, SEs, profile limits, penalized LR tests",
    arguments: ["separation", "complete", "diary"])
  func matchesReference(name: String) throws {
    let recorder = LogisticReferenceTests.recorder
    let (model, fit) = try LogisticReferenceTests.fit(name, firth: true)
    let reference = try #require(model.firth)
    #expect(fit.isFirth)
    #expect(fit.converged)
    #expect(fit.coefficients.map(\.term) == reference.coefficients.map(\.term))
    for (ours, theirs) in zip(fit.coefficients, reference.coefficients) {
      #expect(
        Tolerance.close(
          ours.estimate, theirs.estimate, Tolerance.firth, "Firth estimate", recorder: recorder),
        "\(name) \(theirs.term)")
      #expect(
        Tolerance.close(
          ours.standardError, theirs.stdError, Tolerance.firth, "Firth SE", recorder: recorder))
      #expect(
        Tolerance.close(
          ours.confLow, theirs.confLow, Tolerance.firth, "Firth profile limit", recorder: recorder),
        "\(name) \(theirs.term) low \(String(describing: ours.confLow)) vs \(theirs.confLow)")
      #expect(
        Tolerance.close(
          ours.confHigh, theirs.confHigh, Tolerance.firth, "Firth profile limit", recorder: recorder
        ),
        "\(name) \(theirs.term) high \(String(describing: ours.confHigh)) vs \(theirs.confHigh)")
      #expect(
        Tolerance.close(
          ours.pValue, theirs.pValue, Tolerance.firth, "Firth LR p-value", recorder: recorder),
        "\(name) \(theirs.term) p")
      // logistf's Chisq column: the statistic behind the p-value, not a Wald z.
      #expect(
        Tolerance.close(
          ours.likelihoodRatioStatistic, theirs.lrStatistic, Tolerance.firth,
          "Firth LR statistic", recorder: recorder),
        "\(name) \(theirs.term) chisq")
      #expect(ours.intervalMethod == .profilePenalizedLikelihood)
    }
    #expect(
      Tolerance.close(
        fit.penalizedLogLikelihood, reference.penalizedLogLikelihood, Tolerance.likelihood,
        "penalized loglik", recorder: recorder))
    #expect(
      Tolerance.close(
        fit.likelihoodRatio?.statistic, reference.likelihoodRatio.statistic, Tolerance.firth,
        "Firth LR statistic", recorder: recorder))
    #expect(fit.likelihoodRatio?.degreesOfFreedom == reference.likelihoodRatio.df)
    print("[firth \(name)] largest errors so far: \(recorder.summary)")
  }

  @Test("Firth with cluster-robust variance is refused")
  func robustRefused() throws {
    #expect(
      throws: RegressionError.unsupported("cluster-robust variance with Firth's penalized fit")
    ) {
      _ = try LogisticReferenceTests.fit("diary", variance: .clusterRobust, firth: true)
    }
  }
}
