import Foundation
import RingfenceFiles
import RingfenceHTTP

/// Reads the `scim:` section of the configuration file — the SCIM listener of `serve`
/// (keys in docs/configuration.md and docs/scim.md) — with the strict reader. No section:
/// no SCIM listener.
enum ScimSection {
    static let keys = ["listen", "tls", "publicURL", "rateLimit", "tokenCacheSeconds", "burstGuard"]

    static func read(_ value: YAMLValue) -> ScimServer.Configuration? {
        guard let fields = value.mapping(allowed: keys) else { return nil }
        var configuration = ScimServer.Configuration()
        if let address = fields["listen"]?.hostPort() { (configuration.host, configuration.port) = address }
        if let tls = fields["tls"]?.mapping(allowed: ["certificateFile", "keyFile"]) {
            configuration.tlsCertificateFile = tls["certificateFile"]?.nonEmptyString()
            configuration.tlsKeyFile = tls["keyFile"]?.nonEmptyString()
            if (configuration.tlsCertificateFile == nil) != (configuration.tlsKeyFile == nil) {
                fields["tls"]?.fail("give both certificateFile and keyFile, or neither")
            }
        }
        if let url = fields["publicURL"], let text = url.nonEmptyString() {
            if let parsed = URL(string: text), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil {
                configuration.publicURL = text
            } else {
                url.fail("expected the service's URL up to /scim/v2, e.g. https://ringfence.example.com:8443/scim/v2")
            }
        }
        if let limit = fields["rateLimit"].flatMap(ServerSection.rate) {
            if let perSecond = limit.perSecond {
                if perSecond > 0 {
                    configuration.ratePerSecond = perSecond
                } else {
                    fields["rateLimit"]?.fail("perSecond must be > 0")
                }
            }
            if let burst = limit.burst {
                if burst >= 1 { configuration.burst = burst } else { fields["rateLimit"]?.fail("burst must be ≥ 1") }
            }
        }
        if let seconds = fields["tokenCacheSeconds"]?.double(in: 0...3_600) {
            configuration.tokenCacheSeconds = seconds
        }
        return configuration
    }
}
