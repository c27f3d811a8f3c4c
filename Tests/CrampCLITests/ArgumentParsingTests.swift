import CrampData
import Testing

@testable import CrampCLI

@Suite("Argument lexing and parsing")
struct ArgumentParsingTests {
  static let spec = CommandSpec(
    name: "demo", abstract: "Demo.",
    arguments: [ArgumentSpec(name: "file", help: "Input.")],
    options: [
      .option(
        "ties", value: "method", help: "Ties.", allowed: ["efron", "breslow"], default: "efron"),
      .option("output", short: "o", value: "file", help: "Out."),
      .option("na", value: "list", help: "NA.", repeatable: true),
      .flag("strict", help: "Strict."),
    ],
    run: { _, _ in 0 })

  @Test("tokens: long with and without '=', short, '--', negative numbers")
  func lexer() {
    let tokens = ArgumentLexer.tokens(["--a=1", "--b", "-o", "x", "-1.5", "--", "--c"])
    #expect(
      tokens == [
        .long("a", value: "1"), .long("b", value: nil), .short("o"), .positional("x"),
        .positional("-1.5"), .positional("--c"),
      ])
  }

  @Test("values, defaults, flags and positionals")
  func parse() throws {
    let p = try ArgumentParser.parse(
      ["d.csv", "--ties=breslow", "-o", "out.txt", "--strict", "--na", "NA", "--na", "UNK"],
      spec: Self.spec)
    #expect(p.argument("file") == "d.csv")
    #expect(p.value("ties") == "breslow")
    #expect(p.value("output") == "out.txt")
    #expect(p.flag("strict"))
    #expect(p.allValues("na") == ["NA", "UNK"])
    let q = try ArgumentParser.parse(["d.csv"], spec: Self.spec)
    #expect(q.value("ties") == "efron")
    #expect(!q.flag("strict"))
  }

  @Test("unknown option suggests the closest name")
  func unknownOption() {
    #expect(
      throws: CLIError.usage("Unknown option '--tie'. Did you mean '--ties'?", command: "demo")
    ) {
      try ArgumentParser.parse(["d.csv", "--tie", "efron"], spec: Self.spec)
    }
  }

  @Test("a value outside the allowed list is refused with a suggestion")
  func badValue() {
    #expect(
      throws: CLIError.usage(
        "The value 'efronn' is invalid for '--ties <method>'. Did you mean 'efron'?",
        command: "demo")
    ) {
      try ArgumentParser.parse(["d.csv", "--ties", "efronn"], spec: Self.spec)
    }
  }

  @Test("missing argument, missing value, extra argument, repeated option")
  func errors() {
    #expect(throws: CLIError.usage("Missing expected argument '<file>'.", command: "demo")) {
      try ArgumentParser.parse([], spec: Self.spec)
    }
    #expect(throws: CLIError.usage("Missing value for '--ties <method>'.", command: "demo")) {
      try ArgumentParser.parse(["d.csv", "--ties"], spec: Self.spec)
    }
    #expect(throws: CLIError.usage("Unexpected argument 'e.csv'.", command: "demo")) {
      try ArgumentParser.parse(["d.csv", "e.csv"], spec: Self.spec)
    }
    #expect(throws: CLIError.usage("Option '--ties' given more than once.", command: "demo")) {
      try ArgumentParser.parse(["d.csv", "--ties", "efron", "--ties", "breslow"], spec: Self.spec)
    }
    #expect(throws: CLIError.usage("Option '--strict' does not take a value.", command: "demo")) {
      try ArgumentParser.parse(["d.csv", "--strict=yes"], spec: Self.spec)
    }
  }

  @Test("edit distance counts a transposition as one edit")
  func distance() {
    #expect(NameSuggestion.distance("tise", "ties") == 1)
    #expect(NameSuggestion.distance("", "abc") == 3)
    #expect(NameSuggestion.distance("kitten", "sitting") == 3)
    #expect(NameSuggestion.closest(to: "valdate", among: ["validate", "describe"]) == "validate")
    #expect(NameSuggestion.closest(to: "zzz", among: ["validate", "describe"]) == nil)
  }
}

@Suite("Top-level command line")
struct TopLevelTests {
  @Test("no arguments is a usage error (64)")
  func noArguments() {
    let r = runCLI([])
    #expect(r.status == 64)
    #expect(r.err.hasPrefix("Error: Missing subcommand."))
  }

  @Test("unknown subcommand suggests the closest one")
  func unknownSubcommand() {
    let r = runCLI(["validte", "x.csv"])
    #expect(r.status == 64)
    #expect(r.err.contains("Unknown subcommand 'validte'. Did you mean 'validate'?"))
    #expect(r.out.isEmpty)
  }

  @Test("--help lists every subcommand; 'help validate' shows its options")
  func help() {
    let r = runCLI(["--help"])
    #expect(r.status == 0)
    for name in CLI.commands.map(\.name) { #expect(r.out.contains("  \(name) ")) }
    let v = runCLI(["help", "validate"])
    #expect(v.status == 0)
    #expect(v.out.hasPrefix("OVERVIEW: "))
    #expect(v.out.contains("USAGE: crampstat validate <file> [<options>]"))
    #expect(v.out.contains("--format <format>"))
    #expect(v.out.contains("(values: text, markdown, csv, json; default: text)"))
    #expect(runCLI(["validate", "--help"]).out == v.out)
  }

  @Test("--version names the BLAS library")
  func version() {
    let r = runCLI(["--version"])
    #expect(r.status == 0)
    #expect(r.out.hasPrefix("crampstat \(CLI.version)\n"))
    #expect(r.out.contains("OpenBLAS"))
  }

  @Test("usage errors print the usage line and where to find help")
  func usageError() {
    let r = runCLI(["validate", "x.csv", "--formt", "json"])
    #expect(r.status == 64)
    #expect(
      r.err
        == """
        Error: Unknown option '--formt'. Did you mean '--format'?
        Usage: crampstat validate <file> [<options>]
          See 'crampstat validate --help' for more information.

        """)
  }
}
