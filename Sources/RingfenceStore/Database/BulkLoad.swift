import Logging
import PostgresNIO

/// Writes a large number of rows into a table the way PostgreSQL's manual advises for
/// populating a database (§14.4 "Populating a Database": remove indexes and foreign-key
/// constraints, load, re-create them): inside the caller's transaction the table's
/// indexes, primary and unique keys and foreign keys are dropped, the rows written, then
/// each is re-created from the definition PostgreSQL itself printed for it
/// (`pg_get_indexdef`, `pg_get_constraintdef`), so unique keys and foreign keys are
/// checked again, on the whole table at once. Building an index over a million rows at
/// once is several times cheaper than a million insertions into it, and one
/// re-validation of a foreign key is one join instead of a lookup per row.
///
/// The price is an exclusive lock on the table, and on the tables its foreign keys refer
/// to, until the transaction ends: readers wait for the commit. So it is used only when a
/// load is large and at least as large as what the table already holds (`isWorthwhile`),
/// as on a first sync or after a mass change. Keys other tables refer to are left alone.
struct BulkLoad {
    /// Below this many rows a load is written the ordinary way.
    static let minimumRows = 50_000

    let connection: PostgresConnection
    let logger: Logger

    /// Whether adding `rows` to `table` should drop and rebuild its indexes: at least
    /// `minimumRows`, and at least as many as the table has.
    func isWorthwhile(table: String, adding rows: Int) async throws -> Bool {
        guard rows >= Self.minimumRows else { return false }
        let result = try await connection.query("SELECT count(*) FROM \(unescaped: table)", logger: logger)
        for try await count in result.decode(Int.self) { return rows >= count }
        return true
    }

    /// Drops `table`'s indexes and keys, runs `write`, and re-creates them (a duplicate
    /// or a dangling reference written meanwhile fails here, and with it the transaction).
    /// `table` is a trusted identifier of this module, never input.
    func load(table: String, write: () async throws -> Void) async throws {
        let constraints = try await connection.query(
            """
            SELECT quote_ident(c.conname), pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = \(table)::regclass AND c.contype IN ('p', 'u', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid
                              AND r.conindid = c.conindid AND c.contype <> 'f')
            ORDER BY c.contype = 'f', c.conname
            """, logger: logger
        ).decode((String, String).self).collect()
        let indexes = try await connection.query(
            """
            SELECT quote_ident(i.relname), pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = \(table)::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
            ORDER BY i.relname
            """, logger: logger
        ).decode((String, String).self).collect()
        for (name, _) in constraints.reversed() {
            try await connection.query(
                "ALTER TABLE \(unescaped: table) DROP CONSTRAINT \(unescaped: name)", logger: logger)
        }
        for (name, _) in indexes {
            try await connection.query("DROP INDEX \(unescaped: name)", logger: logger)
        }
        try await write()
        // Keys before the foreign keys; an index's definition names its table.
        for (name, definition) in constraints {
            try await connection.query(
                "ALTER TABLE \(unescaped: table) ADD CONSTRAINT \(unescaped: name) \(unescaped: definition)",
                logger: logger)
        }
        for (_, definition) in indexes {
            try await connection.query("\(unescaped: definition)", logger: logger)
        }
    }
}
