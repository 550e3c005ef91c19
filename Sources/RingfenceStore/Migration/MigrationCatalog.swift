import Foundation

/// The ordered set of migrations shipped with this build.
///
/// The files live in `Sources/RingfenceStore/Migrations/` and are bundled into the
/// `RingfenceStore` module as resources, so an installed binary carries its schema.
public struct MigrationCatalog: Sendable {
    /// Migrations in ascending version order.
    public let migrations: [Migration]

    /// Creates a catalog from migrations, checking that versions are unique.
    public init(_ migrations: [Migration]) throws(MigrationError) {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw .duplicateVersion(previous.version, previous.name, next.name)
        }
        self.migrations = sorted
    }

    /// Loads every `*.sql` file of a directory.
    public init(directory: URL) throws(MigrationError) {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadable(directory.path, "\(error)")
        }
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw .unreadable(url.path, "not readable as UTF-8")
            }
            migrations.append(try Migration(name: file, sql: text))
        }
        try self.init(migrations)
    }

    /// The migrations bundled with this build (from `Migrations/`).
    public static func bundled() throws(MigrationError) -> MigrationCatalog {
        guard let url = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw .unreadable("Migrations", "the resource bundle of RingfenceStore has no Migrations folder")
        }
        return try MigrationCatalog(directory: url)
    }

    /// The highest version in the catalog, 0 when empty.
    public var latestVersion: Int { migrations.last?.version ?? 0 }
}
