import RingfenceFiles
import RingfenceHTTP

/// The keys every HTTP listener section of the configuration file has (`scim:`,
/// `admin:`): `listen`, `tls { certificateFile, keyFile }`, `rateLimit { perSecond, burst }`
/// per token and `tokenCacheSeconds`, read onto the section's defaults.
enum ListenerFields {
    static let keys = ["listen", "tls", "rateLimit", "tokenCacheSeconds"]

    /// The fields of a section's mapping onto `configuration`, each problem located on its key.
    static func read<Configuration: TokenListenerConfiguration>(
        _ fields: [String: YAMLValue], into configuration: inout Configuration
    ) {
        if let address = fields["listen"]?.hostPort() {
            (configuration.listener.host, configuration.listener.port) = address
        }
        if let tls = fields["tls"]?.mapping(allowed: ["certificateFile", "keyFile"]) {
            configuration.listener.tlsCertificateFile = tls["certificateFile"]?.nonEmptyString()
            configuration.listener.tlsKeyFile = tls["keyFile"]?.nonEmptyString()
            if (configuration.listener.tlsCertificateFile == nil) != (configuration.listener.tlsKeyFile == nil) {
                fields["tls"]?.fail("give both certificateFile and keyFile, or neither")
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
    }
}
