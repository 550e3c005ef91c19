import Foundation
import PostgresNIO
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite(
    "Event retention against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct EventRetentionTests {
    @Test("whole weekly partitions past the kept weeks are dropped; recent weeks and their events stay")
    func dropsOldWeeks() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let now = Date(timeIntervalSince1970: 1_795_000_000)  // Wednesday 2026-11-18, ISO week 2026-W47
            let host = UUID()
            for weeksAgo in [0, 3, 4, 10] {
                let at = now.addingTimeInterval(-Double(weeksAgo) * 7 * 86_400)
                try await client.query("SELECT ringfence_ensure_event_partition(\(at))")
                try await client.query(
                    """
                    INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, surface, verdict, applied_level, uncapped_level)
                    VALUES (\(at), \(host), \("e\(weeksAgo)"), 'u', 'claude-code', 'risky_shell', 'pass', 'observe', 'observe')
                    """)
            }
            let retention = EventRetention(client: client)
            #expect(
                try await retention.partitions().map(\.name) == [
                    "audit_events_2026w37", "audit_events_2026w43", "audit_events_2026w44", "audit_events_2026w47",
                ])
            #expect(
                try await retention.apply(keepWeeks: 4, now: now, dryRun: true) == [
                    "audit_events_2026w37", "audit_events_2026w43",
                ])
            #expect(try await retention.partitions().count == 4)
            #expect(
                try await retention.apply(keepWeeks: 4, now: now) == ["audit_events_2026w37", "audit_events_2026w43"])
            let rows = try await client.query("SELECT event_id FROM audit_events ORDER BY event_id")
            var remaining: [String] = []
            for try await id in rows.decode(String.self) { remaining.append(id) }
            #expect(remaining == ["e0", "e3"])

            // The rollups of the dropped weeks stay (reports of those weeks still read them)
            // until their own, longer retention deletes them.
            func rollupDays() async throws -> [String] {
                try await client.query("SELECT DISTINCT day::text FROM event_rollups ORDER BY 1").decode(String.self)
                    .collect()
            }
            #expect(try await rollupDays() == ["2026-09-09", "2026-10-21", "2026-10-28", "2026-11-18"])
            let planned = try await retention.applyRollups(keepWeeks: 4, now: now, dryRun: true)
            #expect(planned.days == 2 && planned.rows == 2)
            #expect(try await rollupDays().count == 4)
            let deleted = try await retention.applyRollups(keepWeeks: 4, now: now)
            #expect(deleted.days == 2 && deleted.rows == 2)
            #expect(try await rollupDays() == ["2026-10-28", "2026-11-18"])
        }
    }
}
