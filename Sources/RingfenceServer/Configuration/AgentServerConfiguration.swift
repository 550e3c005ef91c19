import Foundation
import RingfenceAdapters

/// Settings of the agent service (`server:` in the configuration file, see
/// docs/configuration.md). Every value has a default that suits a real deployment.
public struct AgentServerConfiguration: Sendable, Equatable {
    /// Address and port the gRPC server listens on.
    public var host: String = "127.0.0.1"
    public var port: Int = 7443
    /// Address and port of the Prometheus `/metrics` endpoint; nil = not served.
    public var metricsHost: String = "127.0.0.1"
    public var metricsPort: Int? = 9464
    /// PEM certificate chain and private key for TLS; both nil = plaintext.
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// Largest request message accepted, in bytes.
    public var maxMessageBytes: Int = 1 << 20
    /// Sustained requests per second allowed per API key, and the burst above it.
    public var rateLimitPerSecond: Double = 20
    public var rateLimitBurst: Double = 100
    /// Enrolment attempts per second allowed per client address, and the burst.
    public var enrollPerSecond: Double = 2
    public var enrollBurst: Double = 20
    /// Lifetime of a new API key, and how long a rotated key keeps working.
    public var keyLifetime: TimeInterval = 90 * 86_400
    public var rotationOverlap: TimeInterval = 86_400
    /// How long a looked-up key, a user's groups and a host's ring are cached. A revoked
    /// key stops working, and a directory change reaches agents, within this time.
    public var cacheSeconds: TimeInterval = 5
    /// Interval the server asks agents to heartbeat at, and after how long without one a
    /// host counts as stale.
    public var heartbeatSeconds: Int = 300
    public var staleAfter: TimeInterval = 86_400
    /// Events stored per INSERT while a stream is read.
    public var eventBatchSize: Int = 1_000
    /// Seconds a replica's lease on a scheduled job lasts without renewal (renewed every
    /// third of it; a dead leader is replaced within 4/3 of it).
    public var jobLeaseSeconds: Double = 15
    /// Connections held at once, in total and from one client address (behind a load
    /// balancer that does not pass the client's address on, every connection comes from
    /// its address: raise `perAddress` to `total` there and cap addresses in the balancer).
    public var maxConnections: Int = 10_000
    public var maxConnectionsPerAddress: Int = 1_000
    /// Seconds a new connection has to send the HTTP/2 preface (after TLS, with TLS).
    public var handshakeSeconds: Double = 10
    /// Seconds a connection with no call in progress stays open.
    public var idleSeconds: Double = 600
    /// Seconds a graceful shutdown waits for connections and calls before closing them
    /// (`server.shutdownGraceSeconds`).
    public var shutdownGraceSeconds: Double = 20
    /// Oldest and newest event time accepted, relative to the server clock.
    public var eventMaxAge: TimeInterval = 90 * 86_400
    public var eventMaxFuture: TimeInterval = 86_400
    /// How often fetch times and served resolutions are written (batched).
    public var evidenceFlushSeconds: TimeInterval = 1
    /// How native files rendered for agents call the hook on workstations (`server.agents`).
    public var adapters = AdapterOptions()

    public init() {}

    /// Whether TLS is configured.
    public var usesTLS: Bool { tlsCertificateFile != nil }

    /// The problems of this configuration with their keys (`server.listen`); empty when valid.
    public func problems() -> [(key: String, message: String)] {
        var problems: [(key: String, message: String)] = []
        if !(0...65_535).contains(port) { problems.append(("server.listen", "port \(port) is out of range")) }
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            problems.append(("server.metrics", "port \(metricsPort) is out of range"))
        }
        if (tlsCertificateFile == nil) != (tlsKeyFile == nil) {
            problems.append(("server.tls", "give both certificateFile and keyFile, or neither"))
        }
        if maxMessageBytes < 1_024 || maxMessageBytes > 64 << 20 {
            problems.append(("server.maxMessageBytes", "expected 1024 to 67108864, got \(maxMessageBytes)"))
        }
        if rateLimitPerSecond <= 0 || rateLimitBurst < 1 {
            problems.append(("server.rateLimit", "perSecond must be > 0 and burst ≥ 1"))
        }
        if enrollPerSecond <= 0 || enrollBurst < 1 {
            problems.append(("server.enrollRateLimit", "perSecond must be > 0 and burst ≥ 1"))
        }
        if keyLifetime < 5 { problems.append(("server.keyLifetimeDays", "at least 5 seconds (0.0001 days)")) }
        if rotationOverlap < 0 || rotationOverlap > keyLifetime {
            problems.append(("server.rotationOverlapHours", "between 0 and the key lifetime"))
        }
        if cacheSeconds < 0 || cacheSeconds > 300 { problems.append(("server.cacheSeconds", "expected 0 to 300")) }
        if heartbeatSeconds < 1 { problems.append(("server.heartbeatSeconds", "at least 1")) }
        if eventBatchSize < 1 || eventBatchSize > 10_000 {
            problems.append(("server.eventBatchSize", "expected 1 to 10000"))
        }
        if jobLeaseSeconds < 3 || jobLeaseSeconds > 600 {
            problems.append(("server.jobLeaseSeconds", "expected 3 to 600"))
        }
        if !(1...1_000_000).contains(maxConnections) {
            problems.append(("server.connections.max", "expected 1 to 1000000"))
        }
        if !(1...1_000_000).contains(maxConnectionsPerAddress) {
            problems.append(("server.connections.perAddress", "expected 1 to 1000000"))
        } else if maxConnectionsPerAddress > maxConnections {
            problems.append(("server.connections.perAddress", "at most connections.max (\(maxConnections))"))
        }
        if !(0.1...300).contains(handshakeSeconds) {
            problems.append(("server.connections.handshakeSeconds", "expected 0.1 to 300"))
        }
        if !(1...86_400).contains(idleSeconds) {
            problems.append(("server.connections.idleSeconds", "expected 1 to 86400"))
        }
        if !(1...3_600).contains(shutdownGraceSeconds) {
            problems.append(("server.shutdownGraceSeconds", "expected 1 to 3600"))
        }
        if !adapters.hookExecutable.hasPrefix("/") {
            problems.append(("server.agents.hookExecutable", "expected an absolute path"))
        }
        if !adapters.cacheDirectory.hasPrefix("/") {
            problems.append(("server.agents.cacheDirectory", "expected an absolute path"))
        }
        if !(1...60).contains(adapters.hookTimeoutSeconds) {
            problems.append(("server.agents.hookTimeoutSeconds", "expected 1 to 60"))
        }
        return problems
    }
}
