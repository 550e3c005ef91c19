import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Keeps audit events for a number of ISO weeks by dropping whole weekly partitions of
/// `audit_events` — never by deleting rows, and never because policy changed — and, on its
/// own (longer) count of weeks, the daily event rollups that reports read.
///
/// The current week counts as the first: keeping 26 weeks keeps this week and the 25
/// before it. Rows in the default partition (events dated outside any weekly partition)
/// are not touched.
public struct EventRetention: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.retention")) {
        self.client = client
        self.logger = logger
    }

    /// A weekly partition and the Monday it starts on.
    public struct Partition: Sendable, Equatable {
        public var name: String
        public var weekStart: Date
    }

    /// The weekly partitions, oldest first.
    public func partitions() async throws -> [Partition] {
        let rows = try await client.query(
            """
            SELECT c.relname::text, to_date(substring(c.relname from 14), 'IYYY"w"IW')::timestamp AT TIME ZONE 'UTC'
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_[0-9]{4}w[0-9]{2}$'
            ORDER BY 2
            """, logger: logger)
        var result: [Partition] = []
        for try await (name, start) in rows.decode((String, Date).self) {
            result.append(Partition(name: name, weekStart: start))
        }
        return result
    }

    /// The first moment kept when keeping `keepWeeks` weeks with `now`'s week the newest.
    static func cutoff(keepWeeks: Int, now: Date) -> Date {
        precondition(keepWeeks >= 1, "keep at least the current week")
        return ISOWeek(containing: now).start.addingTimeInterval(-Double(keepWeeks - 1) * 7 * 86_400)
    }

    /// Deletes the daily event rollups of weeks older than the last `keepWeeks`, one day per
    /// statement (each an index range of the rollups' key); returns the days and how many
    /// rows they held. A dry run deletes nothing and returns what it would delete.
    public func applyRollups(keepWeeks: Int, now: Date = Date(), dryRun: Bool = false) async throws -> (
        days: Int, rows: Int
    ) {
        let cutoff = Self.cutoff(keepWeeks: keepWeeks, now: now)
        let rows = try await client.query(
            """
            SELECT day::text, count(*)::bigint FROM event_rollups
            WHERE day < (\(cutoff)::timestamptz AT TIME ZONE 'UTC')::date GROUP BY day ORDER BY day
            """, logger: logger)
        let expired = try await rows.decode((String, Int).self).collect()
        let total = expired.reduce(0) { $0 + $1.1 }
        guard !dryRun else { return (expired.count, total) }
        for (day, count) in expired {
            try await client.query("DELETE FROM event_rollups WHERE day = \(day)::date", logger: logger)
            logger.notice("deleted expired event rollups", metadata: ["day": "\(day)", "rows": "\(count)"])
        }
        return (expired.count, total)
    }

    /// Drops the partitions of weeks older than the last `keepWeeks` (with `now`'s week the
    /// newest); returns their names. A dry run drops nothing and returns what it would drop.
    public func apply(keepWeeks: Int, now: Date = Date(), dryRun: Bool = false) async throws -> [String] {
        let cutoff = Self.cutoff(keepWeeks: keepWeeks, now: now)
        let expired = try await partitions().filter { $0.weekStart < cutoff }.map(\.name)
        guard !dryRun else { return expired }
        for name in expired {
            // The name matched ^audit_events_[0-9]{4}w[0-9]{2}$ above: a safe identifier.
            try await client.query("DROP TABLE \(unescaped: name)", logger: logger)
            logger.notice("dropped expired event partition", metadata: ["partition": "\(name)"])
        }
        return expired
    }
}
