import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceDirectory

/// One directory sync at a time, and runs whose process died (issue 22: a replica killed
/// mid-run left its run `running` for ever, so the scale-out run counted every later run as
/// overlapping it). A second process is a second `PostgresClient` whose connection takes
/// the lock and then closes, as a killed process's would.
@Suite(
    "Directory sync run lock",
    .enabled(if: TestServers.ldapEnabled && TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct SyncRunLockTests {
    static let logger = Logger(label: "test.sync-run-lock")

    func engine(_ directory: LDAPTestDirectory, _ client: PostgresClient) throws -> SyncEngine {
        var configuration = DirectoryConfiguration(
            preset: .openldap, url: directory.server.url, bindDN: directory.server.bindDN, baseDN: directory.baseDN)
        configuration.userBaseDN = directory.peopleDN
        configuration.groupBaseDN = directory.groupsDN
        return SyncEngine(
            configuration: configuration, store: DirectoryStore(client: client),
            password: try TestServers.ldap().password)
    }

    /// Another process: takes the run lock and records a running run, runs `body` while it
    /// holds both, then dies: its backend is terminated through `client`, which waits until
    /// it is gone (`pg_terminate_backend` with a timeout), so the lock is free afterwards.
    static func otherProcess<Result: Sendable>(
        _ database: DatabaseConfiguration, killedThrough client: PostgresClient,
        _ body: @Sendable (_ run: Int64) async throws -> Result
    ) async throws -> (run: Int64, result: Result) {
        try await withPostgres(database) { other in
            let (run, backend, result) = try await other.withConnection { connection in
                let locked = try await connection.query(
                    "SELECT pg_try_advisory_lock(\(DirectoryStore.runLockKey)), pg_backend_pid()", logger: Self.logger)
                var backend: Int32 = 0
                for try await (taken, pid) in locked.decode((Bool, Int32).self) {
                    #expect(taken)
                    backend = pid
                }
                let rows = try await connection.query(
                    "INSERT INTO sync_runs (mode, source) VALUES ('full', 'another process') RETURNING id",
                    logger: Self.logger)
                var run: Int64 = 0
                for try await id in rows.decode(Int64.self) { run = id }
                return (run, backend, try await body(run))
            }
            let killed = try await client.query("SELECT pg_terminate_backend(\(backend), 60000)")
            for try await gone in killed.decode(Bool.self) { #expect(gone) }
            return (run, result)
        }
    }

    static func status(_ run: Int64, _ client: PostgresClient) async throws -> (String, Bool) {
        let rows = try await client.query("SELECT status, finished_at IS NOT NULL FROM sync_runs WHERE id = \(run)")
        for try await row in rows.decode((String, Bool).self) { return row }
        throw TestServerError.notConfigured("run \(run) not recorded")
    }

    @Test("while another process holds the lock a run ends at once naming its run, and records nothing")
    func busy() async throws {
        let directory = try LDAPTestDirectory.create()
        try directory.modify(directory.person("alice"))
        try await TestServers.withMigratedDatabase { client, database in
            let engine = try engine(directory, client)
            let (holder, error) = try await Self.otherProcess(database, killedThrough: client) { _ in
                await #expect(throws: DirectoryStore.SyncBusy.self) { try await engine.run() }
            }
            #expect(error?.runID == holder)
            #expect(error?.description.contains("another directory sync is running (run \(holder), started ") == true)
            let recorded = try await client.query("SELECT count(*) FROM sync_runs")
            for try await count in recorded.decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test("the next run marks a run whose process died as abandoned, says so, and succeeds")
    func abandoned() async throws {
        let directory = try LDAPTestDirectory.create()
        try directory.modify(directory.person("alice"))
        try await TestServers.withMigratedDatabase { client, database in
            let engine = try engine(directory, client)
            let dead = try await Self.otherProcess(database, killedThrough: client) { _ in }.run
            #expect(try await Self.status(dead, client) == ("running", false))

            let outcome = try await engine.run()
            #expect(outcome.status == .succeeded)
            #expect(outcome.summary.usersAdded == 1)
            #expect(outcome.warnings.contains { $0.hasPrefix("run \(dead) was abandoned") })
            #expect(try await Self.status(dead, client) == ("abandoned", true))
            #expect(try await DirectoryStore(client: client).run(id: dead)?.status == .abandoned)
            // The run after it finds nothing more to mark.
            let next = try await engine.run()
            #expect(!next.warnings.contains { $0.contains("abandoned") })
        }
    }

    @Test("a run that lost its lock and was marked abandoned cannot write: its transaction rolls back")
    func lostLock() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = DirectoryStore(client: client)
            // A run recorded without the lock: as one whose lock's connection was lost.
            let run = try await store.startRun(mode: "full", source: "cut off")
            let marked = try await store.withRunLock { abandoned in abandoned }
            #expect(marked == [run])

            var changes = DirectoryChanges()
            changes.usersToInsert = [
                UserRow(
                    externalID: "u-1", dn: "uid=late,ou=people,dc=example,dc=com", username: "late", email: nil,
                    displayName: nil, disabled: false)
            ]
            let state = try await store.loadState()
            let error = await #expect(throws: PostgresStoreError.self) {
                try await store.apply(
                    changes, state: state, runID: run, counts: .init(), highWatermark: nil, warnings: [],
                    fullRun: true)
            }
            #expect(error?.description.contains("no longer running") == true)
            #expect(try await store.loadState().users.isEmpty)
            #expect(try await Self.status(run, client).0 == "abandoned")
            await #expect(throws: PostgresStoreError.self) {
                try await store.finishRun(id: run, status: .failed, counts: .init(), error: "late", warnings: [])
            }
        }
    }
}
