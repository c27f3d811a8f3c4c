import Foundation
import Recurrent
import Testing
import _TestSupport

@Suite("Poisson and negative binomial rate models against R")
struct RateRegressionTests {
  static func check(_ section: String, _ name: String) throws {
    let entry = try RecurrentReference.named(section, name)
    let call = entry["call"] as? String ?? name
    let model: RecurrentModel = section == "poisson" ? .poisson : .negativeBinomial
    let design = try RecurrentDesign.build(
      diary: try RecurrentReference.diary(entry),
      formula: try #require(entry["formula"] as? String), model: model)
    let fit = try RateRegression.fit(design)
    var errors: [Double] = []
    let estimates = entry.numbers("coefficients")
    #expect(fit.coefficients.count == estimates.count)
    for (k, c) in fit.coefficients.enumerated() where k < estimates.count {
      let what = "\(call) \(c.term)"
      errors.append(Tolerance.check(c.estimate, estimates[k], "\(what) coef"))
      errors.append(Tolerance.check(c.standardError, entry.numbers("std_error")[k], "\(what) se"))
      errors.append(
        Tolerance.check(
          c.modelStandardError, entry.numbers("model_std_error")[k], "\(what) model se"))
      errors.append(Tolerance.check(c.z, entry.numbers("z")[k], "\(what) z"))
      Tolerance.checkPValue(c.pValue, entry.numbers("p_value")[k], "\(what) p")
    }
    errors.append(Tolerance.check(fit.deviance, entry.number("deviance"), "\(call) deviance"))
    errors.append(
      Tolerance.check(fit.nullDeviance, entry.number("null_deviance"), "\(call) null deviance"))
    errors.append(Tolerance.check(fit.aic, entry.number("aic"), "\(call) AIC"))
    #expect(Double(fit.residualDegreesOfFreedom) == entry.number("df_residual"))
    #expect(fit.totalEvents == entry.number("total_cramps"))
    #expect(fit.totalNights == entry.number("total_nights"))
    if section == "negbin" {
      errors.append(Tolerance.check(fit.theta, entry.number("theta"), "\(call) theta"))
      errors.append(
        Tolerance.check(fit.thetaStandardError, entry.number("theta_se"), "\(call) SE theta"))
      errors.append(
        Tolerance.check(2 * fit.logLikelihood, entry.number("twologlik"), "\(call) 2 loglik"))
    } else {
      #expect(fit.isRobust)
      errors.append(Tolerance.check(fit.logLikelihood, entry.number("loglik"), "\(call) loglik"))
    }
    reportMaximum("\(section) \(name)", errors)
  }

  @Test("glm(poisson) + vcovCL(HC0)", arguments: RecurrentReference.names("poisson"))
  func poisson(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    try Self.check("poisson", name)
  }

  @Test("MASS::glm.nb", arguments: RecurrentReference.names("negbin"))
  func negativeBinomial(name argument: FixtureArgument<String>) throws {
    let name = try argument.value()
    try Self.check("negbin", name)
  }
}
