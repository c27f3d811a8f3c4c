/// Aalen-Johansen curves of competing causes, one per group (see ``CumulativeIncidence``).
public struct CumulativeIncidenceFit: Sendable, Equatable {
  /// One time of a curve.
  public struct Step: Sendable, Equatable {
    public var time: Double
    /// Subjects at risk just before `time`.
    public var atRisk: Double
    /// Events of each cause at `time` (order of ``CumulativeIncidenceFit/causes``).
    public var events: [Double]
    public var censored: Double
    /// Probability of no event yet (survfit's `pstate[, 1]`).
    public var survival: Double
    public var survivalStandardError: Double
    /// Cumulative incidence of each cause.
    public var incidence: [Double]
    /// Infinitesimal-jackknife standard errors of ``incidence``.
    public var standardError: [Double]
    /// Log intervals of ``incidence`` (`nil` while the incidence is 0).
    public var confLow: [Double?]
    public var confHigh: [Double?]
    public var survivalConfLow: Double?
    public var survivalConfHigh: Double?
  }

  /// One group's curves.
  public struct Curve: Sendable, Equatable {
    public var label: String
    /// Subjects in the group.
    public var n: Int
    /// Events of each cause in the group.
    public var eventsByCause: [Double]
    public var steps: [Step]

    /// The step in force at `time` (the last at or before it), `nil` before the first.
    public func step(at time: Double) -> Step? {
      steps.last { $0.time <= time }
    }
  }

  /// The causes reported, ascending (status codes).
  public var causes: [Int]
  public var curves: [Curve]
  public var confidenceLevel: Double
  /// Gray's test between the groups for each cause with events (empty for one group).
  public var grayTests: [GrayTest]
}
