import Logging
import PostgresNIO

/// Applies pending migrations to a database, safely against concurrent runs.
///
/// `apply` takes a session-level advisory lock on one connection, so two instances
/// running `ringfence migrate` at once serialize: the second waits, then finds nothing
/// to do. Each pending file runs in its own transaction together with its
/// `schema_migrations` row, so a failing file leaves no trace. Before applying anything,
/// every file already applied is checked against its recorded checksum; an edited file
/// stops the run with ``MigrationError/editedAfterApply(name:recorded:current:)``.
public struct Migrator: Sendable {
    /// Advisory lock key shared by every Ringfence migrator ("RFMG").
    public static let lockKey: Int64 = 0x5246_4D47

    /// The migrations this build ships.
    public let catalog: MigrationCatalog
    private let logger: Logger

    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Migrations applied by this run, in order.
        public var applied: [String]
        /// Migrations that were already applied.
        public var alreadyApplied: Int
        /// Highest applied version after the run.
        public var schemaVersion: Int
    }

    /// A migration recorded in `schema_migrations`.
    public struct AppliedMigration: Sendable, Equatable {
        /// Version number.
        public var version: Int
        /// File name.
        public var name: String
        /// Recorded checksum.
        public var checksum: String
    }

    /// Creates a migrator for a catalog.
    public init(catalog: MigrationCatalog, logger: Logger = Logger(label: "ringfence.migrate")) {
        self.catalog = catalog
        self.logger = logger
    }

    /// Applies every pending migration.
    public func apply(on client: PostgresClient) async throws -> Report {
        try await client.withConnection { connection in
            try await connection.withSessionLock(Self.lockKey, logger: logger) {
                try await applyLocked(on: connection)
            }
        }
    }

    /// The migrations recorded in the database (empty before the first run).
    public func appliedMigrations(on client: PostgresClient) async throws -> [AppliedMigration] {
        try await client.withConnection { connection in
            try await readApplied(on: connection)
        }
    }

    private func applyLocked(on connection: PostgresConnection) async throws -> Report {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        let applied = try await readApplied(on: connection)
        let pending = try MigrationPlan(catalog: catalog, applied: applied).pending

        var report = Report(applied: [], alreadyApplied: applied.count, schemaVersion: applied.last?.version ?? 0)
        for migration in pending {
            try await run(migration, on: connection)
            report.applied.append(migration.name)
            report.schemaVersion = migration.version
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
        }
        return report
    }

    private func readApplied(on connection: PostgresConnection) async throws -> [AppliedMigration] {
        let exists =
            try await connection.query(
                "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger
            ).collect().first?.decode(Bool.self) ?? false
        guard exists else { return [] }
        var applied: [AppliedMigration] = []
        let rows = try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version", logger: logger)
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            applied.append(AppliedMigration(version: version, name: name, checksum: checksum))
        }
        return applied
    }

    private func run(_ migration: Migration, on connection: PostgresConnection) async throws {
        try await connection.query("BEGIN", logger: logger)
        let statements = SQLScript(migration.sql).statements
        for (index, statement) in statements.enumerated() {
            do {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw MigrationError.statementFailed(
                    name: migration.name, statement: index + 1, message: String(reflecting: error))
            }
        }
        do {
            try await connection.query(
                """
                INSERT INTO schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """,
                logger: logger
            )
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
