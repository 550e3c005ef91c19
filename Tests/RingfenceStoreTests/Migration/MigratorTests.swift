import Foundation
import PostgresNIO
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite(
    "Migrator against PostgreSQL", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage))
)
struct MigratorTests {
    @Test("a fresh database gets every migration; a second run is a no-op")
    func appliesOnceThenNoOp() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            let catalog = try MigrationCatalog.bundled()
            let first = try await Migrator(catalog: catalog).apply(on: client)
            #expect(first.applied == catalog.migrations.map(\.name))
            #expect(first.schemaVersion == catalog.latestVersion)

            let tablesBefore = try await tableNames(client)
            let second = try await Migrator(catalog: catalog).apply(on: client)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == catalog.migrations.count)
            #expect(try await tableNames(client) == tablesBefore)
            #expect(
                tablesBefore.isSuperset(of: ["directory_users", "hosts", "api_keys", "pack_versions", "audit_events"]))
        }
    }

    @Test("an applied migration edited afterwards is refused and nothing runs")
    func editedMigrationRefused() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            let original = try MigrationCatalog([
                try Migration(name: "001_a.sql", sql: "CREATE TABLE a (x int);")
            ])
            _ = try await Migrator(catalog: original).apply(on: client)
            let edited = try MigrationCatalog([
                try Migration(name: "001_a.sql", sql: "CREATE TABLE a (x bigint);"),
                try Migration(name: "002_b.sql", sql: "CREATE TABLE b (y int);"),
            ])
            await #expect {
                try await Migrator(catalog: edited).apply(on: client)
            } throws: { error in
                guard case .editedAfterApply(let name, _, _) = error as? MigrationError else { return false }
                return name == "001_a.sql"
            }
            #expect(!(try await tableNames(client)).contains("b"))
        }
    }

    @Test("a failing migration leaves no trace and names the statement")
    func failingMigrationRollsBack() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            let catalog = try MigrationCatalog([
                try Migration(name: "001_ok.sql", sql: "CREATE TABLE ok (x int);"),
                try Migration(name: "002_bad.sql", sql: "CREATE TABLE half (x int);\nSELECT * FROM missing_table;"),
            ])
            await #expect {
                try await Migrator(catalog: catalog).apply(on: client)
            } throws: { error in
                guard case .statementFailed(let name, let statement, _) = error as? MigrationError else { return false }
                return name == "002_bad.sql" && statement == 2
            }
            let tables = try await tableNames(client)
            #expect(tables.contains("ok"))
            #expect(!tables.contains("half"))
            let applied = try await Migrator(catalog: catalog).appliedMigrations(on: client)
            #expect(applied.map(\.name) == ["001_ok.sql"])
        }
    }

    @Test("concurrent runs serialize on the advisory lock and leave one consistent schema")
    func concurrentRuns() async throws {
        try await TestServers.withTemporaryDatabase { _, configuration in
            let catalog = try MigrationCatalog.bundled()
            // Separate clients, as two `ringfence migrate` processes would have.
            let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await withPostgres(configuration) { client in
                            try await Migrator(catalog: catalog).apply(on: client)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(reports.map(\.applied.count).sorted() == [0, 0, 0, catalog.migrations.count])
            let applied = try await withPostgres(configuration) { client in
                try await Migrator(catalog: catalog).appliedMigrations(on: client)
            }
            #expect(applied.map(\.version) == catalog.migrations.map(\.version))
        }
    }

    @Test("weekly event partitions are created on demand and receive their week's rows")
    func eventPartitions() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let monday = Date(timeIntervalSince1970: 1_763_942_400)  // 2025-11-24 00:00 UTC, ISO week 2025-W48
            var rows = try await client.query(
                "SELECT ringfence_ensure_event_partition(\(monday.addingTimeInterval(3600)))")
            var name = ""
            for try await value in rows.decode(String.self) { name = value }
            #expect(name == "audit_events_2025w48")
            rows = try await client.query("SELECT ringfence_ensure_event_partition(\(monday))")
            for try await value in rows.decode(String.self) { #expect(value == name) }

            let host = UUID()
            try await client.query(
                """
                INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, surface, verdict, applied_level, uncapped_level)
                VALUES (\(monday.addingTimeInterval(60)), \(host), 'e1', 'alice', 'claude-code', 'risky_shell', 'pass', 'observe', 'observe')
                """)
            rows = try await client.query("SELECT tableoid::regclass::text FROM audit_events WHERE event_id = 'e1'")
            for try await partition in rows.decode(String.self) { #expect(partition == name) }
        }
    }

    private func tableNames(_ client: PostgresClient) async throws -> Set<String> {
        let rows = try await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        var names: Set<String> = []
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }
}
