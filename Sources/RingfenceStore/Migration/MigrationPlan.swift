/// The pure decision of what a migration run must do, given the catalog and what the
/// database records: which files are pending, or why the run must stop.
public struct MigrationPlan: Sendable, Equatable {
    /// Migrations to apply, in order.
    public let pending: [Migration]

    /// Compares the catalog with the applied migrations.
    ///
    /// - Throws: ``MigrationError/editedAfterApply(name:recorded:current:)`` when an
    ///   applied file's checksum changed, ``MigrationError/unknownApplied(version:name:)``
    ///   when the database has a version this catalog lacks.
    public init(catalog: MigrationCatalog, applied: [Migrator.AppliedMigration]) throws(MigrationError) {
        let byVersion = Dictionary(uniqueKeysWithValues: catalog.migrations.map { ($0.version, $0) })
        for record in applied {
            guard let migration = byVersion[record.version] else {
                throw .unknownApplied(version: record.version, name: record.name)
            }
            guard migration.checksum == record.checksum else {
                throw .editedAfterApply(name: migration.name, recorded: record.checksum, current: migration.checksum)
            }
        }
        let done = Set(applied.map(\.version))
        pending = catalog.migrations.filter { !done.contains($0.version) }
    }
}
