import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceSCIM

/// The burst guard inside a provider's changes, and the changes it held: a change that
/// would remove more than the guard allows is not applied — `ScimStore.Held` is thrown
/// and the caller keeps the request (`hold`) for an operator to release or discard.
extension ScimStore {
    /// A change the burst guard held, with the reason.
    public struct Held: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { "held for an operator: \(reason)" }
    }

    /// One held change, as `ringfence scim held` lists it.
    public struct HeldChange: Sendable, Equatable {
        public var id: Int64
        public var provider: String
        public var receivedAt: Date
        public var method: String
        public var resource: String
        public var resourceID: UUID
        public var body: String
        public var reason: String
        public var status: String
    }

    /// Counts `incoming` removals of `kind` against the guard (when there is one), under a
    /// lock per provider so concurrent changes are counted one after the other. Throws
    /// `Held` when the change must wait for an operator; records the removals otherwise.
    func guardRemovals(_ connection: PostgresConnection, _ kind: ScimBurstGuard.Kind, _ incoming: Int) async throws {
        guard let burstGuard, incoming > 0 else { return }
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtext('scim guard ' || \(origin)))", logger: logger)
        let window = burstGuard.windowSeconds
        let recent =
            try await connection.query(
                """
                SELECT coalesce(sum(n), 0)::bigint FROM scim_removals
                WHERE origin = \(origin) AND kind = \(kind.rawValue) AND at > now() - make_interval(secs => \(window))
                """, logger: logger
            ).decode(Int64.self).collect().first ?? 0
        let population: PostgresQuery =
            switch kind {
            case .users:
                "SELECT count(*) FROM directory_users WHERE origin = \(origin) AND deleted_at IS NULL AND NOT disabled"
            case .groups: "SELECT count(*) FROM directory_groups WHERE origin = \(origin) AND deleted_at IS NULL"
            case .memberships:
                """
                SELECT count(*) FROM group_members m JOIN directory_groups g ON g.id = m.group_id
                WHERE g.origin = \(origin) AND g.deleted_at IS NULL
                """
            }
        let total = try await connection.query(population, logger: logger).decode(Int64.self).collect().first ?? 0
        if let reason = burstGuard.hold(kind, incoming: incoming, recent: Int(recent), population: Int(total)) {
            throw Held(reason: reason)
        }
        try await connection.query(
            "INSERT INTO scim_removals (origin, kind, n) VALUES (\(origin), \(kind.rawValue), \(incoming))",
            logger: logger)
    }

    /// Keeps a held request for an operator; returns its number.
    @discardableResult
    public func hold(method: String, resource: String, id: UUID, body: String, reason: String, now: Date = Date())
        async throws -> Int64
    {
        let rows = try await client.query(
            """
            INSERT INTO scim_held (origin, received_at, method, resource, resource_id, body, reason)
            VALUES (\(origin), \(now), \(method), \(resource), \(id), \(body), \(reason)) RETURNING id
            """, logger: logger)
        for try await number in rows.decode(Int64.self) { return number }
        throw PostgresStoreError("scim_held insert returned no id")
    }

    /// Held changes (all providers when `allProviders`), oldest first; only those still
    /// held unless `all`.
    public func heldChanges(allProviders: Bool = false, all: Bool = false) async throws -> [HeldChange] {
        let rows = try await client.query(
            """
            SELECT id, origin, received_at, method, resource, resource_id, body, reason, status FROM scim_held
            WHERE (\(allProviders) OR origin = \(origin)) AND (\(all) OR status = 'held') ORDER BY id
            """, logger: logger)
        var changes: [HeldChange] = []
        for try await (id, origin, at, method, resource, resourceID, body, reason, status) in rows.decode(
            (Int64, String, Date, String, String, UUID, String, String, String).self)
        {
            changes.append(
                HeldChange(
                    id: id, provider: String(origin.dropFirst("scim:".count)), receivedAt: at, method: method,
                    resource: resource, resourceID: resourceID, body: body, reason: reason, status: status))
        }
        return changes
    }

    /// Records an operator's decision on a held change (`released`, `discarded` or
    /// `failed`, with what happened). False when it was not held (any more).
    @discardableResult
    public func decide(heldID: Int64, status: String, by actor: String, outcome: String, now: Date = Date())
        async throws -> Bool
    {
        let rows = try await client.query(
            """
            UPDATE scim_held SET status = \(status), decided_by = \(actor), decided_at = \(now), outcome = \(outcome)
            WHERE id = \(heldID) AND status = 'held' RETURNING id
            """, logger: logger)
        return try await rows.decode(Int64.self).collect().first != nil
    }
}
