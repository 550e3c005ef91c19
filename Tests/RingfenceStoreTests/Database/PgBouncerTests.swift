import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

/// The pooling mode docs/scaling.md recommends, tested: everything a replica does with
/// PostgreSQL that depends on its session — the migrator's advisory lock, the policy
/// watcher's LISTEN — and the statements of the hot paths, through PgBouncer (Debian 1.18)
/// in session pooling.
@Suite(
    "Through PgBouncer in session pooling",
    .enabled(if: TestServers.pgbouncerEnabled, Comment(rawValue: TestServers.skipMessage)))
struct PgBouncerTests {
    static let pack = PackVersion(
        pack: "p", version: 1, rules: [Rule(id: "R", surface: .riskyShell, match: ["x"], level: .block, risk: .low)])

    static func bundle(priority: Int) -> PolicyBundle {
        PolicyBundle(packs: [pack], assignments: [Assignment(id: "a", pack: "p", priority: priority)])
    }

    @Test(
        "two migrators at once serialize on their advisory lock; the policy watcher's LISTEN hears a publish; event batches and their rollups are stored"
    )
    func sessionPooling() async throws {
        try await TestServers.withTemporaryDatabase { direct, database in
            let pooled = try TestServers.throughPgBouncer(database)
            try await withPostgres(pooled) { client in
                let catalog = try MigrationCatalog.bundled()
                async let first = Migrator(catalog: catalog).apply(on: client)
                async let second = Migrator(catalog: catalog).apply(on: client)
                let reports = try await [first, second]
                #expect(reports.map(\.applied.count).sorted() == [0, catalog.migrations.count])
                #expect(reports.allSatisfy { $0.schemaVersion == catalog.latestVersion })

                // A revision published directly on PostgreSQL before the watcher starts is loaded;
                // the next one, published through the pooler, can only arrive by its NOTIFY.
                let store = PolicyStore(client: direct)
                let revision1 = try await store.publish(Self.bundle(priority: 1), actor: "t", expectedCurrent: nil)
                let (revisions, delivered) = AsyncStream.makeStream(of: Int64.self)
                let watcher = Task {
                    await PolicyWatcher(client: client).run(deliver: { delivered.yield($0.revision) })
                }
                defer { watcher.cancel() }
                @Sendable func next() async -> Int64? {
                    for await revision in revisions { return revision }
                    return nil
                }
                let loaded = try await HangGuard.wait(for: "the watcher to load revision \(revision1)") { await next() }
                #expect(loaded == revision1)
                let revision2 = try await PolicyStore(client: client).publish(
                    Self.bundle(priority: 2), actor: "t", expectedCurrent: revision1)
                let announced = try await HangGuard.wait(for: "the watcher to hear revision \(revision2)") {
                    await next()
                }
                #expect(announced == revision2)

                let host = UUID()
                let events = (0..<200).map { index in
                    AuditEventRecord(
                        hostID: host, eventID: "e\(index)", occurredAt: Date().addingTimeInterval(-Double(index)),
                        user: "alice", agentKind: "claude-code", surface: .riskyShell, verdict: .pass,
                        appliedLevel: .observe, uncappedLevel: .off)
                }
                let outcome = try await EventStore(client: client).store(events + Array(events.prefix(10)))
                #expect(outcome.stored == 200 && outcome.duplicates == 10)
                let rolled = try await direct.query("SELECT sum(events)::bigint FROM event_rollups").decode(Int.self)
                    .collect()
                #expect(rolled == [200])
            }
        }
    }
}
