import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The cursors of event exports (`export_cursors`) and the events after them.
///
/// A sink's round reads the events received after its cursor — and before `now − lag`, so
/// an ingestion transaction still open when the round starts (its rows carry the time it
/// began) is never skipped — hands them to the sink, and moves the cursor only once the
/// sink returned: at least once, with at most one batch sent again after a crash. The
/// round holds a transaction-level advisory lock on the sink's name, so replicas never
/// export one sink at once.
public struct ExportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.export.store")) {
        self.client = client
        self.logger = logger
    }

    /// Where a sink stands.
    public struct Cursor: Sendable, Equatable {
        public var sink: String
        public var receivedAt: Date
        public var hostID: UUID
        public var eventID: String
        public var exported: Int64
        public var updatedAt: Date
    }

    /// What a round did.
    public enum Round: Sendable, Equatable {
        /// Another replica holds the sink.
        case busy
        /// `sent` events handed to the sink and the cursor moved past them.
        case sent(Int)
    }

    /// The sink's cursor, made when missing: at the first event ever received
    /// (`fromBeginning`) or at `now`.
    @discardableResult
    public func cursor(sink: String, fromBeginning: Bool, now: Date = Date()) async throws -> Cursor {
        let start = fromBeginning ? Date(timeIntervalSince1970: 0) : now
        try await client.query(
            "INSERT INTO export_cursors (sink, received_at) VALUES (\(sink), \(start)) ON CONFLICT (sink) DO NOTHING",
            logger: logger)
        return try await cursors().first { $0.sink == sink }!
    }

    /// Every sink's cursor.
    public func cursors() async throws -> [Cursor] {
        let rows = try await client.query(
            "SELECT sink, received_at, host_id, event_id, exported, updated_at FROM export_cursors ORDER BY sink",
            logger: logger)
        var result: [Cursor] = []
        for try await (sink, at, host, event, exported, updated) in rows.decode(
            (String, Date, UUID, String, Int64, Date).self)
        {
            result.append(
                Cursor(sink: sink, receivedAt: at, hostID: host, eventID: event, exported: exported, updatedAt: updated)
            )
        }
        return result
    }

    /// Events received after the sink's cursor and before `before`, not yet exported.
    public func backlog(sink: String, before: Date) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*) FROM audit_events e, export_cursors c
            WHERE c.sink = \(sink) AND (e.received_at, e.host_id, e.event_id) > (c.received_at, c.host_id, c.event_id)
              AND e.received_at >= c.received_at AND e.received_at < \(before)
            """, logger: logger)
        return try await rows.decode(Int.self).collect().first ?? 0
    }

    /// One round for `sink`: up to `limit` events after its cursor received before
    /// `before`, handed to `send`; when `send` returns, the cursor moves past them. A
    /// `send` that throws leaves the cursor where it was.
    public func round(
        sink: String, limit: Int, before: Date, send: @Sendable ([StoredEvent]) async throws -> Void
    ) async throws -> Round {
        try await client.transaction(logger: logger) { connection in
            let locked =
                try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(hashtextextended('ringfence-export:' || \(sink), 0))",
                    logger: logger
                ).decode(Bool.self).collect().first ?? false
            guard locked else { return .busy }
            let rows = try await connection.query(
                """
                SELECT \(unescaped: StoredEvent.columns), (extract(epoch FROM e.received_at) * 1000000)::bigint
                FROM audit_events e
                WHERE (e.received_at, e.host_id, e.event_id) >
                      (SELECT received_at, host_id, event_id FROM export_cursors WHERE sink = \(sink))
                  AND e.received_at >= (SELECT received_at FROM export_cursors WHERE sink = \(sink))
                  AND e.received_at < \(before)
                ORDER BY e.received_at, e.host_id, e.event_id LIMIT \(limit)
                """, logger: logger)
            var events: [StoredEvent] = []
            var lastMicroseconds: Int64 = 0
            for try await row in rows {
                events.append(try StoredEvent(row))
                // The exact receive time (a Date loses microseconds on the way back).
                lastMicroseconds = try row.makeRandomAccess()[19].decode(Int64.self)
            }
            guard let last = events.last else { return .sent(0) }
            try await send(events)
            try await connection.query(
                """
                UPDATE export_cursors
                SET received_at = 'epoch'::timestamptz + \(lastMicroseconds) * interval '1 microsecond',
                    host_id = \(last.event.hostID),
                       event_id = \(last.event.eventID), exported = exported + \(events.count), updated_at = now()
                WHERE sink = \(sink)
                """, logger: logger)
            return .sent(events.count)
        }
    }
}
