/// One field's content, located in the file buffer or in the unescape scratch buffer.
struct CSVFieldSlice {
  /// First content byte (after an opening quote).
  var start: Int
  /// One past the last content byte (before a closing quote).
  var end: Int
  /// The content had `""` escapes and was copied, unescaped, into the scratch buffer;
  /// `start..<end` then indexes the scratch buffer.
  var inScratch: Bool
}

/// A tokenizer failure, before the caller adds the source and column name.
enum CSVScanFailure: Error {
  case unexpectedQuote(line: Int)
  case unterminatedQuote(line: Int)
}

/// The RFC 4180 byte state machine, as free functions over a buffer.
///
/// Contract: `position` is an index into `bytes` (never beyond `bytes.count`) and
/// `line` the physical line (1-based) at that position. A field starts at
/// `position`; after ``scanField(_:delimiter:position:line:scratch:)`` it sits on the
/// field's terminator (a delimiter, CR or LF) or at the end of the buffer; ``endField``
/// then consumes that terminator. A line break is LF, CRLF or a lone CR, and each
/// counts one line, inside quotes too.
enum CSVScanner {
  /// Scans one field (quoted or not) and leaves `position` on its terminator.
  ///
  /// - Throws: `.unexpectedQuote` for a `"` inside an unquoted field or text after a
  ///   closing quote, `.unterminatedQuote` (with the line where the field started)
  ///   when the buffer ends inside quotes.
  @inline(__always)
  static func scanField(
    _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, position: inout Int, line: inout Int,
    scratch: inout [UInt8]
  ) throws(CSVScanFailure) -> CSVFieldSlice {
    let end = bytes.count
    var i = position
    if i < end && bytes[i] == CSVByte.quote {
      return try scanQuoted(
        bytes, delimiter: delimiter, position: &position, line: &line, scratch: &scratch)
    }
    while i < end {
      let b = bytes[i]
      if b == delimiter || b == CSVByte.lineFeed || b == CSVByte.carriageReturn { break }
      if b == CSVByte.quote { throw .unexpectedQuote(line: line) }
      i &+= 1
    }
    let slice = CSVFieldSlice(start: position, end: i, inScratch: false)
    position = i
    return slice
  }

  private static func scanQuoted(
    _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, position: inout Int, line: inout Int,
    scratch: inout [UInt8]
  ) throws(CSVScanFailure) -> CSVFieldSlice {
    let end = bytes.count
    let startLine = line
    let contentStart = position &+ 1
    var i = contentStart
    var escaped = false
    while true {
      guard i < end else { throw .unterminatedQuote(line: startLine) }
      let b = bytes[i]
      if b == CSVByte.quote {
        if i &+ 1 < end && bytes[i &+ 1] == CSVByte.quote {
          escaped = true
          i &+= 2
          continue
        }
        break
      }
      if b == CSVByte.lineFeed {
        line &+= 1
      } else if b == CSVByte.carriageReturn && !(i &+ 1 < end && bytes[i &+ 1] == CSVByte.lineFeed)
      {
        line &+= 1
      }
      i &+= 1
    }
    let contentEnd = i
    i &+= 1
    if i < end {
      let b = bytes[i]
      if b != delimiter && b != CSVByte.lineFeed && b != CSVByte.carriageReturn {
        throw .unexpectedQuote(line: line)
      }
    }
    position = i
    guard escaped else {
      return CSVFieldSlice(start: contentStart, end: contentEnd, inScratch: false)
    }
    scratch.removeAll(keepingCapacity: true)
    var k = contentStart
    while k < contentEnd {
      let b = bytes[k]
      scratch.append(b)
      // Inside the content every quote is the first of a `""` pair.
      k &+= b == CSVByte.quote ? 2 : 1
    }
    return CSVFieldSlice(start: 0, end: scratch.count, inScratch: true)
  }

  /// What ended a field.
  enum Terminator {
    case delimiter
    case endOfRecord
    case endOfFile
  }

  /// Consumes the terminator at `position` (one delimiter, or one line break).
  @inline(__always)
  static func endField(
    _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, position: inout Int, line: inout Int
  ) -> Terminator {
    let end = bytes.count
    guard position < end else { return .endOfFile }
    let b = bytes[position]
    position &+= 1
    if b == delimiter { return .delimiter }
    if b == CSVByte.carriageReturn && position < end && bytes[position] == CSVByte.lineFeed {
      position &+= 1
    }
    line &+= 1
    return .endOfRecord
  }

  /// Skips blank lines (bare line breaks) at `position`; returns how many.
  @inline(__always)
  static func skipBlankLines(
    _ bytes: UnsafeBufferPointer<UInt8>, position: inout Int, line: inout Int
  ) -> Int {
    let end = bytes.count
    var skipped = 0
    while position < end {
      let b = bytes[position]
      if b == CSVByte.lineFeed {
        position &+= 1
      } else if b == CSVByte.carriageReturn {
        position &+= 1
        if position < end && bytes[position] == CSVByte.lineFeed { position &+= 1 }
      } else {
        break
      }
      line &+= 1
      skipped &+= 1
    }
    return skipped
  }

  /// Index of the first byte at or after `position` that is not CR or LF.
  static func endOfBlankRun(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
    var i = position
    while i < bytes.count && (bytes[i] == CSVByte.lineFeed || bytes[i] == CSVByte.carriageReturn) {
      i &+= 1
    }
    return i
  }

  /// End of the physical line starting at `position` (the first CR or LF, or the end).
  static func endOfLine(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
    var i = position
    while i < bytes.count && bytes[i] != CSVByte.lineFeed && bytes[i] != CSVByte.carriageReturn {
      i &+= 1
    }
    return i
  }
}
