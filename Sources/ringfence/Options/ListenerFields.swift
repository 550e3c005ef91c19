import RingfenceFiles
import RingfenceHTTP

/// The keys every HTTP listener section of the configuration file has (`scim:`,
/// `admin:`): `listen`, `tls { certificateFile, keyFile }`, `rateLimit { perSecond, burst }`
/// per token and `tokenCacheSeconds`, read onto the section's defaults.
struct ListenerFields {
    static let keys = ["listen", "tls", "rateLimit", "tokenCacheSeconds"]

    var listener: HTTPListener
    var ratePerSecond: Double
    var burst: Double
    var tokenCacheSeconds: Double

    /// The fields of a section's mapping, each problem located on its key.
    mutating func read(_ fields: [String: YAMLValue]) {
        if let address = fields["listen"]?.hostPort() { (listener.host, listener.port) = address }
        if let tls = fields["tls"]?.mapping(allowed: ["certificateFile", "keyFile"]) {
            listener.tlsCertificateFile = tls["certificateFile"]?.nonEmptyString()
            listener.tlsKeyFile = tls["keyFile"]?.nonEmptyString()
            if (listener.tlsCertificateFile == nil) != (listener.tlsKeyFile == nil) {
                fields["tls"]?.fail("give both certificateFile and keyFile, or neither")
            }
        }
        if let limit = fields["rateLimit"].flatMap(ServerSection.rate) {
            if let perSecond = limit.perSecond {
                if perSecond > 0 {
                    ratePerSecond = perSecond
                } else {
                    fields["rateLimit"]?.fail("perSecond must be > 0")
                }
            }
            if let burst = limit.burst {
                if burst >= 1 { self.burst = burst } else { fields["rateLimit"]?.fail("burst must be ≥ 1") }
            }
        }
        if let seconds = fields["tokenCacheSeconds"]?.double(in: 0...3_600) { tokenCacheSeconds = seconds }
    }
}
