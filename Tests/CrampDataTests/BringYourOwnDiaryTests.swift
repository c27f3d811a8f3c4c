import Testing

@testable import CrampData

/// Files as new users bring them, read with the options `crampstat` sets.
///
/// Their own column names, day-first dates, yes/no codings, UTF-16 from Excel, one row per
/// patient.
@Suite("Bring your own diary: reading other people's files")
struct BringYourOwnDiaryTests {
  /// The options `crampstat` uses, with a rename map and a date format.
  static func diaryOptions(
    renames: [String: String] = [:], dateFormat: DateFormat = .iso
  ) -> CSVOptions {
    CSVOptions(
      renames: renames, dateFormat: dateFormat, dateColumns: ["date"], binaryWords: true,
      binaryColumns: DiaryLayout.binaryColumns)
  }

  static let clinicExport = """
    id,Date,Cramp?,stretching
    A01,16/12/2024,no,No
    A01,17/12/2024,yes,no
    A02,31/12/2024,YES,yes
    A02,01/01/2025,,Yes

    """

  @Test("renamed columns, day-first dates and yes/no read as the layout's roles")
  func clinicExportReads() throws {
    let options = Self.diaryOptions(
      renames: ["id": "patient_id", "Date": "date", "Cramp?": "cramp"],
      dateFormat: .dayMonthYear)
    let result = try readCSV(Self.clinicExport, options: options)
    let table = result.table
    #expect(table.columnNames == ["patient_id", "date", "cramp", "stretching"])
    #expect(result.fileHeader == ["id", "Date", "Cramp?", "stretching"])
    #expect(table["date"]?.type == .date)
    #expect(texts(table["date"]) == ["2024-12-16", "2024-12-17", "2024-12-31", "2025-01-01"])
    #expect(table["cramp"]?.type == .boolean)
    #expect(texts(table["cramp"]) == ["0", "1", "1", nil])
    #expect(table["stretching"]?.type == .boolean)
    #expect(texts(table["stretching"]) == ["0", "0", "1", "1"])
    #expect(DiaryValidator.validate(table, layout: .nights).filter { $0.severity == .error } == [])
  }

  @Test("projection and numeric columns name the new names")
  func projectionUsesRoles() throws {
    var options = Self.diaryOptions(renames: ["Cramp?": "cramp"], dateFormat: .dayMonthYear)
    options.columns = ["cramp"]
    let table = try readCSV(Self.clinicExport, options: options).table
    #expect(table.columnNames == ["cramp"])
  }

  @Test("a rename onto a name the file already has is refused")
  func renameConflict() {
    let error = csvError {
      try readCSV(
        "id,patient_id,night\n1,2,0\n", options: Self.diaryOptions(renames: ["id": "patient_id"]))
    }
    #expect(error == .mappingConflict(source: "t.csv", name: "patient_id", column: "id"))
    #expect(error?.exitCode == 65)
    #expect(error?.description.hasSuffix("[mapping-conflict]") == true)
  }

  // MARK: Dates

  @Test(
    "each date format reads its own spelling",
    arguments: [
      (DateFormat.iso, "2024-12-18"), (.dayMonthYear, "18/12/2024"), (.dayMonthYear, "18.12.2024"),
      (.dayMonthYear, "8/1/2025"), (.monthDayYear, "12/18/2024"), (.compact, "20241218"),
    ] as [(DateFormat, String)])
  func formats(format: DateFormat, text: String) throws {
    let date = try #require(format.parse(text))
    #expect(date.year >= 2024)
    #expect(DateFormat.iso.parse(date.description) == date)
  }

  @Test("impossible days are not dates in any format")
  func impossibleDays() {
    #expect(DateFormat.dayMonthYear.parse("31/02/2024") == nil)
    #expect(DateFormat.monthDayYear.parse("18/12/2024") == nil)
    #expect(DateFormat.compact.parse("20241301") == nil)
    #expect(DateFormat.iso.parse("2024/12/18") == nil)
  }

  @Test("a day-first date column without --date-format says which format to pass")
  func sniffDayFirst() {
    let text = "patient_id,date,cramp\nA,01/12/2024,0\nA,02/12/2024,1\nA,18/12/2024,0\n"
    let error = csvError { try readCSV(text, options: Self.diaryOptions()) }
    #expect(
      error
        == .dateFormat(
          source: "t.csv", line: 4, column: "date", text: "18/12/2024", expected: .iso,
          looksLike: [.dayMonthYear]))
    #expect(
      error?.description
        == "t.csv:4: column 'date': '18/12/2024' is not a date written YYYY-MM-DD; the column's "
        + "values look like DD/MM/YYYY: pass '--date-format DD/MM/YYYY' [date-format]")
    #expect(error?.exitCode == 65)
  }

  @Test("when no day is above 12 the message names both orders")
  func sniffAmbiguous() {
    let error = csvError {
      try readCSV("patient_id,date,cramp\nA,01/02/2024,0\n", options: Self.diaryOptions())
    }
    guard case .dateFormat(_, 2, "date", "01/02/2024", .iso, let looksLike) = error else {
      Issue.record("unexpected \(String(describing: error))")
      return
    }
    #expect(looksLike == [.dayMonthYear, .monthDayYear])
    #expect(error?.description.contains("whichever your file uses") == true)
  }

  @Test("month-first values under DD/MM/YYYY point at MM/DD/YYYY, on the line that shows it")
  func wrongOrder() {
    let text = "patient_id,date,cramp\nA,12/01/2024,0\nA,12/13/2024,1\n"
    let error = csvError {
      try readCSV(text, options: Self.diaryOptions(dateFormat: .dayMonthYear))
    }
    #expect(
      error
        == .dateFormat(
          source: "t.csv", line: 3, column: "date", text: "12/13/2024", expected: .dayMonthYear,
          looksLike: [.monthDayYear]))
  }

  @Test("YYYYMMDD integers are dates with --date-format YYYYMMDD and sniffed without it")
  func compactDates() throws {
    let text = "patient_id,date,cramp\nA,20241231,0\nA,20250101,1\n"
    let table = try readCSV(text, options: Self.diaryOptions(dateFormat: .compact)).table
    #expect(texts(table["date"]) == ["2024-12-31", "2025-01-01"])
    let error = csvError { try readCSV(text, options: Self.diaryOptions()) }
    #expect(error?.description.contains("pass '--date-format YYYYMMDD'") == true)
  }

  @Test("ISO dates under another --date-format say to leave the option out")
  func isoUnderOtherFormat() {
    let text = "patient_id,date,cramp\nA,2024-12-31,0\n"
    let error = csvError {
      try readCSV(text, options: Self.diaryOptions(dateFormat: .dayMonthYear))
    }
    #expect(error?.description.contains("leave '--date-format' out") == true)
  }

  // MARK: Binary codings

  @Test(
    "each coding reads as 0/1 in any case",
    arguments: [
      (["yes", "no", "Yes", "NO"], [1, 0, 1, 0]), (["Y", "n", "N"], [1, 0, 0]),
      (["tRuE", "false"], [1, 0]),
    ] as [([String], [Double])])
  func codings(values: [String], expected: [Double]) throws {
    let text = "x\n" + values.joined(separator: "\n") + "\n"
    let column = try #require(try readCSV(text, options: Self.diaryOptions()).table["x"])
    #expect(column.type == .boolean)
    #expect(column.numbers == expected)
  }

  @Test("two codings in one column are refused at the first value of the second")
  func mixedCodings() {
    let error = csvError {
      try readCSV("id,flag\n1,yes\n2,no\n3,true\n", options: Self.diaryOptions())
    }
    #expect(
      error
        == .binaryCoding(source: "t.csv", line: 4, column: "flag", text: "true", coding: "yes/no"))
  }

  @Test("a third value in a binary diary column is refused; elsewhere it is a factor")
  func thirdValue() throws {
    let text = "patient_id,night,cramp,mood\nA,0,yes,yes\nA,1,no,no\nA,2,maybe,maybe\n"
    let error = csvError { try readCSV(text, options: Self.diaryOptions()) }
    #expect(
      error
        == .binaryCoding(source: "t.csv", line: 4, column: "cramp", text: "maybe", coding: "yes/no")
    )
    let relaxed = try readCSV(
      "patient_id,night,mood\nA,0,yes\nA,1,maybe\n", options: Self.diaryOptions()
    ).table
    #expect(relaxed["mood"]?.type == .string)
  }

  @Test("without binaryWords yes/no stays text, as before")
  func libraryDefault() throws {
    #expect(try readCSV("x\nyes\nno\n").table["x"]?.type == .string)
  }

  // MARK: Encodings

  static let utf8Text =
    "id,Date,Cramp?,note\nA01,18/12/2024,yes,caf\u{E9} \u{1F9B5}\nA01,19/12/2024,no,\n"

  static func utf16(_ text: String, littleEndian: Bool) -> [UInt8] {
    var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
    for unit in text.utf16 {
      let pair = [UInt8(truncatingIfNeeded: unit), UInt8(truncatingIfNeeded: unit >> 8)]
      bytes += littleEndian ? pair : pair.reversed()
    }
    return bytes
  }

  @Test(
    "UTF-16 LE and BE with a byte-order mark read as the UTF-8 file does", arguments: [true, false])
  func utf16WithMark(littleEndian: Bool) throws {
    let options = Self.diaryOptions(renames: ["Date": "date"], dateFormat: .dayMonthYear)
    let expected = try readCSV(Self.utf8Text, options: options)
    let result = try readCSV(
      bytes: Self.utf16(Self.utf8Text, littleEndian: littleEndian), options: options)
    #expect(result.table == expected.table)
    #expect(texts(result.table["note"]) == ["caf\u{E9} \u{1F9B5}", nil])
  }

  @Test("UTF-16 without a mark is named, with the iconv command")
  func utf16WithoutMark() {
    let bytes = Array(Self.utf16("id,x\n1,2\n", littleEndian: true).dropFirst(2))
    let error = csvError { try readCSV(bytes: bytes) }
    #expect(error == .utf16WithoutByteOrderMark(source: "t.csv", littleEndian: true))
    #expect(error?.description.contains("iconv -f UTF-16LE -t UTF-8") == true)
  }

  @Test("an unpaired surrogate is an error on its line")
  func brokenSurrogate() {
    let bytes = Self.utf16("id,x\n1,2\n", littleEndian: true) + [0x00, 0xD8, 0x41, 0x00]
    #expect(csvError { try readCSV(bytes: bytes) } == .invalidUTF16(source: "t.csv", line: 3))
  }

  // MARK: Shapes

  @Test(
    "wide headers are recognised; night-level and patient-level headers are not",
    arguments: [
      (["patient_id", "night_1", "night_2", "night_3"], true),
      (["id", "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"], true),
      (["patient", "Night 1", "Night 2", "Night 3"], true),
      (["patient_id", "d1", "d2"], false),
      (["patient_id", "night", "cramp", "x1", "x2", "x3"], false),
      (["patient_id", "age", "thiazide_start", "thiazide_stop"], false),
    ] as [([String], Bool)])
  func wide(header: [String], isWide: Bool) {
    #expect((WideDiaryShape.detect(header: header) != nil) == isWide)
  }

  @Test("the reshape advice names the id column and the prefix to strip")
  func reshapeAdvice() throws {
    let shape = try #require(
      WideDiaryShape.detect(header: ["pid", "night_1", "night_2", "night_3"]))
    #expect(shape.idColumns == ["pid"])
    #expect(shape.reshapeAdvice.contains("df.melt(id_vars=[\"pid\"], var_name=\"night\""))
    #expect(shape.reshapeAdvice.contains("names_prefix = \"night_\""))
    #expect(shape.reshapeAdvice.contains("--id pid"))
  }

  @Test("an Excel ';' export with decimal commas is flagged, and reads with decimalComma")
  func excelExport() throws {
    let text =
      "\u{FEFF}id;Date;Cramp?;magnesium_mg\r\nA;18/12/2024;ja;4,5\r\nA;19/12/2024;nein;3,25\r\n"
    let flagged = try readCSV(text, options: Self.diaryOptions())
    #expect(flagged.warnings.map(\.kind) == [.decimalCommaSuspected])
    var options = Self.diaryOptions()
    options.decimalComma = true
    let read = try readCSV(text, options: options)
    #expect(read.table["magnesium_mg"]?.numbers == [4.5, 3.25])
  }

  @Test("a wide file with date columns reshapes to dated rows, nights sorted, lines kept")
  func reshapeDates() throws {
    let text = "id,age,2024-01-02,2024-01-01,2024-01-03\nA,60,1,0,\nB,45,0,0,1\n"
    let table = try readCSV(text, options: Self.diaryOptions()).table
    let shape = try #require(WideDiaryShape.detect(header: table.columnNames))
    #expect(shape.datedColumns)
    let long = try shape.reshape(table)
    #expect(long.columnNames == ["id", "age", "date", "cramp"])
    #expect(texts(long["date"]).prefix(3) == ["2024-01-01", "2024-01-02", "2024-01-03"])
    #expect(texts(long["cramp"]) == ["0", "1", nil, "0", "0", "1"])
    #expect(texts(long["age"]) == ["60", "60", "60", "45", "45", "45"])
    #expect(long.lineNumbers == [2, 2, 2, 3, 3, 3])
  }

  @Test("a text value in a night column is refused with its line")
  func reshapeText() throws {
    let table = try readCSV("id,n1,n2,n3\nA,0,1,0\nB,1,often,0\n").table
    let shape = try #require(WideDiaryShape.detect(header: table.columnNames))
    #expect(throws: CSVError.self) { try shape.reshape(table) }
    do {
      _ = try shape.reshape(table)
    } catch {
      #expect(
        error
          == .unparsableValue(
            source: "t.csv", line: 3, column: "n2", text: "often", expected: "0/1 or yes/no"))
    }
  }
}
