import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Reads what an incident bundle holds (`ringfence incident export`): the events of one
/// user or host over a window, and the records around them — revisions in force with
/// their full content, the directory's and the hosts' changes, exception requests — each
/// record as the JSON of its row (`to_jsonb`), so nothing is lost or renamed on the way.
public struct IncidentStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.incident.store")) {
        self.client = client
        self.logger = logger
    }

    /// The most events a bundle holds; a wider scope is refused (narrow the window).
    public static let eventLimit = 200_000

    /// More events than ``eventLimit`` match.
    public struct TooManyEvents: Error, CustomStringConvertible {
        public var description: String {
            "more than \(IncidentStore.eventLimit) events match: narrow the window (--from/--to)"
        }
    }

    /// The events of `user` (any host) or of `host` (any user), or of both, that happened in
    /// [from, to), in time order.
    public func events(user: String?, host: UUID?, from: Date, to: Date) async throws -> [StoredEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: StoredEvent.columns) FROM audit_events
            WHERE occurred_at >= \(from) AND occurred_at < \(to)
              AND (\(user)::text IS NULL OR lower(username) = lower(\(user)))
              AND (\(host)::uuid IS NULL OR host_id = \(host))
            ORDER BY occurred_at, host_id, event_id LIMIT \(Self.eventLimit + 1)
            """, logger: logger)
        var events: [StoredEvent] = []
        for try await row in rows { events.append(try StoredEvent(row)) }
        guard events.count <= Self.eventLimit else { throw TooManyEvents() }
        return events
    }

    /// The revisions in force at some moment of [from, to): the one in force at `from` and
    /// every one published before `to`.
    public func revisionsInForce(from: Date, to: Date) async throws -> [Int64] {
        let rows = try await client.query(
            """
            SELECT revision FROM policy_revisions
            WHERE revision >= coalesce((SELECT max(revision) FROM policy_revisions WHERE created_at <= \(from)), 0)
              AND created_at < \(to)
            ORDER BY revision
            """, logger: logger)
        return try await rows.decode(Int64.self).collect()
    }

    /// A revision's full content as JSON: who, when, why, the state (assignments, mappings,
    /// repositories, floors, exceptions, holds, rollout plan) and every pack version
    /// published up to it with its rules.
    public func revisionDocument(_ revision: Int64) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT jsonb_build_object(
                'revision', r.revision, 'createdAt', r.created_at, 'createdBy', r.created_by, 'comment', r.comment,
                'rolledBackFrom', r.rolled_back_from, 'stateHash', r.state_hash, 'state', r.state,
                'packVersions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                     'pack', p.pack, 'version', p.version, 'contentHash', p.content_hash,
                                     'rules', p.rules) ORDER BY p.pack, p.version), '[]'::jsonb)
                                 FROM pack_versions p WHERE p.published_in <= r.revision))::text
            FROM policy_revisions r WHERE r.revision = \(revision)
            """, logger: logger)
        return try await rows.decode(String.self).collect().first
    }

    /// The users' directory records: every row of theirs in `directory_users` (a user
    /// deleted and created again has several), their membership changes and those of any
    /// group in a group (nesting) in the window, and their role changes in the window —
    /// each change once, oldest first. User names are compared case-insensitively.
    public func directory(users: [String], from: Date, to: Date) async throws -> (
        users: [String], memberships: [String], roles: [String]
    ) {
        let names = users.map { $0.lowercased() }
        let rows = try await client.query(
            """
            SELECT (to_jsonb(u) - 'attributes' - 'scim_resource')::text FROM directory_users u
            WHERE lower(u.username) = ANY(\(names)) ORDER BY u.id
            """, logger: logger
        ).decode(String.self).collect()
        let memberships = try await client.query(
            """
            SELECT to_jsonb(h)::text FROM membership_history h
            WHERE h.at >= \(from) AND h.at < \(to)
              AND (h.member_kind = 'group'
                   OR lower(h.member_dn) IN (SELECT lower(dn) FROM directory_users WHERE lower(username) = ANY(\(names))))
            ORDER BY h.at, h.id
            """, logger: logger
        ).decode(String.self).collect()
        let roles = try await client.query(
            """
            SELECT to_jsonb(h)::text FROM role_history h
            WHERE h.at >= \(from) AND h.at < \(to)
              AND h.user_id IN (SELECT id FROM directory_users WHERE lower(username) = ANY(\(names)))
            ORDER BY h.at, h.id
            """, logger: logger
        ).decode(String.self).collect()
        return (rows, memberships, roles)
    }

    /// Every recorded change of these hosts in the window (admins' and heartbeats').
    public func hostChanges(_ hosts: [UUID], from: Date, to: Date) async throws -> [String] {
        try await client.query(
            """
            SELECT to_jsonb(c)::text FROM host_changes c
            WHERE c.host_id = ANY(\(hosts)) AND c.at >= \(from) AND c.at < \(to) ORDER BY c.at, c.id
            """, logger: logger
        ).decode(String.self).collect()
    }

    /// Exception requests of the users or on the hosts that were open at some moment of the window.
    public func exceptions(users: [String], hosts: [UUID], from: Date, to: Date) async throws -> [String] {
        try await client.query(
            """
            SELECT to_jsonb(e)::text FROM exception_requests e
            WHERE (lower(e.requester) = ANY(\(users.map { $0.lowercased() })) OR e.host_id = ANY(\(hosts)))
              AND e.requested_at < \(to) AND coalesce(e.valid_until, e.decided_at, 'infinity') >= \(from)
            ORDER BY e.requested_at, e.id
            """, logger: logger
        ).decode(String.self).collect()
    }
}
