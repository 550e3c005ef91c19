import ArgumentParser
import Logging
import PostgresNIO
import RingfenceDirectory
import RingfenceServer
import RingfenceStore
import ServiceLifecycle

/// `ringfence serve`: the long-running service. Today it keeps the directory in sync on the
/// configured schedule and holds the latest published policy snapshot (reloaded on every
/// publish); it stops gracefully on SIGTERM and SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: scheduled directory sync, and the latest policy snapshot kept loaded."
    )

    @OptionGroup var config: ConfigurationOptions

    func run() async throws {
        let file = try config.load()
        guard let database = file.database else { throw ValidationError("no database: set database.url or RINGFENCE_DATABASE_URL") }
        let logger = Logger(label: "ringfence.serve")
        let client = PostgresClient(configuration: database.clientConfiguration, backgroundLogger: quietPostgresLogger)
        _ = try await withPostgres(database) { client in
            try await Migrator(catalog: try MigrationCatalog.bundled()).appliedMigrations(on: client)
        }
        var services: [any Service] = [client, PolicyWatcherService(client: client, cache: PolicySnapshotCache())]
        if let directory = file.directory {
            let engine = SyncEngine(configuration: directory, store: DirectoryStore(client: client), password: try directory.password())
            services.append(SyncService(engine: engine))
        } else {
            logger.warning("no 'directory' section: directory sync is off")
        }
        let group = ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.notice("ringfence serving", metadata: ["database": "\(database.redactedDescription)"])
        try await group.run()
    }
}
