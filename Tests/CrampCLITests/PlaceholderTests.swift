import Testing

@testable import CrampCLI

@Test("placeholder") func placeholder() { #expect(Bool(true)) }
