import ArgumentParser
import Foundation
import RingfenceStore

/// `ringfence status`: where the database is, which schema version it holds, and which
/// replica leads each scheduled job.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the database, its schema version, pending migrations and the leader of each scheduled job."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        let catalog = try MigrationCatalog.bundled()
        let (applied, leases) = try await withPostgres(configuration) { client in
            let applied = try await Migrator(catalog: catalog).appliedMigrations(on: client)
            let leases =
                applied.contains { $0.name == "021_job_leases.sql" }
                ? try await JobLeaseStore(client: client).leases() : []
            return (applied, leases)
        }
        let pending = try MigrationPlan(catalog: catalog, applied: applied).pending
        print("database:       \(configuration.redactedDescription)")
        print("schema version: \(applied.last?.version ?? 0) (\(applied.last?.name ?? "none applied"))")
        print("pending:        \(pending.isEmpty ? "none" : pending.map(\.name).joined(separator: ", "))")
        let held = leases.filter { !$0.holder.isEmpty }
        print("jobs:           \(held.isEmpty ? "no replica has led a scheduled job yet" : "")")
        for lease in held {
            let state =
                lease.expired
                ? "lease expired \(lease.expiresAt.formatted(.iso8601)), no leader"
                : "led by \(lease.holder) since \(lease.acquiredAt.formatted(.iso8601)) (term \(lease.term))"
            print("  \(lease.job.padding(toLength: 18, withPad: " ", startingAt: 0)) \(state)")
        }
    }
}
