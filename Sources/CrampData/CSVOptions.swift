/// How ``CSVReader`` splits and interprets a file.
///
/// The defaults read an RFC 4180 file with the delimiter sniffed, `.` as decimal
/// mark, and `""`, `NA`, `N/A` and `.` as missing values.
public struct CSVOptions: Sendable, Equatable {
  /// Field delimiter byte; `nil` sniffs one of `,` `;` tab `|` from the first records.
  ///
  /// The sniffer picks the candidate whose field count is consistent over the most
  /// leading records (as data.table's fread does). With ``decimalComma`` it never
  /// picks `,`.
  public var delimiter: UInt8?

  /// Reads `4,5` as 4.5 (`--decimal ,`); then `.` is no longer a decimal mark.
  ///
  /// Only meaningful with a delimiter other than `,`; asking for both throws
  /// ``CSVError/ambiguousDecimal(source:)``.
  public var decimalComma: Bool

  /// Field texts that mean "missing" in a column of any type (compared byte for
  /// byte, after removing the quotes of a quoted field).
  public var naStrings: [String]

  /// Columns that must hold numbers (boolean, integer or double values, or missing).
  ///
  /// Any other value in one of them throws ``CSVError/unparsableValue(source:line:column:text:expected:)``
  /// with the physical line, instead of silently turning the column into strings.
  /// A name that is not in the header throws ``CSVError/unknownColumn(source:name:)``.
  public var numericColumns: Set<String>

  /// Drops trailing columns that have a blank header and no values (Excel's habit of
  /// writing `a,b,,`), with a warning.
  public var dropEmptyTrailingColumns: Bool

  /// Columns to keep; `nil` keeps every column.
  ///
  /// Other columns are still scanned (quotes, line breaks and field counts are checked on
  /// every record) but not typed or stored, so a model that needs 5 of 32 columns holds
  /// only those 5 in memory. Names not in the header are ignored here; the caller reports
  /// a missing column with its own context (a formula, a layout).
  public var columns: Set<String>?

  /// Header names to rename on reading, file name to new name (`Date` to `date`).
  ///
  /// Applied to the header before anything else, so ``numericColumns``, ``columns``,
  /// ``dateColumns`` and ``binaryColumns`` name the new names. A file name that is not in
  /// the header is ignored here (the caller checks its own mapping); a new name that the
  /// file already has for another column throws ``CSVError/mappingConflict(source:name:column:)``.
  public var renames: [String: String]

  /// How the columns in ``dateColumns`` write their dates (`--date-format`).
  public var dateFormat: DateFormat

  /// Columns that must hold dates in ``dateFormat`` when the file has them (the diary's
  /// `date`).
  ///
  /// A value that does not fit throws ``CSVError/dateFormat(source:line:column:text:expected:looksLike:)``,
  /// saying which format the column's values look like. With a format other than ISO, other
  /// text columns whose every value fits ``dateFormat`` become date columns too.
  public var dateColumns: Set<String>

  /// Reads two-valued text columns coded yes/no, Y/N or true/false (any case) as booleans:
  /// no, N and false are 0; yes, Y and true are 1.
  ///
  /// A column whose values are all such words (or 0/1) but mix two codings throws
  /// ``CSVError/binaryCoding(source:line:column:text:coding:)``; a text column with any
  /// other value stays text (a factor), except in ``binaryColumns``.
  public var binaryWords: Bool

  /// Columns that must be binary (the diary's `cramp`, `observed`, flags): with
  /// ``binaryWords``, once one value is a yes/no word, any value outside that coding throws
  /// ``CSVError/binaryCoding(source:line:column:text:coding:)``.
  public var binaryColumns: Set<String>

  /// The missing-value strings used when none are given.
  public static let defaultNAStrings = ["", "NA", "N/A", "."]

  /// Creates options; every parameter has the default described on its property.
  public init(
    delimiter: UInt8? = nil,
    decimalComma: Bool = false,
    naStrings: [String] = CSVOptions.defaultNAStrings,
    numericColumns: Set<String> = [],
    dropEmptyTrailingColumns: Bool = true,
    columns: Set<String>? = nil,
    renames: [String: String] = [:],
    dateFormat: DateFormat = .iso,
    dateColumns: Set<String> = [],
    binaryWords: Bool = false,
    binaryColumns: Set<String> = []
  ) {
    self.renames = renames
    self.dateFormat = dateFormat
    self.dateColumns = dateColumns
    self.binaryWords = binaryWords
    self.binaryColumns = binaryColumns
    self.columns = columns
    self.delimiter = delimiter
    self.decimalComma = decimalComma
    self.naStrings = naStrings
    self.numericColumns = numericColumns
    self.dropEmptyTrailingColumns = dropEmptyTrailingColumns
  }
}
