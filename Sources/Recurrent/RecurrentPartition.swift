import CrampData
import Formula
import Partials

/// A recurrent-event analysis over partitions of whole patients: the settings every
/// partition shares and each partition's layout, for `crampstat partial poisson`,
/// `recurrent --stream` and the Spark driver.
///
/// Every partition reshapes its own diary rows (a patient's rows never leave their
/// partition, so the union of the partitions' layouts is the whole diary's layout), then
/// designs the model formula on the layout with the agreed factor levels
/// (``PartitionDesign``). A night-indexed diary's time origin is the smallest night of the
/// whole diary: the first pass finds each partition's (``PartitionSchema/minimums``) and
/// later passes use the agreed one (``withOrigin(_:origin:)``).
public enum RecurrentPartition {
  /// The settings of a distributed recurrent analysis: `formula` (the model formula on the
  /// layout), `ref`, `missing`, `cluster` (`patient_id`, so a patient split across
  /// partitions is refused), and `recurrent` (model, right-hand side), `layout` (merge,
  /// multiple-cramp rule, origin, age-at-enrolment column), `count` and `variance`.
  /// - Throws: ``RecurrentError/formula(_:)`` for a formula that does not parse, or a
  ///   `cluster()` term (the robust variance is clustered by patient here).
  public static func settings(
    model: RecurrentModel, formula: String, options: RecurrentOptions
  ) throws(RecurrentError) -> [String: [String]] {
    let rhs: String
    if let tilde = formula.firstIndex(of: "~") {
      rhs = String(formula[formula.index(after: tilde)...]).trimmed()
    } else {
      rhs = formula.trimmed()
    }
    let right = rhs.isEmpty ? "1" : rhs
    do {
      let parsed = try Formula.parse("~ " + right)
      if !parsed.clusters.isEmpty {
        throw RecurrentError.formula(
          "cluster() is not supported by distributed recurrent fits: the robust variance is "
            + "clustered by patient")
      }
    } catch let error as RecurrentError {
      throw error
    } catch {
      throw .formula(String(describing: error))
    }
    let modelFormula = RecurrentDesign.modelFormula(
      right: right, model: model, options: options, hasCluster: false)
    var settings = PartitionDesign.settings(
      formula: modelFormula,
      references: options.references.map { "\($0.key)=\($0.value)" }, missing: options.missing,
      cluster: "patient_id")
    settings["recurrent"] = [model.rawValue, "~ " + right]
    let layout = options.layout
    settings["layout"] = [
      layout.mergeIntervals ? "merge" : "no-merge", layout.multipleCramps.rawValue,
      layout.origin.map(String.init) ?? "", layout.ageAtEnrolmentColumn ?? "",
    ]
    settings["count"] = [options.countOutcome.column]
    settings["variance"] = [options.robust ? "robust" : "model"]
    return settings
  }

  /// The model of `settings`.
  public static func model(_ settings: [String: [String]]) -> RecurrentModel? {
    settings["recurrent"]?.first.flatMap(RecurrentModel.init(rawValue:))
  }

  /// The right-hand side the user wrote (`~ x`).
  public static func formula(_ settings: [String: [String]]) -> String {
    settings["recurrent"].flatMap { $0.count > 1 ? $0[1] : nil } ?? "~ 1"
  }

  /// The options of `settings`.
  public static func options(_ settings: [String: [String]]) -> RecurrentOptions {
    var options = RecurrentOptions()
    let layout = settings["layout"] ?? []
    if layout.count == 4 {
      options.layout.mergeIntervals = layout[0] != "no-merge"
      options.layout.multipleCramps = MultipleCrampRule(rawValue: layout[1]) ?? .oneEventPerNight
      options.layout.origin = Int(layout[2])
      options.layout.ageAtEnrolmentColumn = layout[3].isEmpty ? nil : layout[3]
    }
    for item in settings["ref"] ?? [] {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      if parts.count == 2 { options.references[parts[0]] = parts[1] }
    }
    options.missing = settings["missing"]?.first == "fail" ? .fail : .drop
    options.robust = settings["variance"]?.first != "model"
    options.countOutcome =
      settings["count"]?.first == "cramp_nights" ? .crampNights : .cramps
    return options
  }

  /// `settings` with the agreed origin fixed (when the command line left it open).
  public static func withOrigin(_ settings: [String: [String]], origin: Double?)
    -> [String: [String]]
  {
    guard var layout = settings["layout"], layout.count == 4, layout[2].isEmpty,
      let origin, origin.isFinite, origin == origin.rounded()
    else { return settings }
    layout[2] = String(Int(origin))
    var fixed = settings
    fixed["layout"] = layout
    return fixed
  }

  /// The diary columns a partition must read.
  public static func diaryColumns(_ settings: [String: [String]]) -> [String] {
    ["patient_id", "night", "date", "cramp", "cramp_count", "observed"]
      + [options(settings).layout.ageAtEnrolmentColumn].compactMap { $0 }
  }

  /// One partition's layout of its diary rows, and its smallest night (for the origin).
  /// - Throws: ``RecurrentError`` for a layout problem.
  public static func layout(diary: Table, settings: [String: [String]]) throws(RecurrentError)
    -> (table: Table, covariates: [String], minimumNight: Double?)
  {
    guard let model = model(settings) else {
      throw .formula("the settings name no recurrent model")
    }
    let options = options(settings)
    let minimum = RecurrentLayout.defaultOrigin(of: diary, options: options.layout)
    let reshaped = try RecurrentDesign.layout(
      diary: diary, formula: formula(settings), model: model, options: options)
    return (reshaped.table, reshaped.covariates, minimum)
  }

  /// The first pass over one partition's diary: the schema of its layout, with its smallest
  /// night.
  public static func schema(partition: String, settings: [String: [String]], diary: Table)
    throws -> PartitionSchema
  {
    let (table, _, minimum) = try layout(diary: diary, settings: settings)
    // AG and PWP run the Cox state machine, whose schema is a `cox` one.
    let name = model(settings).map { $0.isCox ? "cox" : $0.rawValue } ?? ""
    var schema = try PartitionDesign.schema(
      model: name, partition: partition, settings: settings, table: table)
    if let minimum { schema.minimums["night"] = minimum }
    return schema
  }
}
