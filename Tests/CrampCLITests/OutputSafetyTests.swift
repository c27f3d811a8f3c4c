import Foundation
import Synchronization
import Testing

@testable import CrampCLI

/// Outputs never destroy anything (issue 13, item 1): an output that is an input is refused
/// before anything is read or written, devices are written directly, write errors surface.
@Suite("Output safety")
struct OutputSafetyTests {
  static let diary = "Datasets/example/diary_nights.csv"

  /// A scratch copy of the example diary.
  static func copyOfDiary() throws -> String {
    let text = try String(contentsOfFile: repositoryPath(diary), encoding: .utf8)
    return try TemporaryFile.write(text, name: "diary.csv")
  }

  @Test(
    "an output naming the input, through a symbolic link or a hard link, is refused with exit 64",
    arguments: ["same", "symlink", "hardlink"])
  func outputIsInput(kind: String) throws {
    let input = try Self.copyOfDiary()
    let before = try TemporaryFile.read(input)
    let output: String
    switch kind {
    case "same": output = input
    case "symlink":
      output = try TemporaryFile.path("link.csv")
      try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: input)
    default:
      output = try TemporaryFile.path("hard.csv")
      try FileManager.default.linkItem(atPath: input, toPath: output)
    }
    let result = runCLI(["layout", input, "--to", "ag", "-o", output])
    #expect(result.status == 64)
    #expect(result.err.contains("refusing to overwrite an input"), "\(result.err)")
    #expect(try TemporaryFile.read(input) == before)
  }

  @Test("a --patients input is protected as well as the diary")
  func patientsInputProtected() throws {
    let diary = try Self.copyOfDiary()
    let patients = try TemporaryFile.write(
      try String(contentsOfFile: repositoryPath("Datasets/example/patients.csv"), encoding: .utf8),
      name: "patients.csv")
    let result = runCLI(["validate", diary, "--patients", patients, "-o", patients])
    #expect(result.status == 64)
    #expect(result.err.contains("--patients"))
  }

  @Test("two outputs naming one file are refused, even before the file exists")
  func twoOutputsOneFile() throws {
    let diary = try Self.copyOfDiary()
    let target = try TemporaryFile.path("fit.json")
    let result = runCLI([
      "logit", diary, "--formula", "cramp ~ age_over_50", "-o", target, "--save-model", target,
    ])
    #expect(result.status == 64)
    #expect(result.err.contains("are the same file"))
    #expect(!FileManager.default.fileExists(atPath: target))
  }

  @Test("-o /dev/null writes to the device and leaves it a device")
  func deviceOutput() throws {
    let result = runCLI(["describe", repositoryPath(Self.diary), "-o", "/dev/null"])
    #expect(result.status == 0, "\(result.err)")
    let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
    #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
  }

  @Test("a FIFO output is written directly, not replaced by a file")
  func fifoOutput() throws {
    let fifo = try TemporaryFile.path("pipe")
    #expect(mkfifo(fifo, 0o600) == 0)
    // A reader on another thread drains the pipe while the command writes.
    let reader = Thread {
      let handle = FileHandle(forReadingAtPath: fifo)
      _ = handle?.readDataToEndOfFile()
    }
    reader.start()
    let result = runCLI(["describe", repositoryPath(Self.diary), "-o", fifo])
    #expect(result.status == 0, "\(result.err)")
    let attributes = try FileManager.default.attributesOfItem(atPath: fifo)
    #expect(attributes[.type] as? FileAttributeType != .typeRegular)
  }

  @Test("writing through a symbolic link keeps the link and replaces its target")
  func symlinkOutputKeepsLink() throws {
    let target = try TemporaryFile.write("old\n", name: "target.txt")
    let link = try TemporaryFile.path("link.txt")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    let result = runCLI(["describe", repositoryPath(Self.diary), "-o", link])
    #expect(result.status == 0, "\(result.err)")
    let attributes = try FileManager.default.attributesOfItem(atPath: link)
    #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
    #expect(try TemporaryFile.read(target).contains("patient_id"))
  }

  @Test("a replaced file keeps its permissions")
  func permissionsKept() throws {
    let target = try TemporaryFile.write("old\n", name: "kept.txt")
    #expect(chmod(target, 0o640) == 0)
    let result = runCLI(["describe", repositoryPath(Self.diary), "-o", target])
    #expect(result.status == 0)
    let attributes = try FileManager.default.attributesOfItem(atPath: target)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o640)
  }

  @Test("a result that cannot be written to standard output exits 74 with a message")
  func stdoutFailure() {
    let console = Console(
      out: { _ in }, err: { text in OutputSafetyTests.errors.withLock { $0 += text } },
      outputFailure: { "No space left on device" })
    let status = CLI.run(
      arguments: ["describe", repositoryPath(Self.diary)], console: console)
    #expect(status == 74)
    #expect(Self.errors.withLock { $0 }.contains("cannot write to standard output"))
  }

  static let errors = Mutex("")

  @Test("the standard console's writer reports /dev/full as a failure")
  func devFull() throws {
    let fd = open("/dev/full", O_WRONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    let reason = FileDescriptorWriter.write("some result\n", to: fd)
    #expect(reason?.contains("No space") == true, "\(reason ?? "nil")")
  }

  @Test("a write error on a file output exits 74")
  func fileWriteError() throws {
    let result = runCLI([
      "describe", repositoryPath(Self.diary), "-o", "/nonexistent-folder/out.txt",
    ])
    #expect(result.status == 74)
    #expect(result.err.contains("cannot write"))
  }

  @Test("'-' reads standard input, once, for every command that reads a CSV")
  func standardInput() throws {
    // The process's descriptor 0 is pointed at the diary for this test only; standard
    // input is read once per process and kept, so every later read of '-' sees it too.
    let saved = dup(0)
    let file = open(repositoryPath(Self.diary), O_RDONLY)
    try #require(saved >= 0 && file >= 0)
    dup2(file, 0)
    close(file)
    defer {
      dup2(saved, 0)
      close(saved)
    }
    let describe = runCLI(["describe", "-"])
    #expect(describe.status == 0, "\(describe.err)")
    #expect(describe.out.hasPrefix("<stdin>: 112 rows"), "\(describe.out.prefix(80))")
    let validate = runCLI(["validate", "-"])
    #expect(validate.status == 0, "\(validate.err)")
    let logit = runCLI(["logit", "-", "--formula", "cramp ~ age_over_50", "--format", "json"])
    #expect(logit.status == 0, "\(logit.err)")
  }
}
