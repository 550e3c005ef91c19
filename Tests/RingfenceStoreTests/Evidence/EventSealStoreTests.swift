import Crypto
import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

/// Tamper evidence against PostgreSQL: events sealed per host and day; an UPDATE, DELETE
/// or INSERT behind the server's back is found; late events are sealed again, not lost.
@Suite(
    "Event seals against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct EventSealStoreTests {
    let now = Date(timeIntervalSince1970: 1_795_050_000)  // 2026-11-19T01:00Z
    let yesterday = Date(timeIntervalSince1970: 1_795_003_200)  // 2026-11-18T12:00Z
    let hostA = UUID()
    let hostB = UUID()

    func event(_ id: String, host: UUID, at: Date) -> AuditEventRecord {
        AuditEventRecord(
            hostID: host, eventID: id, occurredAt: at, user: "alice", agentKind: "claude-code", surface: .riskyShell,
            pack: "shell-baseline", packVersion: 1, ruleID: "RS-1", verdict: .blockCandidate, appliedLevel: .warn,
            uncappedLevel: .block, summary: "rm -rf build")
    }

    func findings(_ store: EventSealStore, _ key: Curve25519.Signing.PrivateKey) async throws -> [String] {
        try await store.verify(trustedKey: Array(key.publicKey.rawRepresentation), now: now, days: 7).map {
            "\($0.hostID == hostA ? "A" : "B") \($0.day) v\($0.version) \($0.finding) unsealed=\($0.unsealed)"
        }
    }

    @Test("sealed days verify; an UPDATE, a DELETE and an INSERT behind the server's back are each found")
    func tampering() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let key = Curve25519.Signing.PrivateKey()
            let events = EventStore(client: client)
            _ = try await events.store(
                (1...4).map { event("a\($0)", host: hostA, at: yesterday.addingTimeInterval(Double($0))) }
                    + (1...3).map { event("b\($0)", host: hostB, at: yesterday) }
                    + [event("today", host: hostA, at: now)])
            let store = EventSealStore(client: client)
            #expect(try await store.sealDue(key: key, now: now) == 2, "two host-days; today is not over")
            #expect(try await store.sealDue(key: key, now: now) == 0, "nothing new")
            let sealed = try await findings(store, key)
            #expect(
                sealed.sorted() == ["A 2026-11-18 v1 intact unsealed=0", "B 2026-11-18 v1 intact unsealed=0"],
                "\(sealed)")

            // UPDATE: a summary rewritten.
            try await client.query(
                "UPDATE audit_events SET summary = 'ls' WHERE host_id = \(hostA) AND event_id = 'a2'")
            #expect(try await findings(store, key).contains("A 2026-11-18 v1 contentChanged unsealed=0"))
            // DELETE: one of B's events gone.
            try await client.query("DELETE FROM audit_events WHERE host_id = \(hostB) AND event_id = 'b1'")
            #expect(
                try await findings(store, key).contains("B 2026-11-18 v1 countChanged(sealed: 3, now: 2) unsealed=0"))
            // INSERT dated before the seal's cut-off: B has as many events as sealed again, not the same.
            try await client.query(
                """
                INSERT INTO audit_events (occurred_at, host_id, event_id, received_at, username, agent_kind, surface, verdict,
                                          applied_level, uncapped_level)
                VALUES (\(yesterday), \(hostB), 'forged', \(yesterday), 'alice', 'claude-code', 'risky_shell', 'pass', 'off', 'off')
                """)
            #expect(try await findings(store, key).contains("B 2026-11-18 v1 contentChanged unsealed=0"))
            // INSERT received after the seal: reported as not sealed (late, or inserted).
            try await client.query(
                """
                INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, surface, verdict,
                                          applied_level, uncapped_level)
                VALUES (\(yesterday), \(hostA), 'slipped-in', 'alice', 'claude-code', 'risky_shell', 'pass', 'off', 'off')
                """)
            #expect(try await findings(store, key).contains("A 2026-11-18 v1 contentChanged unsealed=1"))
            // Seals themselves cannot be rewritten.
            await #expect(throws: (any Error).self) { try await client.query("DELETE FROM event_seals") }
        }
    }

    @Test("late events are reported as unsealed, then sealed again in a new version; both versions kept")
    func lateEvents() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let key = Curve25519.Signing.PrivateKey()
            let events = EventStore(client: client)
            _ = try await events.store([event("a1", host: hostA, at: yesterday)])
            let store = EventSealStore(client: client)
            #expect(try await store.sealDue(key: key, now: now) == 1)
            _ = try await events.store([event("a2-late", host: hostA, at: yesterday)])
            #expect(try await findings(store, key) == ["A 2026-11-18 v1 intact unsealed=1"])
            #expect(try await store.sealDue(key: key, now: now) == 1)
            #expect(try await findings(store, key) == ["A 2026-11-18 v2 intact unsealed=0"])
            var versions: [Int] = []
            for try await version in try await client.query("SELECT version FROM event_seals ORDER BY version")
                .decode(Int.self)
            {
                versions.append(version)
            }
            #expect(versions == [1, 2])
            // A seal checked with another key does not hold.
            let other = Curve25519.Signing.PrivateKey()
            #expect(try await findings(store, other) == ["A 2026-11-18 v2 badSignature unsealed=0"])
        }
    }
}
