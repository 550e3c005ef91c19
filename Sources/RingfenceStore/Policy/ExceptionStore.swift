import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Exception requests in PostgreSQL (`exception_requests`): made, listed, approved
/// (publishing the exception in a new policy revision, in the same transaction), denied,
/// expired.
///
/// The checks are Core's ``ExceptionRules``; this type does the I/O around them.
public struct ExceptionStore: Sendable {
    let client: PostgresClient
    let policy: PolicyStore
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.exceptions.store")) {
        self.client = client
        self.policy = PolicyStore(client: client, logger: logger)
        self.logger = logger
    }

    /// Why an operation was refused.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case refused(ExceptionRules.Refusal)
        case alreadyPending(Int64)
        case unknown(Int64)

        public var description: String {
            switch self {
            case .refused(let refusal): refusal.description
            case .alreadyPending(let id):
                "request \(id) for the same rule and repository is already pending"
            case .unknown(let id): "no exception request \(id)"
            }
        }
    }

    static let columns = """
        id, requested_at, requester, host_id, pack, rule_id, repo, justification, duration_seconds, status,
        decided_by, decided_at, decision_comment, revision, valid_until
        """

    // MARK: - Making and reading

    /// Records a new request after checking it against the current policy.
    public func create(
        requester: String, host: UUID?, pack: String, rule: String, repo: String, justification: String,
        duration: TimeInterval
    ) async throws -> ExceptionRequest {
        guard let current = try await policy.currentRevision() else { throw PolicyStoreError.noPolicy }
        let bundle = try await policy.bundle(revision: current.number)
        do {
            _ = try ExceptionRules.check(
                pack: pack, rule: rule, repo: repo, justification: justification, duration: duration, policy: bundle)
        } catch {
            throw Failure.refused(error)
        }
        if let pending = try await pendingID(requester: requester, pack: pack, rule: rule, repo: repo) {
            throw Failure.alreadyPending(pending)
        }
        let text = justification.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let rows = try await client.query(
                """
                WITH made AS (
                    INSERT INTO exception_requests (requester, host_id, pack, rule_id, repo, justification, duration_seconds)
                    VALUES (\(requester), \(host), \(pack), \(rule), \(repo), \(text), \(Int(duration)))
                    RETURNING \(unescaped: Self.columns)
                ), owed AS (
                    INSERT INTO exception_notifications (request_id, event) SELECT id, 'requested' FROM made
                )
                SELECT \(unescaped: Self.columns) FROM made
                """, logger: logger)
            for try await row in rows { return try Self.decode(row) }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // A concurrent identical request won the unique index.
            if let pending = try await pendingID(requester: requester, pack: pack, rule: rule, repo: repo) {
                throw Failure.alreadyPending(pending)
            }
            throw error
        }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    private func pendingID(requester: String, pack: String, rule: String, repo: String) async throws -> Int64? {
        let rows = try await client.query(
            """
            SELECT id FROM exception_requests
            WHERE lower(requester) = lower(\(requester)) AND pack = \(pack) AND rule_id = \(rule) AND repo = \(repo)
              AND status = 'pending'
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    /// One request.
    public func request(_ id: Int64) async throws -> ExceptionRequest {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM exception_requests WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Self.decode(row) }
        throw Failure.unknown(id)
    }

    /// Requests, newest first; only those in `status` when given.
    public func list(status: ExceptionRequest.Status? = nil, limit: Int = 200) async throws -> [ExceptionRequest] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM exception_requests
            WHERE \(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [ExceptionRequest] = []
        for try await row in rows { result.append(try Self.decode(row)) }
        return result
    }

    /// Who may decide a requester's requests: the owners of the requester's groups
    /// (nested membership counts) and the members of `approverGroup`, as normalized user
    /// names with their mail addresses (empty when none). The requester is never among them.
    public func approvers(of requester: String, approverGroup: String?) async throws -> [String: String] {
        let rows = try await client.query(
            """
            WITH requester AS (
                SELECT id FROM directory_users WHERE lower(username) = lower(\(requester)) AND deleted_at IS NULL
            ), owners AS (
                SELECT DISTINCT lower(o.dn) AS dn FROM requester r
                JOIN effective_memberships m ON m.user_id = r.id
                JOIN directory_groups g ON g.id = m.group_id AND g.deleted_at IS NULL
                CROSS JOIN LATERAL unnest(g.owners) AS o(dn)
            )
            SELECT lower(u.username), coalesce(u.email, '') FROM directory_users u
            WHERE u.deleted_at IS NULL AND NOT u.disabled AND lower(u.username) <> lower(\(requester))
              AND (coalesce(u.dn_key, lower(u.dn)) IN (SELECT dn FROM owners)
                   OR u.id IN (SELECT m.user_id FROM effective_memberships m
                               JOIN directory_groups g ON g.id = m.group_id AND g.deleted_at IS NULL
                               WHERE lower(g.name) = lower(\(approverGroup))))
            """, logger: logger)
        var result: [String: String] = [:]
        for try await (name, mail) in rows.decode((String, String).self) { result[name] = mail }
        return result
    }

    /// The mail address of a directory user, nil when none.
    public func address(of user: String) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT email FROM directory_users
            WHERE lower(username) = lower(\(user)) AND deleted_at IS NULL AND coalesce(email, '') <> ''
            """, logger: logger)
        for try await mail in rows.decode(String.self) { return mail }
        return nil
    }

    // MARK: - Deciding

    /// Approves a pending request: publishes its exception in a new revision (the
    /// approver as actor, the request in the comment) and marks it approved, in one
    /// transaction. Returns the request as it now stands.
    public func approve(
        _ id: Int64, by approver: String, comment: String?, approverGroup: String?, now: Date = Date()
    ) async throws -> ExceptionRequest {
        let request = try await self.request(id)
        try await checkDecider(approver, of: request, approverGroup: approverGroup)
        let adjustment = request.adjustment(approvedBy: approver, at: now)
        let until = adjustment.validUntil
        let note =
            "exception #\(id) approved: \(request.pack)/\(request.rule) for \(request.requester) in \(request.repo) until \(until?.formatted(.iso8601) ?? "?")"
            + (comment.map { " — \($0)" } ?? "")
        _ = try await policy.adjust(
            actor: approver, comment: note,
            change: { current in
                guard !current.contains(where: { $0.id == adjustment.id }) else {
                    throw Failure.refused(.notPending(id: id, status: .approved))
                }
                return (current + [adjustment], ())
            },
            inTransaction: { connection, revision in
                let rows = try await connection.query(
                    """
                    UPDATE exception_requests
                    SET status = 'approved', decided_by = \(approver), decided_at = \(now),
                        decision_comment = \(comment), revision = \(revision), valid_until = \(until)
                    WHERE id = \(id) AND status = 'pending' RETURNING id
                    """, logger: logger)
                guard try await rows.decode(Int64.self).collect().count == 1 else {
                    throw Failure.refused(.notPending(id: id, status: .approved))
                }
                try await Self.owe("approved", for: [id], on: connection, logger: logger)
            })
        logger.notice(
            "exception approved", metadata: ["request": "\(id)", "approver": "\(approver)", "rule": "\(request.rule)"])
        return try await self.request(id)
    }

    /// Denies a pending request; nothing else changes.
    public func deny(_ id: Int64, by approver: String, comment: String?, approverGroup: String?, now: Date = Date())
        async throws -> ExceptionRequest
    {
        let request = try await self.request(id)
        try await checkDecider(approver, of: request, approverGroup: approverGroup)
        let rows = try await client.query(
            """
            WITH denied AS (
                UPDATE exception_requests
                SET status = 'denied', decided_by = \(approver), decided_at = \(now), decision_comment = \(comment)
                WHERE id = \(id) AND status = 'pending' RETURNING id
            ), owed AS (
                INSERT INTO exception_notifications (request_id, event) SELECT id, 'denied' FROM denied
            )
            SELECT id FROM denied
            """, logger: logger)
        guard try await rows.decode(Int64.self).collect().count == 1 else {
            throw Failure.refused(.notPending(id: id, status: try await self.request(id).status))
        }
        logger.notice("exception denied", metadata: ["request": "\(id)", "approver": "\(approver)"])
        return try await self.request(id)
    }

    private func checkDecider(_ user: String, of request: ExceptionRequest, approverGroup: String?) async throws {
        let approvers = try await approvers(of: request.requester, approverGroup: approverGroup)
        do {
            try ExceptionRules.checkDecider(user, of: request, approvers: Set(approvers.keys))
        } catch {
            throw Failure.refused(error)
        }
    }

    // MARK: - Expiry

    /// Removes exceptions that ended at or before `now` from the policy in one new
    /// revision (actor `ringfence`) and marks their requests expired. Returns the expired
    /// requests' ids; publishes nothing when none ended.
    @discardableResult
    public func expire(now: Date = Date()) async throws -> [Int64] {
        guard let current = try await policy.currentRevision() else { return [] }
        let ended = try await policy.bundle(revision: current.number).adjustments.filter {
            $0.kind == .exception && ($0.validUntil.map { $0 <= now } ?? false)
        }
        guard !ended.isEmpty else { return [] }
        let (_, ids) = try await policy.adjust(
            actor: "ringfence",
            comment: "exceptions ended: "
                + ended.map { "#\($0.request.map(String.init) ?? $0.id)" }.joined(separator: ", "),
            change: { current in
                let gone = current.filter { $0.kind == .exception && ($0.validUntil.map { $0 <= now } ?? false) }
                return (current.filter { !gone.contains($0) }, gone.compactMap(\.request))
            },
            inTransaction: { connection, revision in
                // Only the requests this transaction moves are owed a mail: another replica
                // that expired them first has already written theirs.
                let rows = try await connection.query(
                    """
                    UPDATE exception_requests SET status = 'expired', expired_revision = \(revision)
                    WHERE id = ANY(\(ended.compactMap(\.request))) AND status = 'approved' RETURNING id
                    """, logger: logger)
                let moved = try await rows.decode(Int64.self).collect()
                try await Self.owe("expired", for: moved, on: connection, logger: logger)
            })
        logger.notice("exceptions expired", metadata: ["requests": "\(ids)"])
        return ids
    }

    // MARK: - Mail owed

    static func owe(_ event: String, for ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO exception_notifications (request_id, event) SELECT unnest(\(ids)), \(event)
            """, logger: logger)
    }

    /// A mail owed about a request.
    public struct Notification: Sendable, Equatable {
        public var id: Int64
        public var event: String
        public var request: ExceptionRequest
        public var attempts: Int
    }

    /// Mails owed and due, oldest first.
    public func dueNotifications(now: Date = Date(), limit: Int = 50) async throws -> [Notification] {
        let rows = try await client.query(
            """
            SELECT n.id, n.event, n.attempts, n.request_id FROM exception_notifications n
            WHERE n.sent_at IS NULL AND n.next_attempt_at <= \(now) ORDER BY n.id LIMIT \(limit)
            """, logger: logger)
        var result: [Notification] = []
        for (id, event, attempts, request) in try await rows.decode((Int64, String, Int, Int64).self).collect() {
            result.append(
                Notification(id: id, event: event, request: try await self.request(request), attempts: attempts))
        }
        return result
    }

    /// Records a mail as sent, or as failed with the next attempt after `retryAfter`.
    public func noteNotification(_ id: Int64, error: String?, retryAfter: TimeInterval = 60, now: Date = Date())
        async throws
    {
        if let error {
            try await client.query(
                """
                UPDATE exception_notifications
                SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(now.addingTimeInterval(retryAfter))
                WHERE id = \(id)
                """, logger: logger)
        } else {
            try await client.query(
                "UPDATE exception_notifications SET sent_at = \(now), attempts = attempts + 1 WHERE id = \(id)",
                logger: logger)
        }
    }

    static func decode(_ row: PostgresRow) throws -> ExceptionRequest {
        let (
            id, at, requester, host, pack, rule, repo, justification, duration, status, decidedBy, decidedAt, comment,
            revision, until
        ) = try row.decode(
            (
                Int64, Date, String, UUID?, String, String, String, String, Int, String, String?, Date?, String?,
                Int64?,
                Date?
            ).self)
        return ExceptionRequest(
            id: id, requestedAt: at, requester: requester, host: host, pack: pack, rule: rule, repo: repo,
            justification: justification, duration: TimeInterval(duration),
            status: ExceptionRequest.Status(rawValue: status) ?? .pending, decidedBy: decidedBy, decidedAt: decidedAt,
            comment: comment, revision: revision, validUntil: until)
    }
}
