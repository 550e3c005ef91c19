import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Reads and writes the directory mirror: users, groups, memberships, roles, effective
/// memberships, membership history and sync runs.
///
/// `apply` writes a run's changes **and** marks the run succeeded in one transaction: a
/// run that fails part-way leaves the previous state exactly as it was. Large sets go
/// through COPY.
public struct DirectoryStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.directory.store")) {
        self.client = client
        self.logger = logger
    }

    // MARK: - Sync runs

    /// A finished or running sync, as recorded.
    public struct Run: Sendable, Equatable {
        public var id: Int64
        public var status: SyncRunStatus
        public var mode: String
        public var highWatermark: String?
        public var error: String?
    }

    /// Counts stored with a run.
    public struct RunCounts: Sendable, Equatable {
        public var usersAdded = 0, usersUpdated = 0, usersRemoved = 0
        public var groupsAdded = 0, groupsUpdated = 0, groupsRemoved = 0
        public var membersAdded = 0, membersRemoved = 0
        public var rolesChanged = 0, entriesRejected = 0
        /// Member values that matched no synced user or group.
        public var membersUnresolved = 0
        /// Direct memberships found through each member attribute.
        public var membershipsByAttribute: [String: Int] = [:]
        public init() {}
    }

    /// Records the start of a run (committed at once, so even a crash leaves a trace).
    public func startRun(mode: String, source: String) async throws -> Int64 {
        let rows = try await client.query(
            "INSERT INTO sync_runs (mode, source) VALUES (\(mode), \(source)) RETURNING id", logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw PostgresStoreError("sync_runs insert returned no id")
    }

    /// Corrects a run's mode (an incremental run that had to read everything is full).
    public func setRunMode(id: Int64, mode: String) async throws {
        try await client.query("UPDATE sync_runs SET mode = \(mode) WHERE id = \(id)", logger: logger)
    }

    /// Marks a run failed, refused or dry-run, with counts and the reason.
    public func finishRun(id: Int64, status: SyncRunStatus, counts: RunCounts, error: String?, warnings: [String])
        async throws
    {
        try await client.withConnection { connection in
            try await Self.finish(
                connection, id: id, status: status, counts: counts, error: error, warnings: warnings,
                highWatermark: nil, logger: logger)
        }
    }

    /// The latest run with this status, if any.
    public func lastRun(status: SyncRunStatus = .succeeded) async throws -> Run? {
        try await firstRun(
            "SELECT id, status, mode, high_watermark, error FROM sync_runs WHERE status = \(status.rawValue) ORDER BY id DESC LIMIT 1"
        )
    }

    /// A run by id.
    public func run(id: Int64) async throws -> Run? {
        try await firstRun("SELECT id, status, mode, high_watermark, error FROM sync_runs WHERE id = \(id)")
    }

    private func firstRun(_ query: PostgresQuery) async throws -> Run? {
        let rows = try await client.query(query, logger: logger)
        for try await (id, status, mode, watermark, error) in rows.decode(
            (Int64, String, String, String?, String?).self)
        {
            guard let status = SyncRunStatus(rawValue: status) else {
                throw PostgresStoreError("sync_runs \(id) has the unknown status '\(status)'")
            }
            return Run(id: id, status: status, mode: mode, highWatermark: watermark, error: error)
        }
        return nil
    }

    // MARK: - State

    /// The live directory mirror as LDAP sync keeps it: the rows of origin `ldap` (a SCIM
    /// provider's rows are its own, `ScimStore`).
    public func loadState() async throws -> DirectoryState {
        try await client.withConnection { connection in
            var state = DirectoryState()
            // Row id → number in `state.userIDs` / `groupIDs`.
            var userNumber: [Int64: Int32] = [:]
            var groupNumber: [Int64: Int32] = [:]
            var rows = try await connection.query(
                """
                SELECT id, coalesce(external_id, lower(dn)), dn, username, email, display_name, disabled,
                       coalesce(dn_key, '')
                FROM directory_users WHERE deleted_at IS NULL AND origin = 'ldap' ORDER BY id
                """, logger: logger)
            for try await (id, external, dn, username, email, display, disabled, dnKey) in rows.decode(
                (Int64, String, String, String, String?, String?, Bool, String).self)
            {
                let row = UserRow(
                    externalID: external, dn: dn, username: username, email: email, displayName: display,
                    disabled: disabled, dnKey: dnKey == dn ? dn : dnKey)  // one string when equal
                userNumber[id] = state.append(user: row, id: id)
            }
            rows = try await connection.query(
                """
                SELECT id, coalesce(external_id, lower(dn)), dn, name, description, owners, coalesce(dn_key, '')
                FROM directory_groups WHERE deleted_at IS NULL AND origin = 'ldap' ORDER BY id
                """, logger: logger)
            for try await (id, external, dn, name, description, owners, dnKey) in rows.decode(
                (Int64, String, String, String, String?, [String], String).self)
            {
                let row = GroupRow(
                    externalID: external, dn: dn, name: name, description: description, owners: owners,
                    dnKey: dnKey == dn ? dn : dnKey)
                groupNumber[id] = state.append(group: row, id: id)
            }
            // One row per group with its members as arrays: a tenth of the rows to decode.
            rows = try await connection.query(
                """
                SELECT group_id,
                       coalesce(array_agg(member_user_id) FILTER (WHERE member_user_id IS NOT NULL), '{}'),
                       coalesce(array_agg(member_group_id) FILTER (WHERE member_group_id IS NOT NULL), '{}')
                FROM group_members GROUP BY group_id
                """, logger: logger)
            for try await (group, users, groups) in rows.decode((Int64, [Int64], [Int64]).self) {
                guard let parent = groupNumber[group] else { continue }
                for member in users {
                    if let child = userNumber[member] {
                        state.memberships.insert(Membership(group: parent, member: child, memberIsGroup: false))
                    }
                }
                for member in groups {
                    if let child = groupNumber[member] {
                        state.memberships.insert(Membership(group: parent, member: child, memberIsGroup: true))
                    }
                }
            }
            rows = try await connection.query("SELECT user_id, role, source FROM user_roles", logger: logger)
            for try await (user, role, source) in rows.decode((Int64, String, String).self) {
                guard let number = userNumber[user] else { continue }
                let userID = state.userIDs[number]
                state.roles.insert(RoleRow(userExternalID: userID, role: role, source: source))
            }
            return state
        }
    }

    // MARK: - Applying a run

    /// Writes the changes and marks the run succeeded, all in one transaction, step by
    /// step (`DirectoryRunWriter`): deletions first, then updates, inserts (learning the
    /// new rows' ids), memberships, history, roles and effective memberships. A full run
    /// saw every live user and group: their `last_seen_run` becomes this run.
    public func apply(
        _ changes: DirectoryChanges, state: DirectoryState, runID: Int64, counts: RunCounts,
        highWatermark: String?, warnings: [String], fullRun: Bool
    ) async throws {
        try await client.transaction(logger: logger) { connection in
            var writer = DirectoryRunWriter(
                connection: connection, run: runID, state: state, changes: changes, logger: logger)
            try await writer.markDeleted(users: changes.usersToDelete, groups: changes.groupsToDelete)
            try await writer.removeMemberships(changes.membershipsToRemove)
            try await writer.updateUsers(changes.usersToUpdate)
            try await writer.updateGroups(changes.groupsToUpdate)
            try await writer.insertUsers(changes.usersToInsert)
            try await writer.insertGroups(changes.groupsToInsert)
            try await writer.addMemberships(changes.membershipsToAdd)
            try await writer.recordHistory(changes.history)
            if let roles = changes.roles { try await writer.replaceRoles(roles) }
            if let effective = changes.effective { try await writer.replaceEffectiveMemberships(effective) }
            if fullRun { try await writer.markAllSeen() }
            try await Self.finish(
                connection, id: runID, status: .succeeded, counts: counts, error: nil, warnings: warnings,
                highWatermark: highWatermark, logger: logger)
        }
    }

    static func finish(
        _ connection: PostgresConnection, id: Int64, status: SyncRunStatus, counts: RunCounts, error: String?,
        warnings: [String], highWatermark: String?, logger: Logger
    ) async throws {
        let warningsJSON = String(decoding: try JSONEncoder().encode(warnings), as: UTF8.self)
        let byAttributeJSON = String(decoding: try JSONEncoder().encode(counts.membershipsByAttribute), as: UTF8.self)
        let rows = try await connection.query(
            """
            UPDATE sync_runs SET status = \(status.rawValue), finished_at = now(), error = \(error),
                users_added = \(counts.usersAdded), users_updated = \(counts.usersUpdated), users_removed = \(counts.usersRemoved),
                groups_added = \(counts.groupsAdded), groups_updated = \(counts.groupsUpdated), groups_removed = \(counts.groupsRemoved),
                members_added = \(counts.membersAdded), members_removed = \(counts.membersRemoved),
                roles_changed = \(counts.rolesChanged), entries_rejected = \(counts.entriesRejected),
                warnings = \(warningsJSON)::jsonb, high_watermark = \(highWatermark),
                members_unresolved = \(counts.membersUnresolved),
                memberships_by_attribute = \(byAttributeJSON)::jsonb
            WHERE id = \(id) AND status = 'running'
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return }
        // A later run took the run lock and marked this one abandoned (its lock's
        // connection was lost): throwing rolls back whatever this run was writing.
        throw PostgresStoreError(
            "sync run \(id) is no longer running (a later run marked it abandoned); nothing of it was written")
    }
}

/// A store operation that could not be completed.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension DirectoryStore {
    /// Group references of ring and role mappings that match no live group, by DN
    /// (compared as DNs) or by name.
    public func mappingsWithoutGroup() async throws -> [String] {
        let groups = try await client.query(
            "SELECT coalesce(dn_key, lower(dn)), lower(name) FROM directory_groups WHERE deleted_at IS NULL",
            logger: logger)
        var keys: Set<String> = []
        var names: Set<String> = []
        for try await (key, name) in groups.decode((String, String).self) {
            keys.insert(key)
            names.insert(name)
        }
        let rows = try await client.query(
            """
            SELECT 'ring mapping ' || group_ref, group_ref FROM ring_mappings
            UNION ALL
            SELECT 'role mapping ' || group_ref || ' → ' || role, group_ref FROM role_mappings
            ORDER BY 1
            """, logger: logger)
        var missing: [String] = []
        for try await (label, reference) in rows.decode((String, String).self) {
            if let key = DistinguishedName.key(groupReference: reference), keys.contains(key) { continue }
            if names.contains(reference.lowercased()) { continue }
            missing.append(label)
        }
        return missing
    }
}

extension DirectoryStore {
    /// Effective groups (nested included) and roles of one active user, by user name
    /// (case-insensitive); nil when the directory has no such active user.
    public func facts(user: String) async throws -> (groups: [String], roles: [String])? {
        let rows = try await client.query(
            """
            SELECT u.id,
                   coalesce((SELECT array_agg(g.name ORDER BY g.name) FROM effective_memberships e
                             JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL WHERE e.user_id = u.id), '{}'),
                   coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}')
            FROM directory_users u WHERE lower(u.username) = lower(\(user)) AND u.deleted_at IS NULL AND NOT u.disabled
            """, logger: logger)
        for try await (_, groups, roles) in rows.decode((Int64, [String], [String]).self) { return (groups, roles) }
        return nil
    }
}
