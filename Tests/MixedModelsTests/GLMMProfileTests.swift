import Foundation
import Testing

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

  struct Fixture: Decodable {
    let cases: [Case]
  }

  /// The direct roots in R (nlminb profile over beta, uniroot to 1e-10) and ours (chord
  /// Newton over beta to a decrement of 1e-9, Illinois to 1e-6 relative in theta): measured
  /// gaps 2e-11 to 3e-7 relative (the largest on cloglog, whose R deviance differs from ours
  /// by 5e-9 relative: lme4's PIRLS stops at tolPwrss); 1e-5 leaves room for the stopping
  /// points.
  static let rootTolerance = 1e-5
  /// lme4's confint interpolates a spline through a profile grid: measured gaps 6e-6 to
  /// 6e-4 relative against ours.
  static let confintTolerance = 5e-3

  static func cases() throws -> [Case] {
    let url = GLMMReference.directory.appendingPathComponent("glmer_profile.json")
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    guard fixture.cases.count >= 3 else { throw GLMMReference.FixtureError.empty(url.path) }
    return fixture.cases
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
    #expect(relativeError(fit.theta[0], reference.theta) < 1e-5)
    let gaps = zip(profile, reference.limits).map { $1 == 0 ? abs($0) : relativeError($0, $1) }
    let confintGaps = zip(profile, reference.confintLimits).map { relativeError($0, $1) }
    print("profile \(name): vs R roots \(gaps), vs confint \(confintGaps)")
    for (ours, theirs) in zip(profile, reference.limits) {
      let error = theirs == 0 ? abs(ours) : relativeError(ours, theirs)
      #expect(error < Self.rootTolerance, "\(name): \(ours) vs R \(theirs)")
    }
    for (ours, theirs) in zip(profile, reference.confintLimits) where theirs > 0 {
      #expect(relativeError(ours, theirs) < Self.confintTolerance, "\(name) vs confint")
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
