import Foundation
import Testing

@testable import CrampCLI

/// The commands on diaries as users bring them (README "Bring your own diary").
@Suite("Bring your own diary: the commands")
struct BringYourOwnDiaryCommandTests {
  static let diary = repositoryPath("Datasets/byod/diary.csv")
  static let mapping = repositoryPath("Datasets/byod/columns.csv")
  static let flags = [
    "--id", "id", "--date", "Date", "--cramp", "Cramp?", "--date-format", "DD/MM/YYYY",
  ]

  /// The worked example rewritten in the house layout: ISO dates, 0/1 codings, role names.
  static func canonicalDiary() throws -> String {
    let lines = try TemporaryFile.read(diary).split(
      separator: "\n", omittingEmptySubsequences: false)
    var out = ["patient_id,date,cramp,severity,age,sex,stretch_bedtime"]
    for line in lines.dropFirst() where !line.isEmpty {
      var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      let d = f[1].split(separator: "/")
      f[1] = "\(d[2])-\(d[1])-\(d[0])"
      for k in [2, 6] { f[k] = f[k] == "yes" ? "1" : f[k] == "no" ? "0" : f[k] }
      out.append(f.joined(separator: ","))
    }
    return out.joined(separator: "\n") + "\n"
  }

  @Test("the worked example validates with options, a CSV mapping and a JSON mapping")
  func workedExampleValidates() throws {
    let json = try TemporaryFile.write(
      "{\"patient_id\": \"id\", \"date\": \"Date\", \"cramp\": \"Cramp?\"}", name: "map.json")
    for mapping in [
      Self.flags, ["--columns", Self.mapping, "--date-format", "DD/MM/YYYY"],
      ["--columns", json, "--date-format", "DD/MM/YYYY"],
    ] {
      let r = runCLI(["validate", Self.diary, "--strict"] + mapping)
      #expect(r.status == 0, "\(mapping): \(r.err)")
      #expect(r.out.hasSuffix("nights layout, 124 rows: 0 errors, 0 warnings\n"))
    }
  }

  @Test("without a mapping the example is refused with the options to pass")
  func workedExampleNeedsMapping() {
    let r = runCLI(["validate", Self.diary])
    #expect(r.status == 65)
    #expect(r.err.contains("map the file's own names with --id"))
    let dates = runCLI([
      "validate", Self.diary, "--id", "id", "--date", "Date", "--cramp", "Cramp?",
    ])
    #expect(dates.status == 65)
    #expect(
      dates.err
        == "Error: \(Self.diary):2: column 'date': '16/12/2024' is not a date written YYYY-MM-DD; "
        + "the column's values look like DD/MM/YYYY: pass '--date-format DD/MM/YYYY' [date-format]\n"
    )
  }

  @Test(
    "every diary command reads the mapped example",
    arguments: [
      ["describe"], ["report", "--no-charts"], ["layout", "--to", "ag"],
      ["recurrent", "--model", "ag", "--formula", "~ age + stretch_bedtime"],
      ["logit", "--formula", "cramp ~ age + stretch_bedtime", "--cluster", "patient_id"],
      ["cox", "--formula", "Surv(age, cramp) ~ stretch_bedtime"],
    ])
  func everyCommand(command: [String]) {
    let r = runCLI(
      [command[0], Self.diary] + command.dropFirst() + [
        "--columns", Self.mapping, "--date-format", "DD/MM/YYYY",
      ])
    #expect(r.status == 0, "\(command): \(r.err)")
  }

  @Test("the models give the same numbers as on the same diary written 0/1 with ISO dates")
  func sameNumbersAsCanonical() throws {
    let canonical = try TemporaryFile.write(try Self.canonicalDiary(), name: "canonical.csv")
    for command in [
      ["logit", "--formula", "cramp ~ age + stretch_bedtime", "--cluster", "patient_id"],
      ["recurrent", "--model", "ag", "--formula", "~ age + stretch_bedtime"],
      ["validate"],
    ] {
      // `--patient-id`, as `logit`'s own `--id` names GEE clusters.
      // The two paths differ in length: a wide width keeps the wrapping out of the comparison.
      let wide = ["COLUMNS": "300"]
      let mine = runCLI(
        [command[0], Self.diary] + command.dropFirst() + ["--patient-id"] + Self.flags.dropFirst(),
        environment: wide)
      let house = runCLI([command[0], canonical] + command.dropFirst(), environment: wide)
      #expect(mine.status == house.status)
      #expect(
        mine.out.replacingOccurrences(of: Self.diary, with: "FILE")
          == house.out.replacingOccurrences(of: canonical, with: "FILE"), "\(command)")
    }
  }

  @Test("logit keeps --id for GEE clusters; --patient-id maps the column, --id id resolves to it")
  func logitKeepsGEEID() {
    let base = [
      "logit", Self.diary, "--patient-id", "id", "--date", "Date", "--cramp", "Cramp?",
      "--date-format", "DD/MM/YYYY", "--formula", "cramp ~ age", "--gee", "exchangeable",
    ]
    let byRole = runCLI(base + ["--id", "patient_id"])
    #expect(byRole.status == 0, "\(byRole.err)")
    let byFileName = runCLI(base + ["--id", "id"])
    #expect(byFileName.status == 0, "\(byFileName.err)")
    let spec = LogitCommand.spec.options.filter { $0.name == "id" }
    #expect(spec.count == 1)
    #expect(spec.first?.help.contains("--gee") == true)
  }

  @Test("no command declares an option twice")
  func uniqueOptions() {
    for spec in CLI.commands {
      let names = spec.options.map(\.name)
      #expect(Set(names).count == names.count, "\(spec.name): \(names)")
    }
  }

  @Test("a mapped column the file does not have is named, with a suggestion")
  func unknownMappedColumn() {
    let r = runCLI([
      "validate", Self.diary, "--id", "ID", "--date", "Date", "--date-format", "DD/MM/YYYY",
    ])
    #expect(r.status == 65)
    #expect(
      r.err.contains(
        "\(Self.diary):1: column 'ID' (mapped to the role 'patient_id') is not in the header"))
    #expect(r.err.contains("Did you mean 'id'?"))
    #expect(r.err.contains("[column-mapping]"))
    let missing = runCLI(["validate", Self.diary, "--columns", "/nonexistent/map.csv"])
    #expect(missing.status == 66)
  }

  @Test("a third value or a second coding in cramp is an error naming file, line and column")
  func binaryErrors() throws {
    let third = try TemporaryFile.write("patient_id,night,cramp\nA,0,yes\nA,1,no\nA,2,sometimes\n")
    let r = runCLI(["validate", third])
    #expect(r.status == 65)
    #expect(
      r.err.hasPrefix(
        "Error: \(third):4: column 'cramp': 'sometimes' does not belong to the column's yes/no coding"
      ))
    let mixed = try TemporaryFile.write("patient_id,night,cramp\nA,0,Y\nA,1,no\n")
    #expect(runCLI(["validate", mixed]).err.contains(":3: column 'cramp': 'no'"))
  }

  @Test("an Excel ';' export with decimal commas is refused until --decimal , is given")
  func excelDecimalComma() throws {
    var rows = ["patient_id;night;cramp;magnesium_mg"]
    for k in 0..<300 {
      rows.append("P\(k / 30);\(k % 30);\(k % 4 == 0 ? 1 : 0);\(200 + k),\(k % 10)")
    }
    let path = try TemporaryFile.write(rows.joined(separator: "\r\n") + "\r\n")
    let refused = runCLI(["report", path, "--no-charts"])
    #expect(refused.status == 65)
    #expect(
      refused.err
        == "Error: \(path):2: column 'magnesium_mg': '200,0' is a number written with a decimal "
        + "comma in a ';'-separated file: pass '--decimal ,' to read the file's numbers (without "
        + "it every distinct value would be a factor level) [decimal-comma]\n")
    let read = runCLI(["report", path, "--no-charts", "--decimal", ","])
    #expect(read.status == 0, "\(read.err)")
  }

  @Test("a text column with hundreds of levels is refused as a factor, naming it")
  func highCardinalityFactor() throws {
    var rows = ["patient_id,night,cramp,note"]
    for k in 0..<120 { rows.append("P\(k / 12),\(k % 12),\(k % 3 == 0 ? 1 : 0),note \(k)") }
    let path = try TemporaryFile.write(rows.joined(separator: "\n") + "\n")
    let r = runCLI(["logit", path, "--formula", "cramp ~ note"])
    #expect(r.status == 65)
    #expect(
      r.err.hasPrefix("Error: \(path):52: column 'note': a text column with 120 distinct values"))
    #expect(r.err.contains("[high-cardinality-factor]"))
  }

  @Test("UTF-16 LE and BE files with a byte-order mark are read", arguments: [true, false])
  func utf16(littleEndian: Bool) throws {
    let text = try TemporaryFile.read(Self.diary)
    var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
    for unit in text.utf16 {
      let pair = [UInt8(truncatingIfNeeded: unit), UInt8(truncatingIfNeeded: unit >> 8)]
      bytes += littleEndian ? pair : pair.reversed()
    }
    let path = try TemporaryFile.path("utf16.csv")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let r = runCLI(["validate", path] + Self.flags)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasSuffix("nights layout, 124 rows: 0 errors, 0 warnings\n"))
  }

  @Test("a wide file gets the reshape one-liners; describe only warns")
  func wideFile() throws {
    let path = try TemporaryFile.write(
      "patient_id,night_1,night_2,night_3,night_4\nP1,0,1,0,1\nP2,1,1,0,0\n")
    for command in ["validate", "report", "layout", "recurrent"] {
      var arguments = [command, path]
      if command == "layout" { arguments += ["--to", "ag"] }
      let r = runCLI(arguments)
      #expect(r.status == 65, "\(command)")
      #expect(
        r.err.contains("\(path):1: the file is wide: one row per patient with 4 night columns"))
      #expect(r.err.contains("[wide-layout]"))
      #expect(
        r.err.contains(
          "df.melt(id_vars=[\"patient_id\"], var_name=\"night\", value_name=\"cramp\")"))
      #expect(
        r.err.contains(
          "tidyr::pivot_longer(df, -patient_id, names_to = \"night\", names_prefix = \"night_\""))
    }
    let described = runCLI(["describe", path])
    #expect(described.status == 0)
    #expect(described.err.hasPrefix("Warning: \(path):1: the file is wide"))
  }

  @Test("the worked example's README commands run")
  func readmeCommands() {
    let root = repositoryPath("")
    let r = runCLI(
      [
        "report", "Datasets/byod/diary.csv", "--columns", "Datasets/byod/columns.csv",
        "--date-format", "DD/MM/YYYY", "--no-charts",
      ],
      cwd: root)
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.out.contains("patients                                                             6"))
  }

  @Test("layout --from wide reshapes to the night level, which validates and feeds --to")
  func layoutFromWide() throws {
    let path = try TemporaryFile.write("pid,night_1,night_2,night_3\nP1,no,yes,\nP2,yes,no,no\n")
    let long = runCLI(["layout", path, "--from", "wide", "--id", "pid"])
    #expect(long.status == 0, "\(long.err)")
    #expect(long.out == "patient_id,night,cramp\nP1,1,0\nP1,2,1\nP1,3,\nP2,1,1\nP2,2,0\nP2,3,0\n")
    let written = try TemporaryFile.path("long.csv")
    #expect(runCLI(["layout", path, "--from", "wide", "--id", "pid", "-o", written]).status == 0)
    #expect(runCLI(["validate", written, "--strict"]).status == 65)  // the empty night warns
    let first = runCLI(["layout", path, "--from", "wide", "--id", "pid", "--to", "first"])
    #expect(first.status == 0, "\(first.err)")
    #expect(first.out.hasPrefix("patient_id,time,event"))
    let notWide = runCLI(["layout", Self.diary, "--from", "wide"])
    #expect(notWide.status == 65)
    #expect(notWide.err.contains("[wide-layout]"))
  }

  /// Fresh files as other tools write them, with the options that read them.
  static let freshFiles: [(text: String, options: [String])] = [
    (
      "subject,Night,Cramped\nS1,0,Y\nS1,1,n\nS2,0,N\n",
      ["--id", "subject", "--night", "Night", "--cramp", "Cramped"]
    ),
    (
      "id,visit_date,cramp\n7,12/30/2024,1\n7,12/31/2024,0\n8,1/2/2025,1\n",
      ["--id", "id", "--date", "visit_date", "--date-format", "MM/DD/YYYY"]
    ),
    (
      "patient,day,cramp,stretch\nA,20241230,TRUE,false\nA,20241231,False,true\n",
      ["--id", "patient", "--date", "day", "--date-format", "YYYYMMDD"]
    ),
    (
      "patient_id,date,cramp\nA,18.12.2024,yes\nA,19.12.2024,no\n", ["--date-format", "DD/MM/YYYY"]
    ),
  ]

  @Test("fresh files with other names, date formats and codings validate cleanly", arguments: 0..<4)
  func freshFile(index: Int) throws {
    let (text, options) = Self.freshFiles[index]
    let path = try TemporaryFile.write(text)
    let r = runCLI(["validate", path, "--strict"] + options)
    #expect(r.status == 0, "\(text): \(r.err)")
    #expect(r.out.hasSuffix(": 0 errors, 0 warnings\n"))
    let described = runCLI(["describe", path, "--format", "csv"] + options)
    #expect(described.out.contains("cramp,boolean,"), "\(described.out)")
  }

  @Test("report --notebook with a mapping is refused (its Python cells reread the file as it is)")
  func notebookNeedsHouseLayout() throws {
    let notebook = try TemporaryFile.path("byod.ipynb")
    let r = runCLI(
      [
        "report", Self.diary, "--notebook", notebook, "--columns", Self.mapping, "--date-format",
        "DD/MM/YYYY",
      ])
    #expect(r.status == 64)
    #expect(r.err.contains("'--notebook' writes Python cells that read the diary as it is"))
    #expect(!FileManager.default.fileExists(atPath: notebook))
  }
}
