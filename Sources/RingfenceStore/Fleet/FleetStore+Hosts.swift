import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Host administration: ring, tags, shared flag and bound users, each change kept in
/// `host_changes` with who made it and why.
extension FleetStore {
    /// A change an admin makes to a host; nil fields stay as they are.
    public struct HostUpdate: Sendable, Equatable {
        /// `.some(nil)` clears the ring (decided by the users' groups again).
        public var ring: Ring??
        public var tags: [String]?
        public var anyUser: Bool?

        public init(ring: Ring?? = nil, tags: [String]? = nil, anyUser: Bool? = nil) {
            self.ring = ring
            self.tags = tags
            self.anyUser = anyUser
        }
    }

    /// One row of a host's history.
    public struct HostChange: Sendable, Equatable {
        public var at: Date
        public var field: String
        public var oldValue: String?
        public var newValue: String?
        /// Who made it; nil for what the host's own heartbeats reported.
        public var actor: String?
        public var comment: String?
    }

    /// Applies `update` to a live host and records each field that changed. Returns the
    /// changes (empty when nothing differed).
    /// - Throws: ``HostAdministrationError/unknownHost(_:)``.
    @discardableResult
    public func update(
        hostID: UUID, _ update: HostUpdate, actor: String, comment: String?, now: Date = Date()
    ) async throws -> [HostChange] {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT ring, tags, any_user FROM hosts WHERE id = \(hostID) AND retired_at IS NULL FOR UPDATE",
                logger: logger)
            var current: (Int16?, [String], Bool)?
            for try await row in rows.decode((Int16?, [String], Bool).self) { current = row }
            guard let (oldRing, oldTags, oldAnyUser) = current else {
                throw HostAdministrationError.unknownHost(hostID)
            }
            var changes: [HostChange] = []
            func note(_ field: String, _ old: String?, _ new: String?) {
                guard old != new else { return }
                changes.append(
                    HostChange(at: now, field: field, oldValue: old, newValue: new, actor: actor, comment: comment))
            }
            let newRing = update.ring.map { $0.map { Int16($0.number) } } ?? oldRing
            let newTags = update.tags.map(DecisionContext.normalized) ?? oldTags
            let newAnyUser = update.anyUser ?? oldAnyUser
            note("ring", oldRing.map(String.init), newRing.map(String.init))
            note("tags", oldTags.sorted().joined(separator: ","), newTags.joined(separator: ","))
            note("any_user", String(oldAnyUser), String(newAnyUser))
            guard !changes.isEmpty else { return [] }
            try await connection.query(
                "UPDATE hosts SET ring = \(newRing), tags = \(newTags), any_user = \(newAnyUser) WHERE id = \(hostID)",
                logger: logger)
            try await Self.record(changes, hostID: hostID, connection: connection, logger: logger)
            return changes
        }
    }

    /// Binds users to a live host (lower-cased); users already bound are left alone.
    /// Returns the users newly bound.
    @discardableResult
    public func bind(users: [String], hostID: UUID, actor: String, comment: String?, now: Date = Date())
        async throws -> [String]
    {
        try await changeBindings(users: users, hostID: hostID, bind: true, actor: actor, comment: comment, now: now)
    }

    /// Unbinds users from a host. Returns the users that were bound.
    @discardableResult
    public func unbind(users: [String], hostID: UUID, actor: String, comment: String?, now: Date = Date())
        async throws -> [String]
    {
        try await changeBindings(users: users, hostID: hostID, bind: false, actor: actor, comment: comment, now: now)
    }

    private func changeBindings(
        users: [String], hostID: UUID, bind: Bool, actor: String, comment: String?, now: Date
    ) async throws -> [String] {
        let names = DecisionContext.normalized(users)
        return try await client.transaction(logger: logger) { connection in
            let live = try await connection.query(
                "SELECT 1 FROM hosts WHERE id = \(hostID) AND retired_at IS NULL FOR UPDATE", logger: logger)
            var found = false
            for try await _ in live.decode(Int.self) { found = true }
            guard found else { throw HostAdministrationError.unknownHost(hostID) }
            let rows =
                bind
                ? try await connection.query(
                    """
                    INSERT INTO host_users (host_id, user_name, bound_at, bound_by, source)
                    SELECT \(hostID), u, \(now), \(actor), 'admin' FROM unnest(\(names)) AS u
                    ON CONFLICT (host_id, user_name) DO NOTHING RETURNING user_name
                    """, logger: logger)
                : try await connection.query(
                    """
                    DELETE FROM host_users WHERE host_id = \(hostID) AND user_name = ANY(\(names))
                    RETURNING user_name
                    """, logger: logger)
            var changed: [String] = []
            for try await name in rows.decode(String.self) { changed.append(name) }
            changed.sort()
            let changes = changed.map {
                HostChange(
                    at: now, field: "user:\($0)", oldValue: bind ? nil : "bound", newValue: bind ? "bound" : nil,
                    actor: actor, comment: comment)
            }
            try await Self.record(changes, hostID: hostID, connection: connection, logger: logger)
            return changed
        }
    }

    static func record(_ changes: [HostChange], hostID: UUID, connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !changes.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO host_changes (host_id, at, field, old_value, new_value, actor, comment)
            SELECT \(hostID), a, f, nullif(o, ''), nullif(n, ''), \(changes[0].actor), \(changes[0].comment)
            FROM unnest(\(changes.map(\.at)), \(changes.map(\.field)), \(changes.map { $0.oldValue ?? "" }),
                        \(changes.map { $0.newValue ?? "" })) AS c(a, f, o, n)
            """, logger: logger)
    }

    /// One user bound to a host.
    public struct BoundUser: Sendable, Equatable {
        public var user: String
        public var boundAt: Date
        public var boundBy: String
        /// `enrolment`, `admin` or `migration`.
        public var source: String
    }

    /// The users bound to a host, by name.
    public func boundUsers(hostID: UUID) async throws -> [BoundUser] {
        let rows = try await client.query(
            "SELECT user_name, bound_at, bound_by, source FROM host_users WHERE host_id = \(hostID) ORDER BY user_name",
            logger: logger)
        var users: [BoundUser] = []
        for try await (user, at, by, source) in rows.decode((String, Date, String, String).self) {
            users.append(BoundUser(user: user, boundAt: at, boundBy: by, source: source))
        }
        return users
    }

    /// A host's latest `limit` changes, newest first.
    public func recentChanges(hostID: UUID, limit: Int) async throws -> [HostChange] {
        try await Self.changes(
            client.query(
                """
                SELECT at, field, old_value, new_value, actor, comment FROM host_changes
                WHERE host_id = \(hostID) ORDER BY at DESC, id DESC LIMIT \(limit)
                """, logger: logger))
    }

    /// The changes of rows of (at, field, old value, new value, actor, comment).
    static func changes(_ rows: PostgresRowSequence) async throws -> [HostChange] {
        var changes: [HostChange] = []
        for try await (at, field, old, new, actor, comment)
            in rows.decode((Date, String, String?, String?, String?, String?).self)
        {
            changes.append(
                HostChange(at: at, field: field, oldValue: old, newValue: new, actor: actor, comment: comment))
        }
        return changes
    }

    /// A host's changes, oldest first: what admins changed and what heartbeats reported.
    public func history(hostID: UUID, limit: Int = 500) async throws -> [HostChange] {
        try await Self.changes(
            client.query(
                """
                SELECT at, field, old_value, new_value, actor, comment FROM host_changes
                WHERE host_id = \(hostID) ORDER BY at, id LIMIT \(limit)
                """, logger: logger))
    }
}

/// Why a host could not be changed.
public enum HostAdministrationError: Error, Equatable, CustomStringConvertible {
    /// No live host has this id.
    case unknownHost(UUID)

    public var description: String {
        switch self {
        case .unknownHost(let id): "no live host \(id.uuidString.lowercased()) (see ringfence fleet --hosts)"
        }
    }
}
