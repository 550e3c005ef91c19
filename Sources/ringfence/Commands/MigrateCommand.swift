import ArgumentParser
import Logging
import RingfenceStore

/// `ringfence migrate`: applies pending schema migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (safe to run concurrently and repeatedly)."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        let migrator = Migrator(catalog: try MigrationCatalog.bundled())
        let report = try await withPostgres(configuration) { client in
            try await migrator.apply(on: client)
        }
        if report.applied.isEmpty {
            print(
                "schema is up to date at version \(report.schemaVersion) (\(report.alreadyApplied) migrations applied earlier)"
            )
        } else {
            for name in report.applied { print("applied \(name)") }
            print("schema is now at version \(report.schemaVersion)")
        }
    }
}
