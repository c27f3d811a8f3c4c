#if canImport(Glibc)
  import Glibc
#endif

/// Exit statuses from `sysexits.h`.
public enum ExitCode {
  public static let success: Int32 = 0
  public static let usage: Int32 = 64
  public static let dataError: Int32 = 65
  public static let noInput: Int32 = 66
  public static let software: Int32 = 70
  public static let ioError: Int32 = 74
}

/// A failure that ends a command, with the message and the exit status it maps to.
public enum CLIError: Error, Equatable, Sendable {
  /// Bad flags or arguments (exit 64); `command` selects the usage line shown.
  case usage(String, command: String?)
  /// Input data cannot be analysed (exit 65).
  case data(String)
  /// An input file is missing (exit 66).
  case noInput(String)
  /// Reading or writing failed (exit 74).
  case io(String)
  /// A bug: an invariant we rely on did not hold (exit 70).
  case software(String)

  /// The sysexits status for this failure.
  public var exitCode: Int32 {
    switch self {
    case .usage: ExitCode.usage
    case .data: ExitCode.dataError
    case .noInput: ExitCode.noInput
    case .io: ExitCode.ioError
    case .software: ExitCode.software
    }
  }

  /// The message without the `Error:` prefix.
  public var message: String {
    switch self {
    case .usage(let m, _), .data(let m), .noInput(let m), .io(let m), .software(let m): m
    }
  }
}
