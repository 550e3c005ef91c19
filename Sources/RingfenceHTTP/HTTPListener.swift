import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import RingfenceServer

/// Where an HTTP listener of `serve` listens and with what TLS: shared by the SCIM and
/// admin listeners, which differ only in their routes.
public struct HTTPListener: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?

    public init(host: String, port: Int, tlsCertificateFile: String? = nil, tlsKeyFile: String? = nil) {
        self.host = host
        self.port = port
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
    }

    /// Serves `router` until the service group shuts down, answering as `server`; logs
    /// `name` and the bound address.
    func run<Builder: HTTPResponderBuilder>(_ router: Builder, name: String, server serverName: String, logger: Logger)
        async throws
    where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let server: HTTPServerBuilder
        if let certificate = tlsCertificateFile, let key = tlsKeyFile {
            try TLSFiles.check(certificate: certificate, key: key)
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        let listener = self
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in
                logger.notice(
                    "\(name) listening",
                    metadata: [
                        "address": "\(listener.host):\(channel.localAddress?.port ?? listener.port)",
                        "tls": "\(listener.tlsCertificateFile != nil)",
                    ])
            }, logger: logger)
        try await app.run()
    }
}
