extension CSVReader {
  /// Records examined when sniffing the delimiter.
  static let sniffRecords = 100

  /// Picks the delimiter among `candidates` that splits the first records most
  /// consistently, as data.table's fread does.
  ///
  /// For each candidate the first ``sniffRecords`` records are split (quote-aware)
  /// and scored by how many of them have the header's field count, which must be at
  /// least 2. The best score wins; ties go to more fields, then to the earlier
  /// candidate. A candidate whose split hits a quoting error stops scoring there.
  /// When no candidate splits the header, the file has one column and the first
  /// candidate is returned.
  static func sniffDelimiter(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, candidates: [UInt8]
  ) -> UInt8 {
    var best = candidates.first ?? CSVByte.comma
    var bestScore = 0
    var bestFields = 0
    for candidate in candidates {
      let counts = fieldCounts(bytes, from: start, delimiter: candidate, records: sniffRecords)
      guard let headerFields = counts.first, headerFields >= 2 else { continue }
      let score = counts.reduce(0) { $0 &+ ($1 == headerFields ? 1 : 0) }
      if score > bestScore || (score == bestScore && headerFields > bestFields) {
        best = candidate
        bestScore = score
        bestFields = headerFields
      }
    }
    return best
  }

  /// Field counts of up to `records` records from `start`, stopping at a quoting error.
  private static func fieldCounts(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, records: Int
  ) -> [Int] {
    var counts: [Int] = []
    var position = start
    var line = 1
    var scratch: [UInt8] = []
    while counts.count < records {
      _ = CSVScanner.skipBlankLines(bytes, position: &position, line: &line)
      guard position < bytes.count else { break }
      var fields = 0
      while true {
        fields &+= 1
        do {
          _ = try CSVScanner.scanField(
            bytes, delimiter: delimiter, position: &position, line: &line, scratch: &scratch)
        } catch {
          return counts
        }
        if CSVScanner.endField(bytes, delimiter: delimiter, position: &position, line: &line)
          != .delimiter
        {
          break
        }
      }
      counts.append(fields)
    }
    return counts
  }
}
