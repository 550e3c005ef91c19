import Logging
import PostgresNIO
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite(
    "BulkLoad against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct BulkLoadTests {
    static let schema = """
        CREATE TABLE parents (id bigint PRIMARY KEY);
        CREATE TABLE children (
            id bigint PRIMARY KEY,
            parent bigint REFERENCES parents(id),
            name text NOT NULL,
            UNIQUE (parent, name)
        );
        CREATE INDEX children_by_lower_name ON children (lower(name)) WHERE parent IS NOT NULL;
        CREATE TABLE grandchildren (child bigint REFERENCES children(id));
        INSERT INTO parents VALUES (1), (2);
        """

    static let logger = Logger(label: "test.bulk-load")

    static func create(_ connection: PostgresConnection) async throws {
        for statement in SQLScript(schema).statements {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    /// Indexes and constraints of `children`, as PostgreSQL prints them.
    static func definitions(_ connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE tablename = 'children'
            UNION ALL
            SELECT conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'children'::regclass
            ORDER BY 1
            """, logger: Self.logger)
        return try await rows.decode(String.self).collect()
    }

    static func load(_ rows: [(Int64, Int64?, String)], into connection: PostgresConnection) async throws {
        try await BulkLoad(connection: connection, logger: Self.logger).load(table: "children") {
            try await connection.copyRows(
                into: "children", columns: ["id", "parent", "name"], rows, logger: Self.logger
            ) { encoder, row in
                encoder.field(row.0)
                encoder.field(row.1)
                encoder.field(row.2)
            }
        }
    }

    @Test("indexes and keys are the same after a load, and the rows are there")
    func rebuilds() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            try await client.withConnection { connection in
                try await Self.create(connection)
                let before = try await Self.definitions(connection)
                // Indexes: pkey, unique, lower(name); constraints: pkey, unique, parent's foreign key.
                #expect(before.count == 6)
                try await connection.query("BEGIN", logger: Self.logger)
                try await Self.load((1...1000).map { (Int64($0), Int64($0 % 2 + 1), "n\($0)") }, into: connection)
                try await connection.query("COMMIT", logger: Self.logger)
                #expect(try await Self.definitions(connection) == before)
                let count = try await connection.query("SELECT count(*)::int FROM children", logger: Self.logger)
                #expect(try await count.decode(Int.self).collect() == [1000])
            }
        }
    }

    @Test(
        "a duplicate or a dangling reference written meanwhile fails the load",
        arguments: [
            [(Int64(1), Int64?(1), "a"), (2, 1, "a")],  // unique (parent, name)
            [(Int64(1), Int64?(3), "a")],  // no parent 3
            [(Int64(1), Int64?(1), "a"), (1, 2, "b")],  // primary key
        ])
    func refuses(rows: [(Int64, Int64?, String)]) async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            try await client.withConnection { connection in
                try await Self.create(connection)
                try await connection.query("BEGIN", logger: Self.logger)
                await #expect(throws: PSQLError.self) { try await Self.load(rows, into: connection) }
                try await connection.query("ROLLBACK", logger: Self.logger)
                #expect(try await Self.definitions(connection).count == 6)
            }
        }
    }

    @Test("worthwhile only for large loads at least as large as the table")
    func threshold() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            try await client.withConnection { connection in
                try await Self.create(connection)
                let bulk = BulkLoad(connection: connection, logger: Self.logger)
                #expect(try await bulk.isWorthwhile(table: "parents", adding: BulkLoad.minimumRows))
                #expect(try await !bulk.isWorthwhile(table: "parents", adding: BulkLoad.minimumRows - 1))
                try await connection.query(
                    "INSERT INTO parents SELECT generate_series(3, \(BulkLoad.minimumRows + 10))",
                    logger: Self.logger)
                #expect(try await !bulk.isWorthwhile(table: "parents", adding: BulkLoad.minimumRows))
                #expect(try await bulk.isWorthwhile(table: "parents", adding: BulkLoad.minimumRows + 10))
            }
        }
    }
}
