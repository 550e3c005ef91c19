import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite(
    "Event store against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct EventStoreTests {
    let wednesday = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18, ISO week 2026-W47
    let host = UUID()

    func event(_ id: String, at: Date) -> AuditEventRecord {
        AuditEventRecord(
            hostID: host, eventID: id, occurredAt: at, user: "alice", agentKind: "claude-code", surface: .riskyShell,
            pack: "shell-baseline", packVersion: 1, ruleID: "RS-1", verdict: .blockCandidate, appliedLevel: .warn,
            uncappedLevel: .block)
    }

    /// Rows per partition, by table name.
    func rowsByPartition(_ client: PostgresClient) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try await client.query(
            "SELECT tableoid::regclass::text, count(*)::bigint FROM audit_events GROUP BY 1")
        for try await (table, count) in rows.decode((String, Int64).self) { counts[table] = Int(count) }
        return counts
    }

    @Test("a batch spanning two weeks lands in both weekly partitions; a resent event id is stored once per host")
    func batches() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = EventStore(client: client)
            let lastWeek = wednesday.addingTimeInterval(-7 * 86_400)
            let first = try await store.store([
                event("a", at: wednesday), event("b", at: lastWeek), event("c", at: wednesday),
            ])
            #expect(first == EventStore.Outcome(stored: 3, duplicates: 0))
            let again = try await store.store([event("a", at: wednesday), event("d", at: wednesday)])
            #expect(again == EventStore.Outcome(stored: 1, duplicates: 1))
            // The same id from the same host with another time of that week is the same event;
            // from another host it is another event.
            var otherHost = event("a", at: wednesday)
            otherHost.hostID = UUID()
            let retimed = try await store.store([event("c", at: wednesday.addingTimeInterval(3_600)), otherHost])
            #expect(retimed == EventStore.Outcome(stored: 1, duplicates: 1))
            #expect(try await rowsByPartition(client) == ["audit_events_2026w47": 4, "audit_events_2026w46": 1])
        }
    }

    @Test("creating a week's partition moves that week's rows out of the default partition")
    func movesDefaultRows() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            // A row written without the partition (as by an older server) lands in the default partition.
            try await client.query(
                """
                INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, surface, verdict, applied_level, uncapped_level)
                VALUES (\(wednesday), \(host), 'early', 'alice', 'claude-code', 'risky_shell', 'pass', 'observe', 'observe')
                """)
            #expect(try await rowsByPartition(client) == ["audit_events_default": 1])
            let outcome = try await EventStore(client: client).store([
                event("late", at: wednesday.addingTimeInterval(60))
            ])
            #expect(outcome.stored == 1)
            #expect(try await rowsByPartition(client) == ["audit_events_2026w47": 2])
        }
    }

    @Test("stores racing to create the same new partition all succeed, and nothing is lost")
    func concurrentCreation() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let stored = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        // Separate stores: none knows the week is there already.
                        let store = EventStore(client: client)
                        let batch = (0..<50).map {
                            event("w\(worker)-\($0)", at: wednesday.addingTimeInterval(Double($0)))
                        }
                        return try await store.store(batch).stored
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(stored == 400)
            #expect(try await rowsByPartition(client) == ["audit_events_2026w47": 400])
        }
    }
}
