import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import PostgresNIO
import RingfenceCore
import RingfenceProto
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import SwiftProtobuf
import Testing

/// Every authenticated RPC × every kind of credential, over real gRPC and PostgreSQL:
/// only the host's own valid agent key gets through, and nothing refused leaves a trace in
/// the database (docs/reliability.md, "Security checks").
@Suite("Authorization matrix", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct AuthorizationMatrixTests {
    enum RPC: String, CaseIterable, Sendable {
        case heartbeat, fetchPolicy, reportEvents, rotateKey
    }

    enum Credential: String, CaseIterable, Sendable {
        case none, malformed, unknown, wrongSecret, expired, revoked, otherHostsKey, adminKey, retiredHost, own
    }

    static func expected(_ credential: Credential) -> RPCError.Code? {
        switch credential {
        case .own: nil
        case .otherHostsKey, .adminKey: .permissionDenied
        case .none, .malformed, .unknown, .wrongSecret, .expired, .revoked, .retiredHost: .unauthenticated
        }
    }

    /// Calls `rpc` for `hostID` with `metadata`; nil when it succeeded, else the status code.
    static func call(
        _ rpc: RPC, hostID: String, metadata: Metadata, sequence: Int,
        agent: Ringfence_V1_AgentService.Client<HTTP2ClientTransport.Posix>
    ) async -> RPCError.Code? {
        do {
            switch rpc {
            case .heartbeat:
                var request = Ringfence_V1_HeartbeatRequest()
                request.hostID = hostID
                request.inventory.hostname = "matrix-\(sequence)"
                _ = try await agent.heartbeat(request, metadata: metadata)
            case .fetchPolicy:
                var request = Ringfence_V1_FetchPolicyRequest()
                request.hostID = hostID
                request.context.user = "alice"
                _ = try await agent.fetchPolicy(request, metadata: metadata)
            case .reportEvents:
                var request = Ringfence_V1_ReportEventsRequest()
                request.hostID = hostID
                request.events = [auditEvent("matrix-\(sequence)")]
                _ = try await agent.reportEvents(metadata: metadata) { [request] in try await $0.write(request) }
            case .rotateKey:
                var request = Ringfence_V1_RotateKeyRequest()
                request.hostID = hostID
                _ = try await agent.rotateKey(request, metadata: metadata)
            }
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    @Test("each RPC with each credential", arguments: RPC.allCases)
    func matrix(rpc: RPC) async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                var sequence = 0
                for credential in Credential.allCases {
                    sequence += 1
                    // A fresh victim host per case, so rotation or revocation in one case cannot mask another.
                    let (hostID, key) = try await harness.enroll(machine: "m-\(rpc)-\(credential)", agent: agent)
                    let prefix = try #require(APIKey(parsing: key)?.prefix)
                    let presented: String?
                    switch credential {
                    case .none: presented = nil
                    case .malformed: presented = "rf_" + String(repeating: "x", count: 10)
                    case .unknown: presented = APIKey.generate().text
                    case .wrongSecret: presented = String(key.dropLast(6)) + "AAAAAA"
                    case .expired:
                        try await harness.client.query(
                            "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_prefix = \(prefix)")
                        presented = key
                    case .revoked:
                        _ = try await harness.fleet.revokeKey(prefix: prefix)
                        presented = key
                    case .otherHostsKey:
                        presented = try await harness.enroll(machine: "m-other-\(rpc)", agent: agent).key
                    case .adminKey:
                        let admin = APIKey.generate()
                        try await harness.fleet.createAdminKey(
                            prefix: admin.prefix, hash: admin.hash, label: "matrix",
                            expiresAt: Date().addingTimeInterval(3_600))
                        presented = admin.text
                    case .retiredHost:
                        try await harness.client.query(
                            "UPDATE hosts SET retired_at = now() WHERE id = \(UUID(uuidString: hostID)!)")
                        presented = key
                    case .own:
                        presented = key
                    }
                    let metadata: Metadata = presented.map { bearer($0) } ?? [:]
                    let code = await Self.call(
                        rpc, hostID: hostID, metadata: metadata, sequence: sequence, agent: agent)
                    #expect(
                        code == Self.expected(credential),
                        "\(rpc) with \(credential): got \(code.map { "\($0)" } ?? "OK")")
                }
            }
            // Only the successful calls left rows behind.
            let events = try await harness.client.query("SELECT count(*)::bigint FROM audit_events")
            for try await count in events.decode(Int64.self) { #expect(count == (rpc == .reportEvents ? 1 : 0)) }
            let beats = try await harness.client.query(
                "SELECT count(*)::bigint FROM hosts WHERE hostname LIKE 'matrix-%'")
            for try await count in beats.decode(Int64.self) { #expect(count == (rpc == .heartbeat ? 1 : 0)) }
            let keys = try await harness.client.query("SELECT count(*)::bigint FROM api_keys WHERE kind = 'agent'")
            // Every case enrolled one host (two for otherHostsKey); only the successful rotation added a key.
            for try await count in keys.decode(Int64.self) {
                #expect(count == Int64(Credential.allCases.count + 1 + (rpc == .rotateKey ? 1 : 0)))
            }
        }
    }

    @Test("Enroll: missing, malformed, unknown, used and expired tokens get UNAUTHENTICATED and enrol nothing")
    func enroll() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let used = try await harness.enrollmentToken()
                var request = Ringfence_V1_EnrollRequest()
                request.host.machineID = "m-enrol"
                request.host.hostname = "m-enrol.example.com"
                request.enrollmentToken = used
                _ = try await agent.enroll(request)
                let expired = try await harness.enrollmentToken(expiresIn: -1)
                for token in [
                    "", "rfe_short", "rfe_" + String(repeating: "A", count: 43), used, expired,
                    "'; DROP TABLE hosts; --",
                ] {
                    request.enrollmentToken = token
                    request.host.machineID = "m-enrol-\(token.hashValue)"
                    await expectRPCError(.unauthenticated) { _ = try await agent.enroll(request) }
                }
            }
            let hosts = try await harness.client.query("SELECT count(*)::bigint FROM hosts")
            for try await count in hosts.decode(Int64.self) { #expect(count == 1) }
        }
    }

    @Test(
        "an empty or malformed host_id is INVALID_ARGUMENT with the own key, on every RPC (an empty one was accepted)",
        arguments: RPC.allCases)
    func hostIDRequired(rpc: RPC) async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (_, key) = try await harness.enroll(machine: "m-noid-\(rpc)", agent: agent)
                for (sequence, hostID) in ["", "not-a-uuid"].enumerated() {
                    let code = await Self.call(
                        rpc, hostID: hostID, metadata: bearer(key), sequence: 100 + sequence, agent: agent)
                    #expect(
                        code == .invalidArgument, "\(rpc) with host_id '\(hostID)': got \(code.map { "\($0)" } ?? "OK")"
                    )
                }
            }
            let events = try await harness.client.query("SELECT count(*)::bigint FROM audit_events")
            for try await count in events.decode(Int64.self) { #expect(count == 0) }
        }
    }
}
