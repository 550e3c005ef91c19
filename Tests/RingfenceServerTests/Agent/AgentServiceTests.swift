import Foundation
import GRPCCore
import PostgresNIO
import RingfenceCore
import RingfenceProto
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import SwiftProtobuf
import Testing

@Suite("Agent service over gRPC", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct AgentServiceTests {
    @Test("enrol → heartbeat → fetch → events → fleet view")
    func fullFlow() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-1", agent: agent)
                #expect(UUID(uuidString: hostID) != nil)
                #expect(key.hasPrefix("rf_"))

                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostID
                heartbeat.inventory.hostname = "m-1.example.com"
                heartbeat.inventory.os = "linux"
                heartbeat.inventory.installerVersion = "1.1.0"
                heartbeat.inventory.provider = "ansible"
                heartbeat.inventory.users = ["alice", "bob"]
                var claude = Ringfence_V1_AgentInstall()
                claude.kind = "claude-code"
                claude.version = "2.0.1"
                claude.hookState = .installed
                heartbeat.inventory.agents = [claude]
                var mcp = Ringfence_V1_McpServer()
                mcp.name = "github"
                mcp.agentKind = "claude-code"
                mcp.transport = "stdio"
                mcp.endpoint = "github-mcp"
                mcp.scope = "user"
                heartbeat.inventory.mcpServers = [mcp]
                var repo = Ringfence_V1_RepoSeen()
                repo.slug = "payments/api"
                repo.managed = true
                heartbeat.inventory.repos = [repo]
                let beat = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                #expect(beat.policyRevision == harness.revision)
                #expect(beat.nextHeartbeatSeconds == 300)

                // bob is in ai-pilot (ring 3); alice only in engineering (ring 2).
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "bob"
                fetch.context.agentKind = "claude-code"
                fetch.context.repo = "payments/api"
                fetch.includeTrace = true
                let bob = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                #expect(bob.ring == 3)
                #expect(bob.revision == harness.revision)
                #expect(!bob.surfaces.isEmpty)
                #expect(!bob.trace.isEmpty)
                #expect(UUID(uuidString: bob.traceID) != nil)
                fetch.context.user = "alice"
                fetch.includeTrace = false
                let alice = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                #expect(alice.ring == 2)
                #expect(alice.trace.isEmpty)
                #expect(alice.etag != bob.etag)

                // The same answer the resolver gives for the same facts.
                let snapshot = try #require(await harness.snapshots.current)
                let expected = snapshot.resolve(
                    DecisionContext(
                        user: "alice", groups: ["engineering"], repo: "payments/api", agent: "claude-code",
                        at: Date()))
                #expect(expected.repository?.trust == .production)  // examples/policy/repositories.yaml
                #expect(alice.etag == expected.etag)
                #expect(alice.surfaces.map(\.surface) == expected.surfaces.map(\.surface.rawValue))
                #expect(alice.surfaces.map(\.level) == expected.surfaces.map(\.level.proto))

                var events = Ringfence_V1_ReportEventsRequest()
                events.hostID = hostID
                events.events = (0..<25).map { auditEvent("e-\($0)") }
                let report = try await agent.reportEvents(metadata: bearer(key)) { [events] writer in
                    try await writer.write(events)
                }
                #expect(report.received == 25)
                #expect(report.stored == 25)
                #expect(report.duplicates == 0)
                #expect(report.rejected.isEmpty)
            }
            let rows = try await harness.client.query(
                "SELECT count(*)::bigint FROM audit_events WHERE username = 'alice'")
            for try await count in rows.decode(Int64.self) { #expect(count == 25) }
            let summary = try await harness.fleet.summary()
            #expect(summary.connected == 1)
            #expect(summary.hosts.first?.installerVersion == "1.1.0")
            #expect(summary.missingUsers == ["carol"])
            let changes = try await harness.client.query(
                "SELECT field, coalesce(old_value, ''), coalesce(new_value, '') FROM host_changes ORDER BY field")
            var seen: [String] = []
            for try await (field, old, new) in changes.decode((String, String, String).self) {
                seen.append("\(field) \(old)→\(new)")
            }
            #expect(
                seen == [
                    "agent_version:claude-code →2.0.1", "hook_state:claude-code →installed",
                    "installer_version 1.0.0→1.1.0",
                ])
        }
    }

    @Test("a fetch with the current etag is answered 'not modified'; a stale etag gets the policy")
    func notModified() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-nm", agent: agent)
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "alice"
                let first = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                fetch.ifNoneMatch = first.etag
                let second = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                #expect(second.notModified)
                #expect(second.etag == first.etag)
                #expect(second.surfaces.isEmpty)
                #expect(second.ring == first.ring)
                fetch.ifNoneMatch = "stale"
                let third = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                #expect(!third.notModified)
                #expect(third.surfaces.count == first.surfaces.count)
            }
        }
    }

    @Test("fetches are recorded on the host and each distinct resolution is stored once with its trace")
    func fetchEvidence() async throws {
        try await AgentServiceHarness.run(configure: { $0.evidenceFlushSeconds = 3_600 }) { harness in
            let (hostID, traceID, etag) = try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-ev", agent: agent)
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "bob"
                let first = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                let second = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                #expect(first.traceID == second.traceID)
                return (hostID, first.traceID, first.etag)
            }
            try await harness.evidence.flush()
            let hosts = try await harness.client.query(
                "SELECT last_policy_etag FROM hosts WHERE id = \(UUID(uuidString: hostID)!) AND last_policy_fetch_at IS NOT NULL"
            )
            var etags: [String?] = []
            for try await value in hosts.decode(String?.self) { etags.append(value) }
            #expect(etags == [etag])
            let stored = try await harness.client.query("SELECT id, jsonb_array_length(trace), ring FROM resolutions")
            var rows: [(UUID, Int, Int16)] = []
            for try await row in stored.decode((UUID, Int, Int16).self) { rows.append(row) }
            #expect(rows.count == 1)
            #expect(rows.first?.0 == UUID(uuidString: traceID))
            #expect((rows.first?.1 ?? 0) > 0)
            #expect(rows.first?.2 == 3)
        }
    }

    @Test("missing, malformed, unknown, revoked and expired keys get UNAUTHENTICATED")
    func unauthenticated() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-auth", agent: agent)
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostID
                heartbeat.inventory.hostname = "m-auth"
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))

                await expectRPCError(.unauthenticated) { _ = try await agent.heartbeat(heartbeat) }
                await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer("not-a-key"))
                }
                let unknown = APIKey.generate().text
                let message = await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(unknown))
                }
                #expect(message?.contains(unknown) == false, "the key must not be echoed")
                // Right prefix, wrong secret.
                let forged = String(key.dropLast(4)) + "AAAA"
                await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(forged))
                }

                let prefix = try #require(APIKey(parsing: key)?.prefix)
                try await harness.client.query(
                    "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_prefix = \(prefix)")
                let expired = await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                }
                #expect(expired?.contains("expired") == true)
                try await harness.client.query(
                    "UPDATE api_keys SET expires_at = now() + interval '1 day' WHERE key_prefix = \(prefix)")
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                #expect(try await harness.fleet.revokeKey(prefix: prefix))
                let revoked = await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                }
                #expect(revoked?.contains("revoked") == true)
            }
        }
    }

    @Test("host A's key cannot act for host B")
    func otherHost() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (_, keyA) = try await harness.enroll(machine: "m-a", agent: agent)
                let (hostB, _) = try await harness.enroll(machine: "m-b", agent: agent)
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostB
                heartbeat.inventory.hostname = "spoofed"
                await expectRPCError(.permissionDenied) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(keyA))
                }
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostB
                fetch.context.user = "alice"
                await expectRPCError(.permissionDenied) {
                    _ = try await agent.fetchPolicy(fetch, metadata: bearer(keyA))
                }
                var events = Ringfence_V1_ReportEventsRequest()
                events.hostID = hostB
                events.events = [auditEvent("spoof-1")]
                await expectRPCError(.permissionDenied) {
                    _ = try await agent.reportEvents(metadata: bearer(keyA)) { [events] in try await $0.write(events) }
                }
                var rotate = Ringfence_V1_RotateKeyRequest()
                rotate.hostID = hostB
                await expectRPCError(.permissionDenied) {
                    _ = try await agent.rotateKey(rotate, metadata: bearer(keyA))
                }
            }
            let rows = try await harness.client.query("SELECT count(*)::bigint FROM audit_events")
            for try await count in rows.decode(Int64.self) { #expect(count == 0) }
            let hostnames = try await harness.client.query(
                "SELECT count(*)::bigint FROM hosts WHERE hostname = 'spoofed'")
            for try await count in hostnames.decode(Int64.self) { #expect(count == 0) }
        }
    }

    @Test(
        "duplicate event ids are stored once, within a stream and across streams; invalid events are rejected with reasons"
    )
    func duplicatesAndRejections() async throws {
        // A resent event carries the time it happened, as the first sending did.
        let at = Date().addingTimeInterval(-60)
        @Sendable func auditEvent(_ id: String) -> Ringfence_V1_AuditEvent {
            RingfenceTestSupport.auditEvent(id, at: at)
        }
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-dup", agent: agent)
                var batch = Ringfence_V1_ReportEventsRequest()
                batch.hostID = hostID
                batch.events = [auditEvent("d-1"), auditEvent("d-2"), auditEvent("d-1")]
                var invalid = auditEvent("bad-1")
                invalid.surface = "Not A Surface"
                var noVerdict = auditEvent("bad-2")
                noVerdict.verdict = .unspecified
                var old = auditEvent("bad-3")
                old.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-200 * 86_400))
                batch.events += [invalid, noVerdict, old]
                let first = try await agent.reportEvents(metadata: bearer(key)) { [batch] writer in
                    try await writer.write(batch)
                }
                #expect(first.received == 6)
                #expect(first.stored == 2)
                #expect(first.duplicates == 1)
                #expect(first.rejected.map(\.eventID) == ["bad-1", "bad-2", "bad-3"])
                #expect(first.rejected[0].reason.contains("surface"))
                #expect(first.rejected[1].reason.contains("verdict"))
                #expect(first.rejected[2].reason.contains("old"))

                // The same events again, split over two messages: nothing new is stored.
                var again = Ringfence_V1_ReportEventsRequest()
                again.hostID = hostID
                again.events = [auditEvent("d-1")]
                var more = again
                more.events = [auditEvent("d-2"), auditEvent("d-3")]
                let second = try await agent.reportEvents(metadata: bearer(key)) { [again, more] writer in
                    try await writer.write(again)
                    try await writer.write(more)
                }
                #expect(second.stored == 1)
                #expect(second.duplicates == 2)
            }
            let rows = try await harness.client.query("SELECT event_id FROM audit_events ORDER BY event_id")
            var ids: [String] = []
            for try await id in rows.decode(String.self) { ids.append(id) }
            #expect(ids == ["d-1", "d-2", "d-3"])
        }
    }

    @Test("an enrolment token works once, and not after it expires")
    func tokens() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                var request = Ringfence_V1_EnrollRequest()
                request.enrollmentToken = try await harness.enrollmentToken(ring: .init(number: 3))
                request.host.machineID = "m-tok"
                request.host.hostname = "m-tok"
                let enrolled = try await agent.enroll(request)
                #expect(enrolled.ring == 3)
                await expectRPCError(.unauthenticated) { _ = try await agent.enroll(request) }
                request.enrollmentToken = try await harness.enrollmentToken(expiresIn: -1)
                await expectRPCError(.unauthenticated) { _ = try await agent.enroll(request) }
                request.enrollmentToken = "rfe_short"
                await expectRPCError(.unauthenticated) { _ = try await agent.enroll(request) }
                request.enrollmentToken = try await harness.enrollmentToken()
                request.host.machineID = ""
                await expectRPCError(.invalidArgument) { _ = try await agent.enroll(request) }

                // Re-enrolling the same machine keeps its host id and revokes the old key.
                let (firstHost, firstKey) = try await harness.enroll(machine: "m-again", agent: agent)
                let (secondHost, secondKey) = try await harness.enroll(machine: "m-again", agent: agent)
                #expect(firstHost == secondHost)
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = firstHost
                heartbeat.inventory.hostname = "m-again"
                await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(firstKey))
                }
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(secondKey))
            }
        }
    }

    @Test("a rotated key keeps working for the overlap window; the new key works at once")
    func rotation() async throws {
        try await AgentServiceHarness.run(configure: { $0.rotationOverlap = 0 }) { harness in
            try await harness.withAgentClient { agent in
                let (hostID, oldKey) = try await harness.enroll(machine: "m-rot", agent: agent)
                var rotate = Ringfence_V1_RotateKeyRequest()
                rotate.hostID = hostID
                let rotated = try await agent.rotateKey(rotate, metadata: bearer(oldKey))
                #expect(rotated.apiKey != oldKey)
                #expect(rotated.previousKeyValidUntil.date <= Date())
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostID
                heartbeat.inventory.hostname = "m-rot"
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(rotated.apiKey))
                await expectRPCError(.unauthenticated) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(oldKey))
                }
            }
        }
        try await AgentServiceHarness.run(configure: { $0.rotationOverlap = 3_600 }) { harness in
            try await harness.withAgentClient { agent in
                let (hostID, oldKey) = try await harness.enroll(machine: "m-rot2", agent: agent)
                var rotate = Ringfence_V1_RotateKeyRequest()
                rotate.hostID = hostID
                let rotated = try await agent.rotateKey(rotate, metadata: bearer(oldKey))
                #expect(rotated.previousKeyValidUntil.date > Date().addingTimeInterval(3_000))
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostID
                heartbeat.inventory.hostname = "m-rot2"
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(oldKey))
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(rotated.apiKey))
            }
        }
    }

    @Test("a key over its rate limit gets RESOURCE_EXHAUSTED; other keys are unaffected")
    func rateLimit() async throws {
        try await AgentServiceHarness.run(configure: {
            $0.rateLimitPerSecond = 0.001
            $0.rateLimitBurst = 3
        }) { harness in
            try await harness.withAgentClient { agent in
                let (hostA, keyA) = try await harness.enroll(machine: "m-rl-a", agent: agent)
                let (hostB, keyB) = try await harness.enroll(machine: "m-rl-b", agent: agent)
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostA
                heartbeat.inventory.hostname = "m-rl"
                for _ in 0..<3 { _ = try await agent.heartbeat(heartbeat, metadata: bearer(keyA)) }
                let message = await expectRPCError(.resourceExhausted) { [heartbeat] in
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(keyA))
                }
                // 1 token at 0.001 per second: about 1,000 s, in a unit a person can act on (not "retry in 0.00 s").
                let wait = message?.split(separator: " ").suffix(2)
                #expect(wait?.last == "s", "\(message ?? "")")
                #expect(wait?.first.flatMap { Int($0) }.map { (900...1_000).contains($0) } == true, "\(message ?? "")")
                heartbeat.hostID = hostB
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(keyB))
            }
        }
    }
}
