import Testing

@testable import TrialDesign
