import Foundation
import PostgresNIO
import RingfenceCore

/// An `audit_events` row read back: the event as the agent reported it and when the
/// server received it. Every query that reads whole events selects ``columns`` and
/// decodes them here, so sealing, explaining and exporting read an event alike.
public struct StoredEvent: Sendable, Equatable {
    public var event: AuditEventRecord
    public var receivedAt: Date

    public init(event: AuditEventRecord, receivedAt: Date) {
        self.event = event
        self.receivedAt = receivedAt
    }

    /// The select list, in the order ``init(_:)`` decodes (NULLs as the record's "not given").
    static let columns = """
        host_id, event_id, occurred_at, received_at, username, agent_kind, coalesce(agent_version, ''), surface,
        coalesce(pack, ''), coalesce(pack_version, 0), coalesce(rule_id, ''), coalesce(repo, ''), verdict,
        applied_level, uncapped_level, coalesce(policy_etag, ''), coalesce(session_id, ''), coalesce(summary, ''),
        coalesce(policy_revision, 0)
        """

    /// Decodes a row selected with ``columns``.
    init(_ row: PostgresRow) throws {
        let (host, id, occurred, received, user, agent, version, surface, pack, packVersion, rule) = try row.decode(
            (UUID, String, Date, Date, String, String, String, String, String, Int32, String).self,
            context: .default)
        let columns = row.makeRandomAccess()
        let repo = try columns[11].decode(String.self)
        let verdict = try columns[12].decode(String.self)
        let applied = try columns[13].decode(String.self)
        let uncapped = try columns[14].decode(String.self)
        let etag = try columns[15].decode(String.self)
        let session = try columns[16].decode(String.self)
        let summary = try columns[17].decode(String.self)
        let revision = try columns[18].decode(Int64.self)
        event = AuditEventRecord(
            hostID: host, eventID: id, occurredAt: occurred, user: user, agentKind: agent, agentVersion: version,
            surface: Surface(rawValue: surface) ?? .unrecognized, pack: pack, packVersion: packVersion, ruleID: rule,
            repo: repo, verdict: Verdict(rawValue: verdict) ?? .pass, appliedLevel: Level(rawValue: applied) ?? .off,
            uncappedLevel: Level(rawValue: uncapped) ?? .off, policyETag: etag, sessionID: session, summary: summary,
            policyRevision: revision)
        receivedAt = received
    }
}
