import Foundation
import Testing

/// Why a reference fixture could not give a test its cases; every message names the file.
public struct FixtureError: Error, Sendable, CustomStringConvertible {
  public enum Reason: Sendable {
    /// The file does not exist or cannot be read.
    case missing
    /// The file is not the JSON (or shape) the test expects.
    case unparseable(String)
    /// The file parsed, but the selection the test asked for holds zero cases.
    case empty(String)
    /// The file has no case of this name.
    case noCase(String)
  }

  /// The fixture's path relative to the repository (`Tests/Reference/survival.json`).
  public let file: String
  public let reason: Reason

  public init(file: String, reason: Reason) {
    self.file = file
    self.reason = reason
  }

  public var description: String {
    switch reason {
    case .missing: return "fixture \(file) is missing or unreadable"
    case .unparseable(let detail): return "fixture \(file) is unparseable: \(detail)"
    case .empty(let what): return "fixture \(file) yields zero cases (\(what))"
    case .noCase(let name): return "fixture \(file) has no case \(name)"
    }
  }
}

/// The reference fixtures in `Tests/Reference` (written by the R scripts beside them).
///
/// Every loader throws a ``FixtureError`` naming the file when the file is missing, is not
/// parseable, or yields zero cases, so a lost or broken fixture fails the suite that reads it
/// instead of letting a parameterized test pass with zero cases. For `@Test(arguments:)`,
/// which Swift Testing evaluates at discovery, use ``arguments(_:what:_:)``: on failure it returns
/// one sentinel case whose ``FixtureArgument/value()`` throws, so the test fails when run.
public enum Fixture {
  /// `Tests/Reference`, found from this file's path (`Tests/_TestSupport/Fixture.swift`).
  public static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Reference")

  /// A file under `Tests/Reference` (`"survival.json"`, `"data/surv_lung.csv"`).
  public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

  /// The repository-relative name used in messages.
  public static func displayName(_ name: String) -> String { "Tests/Reference/" + name }

  /// The bytes of a fixture; throws ``FixtureError/Reason/missing`` when it cannot be read.
  public static func data(_ name: String) throws -> Data {
    do {
      return try Data(contentsOf: url(name))
    } catch {
      throw FixtureError(file: displayName(name), reason: .missing)
    }
  }

  /// A fixture decoded as `T`; throws when it is missing or does not decode.
  public static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
    let bytes = try data(name)
    do {
      return try JSONDecoder().decode(T.self, from: bytes)
    } catch {
      throw FixtureError(file: displayName(name), reason: .unparseable("\(error)"))
    }
  }

  /// A fixture's top-level JSON object; throws when it is missing or not a JSON object.
  public static func json(_ name: String) throws -> [String: Any] {
    let bytes = try data(name)
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: bytes)
    } catch {
      throw FixtureError(file: displayName(name), reason: .unparseable("\(error)"))
    }
    guard let root = object as? [String: Any] else {
      throw FixtureError(file: displayName(name), reason: .unparseable("not a JSON object"))
    }
    return root
  }

  /// The array of objects under `key` of a fixture; throws when the key is absent, is not an
  /// array of objects, or holds none.
  public static func section(_ name: String, _ key: String) throws -> [[String: Any]] {
    guard let cases = try json(name)[key] as? [[String: Any]] else {
      throw FixtureError(
        file: displayName(name), reason: .unparseable("no array of objects under \"\(key)\""))
    }
    try requireCases(cases, in: name, what: "section \"\(key)\"")
    return cases
  }

  /// The case of `section` whose `key` (default `"name"`) is `caseName`; throws when the
  /// fixture or section cannot be read or has no such case.
  public static func named(
    _ name: String, _ section: String, _ caseName: String, key: String = "name"
  ) throws -> [String: Any] {
    guard
      let found = try self.section(name, section).first(where: { $0[key] as? String == caseName })
    else {
      throw FixtureError(file: displayName(name), reason: .noCase("\(section)/\(caseName)"))
    }
    return found
  }

  /// The `key` (default `"name"`) of every case of `section`, as test arguments (see
  /// ``arguments(_:what:_:)``), optionally only the cases `include` accepts.
  public static func names(
    _ name: String, _ section: String, key: String = "name",
    where include: ([String: Any]) -> Bool = { _ in true }
  ) -> [FixtureArgument<String>] {
    arguments(name, what: "section \"\(section)\"") {
      try self.section(name, section).filter(include).compactMap { $0[key] as? String }
    }
  }

  /// Throws ``FixtureError/Reason/empty`` when `cases` is empty.
  public static func requireCases<C: Collection>(
    _ cases: C, in name: String, what: String
  ) throws {
    if cases.isEmpty { throw FixtureError(file: displayName(name), reason: .empty(what)) }
  }

  /// Arguments for a parameterized test.
  ///
  /// The cases `make` reads from fixture `name`, or, when it throws or returns no case, one
  /// sentinel whose ``FixtureArgument/value()`` throws the ``FixtureError`` (so the test
  /// fails, naming the file, instead of running zero cases). `what` names the selection in
  /// the message.
  public static func arguments<Value: Sendable>(
    _ name: String, what: String = "the test's selection", _ make: () throws -> [Value]
  ) -> [FixtureArgument<Value>] {
    do {
      let values = try make()
      try requireCases(values, in: name, what: what)
      return values.map { FixtureArgument(.success($0)) }
    } catch let error as FixtureError {
      return [FixtureArgument(.failure(error))]
    } catch {
      return [
        FixtureArgument(
          .failure(FixtureError(file: displayName(name), reason: .unparseable("\(error)"))))
      ]
    }
  }
}

/// One case of a parameterized reference test, or the failure to read its fixture.
public struct FixtureArgument<Value: Sendable>: Sendable, CustomTestStringConvertible {
  private let result: Result<Value, FixtureError>

  init(_ result: Result<Value, FixtureError>) { self.result = result }

  /// The case; throws the fixture's ``FixtureError`` on the sentinel case.
  public func value() throws -> Value { try result.get() }

  public var testDescription: String {
    switch result {
    case .success(let value):
      if let described = value as? any CustomTestStringConvertible {
        return described.testDescription
      }
      return String(describing: value)
    case .failure(let error): return error.description
    }
  }
}
