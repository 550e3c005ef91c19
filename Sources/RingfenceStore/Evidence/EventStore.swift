import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import Synchronization

/// Writes audit events into the weekly partitions of `audit_events`.
///
/// A batch is one statement — `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` with
/// one bound array per column — in one transaction, so a batch is stored entirely or not
/// at all. An event sent twice (same host and event id) is stored once: each weekly
/// partition has a unique index on (host_id, event_id), so the guarantee holds within the
/// ISO week of `occurred_at` (a resent event carries the time it was recorded). The
/// partition of every week a batch touches is created before the insert (and remembered),
/// so events never pile up in the default partition.
public final class EventStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let knownWeeks = Mutex<Set<ISOWeek>>([])

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.events.store")) {
        self.client = client
        self.logger = logger
    }

    /// The outcome of storing one batch.
    public struct Outcome: Sendable, Equatable {
        /// Rows newly stored.
        public var stored: Int
        /// Rows already present (same host and event id), not stored again.
        public var duplicates: Int
        /// New rows on the `unrecognized` surface (hook input not understood), by agent kind.
        public var unrecognizedByAgent: [String: Int] = [:]

        public init(stored: Int, duplicates: Int, unrecognizedByAgent: [String: Int] = [:]) {
            self.stored = stored
            self.duplicates = duplicates
            self.unrecognizedByAgent = unrecognizedByAgent
        }
    }

    /// Stores a batch; returns how many rows were new. Throws without storing anything
    /// when PostgreSQL refuses the batch.
    public func store(_ events: [AuditEventRecord]) async throws -> Outcome {
        guard !events.isEmpty else { return Outcome(stored: 0, duplicates: 0) }
        try await ensurePartitions(for: events.map(\.occurredAt))
        let rows = try await client.query(
            """
            WITH inserted AS (
                INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, agent_version, surface, pack,
                                          pack_version, rule_id, repo, verdict, applied_level, uncapped_level, policy_etag,
                                          session_id, summary, policy_revision)
                SELECT o, h, e, u, k, nullif(kv, ''), s, nullif(p, ''), nullif(pv, 0), nullif(r, ''), nullif(rp, ''), v, al, ul,
                       nullif(t, ''), nullif(sid, ''), nullif(sm, ''), nullif(pr, 0)
                FROM unnest(\(events.map(\.occurredAt)), \(events.map(\.hostID)), \(events.map(\.eventID)), \(events.map(\.user)),
                            \(events.map(\.agentKind)), \(events.map(\.agentVersion)), \(events.map(\.surface.rawValue)),
                            \(events.map(\.pack)), \(events.map(\.packVersion)), \(events.map(\.ruleID)), \(events.map(\.repo)),
                            \(events.map(\.verdict.rawValue)), \(events.map(\.appliedLevel.rawValue)),
                            \(events.map(\.uncappedLevel.rawValue)), \(events.map(\.policyETag)), \(events.map(\.sessionID)),
                            \(events.map(\.summary)), \(events.map(\.policyRevision)))
                     AS x(o, h, e, u, k, kv, s, p, pv, r, rp, v, al, ul, t, sid, sm, pr)
                ON CONFLICT DO NOTHING
                RETURNING agent_kind, surface
            )
            SELECT agent_kind, count(*)::bigint, (count(*) FILTER (WHERE surface = \(Surface.unrecognized.rawValue)))::bigint
            FROM inserted GROUP BY agent_kind
            """, logger: logger)
        var outcome = Outcome(stored: 0, duplicates: 0)
        for try await (agent, count, unrecognized) in rows.decode((String, Int64, Int64).self) {
            outcome.stored += Int(count)
            if unrecognized > 0 { outcome.unrecognizedByAgent[agent] = Int(unrecognized) }
        }
        outcome.duplicates = events.count - outcome.stored
        return outcome
    }

    /// Creates the weekly partitions for these moments that this process has not seen yet.
    public func ensurePartitions(for moments: [Date]) async throws {
        let weeks = Set(moments.map(ISOWeek.init(containing:)))
        let missing = knownWeeks.withLock { weeks.subtracting($0) }
        for week in missing.sorted() {
            try await client.query("SELECT ringfence_ensure_event_partition(\(week.start))", logger: logger)
            _ = knownWeeks.withLock { $0.insert(week) }
        }
    }
}
