import Foundation
import PostgresNIO
import RingfenceCore

extension EventStore {
    /// The stored events with this id — on `hostID` only when given (then the lookup uses
    /// the partitions' unique index; without it every partition is scanned) — oldest first,
    /// at most 20.
    public func events(id: String, hostID: UUID?) async throws -> [StoredEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: StoredEvent.columns) FROM audit_events
            WHERE event_id = \(id) AND (\(hostID)::uuid IS NULL OR host_id = \(hostID))
            ORDER BY occurred_at LIMIT 20
            """, logger: logger)
        var events: [StoredEvent] = []
        for try await row in rows { events.append(try StoredEvent(row)) }
        return events
    }
}
