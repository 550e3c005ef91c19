import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite(
    "Daily event rollups against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct EventRollupTests {
    /// 2026-11-18 00:00 UTC, a Wednesday of ISO week 2026-W47.
    let midnight = Date(timeIntervalSince1970: 1_795_046_400)

    /// A varied event: its shape (user, host, surface, rule, verdict, repository, summary)
    /// follows `index`, its time `hours` after Wednesday midnight.
    func event(_ index: Int, hours: Double, hosts: [UUID]) -> AuditEventRecord {
        let surfaces: [Surface] = [.riskyShell, .sensitivePathRead, .unrecognized, .mcpTool]
        let verdicts: [Verdict] = [.pass, .warnCandidate, .blockCandidate, .block]
        let surface = surfaces[index % surfaces.count]
        return AuditEventRecord(
            hostID: hosts[index % hosts.count], eventID: "e\(index)",
            occurredAt: midnight.addingTimeInterval(hours * 3_600), user: index % 3 == 0 ? "Alice" : "bob",
            agentKind: index % 2 == 0 ? "claude-code" : "cursor", agentVersion: "1.\(index % 2)",
            surface: surface, pack: index % 5 == 0 ? "" : "pack-\(index % 2)", packVersion: 1,
            ruleID: index % 5 == 0 ? "" : "R-\(index % 3)", repo: index % 4 == 0 ? "" : "org/repo-\(index % 2)",
            verdict: verdicts[(index / 2) % verdicts.count], appliedLevel: .observe, uncappedLevel: .block,
            summary: surface == .unrecognized ? "hook \(index % 2)" : "command \(index % 7)")
    }

    /// What a report groups by, counted from the raw events of [from, until) and from
    /// `ringfence_event_counts` over the same window — they must be the same rows.
    func compare(_ client: PostgresClient, from: Date, until: Date) async throws -> (raw: [String], counted: [String]) {
        let raw = try await client.query(
            """
            SELECT concat_ws('|', (occurred_at AT TIME ZONE 'UTC')::date, host_id, username, agent_kind,
                   CASE WHEN surface = 'unrecognized' THEN coalesce(agent_version, '') ELSE '' END, surface,
                   coalesce(pack, ''), coalesce(rule_id, ''), coalesce(repo, ''), verdict,
                   CASE WHEN surface = 'unrecognized' THEN coalesce(summary, '') ELSE '' END,
                   count(*), coalesce(min(summary), '-'))
            FROM audit_events WHERE occurred_at >= \(from) AND occurred_at < \(until)
            GROUP BY (occurred_at AT TIME ZONE 'UTC')::date, host_id, username, agent_kind,
                     CASE WHEN surface = 'unrecognized' THEN coalesce(agent_version, '') ELSE '' END, surface,
                     coalesce(pack, ''), coalesce(rule_id, ''), coalesce(repo, ''), verdict,
                     CASE WHEN surface = 'unrecognized' THEN coalesce(summary, '') ELSE '' END
            ORDER BY 1
            """
        ).decode(String.self).collect()
        let counted = try await client.query(
            """
            SELECT concat_ws('|', day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict,
                             detail, sum(events), coalesce(min(example), '-'))
            FROM ringfence_event_counts(\(from), \(until))
            GROUP BY day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict, detail
            ORDER BY 1
            """
        ).decode(String.self).collect()
        return (raw, counted)
    }

    func rollupTotal(_ client: PostgresClient) async throws -> Int64 {
        var total: Int64 = -1
        for try await sum in try await client.query("SELECT coalesce(sum(events), 0)::bigint FROM event_rollups")
            .decode(
                Int64.self)
        {
            total = sum
        }
        return total
    }

    @Test(
        "events stored in batches — resent ones among them — are counted once each; any window, aligned to midnight or not, counts what the raw events count"
    )
    func windows() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = EventStore(client: client)
            let hosts = (0..<3).map { _ in UUID() }
            // 600 events over three days (Wednesday to Friday), in batches of 50 …
            let events = (0..<600).map { event($0, hours: Double($0) * 0.12, hosts: hosts) }
            for batch in stride(from: 0, to: events.count, by: 50) {
                _ = try await store.store(Array(events[batch..<batch + 50]))
            }
            // … and a batch that is half resent: only the new half may count.
            let resent = Array(events[100..<150]) + (600..<650).map { event($0, hours: 40, hosts: hosts) }
            let outcome = try await store.store(resent)
            #expect(outcome.stored == 50 && outcome.duplicates == 50)
            #expect(try await rollupTotal(client) == 650)

            let day: TimeInterval = 86_400
            let windows: [(Date, Date)] = [
                (midnight, midnight + 3 * day),  // whole days: rollups only
                (midnight + 5 * 3_600, midnight + 2 * day + 7 * 3_600),  // ragged at both ends
                (midnight + day + 3_600, midnight + day + 9 * 3_600),  // inside one day: raw only
                (midnight + day, midnight + day + 9 * 3_600),  // from midnight to the middle of that day
                (midnight - 7 * day, Date.distantFuture),  // an open end
            ]
            for (from, until) in windows {
                let (raw, counted) = try await compare(client, from: from, until: until)
                #expect(!raw.isEmpty)
                #expect(counted == raw, "window \(from) – \(until)")
            }
        }
    }

    @Test("a batch PostgreSQL refuses leaves the rollups as they were")
    func refusedBatch() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = EventStore(client: client)
            let hosts = [UUID()]
            _ = try await store.store((0..<20).map { event($0, hours: 1, hosts: hosts) })
            var broken = event(99, hours: 1, hosts: hosts)
            broken.agentKind = String(repeating: "x", count: 2_000_000)  // past PostgreSQL's index row size
            await #expect(throws: (any Error).self) {
                try await store.store((20..<40).map { event($0, hours: 1, hosts: hosts) } + [broken])
            }
            #expect(try await rollupTotal(client) == 20)
            let (raw, counted) = try await compare(client, from: midnight, until: midnight + 86_400)
            #expect(counted == raw)
        }
    }

    @Test("batches of many hosts stored at the same time are all counted, and a report reads the same from rollups")
    func concurrentHosts() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = EventStore(client: client)
            let hosts = (0..<16).map { _ in UUID() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, host) in hosts.enumerated() {
                    group.addTask {
                        for round in 0..<10 {
                            let batch = (0..<40).map { index in
                                var record = event(
                                    number * 1_000 + round * 40 + index, hours: Double(round), hosts: [host])
                                record.hostID = host
                                return record
                            }
                            _ = try await store.store(batch)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await rollupTotal(client) == 16 * 10 * 40)
            let (raw, counted) = try await compare(client, from: midnight, until: midnight + 86_400)
            #expect(counted == raw)
            let week = ISOWeek(containing: midnight)
            let aggregates = try await ReportQueries(client: client).aggregates(
                from: week.start, until: week.end, users: ["alice"])
            let volume = aggregates.volume["alice"]?.values.reduce(0) { $0 + $1.values.reduce(0, +) }
            var aliceEvents = 0
            for try await count in try await client.query(
                "SELECT count(*)::bigint FROM audit_events WHERE lower(username) = 'alice'"
            ).decode(Int.self) {
                aliceEvents = count
            }
            #expect(aliceEvents > 0)
            #expect(volume == aliceEvents)
        }
    }

    @Test("migration 027 rolls up the events stored before it")
    func backfill() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            let bundled = try MigrationCatalog.bundled()
            let before = try MigrationCatalog(bundled.migrations.filter { $0.version < 27 })
            _ = try await Migrator(catalog: before).apply(on: client)
            let hosts = (0..<2).map { _ in UUID() }
            let store = EventStore(client: client)
            _ = try await store.store((0..<120).map { event($0, hours: Double($0) * 0.5, hosts: hosts) })
            let report = try await Migrator(catalog: bundled).apply(on: client)
            #expect(report.applied.contains("027_event_rollups.sql"))
            #expect(try await rollupTotal(client) == 120)
            // Events stored afterwards are added by the trigger, not counted twice.
            _ = try await store.store((120..<130).map { event($0, hours: 2, hosts: hosts) })
            #expect(try await rollupTotal(client) == 130)
            let (raw, counted) = try await compare(client, from: midnight, until: midnight + 3 * 86_400)
            #expect(counted == raw)
        }
    }
}
