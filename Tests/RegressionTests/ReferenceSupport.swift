import CrampData
import Foundation
import Testing
import _TestSupport

/// Tests/Reference (the shared fixture directory).
enum ReferencePaths {
  static var directory: URL { Fixture.directory }
}

/// Reads a fixture CSV with the product's reader (default options: `""` and `NA` missing).
func readFixture(_ relativePath: String) throws -> Table {
  let path = ReferencePaths.directory.appendingPathComponent(relativePath).path
  return try CSVReader.read(path: path).table
}

/// The JSON written by Tests/Reference/logistic.R.
struct LogisticReference: Decodable {
  let rVersion: String
  let models: [String: Model]
  let twoByTwoProfile: TwoByTwoProfile

  enum CodingKeys: String, CodingKey {
    case rVersion = "r_version"
    case models
    case twoByTwoProfile = "two_by_two_profile"
  }

  struct Model: Decodable {
    let formula: String
    let data: String
    let n: Int
    let nDropped: Int
    let converged: Bool
    let iterations: Int
    let rank: Int
    let deviance: Double
    let nullDeviance: Double
    let aic: Double
    let logLikelihood: Double
    let nullLogLikelihood: Double
    let dfResidual: Int
    let dfNull: Int
    let likelihoodRatio: Test
    let coefficients: [Coefficient]
    let auc: AUC
    let hosmerLemeshow: HL
    let warnings: [String]
    let calls: [String: String]
    let firth: Firth?
    let cluster: String?
    let droppedByVariable: [String: Int]?
    let profileCI: [Interval]?
    let exactProfileCI: [Interval]?
    let geeExchangeable: GEE?
    let geeExchangeableConverged: GEE?
    let geeIndependenceStdError: [Double]?

    enum CodingKeys: String, CodingKey {
      case formula, data, n, converged, iterations, rank, deviance, aic, coefficients, auc,
        warnings, calls, firth, cluster
      case profileCI = "profile_ci"
      case exactProfileCI = "exact_profile_ci"
      case geeExchangeable = "gee_exchangeable"
      case geeExchangeableConverged = "gee_exchangeable_converged"
      case geeIndependenceStdError = "gee_independence_std_error"
      case nDropped = "n_dropped"
      case nullDeviance = "null_deviance"
      case logLikelihood = "log_likelihood"
      case nullLogLikelihood = "null_log_likelihood"
      case dfResidual = "df_residual"
      case dfNull = "df_null"
      case likelihoodRatio = "likelihood_ratio"
      case hosmerLemeshow = "hosmer_lemeshow"
      case droppedByVariable = "dropped_by_variable"
    }
  }

  /// One profile interval (`confint` or the script's exact roots).
  struct Interval: Decodable {
    let term: String
    let confLow: Double?
    let confHigh: Double?
    enum CodingKeys: String, CodingKey {
      case term
      case confLow = "conf_low"
      case confHigh = "conf_high"
    }
  }

  /// `geepack::geeglm` estimates, sandwich SEs, working correlation and scale.
  struct GEE: Decodable {
    let estimate: [Double]
    let stdError: [Double]
    let alpha: Double
    let scale: Double
    enum CodingKeys: String, CodingKey {
      case estimate, alpha, scale
      case stdError = "std_error"
    }
  }

  /// The 2x2 table's profile limits by an independent root finder, and MASS's.
  struct TwoByTwoProfile: Decodable {
    let terms: [String]
    let confLow: [Double]
    let confHigh: [Double]
    let massConfLow: [Double]
    let massConfHigh: [Double]
    enum CodingKeys: String, CodingKey {
      case terms
      case confLow = "conf_low"
      case confHigh = "conf_high"
      case massConfLow = "mass_conf_low"
      case massConfHigh = "mass_conf_high"
    }
  }

  struct Test: Decodable {
    let statistic: Double?
    let df: Int
    let pValue: Double?
    enum CodingKeys: String, CodingKey {
      case statistic, df
      case pValue = "p_value"
    }
  }

  struct Coefficient: Decodable {
    let term: String
    let estimate: Double?
    let stdError: Double?
    let z: Double?
    let pValue: Double?
    let logPValue: Double?
    let confLow: Double?
    let confHigh: Double?
    let robustStdError: Double?
    let robustPValue: Double?
    let robustConfLow: Double?
    let robustConfHigh: Double?
    enum CodingKeys: String, CodingKey {
      case term, estimate, z
      case stdError = "std_error"
      case pValue = "p_value"
      case logPValue = "log_p_value"
      case confLow = "conf_low"
      case confHigh = "conf_high"
      case robustStdError = "robust_std_error"
      case robustPValue = "robust_p_value"
      case robustConfLow = "robust_conf_low"
      case robustConfHigh = "robust_conf_high"
    }
  }

  struct AUC: Decodable {
    let estimate: Double
    let confLow: Double
    let confHigh: Double
    enum CodingKeys: String, CodingKey {
      case estimate
      case confLow = "conf_low"
      case confHigh = "conf_high"
    }
  }

  struct HL: Decodable {
    let statistic: Double?
    let df: Int
    let pValue: Double?
    let groups: [Group]
    enum CodingKeys: String, CodingKey {
      case statistic, df, groups
      case pValue = "p_value"
    }
    struct Group: Decodable {
      let n: Int
      let meanPredicted: Double?
      let observedEvents: Double
      let expectedEvents: Double
      enum CodingKeys: String, CodingKey {
        case n
        case meanPredicted = "mean_predicted"
        case observedEvents = "observed_events"
        case expectedEvents = "expected_events"
      }
    }
  }

  struct Firth: Decodable {
    let penalizedLogLikelihood: Double
    let likelihoodRatio: Test
    let coefficients: [FirthCoefficient]
    enum CodingKeys: String, CodingKey {
      case coefficients
      case penalizedLogLikelihood = "penalized_log_likelihood"
      case likelihoodRatio = "likelihood_ratio"
    }
  }

  struct FirthCoefficient: Decodable {
    let term: String
    let estimate: Double
    let stdError: Double
    let confLow: Double
    let confHigh: Double
    let lrStatistic: Double
    let pValue: Double
    enum CodingKeys: String, CodingKey {
      case term, estimate
      case stdError = "std_error"
      case confLow = "conf_low"
      case confHigh = "conf_high"
      case lrStatistic = "lr_statistic"
      case pValue = "p_value"
    }
  }

  /// The fixture; throws a `FixtureError` naming the file when it is missing, unparseable or
  /// holds no model.
  static func load() throws -> LogisticReference {
    let reference = try Fixture.decode(LogisticReference.self, from: "logistic.json")
    try Fixture.requireCases(reference.models, in: "logistic.json", what: "models")
    return reference
  }
}
