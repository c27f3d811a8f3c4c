/// Additive statistics of a block of whole patients (STYLE.md §7: accumulate, combine,
/// solve).
///
/// A family's statistics are built from one partition's rows by its own initializer, merged
/// with ``merge(_:)`` (associative and, through ``ExactSum``, order-independent to the bit),
/// written as a ``PartialDocument`` for `crampstat partial` and read back for
/// `crampstat combine` / `crampstat solve`. The solver never sees rows.
public protocol PartialStatistics: Sendable {
  /// Adds `other`'s sums to these; refuses statistics of another model, pass or state, and a
  /// partition seen twice.
  mutating func merge(_ other: Self) throws(PartialsError)
  /// The statistics as a document.
  var document: PartialDocument { get }
  /// Reads statistics back from a document.
  init(document: PartialDocument) throws(PartialsError)
}

/// The fields every statistics document starts with: which model and pass, the state it was
/// computed at, and the partitions it covers.
public struct PartialHeader: Sendable, Equatable {
  /// Model name (`logit`, `cox`, ...).
  public var model: String
  /// Pass name (`schema`, `irls`, `robust`, ...).
  public var pass: String
  /// ``PartialDocument/digest`` of the state the pass ran at (`-` for the first pass).
  public var state: String
  /// Names of the partitions summed, sorted.
  public var partitions: [String]

  /// A header for one partition.
  public init(model: String, pass: String, state: String, partition: String) {
    self.model = model
    self.pass = pass
    self.state = state
    partitions = [partition]
  }

  /// Checks that `other` may be added to these statistics and adds its partitions.
  public mutating func merge(_ other: PartialHeader, source: String) throws(PartialsError) {
    guard other.model == model, other.pass == pass else {
      throw .mismatch(
        source: source,
        reason: "it holds '\(other.model)' '\(other.pass)' statistics, the others '\(model)' "
          + "'\(pass)'")
    }
    guard other.state == state else {
      throw .mismatch(
        source: source,
        reason: "it was computed at state \(other.state), the others at \(state): every "
          + "partition of a pass must run with the same --state file")
    }
    let seen = Set(partitions)
    if let twice = other.partitions.first(where: seen.contains) {
      throw .overlap(
        reason: "partition '\(twice)' appears twice: each partition is counted once (name "
          + "partitions uniquely with --partition)")
    }
    partitions = (partitions + other.partitions).sorted()
  }

  /// Writes the header records.
  public func write(to document: inout PartialDocument) {
    document.append("model", [model])
    document.append("pass", [pass])
    document.append("state", [state])
    document.append("partitions", partitions)
  }

  /// Reads the header records.
  public init(document: PartialDocument) throws(PartialsError) {
    guard document.kind == .statistics else {
      throw .malformed(
        source: document.source, line: 1, reason: "a state document, not statistics")
    }
    model = try document.one("model").first ?? ""
    pass = try document.one("pass").first ?? ""
    state = try document.one("state").first ?? "-"
    partitions = try document.one("partitions")
  }
}

/// The sum of statistics documents of one pass, read as `type` and merged in the order
/// given (exact sums: any order gives the same bits); a mismatch names the document.
public func mergedStatistics<S: PartialStatistics>(
  _ documents: [PartialDocument], as type: S.Type
) throws(PartialsError) -> S {
  guard let first = documents.first else {
    throw .malformed(source: "", line: 0, reason: "no statistics to combine")
  }
  var total = try S(document: first)
  for d in documents.dropFirst() {
    do {
      try total.merge(try S(document: d))
    } catch .mismatch(_, let reason) {
      throw .mismatch(source: d.source, reason: reason)
    }
  }
  return total
}

/// The exact sum of one pass's documents, read as the statistics type `passes` names for the
/// pass in their header (every family's `combine`); an unknown pass is malformed.
public func combinedDocument(
  _ documents: [PartialDocument], passes: [String: any PartialStatistics.Type]
) throws(PartialsError) -> PartialDocument {
  guard let first = documents.first else {
    throw .malformed(source: "", line: 0, reason: "no statistics to combine")
  }
  let pass = try PartialHeader(document: first).pass
  guard let type = passes[pass] else {
    throw .malformed(source: first.source, line: 0, reason: "unknown pass '\(pass)'")
  }
  func merged<S: PartialStatistics>(_ type: S.Type) throws(PartialsError) -> PartialDocument {
    try mergedStatistics(documents, as: type).document
  }
  return try merged(type)
}

/// Reads every document in `text`: several documents may be concatenated (each starts with
/// its own first line), as a reduce step collects them.
public func partialDocuments(in text: String, source: String) throws(PartialsError)
  -> [PartialDocument]
{
  var documents: [PartialDocument] = []
  var current: [Substring] = []
  var start = 1
  var lineNumber = 0
  func flush() throws(PartialsError) {
    guard !current.isEmpty else { return }
    let name = documents.isEmpty && start == 1 ? source : "\(source) (document at line \(start))"
    documents.append(
      try PartialDocument(text: current.joined(separator: "\n"), source: name))
    current = []
  }
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    lineNumber += 1
    if line.hasPrefix("crampstat-partial\t") || line.hasPrefix("crampstat-state\t") {
      try flush()
      start = lineNumber
    }
    if current.isEmpty, line.isEmpty { continue }
    current.append(line)
  }
  try flush()
  return documents
}
