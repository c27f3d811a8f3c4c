#if canImport(Glibc)
  import Glibc
#endif

/// A CSV file cut into blocks of whole patients, read one block at a time: the passes of a
/// fit over a file larger than memory (`--stream`).
///
/// ``plan(path:options:idColumn:blockRows:)`` scans the file once in 4 MiB reads (quotes
/// tracked, so a line break inside a quoted field never splits a record) and cuts a block
/// once it holds `blockRows` records, at the next record whose id differs from the one
/// before: rows of one patient are kept together when the file is sorted or grouped by
/// patient, as a diary is. ``read(_:options:)`` then reads one block with `pread` and parses
/// it behind the header, numbering its lines as in the file. Memory: one block, never the
/// file.
public struct CSVBlockPlan: Sendable {
  /// One block: a byte range of the file and the file line it starts on.
  public struct Block: Sendable, Equatable {
    public let offset: Int
    public let length: Int
    public let firstLine: Int
    public let rows: Int
  }

  /// The file.
  public let path: String
  /// The header record's bytes, with its line break.
  public let header: [UInt8]
  /// The blocks, in file order.
  public let blocks: [Block]

  /// Bytes per read while scanning.
  static let chunkBytes = 4 << 20

  /// Scans `path` into blocks of at least `blockRows` records (the last may hold fewer),
  /// cut between two records whose `idColumn` values differ (anywhere when `idColumn` is
  /// `nil`).
  /// - Throws: ``CSVError/fileNotFound(path:)``, ``CSVError/unreadable(path:reason:)``
  ///   (also for standard input, which cannot be read twice), ``CSVError/empty(source:)``,
  ///   ``CSVError/unknownColumn(source:name:)``, ``CSVError/invalidOption(source:reason:)``
  ///   for a UTF-16 file.
  public static func plan(
    path: String, options: CSVOptions, idColumn: String?, blockRows: Int
  ) throws(CSVError) -> CSVBlockPlan {
    guard path != "-" else {
      throw .unreadable(
        path: "<stdin>", reason: "--stream reads the file once per pass; give a file, not '-'")
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
      throw .unreadable(path: path, reason: String(cString: strerror(code)))
    }
    defer { close(descriptor) }
    var scanner = Scanner(blockRows: max(1, blockRows))
    var chunk = [UInt8](repeating: 0, count: chunkBytes)
    var fileOffset = 0
    var headerBytes: [UInt8] = []
    while true {
      let count = chunk.withUnsafeMutableBytes {
        Glibc.read(descriptor, $0.baseAddress, chunkBytes)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .unreadable(path: path, reason: String(cString: strerror(errno)))
      }
      if count == 0 { break }
      if fileOffset == 0 {
        if count >= 2,
          (chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF)
        {
          throw .invalidOption(
            source: path, reason: "--stream reads UTF-8 only; convert the UTF-16 file first")
        }
      }
      try chunk.withUnsafeBufferPointer { (bytes) throws(CSVError) in
        try scanner.scan(
          UnsafeBufferPointer(rebasing: bytes[0..<count]), at: fileOffset, options: options,
          path: path, header: &headerBytes, idColumn: idColumn)
      }
      fileOffset += count
    }
    scanner.finish(at: fileOffset)
    guard scanner.headerDone else { throw .empty(source: path) }
    return CSVBlockPlan(path: path, header: headerBytes, blocks: scanner.blocks)
  }

  /// Reads and parses one block (header prepended).
  public func read(_ block: Block, options: CSVOptions) throws(CSVError) -> CSVResult {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: header.count + block.length)
    for i in header.indices { bytes[i] = header[i] }
    var done = 0
    while done < block.length {
      let n = bytes.withUnsafeMutableBytes { raw in
        pread(
          descriptor, raw.baseAddress.map { $0 + header.count + done }, block.length - done,
          off_t(block.offset + done))
      }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else {
        throw .unreadable(
          path: path,
          reason: n == 0
            ? "the file became shorter while it was being read"
            : String(cString: strerror(errno)))
      }
      done += n
    }
    return try bytes.withUnsafeBufferPointer { (buffer) throws(CSVError) in
      try CSVReader.read(
        buffer: buffer, source: CSVFile.displayName(path), options: options,
        firstDataLine: block.firstLine)
    }
  }

  /// The byte-level state of the scan, carried across reads.
  struct Scanner {
    let blockRows: Int
    var blocks: [Block] = []
    var headerDone = false
    var delimiter: UInt8 = CSVByte.comma
    var idIndex: Int?
    var inQuotes = false
    var field = 0
    var line = 1
    var recordStart = 0
    var recordLine = 1
    var recordEmpty = true
    var id: [UInt8] = []
    var previousID: [UInt8]?
    var blockStart = 0
    var blockLine = 1
    var blockRowCount = 0
    var headerRecord: [UInt8] = []

    init(blockRows: Int) { self.blockRows = blockRows }

    mutating func scan(
      _ bytes: UnsafeBufferPointer<UInt8>, at base: Int, options: CSVOptions, path: String,
      header: inout [UInt8], idColumn: String?
    ) throws(CSVError) {
      for (i, byte) in bytes.enumerated() {
        if !headerDone { headerRecord.append(byte) }
        if inQuotes {
          if byte == CSVByte.quote { inQuotes = false }
          if byte == CSVByte.lineFeed { line += 1 }
          if field == idIndex, headerDone, byte != CSVByte.quote { id.append(byte) }
          recordEmpty = false
          continue
        }
        switch byte {
        case CSVByte.quote:
          inQuotes = true
          recordEmpty = false
        case CSVByte.lineFeed:
          let end = base + i + 1
          if !headerDone {
            if recordEmpty
              || headerRecord.allSatisfy({
                $0 == CSVByte.carriageReturn || $0 == CSVByte.lineFeed || $0 == 0xEF || $0 == 0xBB
                  || $0 == 0xBF
              })
            {
              // Blank lines (and a byte-order mark) before the header.
              headerRecord = headerRecord.filter { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
            } else {
              try takeHeader(options: options, path: path, idColumn: idColumn)
              header = headerRecord
              blockStart = end
              blockLine = line + 1
            }
          } else if !recordEmpty {
            endRecord()
          }
          line += 1
          field = 0
          id.removeAll(keepingCapacity: true)
          recordStart = end
          recordLine = line
          recordEmpty = true
        case CSVByte.carriageReturn:
          break
        default:
          if headerDone, byte == delimiter {
            field += 1
          } else if headerDone, field == idIndex {
            id.append(byte)
          }
          recordEmpty = false
        }
      }
    }

    /// Reads the header record: the delimiter and the id column's index.
    mutating func takeHeader(options: CSVOptions, path: String, idColumn: String?)
      throws(CSVError)
    {
      var text = headerRecord
      if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
      delimiter =
        options.delimiter
        ?? [CSVByte.comma, CSVByte.semicolon, CSVByte.tab, CSVByte.pipe].max { a, b in
          text.reduce(0) { $0 + ($1 == a ? 1 : 0) } < text.reduce(0) { $0 + ($1 == b ? 1 : 0) }
        } ?? CSVByte.comma
      let names = text.split(separator: delimiter, omittingEmptySubsequences: false).map {
        String(
          decoding: $0.filter {
            $0 != CSVByte.quote && $0 != CSVByte.carriageReturn && $0 != CSVByte.lineFeed
          }, as: UTF8.self)
      }
      if let idColumn {
        // A renamed column is found under its file name.
        let fileName = options.renames.first { $0.value == idColumn }?.key ?? idColumn
        guard let index = names.firstIndex(of: fileName) ?? names.firstIndex(of: idColumn)
        else {
          throw .unknownColumn(source: path, name: idColumn)
        }
        idIndex = index
      }
      headerDone = true
    }

    mutating func endRecord() {
      if blockRowCount >= blockRows, previousID != id || idIndex == nil {
        blocks.append(
          Block(
            offset: blockStart, length: recordStart - blockStart, firstLine: blockLine,
            rows: blockRowCount))
        blockStart = recordStart
        blockLine = recordLine
        blockRowCount = 0
      }
      blockRowCount += 1
      previousID = id
    }

    mutating func finish(at end: Int) {
      if !headerDone {
        if !recordEmpty { headerDone = true }
        return
      }
      if !recordEmpty {
        endRecord()
      }
      if blockRowCount > 0 {
        blocks.append(
          Block(
            offset: blockStart, length: end - blockStart, firstLine: blockLine,
            rows: blockRowCount))
      }
    }
  }
}
