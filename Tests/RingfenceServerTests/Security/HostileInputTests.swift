import Foundation
import GRPCCore
import PostgresNIO
import RingfenceProto
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import SwiftProtobuf
import Testing

/// SQL-looking and odd text in every field an agent controls is stored as text, verbatim,
/// and never changes a query; text PostgreSQL cannot store (NUL) is refused as bad input,
/// not reported as an outage (docs/reliability.md, "Hostile input").
@Suite(
    "Hostile input through the agent service",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct HostileInputTests {
    static let strings = [
        "'; DROP TABLE hosts; --", "\" OR 1=1 --", "$$; DELETE FROM audit_events; $$",
        "Robert'); DROP TABLE audit_events;--",
        "%_\\", "ü 漢字 🙂", "\\x00", "a\tb\nc", String(repeating: "x", count: 200),
    ]

    static func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(sql).decode(Int64.self) { return value }
        return -1
    }

    @Test("injection strings in inventory, policy context and events are stored verbatim")
    func storedVerbatim() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-hostile", agent: agent, users: Self.strings)
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostID
                heartbeat.inventory.hostname = Self.strings[0]
                heartbeat.inventory.users = Self.strings
                heartbeat.inventory.mcpServers = Self.strings.map { text in
                    var server = Ringfence_V1_McpServer()
                    server.name = text
                    server.agentKind = "claude-code"
                    server.endpoint = text
                    server.scope = "user"
                    return server
                }
                heartbeat.inventory.repos = Self.strings.map { text in
                    var repo = Ringfence_V1_RepoSeen()
                    repo.slug = text
                    return repo
                }
                _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                for user in Self.strings {
                    var fetch = Ringfence_V1_FetchPolicyRequest()
                    fetch.hostID = hostID
                    fetch.context.user = user
                    fetch.context.repo = user
                    #expect(
                        try await agent.fetchPolicy(fetch, metadata: bearer(key)).ring == 1,
                        "an unknown user resolves to ring 1")
                }
                var events = Ringfence_V1_ReportEventsRequest()
                events.hostID = hostID
                events.events = Self.strings.enumerated().map { index, text in
                    var event = auditEvent("hostile-\(index)", user: text)
                    event.repo = text
                    event.summary = text
                    event.sessionID = text
                    return event
                }
                let report = try await agent.reportEvents(metadata: bearer(key)) { [events] in
                    try await $0.write(events)
                }
                #expect(report.stored == Int64(Self.strings.count))
            }
            let client = harness.client
            #expect(
                try await Self.count(client, "SELECT count(*)::bigint FROM hosts WHERE hostname = \(Self.strings[0])")
                    == 1)
            for text in Self.strings {
                #expect(
                    try await Self.count(
                        client,
                        "SELECT count(*)::bigint FROM audit_events WHERE username = \(text) AND summary = \(text) AND repo = \(text)"
                    ) == 1,
                    "\(text.prefix(20))")
                #expect(
                    try await Self.count(
                        client,
                        "SELECT count(*)::bigint FROM host_mcp_servers WHERE name = \(text) AND endpoint = \(text)")
                        == 1)
                #expect(try await Self.count(client, "SELECT count(*)::bigint FROM repos WHERE slug = \(text)") == 1)
            }
            #expect(
                try await Self.count(client, "SELECT count(*)::bigint FROM hosts WHERE \(Self.strings[2]) = ANY(users)")
                    == 1)
        }
    }

    @Test("NUL characters are refused as invalid input, per event in streams")
    func nul() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-nul", agent: agent)
                var heartbeat = Ringfence_V1_HeartbeatRequest()
                heartbeat.hostID = hostID
                heartbeat.inventory.hostname = "a\u{0}b"
                await expectRPCError(.invalidArgument) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                }
                heartbeat.inventory.hostname = "ok"
                heartbeat.inventory.users = ["x\u{0}"]
                await expectRPCError(.invalidArgument) {
                    _ = try await agent.heartbeat(heartbeat, metadata: bearer(key))
                }
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "alice\u{0}"
                await expectRPCError(.invalidArgument) { _ = try await agent.fetchPolicy(fetch, metadata: bearer(key)) }
                var events = Ringfence_V1_ReportEventsRequest()
                events.hostID = hostID
                var bad = auditEvent("nul-1")
                bad.summary = "a\u{0}"
                events.events = [bad, auditEvent("nul-2")]
                let report = try await agent.reportEvents(metadata: bearer(key)) { [events] in
                    try await $0.write(events)
                }
                #expect(report.stored == 1)
                #expect(report.rejected.map(\.eventID) == ["nul-1"])
                #expect(report.rejected.first?.reason.contains("NUL") == true)
            }
        }
    }
}
