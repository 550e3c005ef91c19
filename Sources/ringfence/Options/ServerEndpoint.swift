import ArgumentParser
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// `--server host:port` and `--ca FILE`: where a running Ringfence server is, for the
/// commands that speak gRPC to it (agent-sim, health, workstation).
struct ServerEndpoint: ParsableArguments {
    @Option(help: "Server address, host:port.")
    var server: String = "127.0.0.1:7443"
    @Option(help: "PEM CA certificate to verify the server's TLS certificate (default: plaintext).")
    var ca: String?

    func validate() throws {
        _ = try target()
    }

    func target() throws -> (String, Int) {
        try HostPort.flag(server, "--server")
    }

    /// Runs `body` with a client on its own HTTP/2 connection.
    func withClient<Result: Sendable>(
        _ body: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        let (host, port) = try target()
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let ca {
            security = .tls { $0.trustRoots = .certificates([.file(path: ca, format: .pem)]) }
        } else {
            security = .plaintext
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: host.contains(":") ? .ipv6(address: host, port: port) : .ipv4(address: host, port: port),
            transportSecurity: security)
        // A body that makes no call (an empty event queue) can return before the client's
        // connections started; grpc-swift then reports `clientIsStopped` from
        // runConnections although the body succeeded. Its result stands.
        let finished = Mutex<Result?>(nil)
        do {
            return try await withGRPCClient(transport: transport) { client in
                let result = try await body(client)
                finished.withLock { $0 = result }
                return result
            }
        } catch let error as RuntimeError where error.code == .clientIsStopped {
            guard let result = finished.withLock({ $0 }) else { throw error }
            return result
        }
    }
}
