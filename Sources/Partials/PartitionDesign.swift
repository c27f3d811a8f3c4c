import CrampData
import Formula

/// The design of one partition, built the same way in every pass and every partition: the
/// model settings of the first pass and, after it, the agreed factor levels.
public enum PartitionDesign {
  /// The settings a first pass records and every partition must share: `formula`, `ref`
  /// (sorted `var=level` items), `missing` and, when given, `cluster`.
  public static func settings(
    formula: String, references: [String], missing: DesignOptions.MissingPolicy,
    cluster: String?
  ) -> [String: [String]] {
    var settings: [String: [String]] = [
      "formula": [formula], "missing": [missing.rawValue], "ref": references.sorted(),
    ]
    if let cluster { settings["cluster"] = [cluster] }
    return settings
  }

  /// The formula text of `settings`.
  public static func formula(_ settings: [String: [String]]) -> String {
    settings["formula"]?.first ?? ""
  }

  /// The cluster column of `settings`, if any.
  public static func cluster(_ settings: [String: [String]]) -> String? {
    settings["cluster"]?.first.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// Design options from `settings` and the agreed `levels`.
  ///
  /// `levels` is `nil` in the first pass, which finds them. A partition may hold a single
  /// level of a factor.
  public static func options(_ settings: [String: [String]], levels: [String: [String]]?)
    -> DesignOptions
  {
    var options = DesignOptions(
      missing: settings["missing"]?.first == "fail" ? .fail : .drop, cluster: cluster(settings))
    for item in settings["ref"] ?? [] {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      if parts.count == 2 { options.references[parts[0]] = parts[1] }
    }
    if let levels { options.fixedLevels = levels }
    options.allowsSingleLevel = true
    return options
  }

  /// The first pass over one partition's table: rows used and dropped, each factor's levels
  /// with how they sort, and the patients (cluster labels).
  /// - Throws: ``FormulaError`` for a formula the table cannot satisfy;
  ///   ``PartialsError/unsupported(_:)`` for offsets and data-placed spline knots, which
  ///   one partition cannot reproduce.
  public static func schema(
    model: String, partition: String, settings: [String: [String]], table: Table
  ) throws -> PartitionSchema {
    let formula = try Formula.parse(formula(settings), columns: table.columnNames)
    // Only the Poisson state machine carries an offset (log nights) through its passes.
    if !formula.offsets.isEmpty, model != "poisson" {
      throw PartialsError.unsupported(
        "offset() terms are not supported by distributed fits yet; fit in memory")
    }
    let options = options(settings, levels: nil)
    var design: DesignMatrix?
    var dropped = 0
    if table.rowCount > 0 {
      do {
        design = try DesignMatrix.build(formula, table: table, options: options)
      } catch FormulaError.noCompleteRows(let count) {
        dropped = count
      }
    }
    if let design, !design.splineBases.isEmpty {
      throw PartialsError.unsupported(
        "ns()/bs() place their knots at quantiles of the whole data, which one partition "
          + "cannot see: give the knots explicitly (ns(x, knots = c(...))) or fit in memory")
    }
    var levels: [String: (kind: PartitionSchema.LevelKind, values: [String])] = [:]
    for (name, values) in design?.categoricalLevels ?? [:] {
      let isText = table[name].map { !$0.isNumeric } ?? false
      levels[name] = (isText ? .text : .number, values)
    }
    var schema = PartitionSchema(
      model: model, partition: partition, settings: settings,
      rows: design?.rowCount ?? 0, dropped: design?.droppedRowCount ?? dropped,
      droppedByVariable: design?.droppedByVariable ?? [:], levels: levels,
      patients: design?.clusters?.labels ?? (options.cluster == nil ? nil : []))
    // The status coding is R's judgement over the whole column: agreed here.
    if let status = design?.survival?.status.filter({ !$0.isNaN }), let low = status.min(),
      let high = status.max()
    {
      schema.minimums["status"] = low
      schema.maximums["status"] = high
    }
    return schema
  }

  /// One partition's design on the agreed levels; `nil` when no row is usable.
  public static func design(
    settings: [String: [String]], levels: [String: [String]], table: Table
  ) throws -> DesignMatrix? {
    let formula = try Formula.parse(formula(settings), columns: table.columnNames)
    guard table.rowCount > 0 else { return nil }
    do {
      return try DesignMatrix.build(
        formula, table: table, options: options(settings, levels: levels))
    } catch FormulaError.noCompleteRows {
      return nil
    }
  }
}
