/// A wide diary: one row per patient and one column per night (`night_1, night_2, ...` or
/// `2024-01-01, 2024-01-02, ...`), which must be reshaped to one row per patient-night.
public struct WideDiaryShape: Sendable, Equatable {
  /// The header's night columns, in file order.
  public let nightColumns: [String]
  /// The other columns (the patient id and baseline facts).
  public let idColumns: [String]
  /// Whether the night columns are named by dates rather than numbers.
  public let datedColumns: Bool
  /// The text the night columns' names share before their number (`night_`), if any.
  public let prefix: String

  /// The fewest night-like columns that make a header wide.
  public static let minimumNightColumns = 3

  /// The wide shape of a header, or `nil` when it has a `night` or `date` column or fewer
  /// than ``minimumNightColumns`` columns named like nights.
  ///
  /// A name is night-like when it is a date in one of the ``DateFormat`` forms, or a number
  /// after an optional `night`, `day`, `n` or `d` prefix (any case) and an optional
  /// `_`, `.`, `-` or space (`night_1`, `Night 2`, `d3`, `7`).
  public static func detect(header: [String]) -> WideDiaryShape? {
    if header.contains("night") || header.contains("date") { return nil }
    var nights: [String] = []
    var others: [String] = []
    var dated = 0
    var prefix: String?
    for name in header {
      if DateFormat.allCases.contains(where: { $0.parse(name) != nil }) {
        nights.append(name)
        dated += 1
      } else if let p = numberedPrefix(name) {
        nights.append(name)
        if prefix == nil { prefix = p }
      } else {
        others.append(name)
      }
    }
    guard nights.count >= minimumNightColumns else { return nil }
    return WideDiaryShape(
      nightColumns: nights, idColumns: others, datedColumns: dated * 2 > nights.count,
      prefix: prefix ?? "")
  }

  /// The prefix of `night_12`-style names (`night_`), or `nil` when the name is not one.
  static func numberedPrefix(_ name: String) -> String? {
    let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty else { return nil }
    let head = String(name.dropLast(digits.count))
    var stem = Substring(head.lowercased())
    if let last = stem.last, "_.- ".contains(last) { stem = stem.dropLast() }
    return ["", "night", "day", "n", "d"].contains(String(stem)) ? head : nil
  }

  /// How to reshape the file to the night-level layout: a pandas and an R one-liner.
  public var reshapeAdvice: String {
    let id = idColumns.first ?? "patient_id"
    let key = datedColumns ? "date" : "night"
    let pandasNames = idColumns.isEmpty ? "" : "id_vars=[\"\(id)\"], "
    var advice =
      "  pandas: df.melt(\(pandasNames)var_name=\"\(key)\", value_name=\"cramp\")"
      + ".to_csv(\"diary_nights.csv\", index=False)\n"
    let select = idColumns.isEmpty ? "everything()" : "-\(id)"
    let strip = !datedColumns && !prefix.isEmpty ? ", names_prefix = \"\(prefix)\"" : ""
    advice +=
      "  R:      tidyr::pivot_longer(df, \(select), names_to = \"\(key)\"\(strip), "
      + "values_to = \"cramp\")\n"
    advice +=
      (id == "patient_id" ? "then" : "then name the id column patient_id (or pass --id \(id)) and")
      + " check the result with 'crampstat validate'; the night-level layout is described in "
      + "Datasets/README.md"
    return advice
  }
}
