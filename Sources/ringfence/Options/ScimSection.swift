import Foundation
import RingfenceFiles
import RingfenceHTTP
import RingfenceSCIM

/// Reads the `scim:` section of the configuration file — the SCIM listener of `serve`
/// (keys in docs/configuration.md and docs/scim.md) — with the strict reader. No section:
/// no SCIM listener.
enum ScimSection {
    static let keys = ListenerFields.keys + ["publicURL", "burstGuard"]

    static func read(_ value: YAMLValue) -> ScimServer.Configuration? {
        guard let fields = value.mapping(allowed: keys) else { return nil }
        var configuration = ScimServer.Configuration()
        ListenerFields.read(fields, into: &configuration)
        if let url = fields["publicURL"], let text = url.nonEmptyString() {
            if let parsed = URL(string: text), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil {
                configuration.publicURL = text
            } else {
                url.fail("expected the service's URL up to /scim/v2, e.g. https://ringfence.example.com:8443/scim/v2")
            }
        }
        if let guardFields = fields["burstGuard"]?.mapping(allowed: [
            "maxCount", "maxShare", "minimum", "windowMinutes",
        ]) {
            var burstGuard = configuration.burstGuard
            if let count = guardFields["maxCount"]?.int(in: 1...10_000_000) { burstGuard.maxCount = count }
            if let share = guardFields["maxShare"]?.double(in: 0.0001...1) { burstGuard.maxShare = share }
            if let minimum = guardFields["minimum"]?.int(in: 0...10_000_000) { burstGuard.minimum = minimum }
            if let minutes = guardFields["windowMinutes"]?.int(in: 1...10_080) {
                burstGuard.windowSeconds = Double(minutes) * 60
            }
            configuration.burstGuard = burstGuard
        }
        return configuration
    }
}
