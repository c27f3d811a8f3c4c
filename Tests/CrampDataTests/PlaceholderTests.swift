import Testing

@testable import CrampData

@Test("placeholder") func placeholder() { #expect(Bool(true)) }
