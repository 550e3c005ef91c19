import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The PostgreSQL side of rollouts (docs/operations.md): the measurements gates are judged
/// on, promotions and holds published as revisions through ``PolicyStore`` with their
/// `rollout_events` row in the same transaction, and the events as history and outbox.
public struct RolloutStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The actor of what the service does by itself.
    public static let serviceActor = "ringfence"

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.rollout")) {
        self.client = client
        self.logger = logger
    }

    /// Why a rollout operation was refused.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownHold(String)
        case notPromoted(String)

        public var description: String {
            switch self {
            case .unknownHold(let id): "no hold \(id) is in force (ringfence rollout status lists them)"
            case .notPromoted(let group): "\(group) has no promotion in force (ringfence rollout status lists them)"
            }
        }
    }

    // MARK: - Measuring

    /// The measurements of a group's gates at `now`: its members and their hosts (fresh
    /// when they reported within `staleAfter`), and their events over `window`; nil when
    /// the directory has no such group.
    public func measure(group: String, window: TimeInterval, staleAfter: TimeInterval, now: Date) async throws
        -> GateMeasurements?
    {
        guard let members = try await ReportQueries(client: client, logger: logger).members(of: group) else {
            return nil
        }
        var measured = GateMeasurements(
            members: members.count, membersConnected: 0, hostsConnected: 0, hostsHooked: 0, activePersonDays: 0,
            blockCandidates: 0, noisiestRule: nil, openExceptions: 0)
        let fresh = now.addingTimeInterval(-staleAfter)
        let from = now.addingTimeInterval(-window)
        let hosts = try await client.query(
            """
            WITH h AS (
                SELECT h.id, h.users, cardinality(h.drifted_files) > 0 AS drifted FROM hosts h
                WHERE h.retired_at IS NULL AND h.last_heartbeat_at >= \(fresh)
                  AND ringfence_lower_names(h.users) && \(members))
            SELECT (SELECT count(*)::int FROM unnest(\(members)::text[]) m(name)
                    WHERE EXISTS (SELECT 1 FROM h, unnest(h.users) x WHERE lower(x) = m.name)),
                   (SELECT count(*)::int FROM h),
                   (SELECT count(*)::int FROM h WHERE NOT h.drifted
                      AND EXISTS (SELECT 1 FROM host_agents a WHERE a.host_id = h.id)
                      AND NOT EXISTS (SELECT 1 FROM host_agents a WHERE a.host_id = h.id AND a.hook_state <> 'installed'))
            """, logger: logger)
        for try await (connected, fresh, hooked) in hosts.decode((Int, Int, Int).self) {
            (measured.membersConnected, measured.hostsConnected, measured.hostsHooked) = (connected, fresh, hooked)
        }
        let events = try await client.query(
            """
            SELECT count(DISTINCT (lower(username), (occurred_at AT TIME ZONE 'UTC')::date))::int,
                   count(*) FILTER (WHERE verdict = 'block-candidate')::int
            FROM audit_events
            WHERE occurred_at >= \(from) AND occurred_at < \(now) AND lower(username) = ANY(\(members))
            """, logger: logger)
        for try await (days, candidates) in events.decode((Int, Int).self) {
            (measured.activePersonDays, measured.blockCandidates) = (days, candidates)
        }
        let noisy = try await client.query(
            """
            SELECT coalesce(pack, ''), rule_id, count(DISTINCT lower(username))::int FROM audit_events
            WHERE occurred_at >= \(from) AND occurred_at < \(now) AND lower(username) = ANY(\(members))
              AND verdict IN ('warn-candidate', 'block-candidate') AND rule_id IS NOT NULL
            GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1
            """, logger: logger)
        for try await (pack, rule, users) in noisy.decode((String, String, Int).self) {
            measured.noisiestRule = .init(pack: pack, rule: rule, users: users)
        }
        let open = try await client.query(
            """
            SELECT count(*)::int FROM exception_requests
            WHERE status = 'pending' AND lower(requester) = ANY(\(members))
            """, logger: logger)
        for try await count in open.decode(Int.self) { measured.openExceptions = count }
        return measured
    }

    /// Each rule's blocks among the group's members since `promotedAt` and its block
    /// candidates in the `window` before, with the active person-days of both periods.
    public func activity(group: String, promotedAt: Date, window: TimeInterval, now: Date) async throws -> (
        rules: [AutomaticHold.RuleActivity], personDaysAfter: Int, personDaysBefore: Int
    ) {
        let members = try await ReportQueries(client: client, logger: logger).members(of: group) ?? []
        let from = promotedAt.addingTimeInterval(-window)
        var rules: [AutomaticHold.RuleActivity] = []
        let rows = try await client.query(
            """
            SELECT coalesce(pack, ''), rule_id,
                   count(*) FILTER (WHERE occurred_at >= \(promotedAt) AND verdict = 'block')::int,
                   count(*) FILTER (WHERE occurred_at < \(promotedAt) AND verdict = 'block-candidate')::int
            FROM audit_events
            WHERE occurred_at >= \(from) AND occurred_at < \(now) AND lower(username) = ANY(\(members))
              AND rule_id IS NOT NULL AND verdict IN ('block', 'block-candidate')
            GROUP BY 1, 2
            """, logger: logger)
        for try await (pack, rule, after, before) in rows.decode((String, String, Int, Int).self) {
            rules.append(.init(pack: pack, rule: rule, blocksAfter: after, candidatesBefore: before))
        }
        var (after, before) = (0, 0)
        let days = try await client.query(
            """
            SELECT count(DISTINCT (lower(username), (occurred_at AT TIME ZONE 'UTC')::date))
                       FILTER (WHERE occurred_at >= \(promotedAt))::int,
                   count(DISTINCT (lower(username), (occurred_at AT TIME ZONE 'UTC')::date))
                       FILTER (WHERE occurred_at < \(promotedAt))::int
            FROM audit_events
            WHERE occurred_at >= \(from) AND occurred_at < \(now) AND lower(username) = ANY(\(members))
            """, logger: logger)
        for try await row in days.decode((Int, Int).self) { (after, before) = row }
        return (rules, after, before)
    }

    // MARK: - Acting

    /// Moves the step's group to its ring: a revision with the promotion (actor
    /// `ringfence`) and a `promoted` event with the gates' results, in one transaction.
    /// Returns nil, writing nothing, when a promotion to that ring or higher is already in
    /// force (another replica's round got there first).
    @discardableResult
    public func promote(_ step: RolloutPlan.Step, results: [RolloutGates.Result], now: Date = Date()) async throws
        -> Int64?
    {
        let detail = results.isEmpty ? "no gates" : results.map(\.line).joined(separator: "\n")
        do {
            let (revision, _) = try await PolicyStore(client: client, logger: logger).promote(
                actor: Self.serviceActor, comment: "rollout: \(step.name), every gate held",
                change: { promotions in
                    let mine = promotions.filter { $0.group.lowercased() == step.group.lowercased() }
                    if mine.contains(where: { $0.ring >= step.ring }) { throw AlreadyDone() }
                    let others = promotions.filter { $0.group.lowercased() != step.group.lowercased() }
                    return (others + [RingPromotion(group: step.group, ring: step.ring, at: now)], ())
                },
                inTransaction: { connection, revision in
                    try await Self.insert(
                        .promoted, group: step.group, ring: step.ring, detail: detail, revision: revision, at: now,
                        connection: connection, logger: logger)
                })
            logger.notice("rollout: group promoted", metadata: ["step": "\(step.name)", "revision": "\(revision)"])
            return revision
        } catch is AlreadyDone {
            return nil
        }
    }

    /// Thrown inside a publish's change to write nothing: what it would do is done.
    struct AlreadyDone: Error {}

    /// Records that a due step was held by failing gates, unless the last event of that
    /// step already says so for the same gates (the service re-evaluates every round).
    /// Returns whether it recorded.
    @discardableResult
    public func noteHeld(_ step: RolloutPlan.Step, failing: [RolloutGates.Result], now: Date = Date()) async throws
        -> Bool
    {
        let names = failing.map(\.gate)
        return try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(Self.lockKey), hashtext(lower(\(step.group))))", logger: logger)
            let last = try await connection.query(
                """
                SELECT kind, failing FROM rollout_events
                WHERE lower(group_name) = lower(\(step.group)) AND ring = \(step.ring.rawValue)
                  AND kind IN ('promoted', 'held')
                ORDER BY id DESC LIMIT 1
                """, logger: logger)
            for try await (kind, gates) in last.decode((String, [String]).self)
            where kind == RolloutEvent.Kind.held.rawValue && gates == names {
                return false
            }
            try await Self.insert(
                .held, group: step.group, ring: step.ring, failing: names,
                detail: failing.map(\.line).joined(separator: "\n"), at: now, connection: connection, logger: logger)
            return true
        }
    }

    /// The id of the hold a rule gets for a group.
    public static func holdID(group: String, pack: String, rule: String) -> String {
        "hold-\(group)-\(pack)-\(rule)".lowercased()
    }

    /// Holds a rule for the group at `level` (a `hold` adjustment from now, until released)
    /// and records a `rule-held` event, in one transaction. Returns nil when that hold is
    /// already in force.
    @discardableResult
    public func hold(
        group: String, ring: Ring, verdict: AutomaticHold.Verdict, level: Level, now: Date = Date()
    ) async throws -> Int64? {
        let rule = verdict.activity
        let id = Self.holdID(group: group, pack: rule.pack, rule: rule.rule)
        let adjustment = RuleAdjustment(
            id: id, kind: .hold, pack: rule.pack, rule: rule.rule, level: level, group: group, validFrom: now,
            actor: Self.serviceActor, reason: verdict.reason)
        do {
            let (revision, _) = try await PolicyStore(client: client, logger: logger).adjust(
                actor: Self.serviceActor,
                comment: "rollout: \(rule.pack)/\(rule.rule) held at \(level.rawValue) for \(group)",
                change: { current in
                    if current.contains(where: { $0.id == id }) { throw AlreadyDone() }
                    return (current + [adjustment], ())
                },
                inTransaction: { connection, revision in
                    try await Self.insert(
                        .ruleHeld, group: group, ring: ring, pack: rule.pack, rule: rule.rule, holdID: id,
                        detail: verdict.reason, revision: revision, at: now, connection: connection, logger: logger)
                })
            logger.warning(
                "rollout: rule held after a promotion",
                metadata: ["group": "\(group)", "rule": "\(rule.pack)/\(rule.rule)", "revision": "\(revision)"])
            return revision
        } catch is AlreadyDone {
            return nil
        }
    }

    /// Releases a hold: a revision without it (by `actor`) and a `released` event, in one
    /// transaction.
    @discardableResult
    public func release(holdID: String, actor: String, comment: String?, now: Date = Date()) async throws -> Int64 {
        let detail = comment ?? "released"
        let (revision, _) = try await PolicyStore(client: client, logger: logger).adjust(
            actor: actor, comment: comment ?? "rollout: \(holdID) released",
            change: { current in
                guard current.contains(where: { $0.id == holdID && $0.kind == .hold }) else {
                    throw Failure.unknownHold(holdID)
                }
                return (current.filter { $0.id != holdID }, ())
            },
            inTransaction: { connection, revision in
                try await connection.query(
                    """
                    INSERT INTO rollout_events (at, kind, group_name, ring, pack, rule_id, hold_id, actor, detail, revision)
                    SELECT \(now), 'released', group_name, ring, pack, rule_id, hold_id, \(actor), \(detail), \(revision)
                    FROM rollout_events WHERE hold_id = \(holdID) AND kind = 'rule-held' ORDER BY id DESC LIMIT 1
                    """, logger: logger)
            })
        return revision
    }

    /// Undoes a group's promotion: a revision without it (by `actor`) and a `demoted`
    /// event, in one transaction. The group is back in the ring its mapping gives it; a
    /// step still due is promoted again when its gates hold, so postpone or remove the step
    /// first.
    @discardableResult
    public func demote(group: String, actor: String, comment: String?, now: Date = Date()) async throws -> Int64 {
        let (revision, _) = try await PolicyStore(client: client, logger: logger).promote(
            actor: actor, comment: comment ?? "rollout: promotion of \(group) undone",
            change: { current in
                guard let promotion = current.first(where: { $0.group.lowercased() == group.lowercased() }) else {
                    throw Failure.notPromoted(group)
                }
                return (current.filter { $0 != promotion }, promotion)
            },
            inTransaction: { connection, revision in
                try await connection.query(
                    """
                    INSERT INTO rollout_events (at, kind, group_name, ring, actor, detail, revision)
                    SELECT \(now), 'demoted', group_name, ring, \(actor), \(comment ?? "demoted"), \(revision)
                    FROM rollout_events WHERE lower(group_name) = lower(\(group)) AND kind = 'promoted'
                    ORDER BY id DESC LIMIT 1
                    """, logger: logger)
            })
        return revision
    }

    // MARK: - History and outbox

    /// Events, newest first; optionally one, or of one group, one hold or one kind.
    public func events(
        limit: Int = 50, id: Int64? = nil, group: String? = nil, holdID: String? = nil,
        kind: RolloutEvent.Kind? = nil, since: Date? = nil
    ) async throws -> [RolloutEvent] {
        let rows = try await client.query(
            """
            SELECT id, at, kind, group_name, ring, pack, rule_id, hold_id, actor, detail, failing, revision
            FROM rollout_events
            WHERE (\(id)::bigint IS NULL OR id = \(id))
              AND (\(group)::text IS NULL OR lower(group_name) = lower(\(group)))
              AND (\(holdID)::text IS NULL OR hold_id = \(holdID))
              AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
              AND (\(since)::timestamptz IS NULL OR at >= \(since))
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [RolloutEvent] = []
        for try await (id, at, kind, group, ring, pack, rule, hold, actor, detail, failing, revision) in rows.decode(
            (Int64, Date, String, String, Int, String?, String?, String?, String, String, [String], Int64?).self)
        {
            result.append(
                RolloutEvent(
                    id: id, at: at, kind: RolloutEvent.Kind(rawValue: kind) ?? .held, group: group,
                    ring: Ring(rawValue: ring) ?? .audit, pack: pack, rule: rule, holdID: hold, actor: actor,
                    detail: detail, failing: failing, revision: revision))
        }
        return result
    }

    /// Events whose notification is due (not sent, next attempt reached), oldest first.
    public func dueNotifications(now: Date = Date(), limit: Int = 50) async throws -> [(RolloutEvent, attempts: Int)] {
        let rows = try await client.query(
            """
            SELECT id, attempts FROM rollout_events WHERE sent_at IS NULL AND next_attempt_at <= \(now)
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var due: [(RolloutEvent, attempts: Int)] = []
        for (id, attempts) in try await rows.decode((Int64, Int).self).collect() {
            if let event = try await events(limit: 1, id: id).first { due.append((event, attempts)) }
        }
        return due
    }

    /// Records a notification as sent, or as failed with the next attempt after `retryAfter`.
    public func noteNotification(_ id: Int64, error: String?, retryAfter: TimeInterval = 60, now: Date = Date())
        async throws
    {
        if let error {
            try await client.query(
                """
                UPDATE rollout_events
                SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(now.addingTimeInterval(retryAfter))
                WHERE id = \(id)
                """, logger: logger)
        } else {
            try await client.query(
                "UPDATE rollout_events SET sent_at = \(now), attempts = attempts + 1 WHERE id = \(id)", logger: logger)
        }
    }

    /// Advisory lock namespace of rollout steps ("RFRO").
    static let lockKey: Int32 = 0x5246_524F

    static func insert(
        _ kind: RolloutEvent.Kind, group: String, ring: Ring, pack: String? = nil, rule: String? = nil,
        holdID: String? = nil, actor: String = serviceActor, failing: [String] = [], detail: String,
        revision: Int64? = nil, at: Date, connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO rollout_events (at, kind, group_name, ring, pack, rule_id, hold_id, actor, detail, failing, revision)
            VALUES (\(at), \(kind.rawValue), \(group), \(ring.rawValue), \(pack), \(rule), \(holdID), \(actor), \(detail),
                    \(failing), \(revision))
            """, logger: logger)
    }
}
