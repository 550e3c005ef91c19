import Foundation
import Logging
import PostgresNIO
import RingfenceStore
import RingfenceTestSupport
import Testing

/// `ringfence sync` as a process: one run at a time (the sync run lock), exit status 4
/// while another run holds it.
@Suite(
    "ringfence sync",
    .enabled(if: TestServers.ldapEnabled && TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct SyncCommandTests {
    @Test("while another sync holds the run lock, sync exits 4 naming it; afterwards it runs and marks it abandoned")
    func busy() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let ldap = try LDAPTestDirectory.create()
            try ldap.modify([ldap.person("bob"), ldap.group("engineering", users: ["bob"])].joined(separator: "\n\n"))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-sync-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let configuration = folder.appendingPathComponent("ringfence.yaml")
            try ldap.configurationSection().write(to: configuration, atomically: true, encoding: .utf8)
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database),
                "RINGFENCE_LDAP_PASSWORD": ldap.server.password,
            ])
            let logger = Logger(label: "test.sync-command")
            // Another run: the lock on one connection of this client, and its run record.
            let holder = try await client.withConnection { connection in
                try await connection.query("SELECT pg_advisory_lock(\(DirectoryStore.runLockKey))", logger: logger)
                let rows = try await connection.query(
                    "INSERT INTO sync_runs (mode, source) VALUES ('full', 'a replica') RETURNING id", logger: logger)
                var run: Int64 = 0
                for try await id in rows.decode(Int64.self) { run = id }
                let busy = try ringfence.run(["sync", "--config", configuration.path], input: Data())
                #expect(busy.status == 4)
                #expect(busy.stderr.contains("another directory sync is running (run \(run), started "))
                try await connection.query("SELECT pg_advisory_unlock(\(DirectoryStore.runLockKey))", logger: logger)
                return run
            }
            let output = try ringfence.run(["sync", "--config", configuration.path])
            #expect(output.contains("succeeded"))
            let rows = try await client.query("SELECT status FROM sync_runs WHERE id = \(holder)")
            for try await status in rows.decode(String.self) { #expect(status == "abandoned") }
        }
    }
}
