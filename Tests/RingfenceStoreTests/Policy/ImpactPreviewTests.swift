import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

/// The impact preview over a known population, checked against counts taken independently
/// with SQL.
@Suite(
    "Impact preview against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ImpactPreviewTests {
    static let shell = PackVersion(
        pack: "shell", version: 1,
        rules: [
            Rule(id: "RS-1", surface: .riskyShell, match: ["kubectl *"], level: .warn, risk: .high)
        ])
    static let current = PolicyBundle(
        packs: [shell], assignments: [Assignment(id: "baseline", pack: "shell", priority: 1)])
    /// The change under review: block risky shell for payments.
    static let next = PolicyBundle(
        packs: [shell],
        assignments: [
            Assignment(id: "baseline", pack: "shell", priority: 1),
            Assignment(
                id: "payments-block", priority: 10, selector: Selector(groups: ["pay"]),
                overrides: [.riskyShell: .block]),
        ])

    /// u1, u2 in pay (nested through pay-api for u2), u3 in ops; h1 (u1), h2 (u2, u3), both ring 4;
    /// payments/api seen on both hosts this week, old/repo only a month ago.
    func seed(_ client: PostgresClient, now: Date) async throws {
        try await client.query(
            "INSERT INTO sync_runs (id, mode, source, status) VALUES (1, 'full', 'test', 'succeeded')")
        for (id, name) in [(1, "u1"), (2, "u2"), (3, "u3")] {
            try await client.query(
                "INSERT INTO directory_users (id, dn, username, external_id) VALUES (\(id), \("uid=\(name)"), \(name), \(name))"
            )
        }
        for (id, name) in [(1, "pay"), (2, "pay-api"), (3, "ops")] {
            try await client.query(
                "INSERT INTO directory_groups (id, dn, name, external_id) VALUES (\(id), \("cn=\(name)"), \(name), \(name))"
            )
        }
        for (user, group, depth) in [(1, 1, 0), (2, 2, 0), (2, 1, 1), (3, 3, 0)] {
            try await client.query(
                "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (\(user), \(group), \(depth))")
        }
        let h1 = UUID()
        let h2 = UUID()
        for (host, users) in [(h1, ["u1"]), (h2, ["u2", "u3"])] {
            try await client.query(
                "INSERT INTO hosts (id, machine_id, hostname, ring, users) VALUES (\(host), 'm', 'h', 4, \(users))")
        }
        try await client.query(
            "INSERT INTO repos (id, slug) VALUES (1, 'payments/api'), (2, 'old/repo')")
        let week = now.addingTimeInterval(-86_400)
        let month = now.addingTimeInterval(-30 * 86_400)
        try await client.query(
            "INSERT INTO host_repos VALUES (\(h1), 1, \(week)), (\(h2), 1, \(week)), (\(h1), 2, \(month))")
        var n = 0
        for (user, host, count, at) in [
            ("u1", h1, 5, week), ("u3", h2, 3, week), ("u2", h2, 4, now.addingTimeInterval(-10 * 86_400)),
        ] {
            let partitionTime = at
            try await client.query("SELECT ringfence_ensure_event_partition(\(partitionTime))")
            for _ in 0..<count {
                n += 1
                try await client.query(
                    """
                    INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, surface, pack, pack_version, rule_id,
                                              repo, verdict, applied_level, uncapped_level)
                    VALUES (\(at), \(host), \("e\(n)"), \(user), 'claude-code', 'risky_shell', 'shell', 1, 'RS-1', 'payments/api',
                            'warn', 'warn', 'warn')
                    """)
            }
        }
    }

    @Test("level changes by group and surface, and newly blocked events, match an independent recount")
    func preview() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let now = Date()
            try await seed(client, now: now)
            let since = now.addingTimeInterval(-7 * 86_400)
            let population = PopulationStore(client: client)
            let preview = ImpactPreview(
                population: try await population.population(since: since, at: Date()),
                events: try await population.recentEvents(since: since, at: Date()),
                current: try PolicySnapshot(bundle: Self.current), next: try PolicySnapshot(bundle: Self.next))

            // Independent recount with SQL: contexts = users on hosts × repositories seen this week.
            func count(_ sql: PostgresQuery) async throws -> Int {
                var value = 0
                for try await n in try await client.query(sql).decode(Int.self) { value = n }
                return value
            }
            let contexts = try await count(
                """
                SELECT count(*) FROM hosts h CROSS JOIN unnest(h.users) u
                JOIN host_repos hr ON hr.host_id = h.id AND hr.last_seen >= \(since)
                """)
            // Members of pay (nested included) among those contexts move risky_shell from warn to block.
            let payContexts = try await count(
                """
                SELECT count(*) FROM hosts h CROSS JOIN unnest(h.users) hu(name)
                JOIN host_repos hr ON hr.host_id = h.id AND hr.last_seen >= \(since)
                JOIN directory_users du ON du.username = hu.name
                JOIN effective_memberships e ON e.user_id = du.id JOIN directory_groups g ON g.id = e.group_id AND g.name = 'pay'
                """)
            // Events of pay members this week that only warned now block.
            let newlyBlocked = try await count(
                """
                SELECT count(*) FROM audit_events a JOIN directory_users du ON du.username = a.username
                JOIN effective_memberships e ON e.user_id = du.id JOIN directory_groups g ON g.id = e.group_id AND g.name = 'pay'
                WHERE a.occurred_at >= \(since) AND a.verdict = 'warn' AND a.rule_id = 'RS-1'
                """)
            #expect(contexts == 3)
            #expect(preview.contexts == contexts)
            #expect(preview.byGroupAndSurface["pay"]?[.riskyShell] == payContexts)
            #expect(payContexts == 2)
            #expect(preview.byGroupAndSurface["ops"] == nil)
            #expect(preview.changes.allSatisfy { $0.from == .warn && $0.to == .block })
            #expect(preview.newlyBlocked == newlyBlocked)
            #expect(newlyBlocked == 5)
            #expect(preview.newlyWarned == 0)
            #expect(preview.lines().last == "last week's events that would newly warn: 0, newly block: 5")
        }
    }
}
