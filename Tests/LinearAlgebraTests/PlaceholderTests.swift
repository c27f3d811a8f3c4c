import Testing

@testable import LinearAlgebra

@Test("placeholder") func placeholder() { #expect(Bool(true)) }
