import CoreMetrics
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import RingfenceCore
import RingfenceProto
import RingfenceStore
import ServiceLifecycle
import Synchronization

/// The gRPC server of `ringfence serve`: the agent service and the health service on one
/// HTTP/2 port (plaintext or TLS), with the request size limit, plus the background work
/// they need — writing fetch times and served resolutions in batches, and keeping the
/// policy and fleet gauges current. Stops gracefully: in-flight calls finish, then what
/// is pending is written.
public final class AgentServer: Service, Sendable {
    let configuration: AgentServerConfiguration
    let dependencies: AgentService.Dependencies
    let logger: Logger
    private let address = Mutex<(continuations: [CheckedContinuation<Int, any Error>], port: Int?)>(([], nil))

    public init(
        configuration: AgentServerConfiguration, dependencies: AgentService.Dependencies,
        logger: Logger = Logger(label: "ringfence.server")
    ) {
        self.configuration = configuration
        self.dependencies = dependencies
        self.logger = logger
    }

    /// The port the server listens on, once it does (useful with port 0).
    public var listeningPort: Int {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let port = address.withLock { state -> Int? in
                    if state.port == nil { state.continuations.append(continuation) }
                    return state.port
                }
                if let port { continuation.resume(returning: port) }
            }
        }
    }

    public func run() async throws {
        defer {
            let waiting = address.withLock { state in
                defer { state.continuations = [] }
                return state.continuations
            }
            for continuation in waiting { continuation.resume(throwing: CancellationError()) }
        }
        let connectionGuard = ConnectionGuard(
            limits: ConnectionCounts.Limits(
                total: configuration.maxConnections, perAddress: configuration.maxConnectionsPerAddress),
            handshakeTimeout: .milliseconds(Int64(configuration.handshakeSeconds * 1_000)),
            metrics: dependencies.metrics)
        let transport = HTTP2ServerTransport.Posix(
            address: configuration.host.contains(":")
                ? .ipv6(host: configuration.host, port: configuration.port)
                : .ipv4(host: configuration.host, port: configuration.port),
            transportSecurity: try transportSecurity(),
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = configuration.maxMessageBytes
                config.connection.maxIdleTime = .milliseconds(Int64(configuration.idleSeconds * 1_000))
                config.channelDebuggingCallbacks.onAcceptTCPConnection = connectionGuard.install(on:)
            })
        let authenticator = AgentService.authenticator(configuration: configuration, fleet: dependencies.fleet)
        let server = GRPCServer(
            transport: transport,
            services: [
                AgentService(configuration: configuration, dependencies: dependencies, authenticator: authenticator),
                HealthService(snapshots: dependencies.snapshots),
            ],
            interceptorPipeline: Self.interceptors(
                authenticator: authenticator, metrics: dependencies.metrics,
                maxMessageBytes: configuration.maxMessageBytes))
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                group.addTask { try await self.reportAddress(server) }
                group.addTask { await self.backgroundLoop() }
                group.addTask { await self.policyGaugeLoop() }
                group.addTask {
                    // A graceful shutdown sends each connection a GOAWAY and a PING and waits
                    // for the ping's answer before the calls' grace period: a peer that never
                    // answers (a silent client, a half-dead balancer connection) would hold
                    // it for ever. After `shutdownGraceSeconds` the server is cancelled.
                    try await gracefulShutdown()
                    try await Task.sleep(for: .milliseconds(Int64(self.configuration.shutdownGraceSeconds * 1_000)))
                    self.logger.warning(
                        "connections still open after the shutdown grace period; closing them",
                        metadata: ["seconds": "\(self.configuration.shutdownGraceSeconds)"])
                }
                defer { group.cancelAll() }
                // serve() returns after a graceful shutdown; that ends the other tasks.
                try await group.next()
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
        do {
            try await dependencies.evidence.flush()
        } catch {
            logger.warning("could not write the last fetch times and resolutions", metadata: ["error": "\(error)"])
        }
    }

    /// What every call goes through, in order: metrics (outermost, so refusals are
    /// counted too), authentication (every agent method but Enroll), error mapping (next
    /// to the handlers). Any later service is added to the same pipeline.
    public static func interceptors(authenticator: AgentAuthenticator, metrics: ServerMetrics, maxMessageBytes: Int)
        -> [ConditionalInterceptor<any ServerInterceptor>]
    {
        let authenticated = Set(Ringfence_V1_AgentService.Method.descriptors)
            .subtracting([Ringfence_V1_AgentService.Method.Enroll.descriptor])
        return [
            .apply(MetricsInterceptor(metrics: metrics), to: .all),
            .apply(AuthenticationInterceptor(authenticator: authenticator), to: .methods(authenticated)),
            .apply(ErrorInterceptor(maxMessageBytes: maxMessageBytes), to: .all),
        ]
    }

    private func transportSecurity() throws -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard let certificate = configuration.tlsCertificateFile, let key = configuration.tlsKeyFile else {
            return .plaintext
        }
        try TLSFiles.check(certificate: certificate, key: key)
        return .tls(
            certificateChain: [.file(path: certificate, format: .pem)], privateKey: .file(path: key, format: .pem))
    }

    private func reportAddress(_ server: GRPCServer<HTTP2ServerTransport.Posix>) async throws {
        let bound = try await server.listeningAddress
        let port = bound?.ipv4?.port ?? bound?.ipv6?.port ?? configuration.port
        let waiting = address.withLock { state in
            state.port = port
            defer { state.continuations = [] }
            return state.continuations
        }
        for continuation in waiting { continuation.resume(returning: port) }
        logger.notice(
            "agent service listening",
            metadata: [
                "address": "\(configuration.host):\(port)", "tls": "\(configuration.usesTLS)",
                "maxMessageBytes": "\(configuration.maxMessageBytes)",
            ])
        // Keep this task alive like the others until the group is cancelled.
        try await Task.sleep(for: .seconds(365 * 86_400))
    }

    /// Every second: the policy gauges (in memory), in a loop of their own so that writes
    /// waiting for an unreachable PostgreSQL cannot hold `ringfence_policy_snapshot_live`
    /// at 1. Ends when cancelled.
    private func policyGaugeLoop() async {
        while !Task.isCancelled {
            await updatePolicyGauges()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Every `evidenceFlushSeconds`: write fetch times and resolutions; every ~15 s count connected hosts (a query) and
    /// make sure this week's and next week's event partitions exist, so the first events
    /// of a week never wait for one. Ends when cancelled.
    private func backgroundLoop() async {
        var lastGauges = ContinuousClock.now - .seconds(60)
        while !Task.isCancelled {
            do {
                try await dependencies.evidence.flush()
            } catch {
                logger.warning(
                    "could not write fetch times and resolutions; will retry", metadata: ["error": "\(error)"])
            }
            if ContinuousClock.now - lastGauges >= .seconds(15) {
                lastGauges = ContinuousClock.now
                await updateFleetGauge()
                await preparePartitions()
            }
            try? await Task.sleep(for: .seconds(configuration.evidenceFlushSeconds))
        }
    }

    private func updatePolicyGauges() async {
        let snapshots = dependencies.snapshots
        dependencies.metrics.policyRevision.record(await snapshots.current?.revision ?? 0)
        dependencies.metrics.snapshotLive.record(await snapshots.isLive ? 1 : 0)
    }

    private func preparePartitions() async {
        let now = Date()
        do {
            try await dependencies.events.ensurePartitions(for: [now, now.addingTimeInterval(7 * 86_400)])
        } catch {
            logger.warning(
                "could not create the coming weeks' event partitions; will retry", metadata: ["error": "\(error)"])
        }
    }

    private func updateFleetGauge() async {
        if let connected = try? await dependencies.fleet.connectedHosts(
            since: Date().addingTimeInterval(-configuration.staleAfter))
        {
            dependencies.metrics.hostsConnected.record(connected)
        }
        if let drifted = try? await dependencies.fleet.driftedHosts() {
            dependencies.metrics.hostsDrifted.record(drifted)
        }
    }
}
