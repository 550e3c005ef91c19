import Logging
import PostgresNIO

extension PostgresConnection {
    /// Writes `rows` into `table` with COPY (text format), each row's fields encoded by
    /// `encode`; nothing is sent for no rows. `table` and `columns` are trusted
    /// identifiers of this module, never input.
    func copyRows<Row>(
        into table: String, columns: [String], _ rows: some Collection<Row>, logger: Logger,
        encode: (inout CopyTextEncoder, Row) -> Void
    ) async throws {
        guard !rows.isEmpty else { return }
        try await copyFrom(table: table, columns: columns, logger: logger) { writer in
            var encoder = CopyTextEncoder(writer: writer)
            for row in rows {
                encode(&encoder, row)
                try await encoder.endRow()
            }
            try await encoder.finish()
        }
    }
}
