import Testing

@testable import ringfence

/// Expects `yaml` to be refused by the configuration parser with an error naming `words`
/// (the key at fault), and records an issue when it is accepted.
func expectConfigurationRefused(
    _ yaml: String, mentioning words: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        _ = try ConfigurationFile.parse(yaml, file: "f", environment: [:])
        Issue.record("accepted \(yaml)", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)".contains(words), "\(error)", sourceLocation: sourceLocation)
    }
}
