import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Metrics
import PostgresNIO
import Prometheus
import RingfenceCore
import RingfenceFiles
import RingfenceProto
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import SwiftProtobuf
import Testing

/// A real agent service on a loopback port, against a temporary migrated database with
/// the example policy published and a small directory: alice in engineering (ring 2),
/// bob in engineering and ai-pilot (ring 3). Tests talk to it with real gRPC clients.
struct AgentServiceHarness: Sendable {
    let client: PostgresClient
    let port: Int
    let fleet: FleetStore
    let registry: PrometheusCollectorRegistry
    let snapshots: PolicySnapshotCache
    let evidence: EvidenceRecorder
    let revision: Int64

    static func run<Result: Sendable>(
        configure: @Sendable (inout AgentServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (AgentServiceHarness) async throws -> Result
    ) async throws -> Result {
        try await TestServers.withMigratedDatabase { client, _ in
            try await seedDirectory(client)
            let files = try PolicyFiles.load(directory: TestServers.repositoryRoot.appending(path: "examples/policy"))
            let policy = PolicyStore(client: client)
            let revision = try await policy.publish(files.bundle, actor: "test", expectedCurrent: nil)
            let snapshots = PolicySnapshotCache()
            await snapshots.install(try await policy.snapshot(revision: revision))

            var configuration = AgentServerConfiguration()
            configuration.port = 0
            configuration.metricsPort = nil
            configuration.cacheSeconds = 0
            configure(&configuration)
            let registry = PrometheusCollectorRegistry()
            let fleet = FleetStore(client: client)
            let evidence = EvidenceRecorder(fleet: fleet, resolutions: ResolutionStore(client: client))
            let dependencies = AgentService.Dependencies(
                fleet: fleet, directory: DirectoryStore(client: client), events: EventStore(client: client),
                snapshots: snapshots,
                evidence: evidence,
                metrics: ServerMetrics(factory: PrometheusMetricsFactory(registry: registry)),
                signer: try await PolicySigner.load(from: SigningKeyStore(client: client)),
                exceptions: ExceptionStore(client: client))
            let server = AgentServer(configuration: configuration, dependencies: dependencies)
            return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
                group.addTask { try await server.run() }
                defer { group.cancelAll() }
                let port = try await server.listeningPort
                return try await body(
                    AgentServiceHarness(
                        client: client, port: port, fleet: fleet, registry: registry,
                        snapshots: snapshots, evidence: evidence, revision: revision))
            }
        }
    }

    /// alice ∈ engineering; bob ∈ engineering, ai-pilot; carol has no host (missing).
    static func seedDirectory(_ client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO directory_users (id, dn, username) VALUES
              (1, 'uid=alice,ou=people,dc=example,dc=com', 'alice'),
              (2, 'uid=bob,ou=people,dc=example,dc=com', 'bob'),
              (3, 'uid=carol,ou=people,dc=example,dc=com', 'carol')
            """)
        try await client.query(
            """
            INSERT INTO directory_groups (id, dn, name) VALUES
              (1, 'cn=engineering,ou=groups,dc=example,dc=com', 'engineering'),
              (2, 'cn=ai-pilot,ou=groups,dc=example,dc=com', 'ai-pilot')
            """)
        try await client.query(
            "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (1, 1, 0), (2, 1, 0), (2, 2, 0)")
    }

    /// Runs `body` with a gRPC client of the agent service.
    func withAgentClient<Result: Sendable>(
        _ body: @Sendable (Ringfence_V1_AgentService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        ) { grpc in
            try await body(Ringfence_V1_AgentService.Client(wrapping: grpc))
        }
    }

    /// Runs `body` with a plain gRPC client (for health checks and hand-made requests).
    func withClient<Result: Sendable>(
        _ body: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        ) { grpc in
            try await body(grpc)
        }
    }

    /// A fresh one-time enrolment token binding `users` to the host.
    func enrollmentToken(
        ring: Ring? = nil, users: [String] = ["alice", "bob"], anyUser: Bool = false, expiresIn: TimeInterval = 3_600
    ) async throws -> String {
        let token = EnrollmentToken.generate()
        _ = try await fleet.createEnrollmentToken(
            hash: token.hash, ring: ring, tags: [], users: users, anyUser: anyUser,
            expiresAt: Date().addingTimeInterval(expiresIn))
        return token.text
    }

    /// Enrols a host bound to `users` (alice and bob unless told); returns its id and key.
    func enroll(
        machine: String, agent: Ringfence_V1_AgentService.Client<HTTP2ClientTransport.Posix>, ring: Ring? = nil,
        users: [String] = ["alice", "bob"], anyUser: Bool = false
    )
        async throws -> (hostID: String, key: String)
    {
        var request = Ringfence_V1_EnrollRequest()
        request.enrollmentToken = try await enrollmentToken(ring: ring, users: users, anyUser: anyUser)
        request.host.machineID = machine
        request.host.hostname = "\(machine).example.com"
        request.host.os = "linux"
        request.installerVersion = "1.0.0"
        let response = try await agent.enroll(request)
        return (response.hostID, response.apiKey)
    }
}

/// `authorization: Bearer <key>` metadata.
func bearer(_ key: String) -> Metadata {
    ["authorization": "Bearer \(key)"]
}

/// Expects `body` to fail with this gRPC status code; returns the message.
@discardableResult
func expectRPCError(_ code: RPCError.Code, _ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        Issue.record("expected \(code), the call succeeded")
    } catch let error as RPCError {
        if error.code != code { Issue.record("expected \(code), got \(error.code): \(error.message)") }
        return error.message
    } catch {
        Issue.record("expected RPCError \(code), got \(error)")
    }
    return nil
}
