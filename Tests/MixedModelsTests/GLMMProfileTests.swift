import Foundation
import Testing
import _TestSupport

@testable import MixedModels

/// Profile-likelihood intervals of the random-intercept SD against
/// Tests/Reference/glmer_profile.json (Tests/Reference/glmer_profile.R).
@Suite("profile interval of the random-intercept SD as lme4's confint")
struct GLMMProfileTests {
  struct Case: Decodable {
    let name: String
    let theta: Double
    let limits: [Double]
    let confintLimits: [Double]

    enum CodingKeys: String, CodingKey {
      case name, theta, limits
      case confintLimits = "confint_limits"
    }
  }

  struct ProfileFile: Decodable {
    let cases: [Case]
  }

  static func cases() throws -> [Case] {
    let file = try Fixture.decode(ProfileFile.self, from: "glmer_profile.json")
    try Fixture.requireCases(file.cases, in: "glmer_profile.json", what: "cases")
    return file.cases
  }

  @Test("the fixture is present and holds its cases")
  func fixturePresent() throws {
    #expect(try Self.cases().count == 3)
  }

  @Test(
    "limits equal R's profile roots",
    arguments: ["cbpp_laplace", "cbpp_cloglog", "bacteria_laplace"])
  func limits(name: String) throws {
    let reference = try #require(try Self.cases().first { $0.name == name })
    let prepared = try PreparedModel(name)
    var model = prepared.model
    model.profileStandardDeviation = true
    let fit = try model.fit(prepared.design, random: prepared.random)
    let profile = try #require(fit.interceptStandardDeviationProfile)
    #expect(Tolerance.relativeError(fit.theta[0], reference.theta) < 1e-5)
    let gaps = zip(profile, reference.limits).map {
      $1 == 0 ? abs($0) : Tolerance.relativeError($0, $1)
    }
    let confintGaps = zip(profile, reference.confintLimits).map { Tolerance.relativeError($0, $1) }
    print("profile \(name): vs R roots \(gaps), vs confint \(confintGaps)")
    for (ours, theirs) in zip(profile, reference.limits) {
      let error = theirs == 0 ? abs(ours) : Tolerance.relativeError(ours, theirs)
      #expect(error < Tolerance.glmmProfileRoot, "\(name): \(ours) vs R \(theirs)")
    }
    for (ours, theirs) in zip(profile, reference.confintLimits) where theirs > 0 {
      #expect(Tolerance.relativeError(ours, theirs) < Tolerance.glmmConfint, "\(name) vs confint")
    }
    // The interval holds the estimate.
    #expect(profile[0] < fit.theta[0] && fit.theta[0] < profile[1])
  }

  @Test("without the option no profile is computed")
  func optIn() throws {
    let prepared = try PreparedModel("cbpp_laplace")
    let fit = try prepared.model.fit(prepared.design, random: prepared.random)
    #expect(fit.interceptStandardDeviationProfile == nil)
    #expect(fit.interceptStandardDeviationInterval != nil)
  }
}
