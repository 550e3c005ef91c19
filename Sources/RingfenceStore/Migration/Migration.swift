import Crypto
import Foundation
import RingfenceCore

/// One schema migration: a file `NNN_name.sql` from `Sources/RingfenceStore/Migrations/`.
///
/// The version is the file's numeric prefix; files are applied in version order.
/// The checksum (SHA-256 of the file's bytes, hex) is recorded when the file is
/// applied, so that a file edited afterwards is noticed instead of silently diverging.
public struct Migration: Sendable, Hashable {
    /// Numeric prefix of the file name.
    public let version: Int
    /// File name, e.g. `003_fleet.sql`.
    public let name: String
    /// The SQL text.
    public let sql: String
    /// SHA-256 of the file's bytes, lowercase hex.
    public let checksum: String

    /// Creates a migration from its file name and text.
    ///
    /// - Throws: ``MigrationError/badFileName(_:)`` unless the name is `NNN_words.sql`.
    public init(name: String, sql: String) throws(MigrationError) {
        guard name.hasSuffix(".sql"),
            let underscore = name.firstIndex(of: "_"),
            let version = Int(name[..<underscore]),
            version > 0,
            name[..<underscore].allSatisfy(\.isASCII)
        else {
            throw .badFileName(name)
        }
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = Array(SHA256.hash(data: Data(sql.utf8))).hex
    }
}
