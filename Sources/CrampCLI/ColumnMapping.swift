import CrampData
import Foundation

/// A diary's own column names mapped to the night-level layout's roles, so that a file with
/// `id`, `Date` and `Cramp?` is read as `patient_id`, `date` and `cramp` without editing it.
///
/// The mapping comes from `--patient-id` (or `--id`), `--night`, `--date`, `--cramp` and a
/// mapping file (`--columns map.csv` or `map.json`); an option wins over the file. It is
/// applied by ``TableLoader`` as the header is read (``CSVOptions/renames``), so every command,
/// formula and layout sees role names only.
struct ColumnMapping: Equatable {
  /// Role name to the file's column name.
  var columnForRole: [String: String] = [:]

  /// The renames for ``CSVOptions/renames``: file name to role name.
  var renames: [String: String] {
    var out: [String: String] = [:]
    for (role, column) in columnForRole { out[column] = role }
    return out
  }

  /// The role a name given on the command line stands for: a mapped file column becomes its
  /// role (`--cluster id` with `--id id` is `patient_id`); other names are unchanged.
  func resolve(_ name: String) -> String { renames[name] ?? name }

  // MARK: Options

  /// `--id`: the patient id column, on the commands whose `--id` has no other meaning.
  static let id = OptionSpec.option(
    "id", value: "column",
    help: "The file's patient id column (read as patient_id; the same as --patient-id).")
  /// Commands whose own `--id` means something else (`logit --gee ... --id`): there only
  /// `--patient-id` maps the patient id.
  static let commandsWithOwnID: Set<String> = ["logit"]
  /// Commands whose own `--patient-id` means something else (`risk --patient-id P000123`, a
  /// training patient of a mixed model): there only `--id` maps the patient id column.
  static let commandsWithOwnPatientID: Set<String> = ["risk"]

  /// The mapping and date options, shared by every command that reads CSV.
  static let options: [OptionSpec] = [
    .option(
      "patient-id", value: "column", help: "The file's patient id column (read as patient_id)."),
    .option("night", value: "column", help: "The file's night index column (read as night)."),
    .option("date", value: "column", help: "The file's date column (read as date)."),
    .option("cramp", value: "column", help: "The file's cramp yes/no column (read as cramp)."),
    .option(
      "columns", value: "map",
      help:
        "Mapping file from roles to the file's columns: CSV with a 'role,column' header, or a "
        + "JSON object {\"patient_id\": \"id\", ...}; --id, --night, --date, --cramp win over it.",
      path: .input),
    .option(
      "date-format", value: "format",
      // No declared default, so that JSON parameters stay as they were without the option.
      help: "How the date column writes dates (default: YYYY-MM-DD).",
      allowed: DateFormat.allCases.map(\.rawValue)),
  ]

  /// Whether the run reads the diary through a mapping or a date format other than ISO, which
  /// tools that reread the file as it is (the `--notebook` cells) cannot replay.
  static func isInUse(_ parsed: ParsedArguments) throws(CLIError) -> Bool {
    let format = parsed.value("date-format") ?? DateFormat.iso.rawValue
    return try !from(parsed).columnForRole.isEmpty || format != DateFormat.iso.rawValue
  }

  /// The mapping given by the parsed options and the mapping file.
  ///
  /// - Throws: ``CLIError/noInput(_:)`` for a missing mapping file, ``CLIError/usage(_:command:)``
  ///   for a malformed one or two roles mapped to one column.
  static func from(_ parsed: ParsedArguments) throws(CLIError) -> ColumnMapping {
    var mapping = ColumnMapping()
    if let path = parsed.value("columns") {
      mapping = try read(path, command: parsed.command)
    }
    var flags: [(role: String, option: String)] = [
      ("patient_id", "patient-id"), ("night", "night"), ("date", "date"), ("cramp", "cramp"),
    ]
    if commandsWithOwnPatientID.contains(parsed.command) { flags.removeFirst() }
    if !commandsWithOwnID.contains(parsed.command) { flags.insert(("patient_id", "id"), at: 0) }
    for (role, option) in flags {
      guard let column = parsed.value(option) else { continue }
      mapping.columnForRole[role] = column
    }
    var roleOfColumn: [String: String] = [:]
    for role in mapping.columnForRole.keys.sorted() {
      guard let column = mapping.columnForRole[role] else { continue }
      if let other = roleOfColumn[column] {
        throw .usage(
          "Column '\(column)' is mapped to both '\(other)' and '\(role)'; map it to one role.",
          command: parsed.command)
      }
      roleOfColumn[column] = role
    }
    return mapping
  }

  /// Reads a mapping file: CSV `role,column` rows, or a JSON object of role to column.
  private static func read(_ path: String, command: String) throws(CLIError) -> ColumnMapping {
    guard FileManager.default.fileExists(atPath: path) else {
      throw .noInput("\(path): no such file (the --columns mapping)")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .io("\(path): cannot read the --columns mapping")
    }
    let bytes = [UInt8](data)
    var mapping = ColumnMapping()
    let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    if first == UInt8(ascii: "{") {
      let object = try? JSONSerialization.jsonObject(with: Data(bytes))
      guard let pairs = object as? [String: Any] else {
        throw .usage(
          "\(path): a JSON mapping must be one object of role to column.", command: command)
      }
      for (role, value) in pairs {
        guard let column = value as? String else {
          throw .usage(
            "\(path): role '\(role)' must map to a column name (a string).", command: command)
        }
        mapping.columnForRole[role] = column
      }
      return mapping
    }
    let table: Table
    do {
      table = try CSVReader.read(bytes: bytes, source: path).table
    } catch {
      throw .usage(error.description, command: command)
    }
    guard let roles = table["role"], let columns = table["column"] else {
      throw .usage(
        "\(path):1: a CSV mapping needs the header 'role,column' (found '"
          + table.columnNames.joined(separator: ",") + "')", command: command)
    }
    for row in 0..<table.rowCount {
      let line = table.lineNumbers[row]
      guard let role = roles.text(at: row), let column = columns.text(at: row) else {
        throw .usage("\(path):\(line): both role and column are needed", command: command)
      }
      if mapping.columnForRole[role] != nil {
        throw .usage("\(path):\(line): role '\(role)' is mapped twice", command: command)
      }
      mapping.columnForRole[role] = column
    }
    return mapping
  }
}

/// What a command expects of a CSV it loads, for the checks of ``BringYourOwnDiary``.
enum TableKind: Equatable {
  /// A night-level diary (`validate`, `report`, `recurrent`, `layout`): a wide file is refused.
  case nightDiary
  /// Any table (`describe`, the model commands): a wide file gets a warning.
  case table
  /// A side file (`--patients`): the column mapping applies only where the names exist.
  case sideTable
  /// A wide diary to reshape (`layout --from wide`).
  case wideDiary
}

/// `crampstat layout --from wide`: a one-row-per-patient file reshaped to the night level.
enum WideReshape {
  /// `--from nights|wide` (no declared default, so JSON parameters stay as they were).
  static let option = OptionSpec.option(
    "from", value: "shape",
    help:
      "Shape of <file>: a night-level diary (default), or 'wide': one row per patient and one "
      + "column per night (night_1, night_2, ... or dates), reshaped to the night level first.",
    allowed: ["nights", "wide"])

  /// The night-level diary of a wide table.
  ///
  /// - Throws: ``CLIError/data(_:)`` when the header has no night columns or a value is not
  ///   0/1 or a number.
  static func nights(_ table: Table) throws(CLIError) -> Table {
    guard let shape = WideDiaryShape.detect(header: table.columnNames) else {
      throw .data(
        "\(table.source):1: '--from wide' needs at least \(WideDiaryShape.minimumNightColumns) "
          + "columns named like nights (night_1, night_2, ... or dates) and no 'night' or 'date' "
          + "column [wide-layout]")
    }
    do {
      return try shape.reshape(table)
    } catch {
      throw .data(error.description)
    }
  }
}

/// Checks that turn the usual surprises of a diary from elsewhere into one clear error each.
enum BringYourOwnDiary {
  /// Refuses a table whose mapping names a column the file lacks, whose numbers are written
  /// with an unrequested decimal comma, or (for a night-level diary) that is wide.
  ///
  /// - Throws: ``CLIError/data(_:)`` (exit 65) with `file:line: column` and the rule id.
  static func check(_ result: CSVResult, options: CSVOptions, kind: TableKind) throws(CLIError) {
    let source = result.table.source
    if kind != .sideTable {
      for (column, role) in options.renames.sorted(by: { $0.value < $1.value })
      where !result.fileHeader.contains(column) {
        let hint =
          closestMatch(to: column, among: result.fileHeader).map { " Did you mean '\($0)'?" } ?? ""
        throw .data(
          "\(source):1: column '\(column)' (mapped to the role '\(role)') is not in the header; "
            + "the columns are: \(result.fileHeader.joined(separator: ", ")).\(hint) "
            + "[column-mapping]")
      }
    }
    if let warning = result.warnings.first(where: { $0.kind == .decimalCommaSuspected }) {
      let value = warning.message.split(separator: "'", omittingEmptySubsequences: false)
      let shown = value.count > 1 ? "'\(value[1])' " : ""
      throw .data(
        "\(source):\(warning.line): column '\(warning.column ?? "")': \(shown)is a number "
          + "written with a decimal comma in a '\(CSVByteName.name(result.delimiter))'-separated "
          + "file: pass '--decimal ,' to read the file's numbers (without it every distinct "
          + "value would be a factor level) [decimal-comma]")
    }
    if kind == .nightDiary, let wide = WideDiaryShape.detect(header: result.header) {
      throw .data(
        "\(source):1: \(wideSummary(wide)), not a night-level diary (one row per "
          + "patient-night) [wide-layout]. Reshape it first: 'crampstat layout "
          + "\(source) --from wide -o diary_nights.csv' (with the same column options), or "
          + "for example:\n" + advice(wide, result))
    }
  }

  /// The reshape one-liners, in the file's own column names (they run on the file as it is).
  static func advice(_ wide: WideDiaryShape, _ result: CSVResult) -> String {
    (WideDiaryShape.detect(header: result.fileHeader) ?? wide).reshapeAdvice
  }

  /// `the file is wide: one row per patient with 14 night columns (night_1 ... night_14)`.
  static func wideSummary(_ wide: WideDiaryShape) -> String {
    let names = wide.nightColumns
    let shown =
      names.count > 3
      ? "\(names[0]), \(names[1]) ... \(names[names.count - 1])" : names.joined(separator: ", ")
    return "the file is wide: one row per patient with \(names.count) "
      + (wide.datedColumns ? "date" : "night") + " columns (\(shown))"
  }
}

/// Names of delimiter bytes for messages.
enum CSVByteName {
  static func name(_ byte: UInt8) -> String {
    switch byte {
    case 0x09: "tab"
    default: String(UnicodeScalar(byte))
    }
  }
}
