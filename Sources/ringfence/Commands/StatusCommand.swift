import ArgumentParser
import RingfenceStore

/// `ringfence status`: where the database is and which schema version it holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the database, its schema version and pending migrations."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        let catalog = try MigrationCatalog.bundled()
        let applied = try await withPostgres(configuration) { client in
            try await Migrator(catalog: catalog).appliedMigrations(on: client)
        }
        let pending = try MigrationPlan(catalog: catalog, applied: applied).pending
        print("database:       \(configuration.redactedDescription)")
        print("schema version: \(applied.last?.version ?? 0) (\(applied.last?.name ?? "none applied"))")
        print("pending:        \(pending.isEmpty ? "none" : pending.map(\.name).joined(separator: ", "))")
    }
}
